"""boamps_carbon.dask.convert on Dask's local schedulers: the local path's reports for the
same rows, on the input's index, whatever the partitions."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest
from cluster_cases import (
    EXAMPLE,
    EXAMPLE_CONTEXT,
    context_of,
    csv_of,
    expected_results,
    missing,
    to_parquet,
)
from test_convert import PUBLIC_CSVS

from boamps_carbon import InputError

try:
    import dask.dataframe as dd

    import boamps_carbon.dask as boamps_dask
except ImportError:
    missing("dask", "dask[dataframe] is not installed (extra [dask])")


@pytest.mark.parametrize("name", ["example", *sorted(PUBLIC_CSVS)])
def test_every_file_gives_the_local_reports_in_any_partitions(name: str, tmp_path: Path) -> None:
    parquet = to_parquet(csv_of(name), tmp_path / "e.parquet")
    expected = expected_results(csv_of(name), parquet, context_of(name))
    frame = pd.read_parquet(parquet)
    for partitions in (1, 3):
        ddf = dd.from_pandas(frame, npartitions=partitions)
        # Dask's threads in a pool of our own, that ends with the test: a thread left in
        # this process would stop the fast path of `convert` from forking its workers
        with ThreadPoolExecutor(2) as pool:
            got = boamps_dask.convert(ddf, context_of(name)).compute(scheduler="threads", pool=pool)
        assert list(got.columns) == ["report_id", "report", "problem"]
        assert list(got.index) == list(frame.index)
        assert list(got.itertuples(index=False, name=None)) == expected


def test_read_parquet_and_worker_processes(tmp_path: Path) -> None:
    """Straight from a Parquet file, in worker processes: the converter travels pickled."""
    parquet = to_parquet(EXAMPLE, tmp_path / "e.parquet")
    expected = expected_results(EXAMPLE, parquet, EXAMPLE_CONTEXT)
    ddf = dd.read_parquet(parquet)
    threads = set(threading.enumerate())
    got = boamps_dask.convert(ddf, EXAMPLE_CONTEXT).compute(scheduler="processes", num_workers=2)
    assert list(got.itertuples(index=False, name=None)) == expected
    assert set(threading.enumerate()) <= threads


def test_the_columns_are_checked_before_any_partition_is_read() -> None:
    ddf = dd.from_pandas(pd.DataFrame({"a": [1.0], "b": ["x"]}), npartitions=1)
    with pytest.raises(InputError) as caught:
        boamps_dask.convert(ddf, EXAMPLE_CONTEXT)
    assert caught.value.message == (
        "Not a CodeCarbon emissions CSV at <rows>: no column timestamp, duration, "
        "energy_consumed. Pass an emissions.csv written by CodeCarbon."
    )
