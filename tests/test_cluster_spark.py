"""boamps_carbon.spark.convert on PySpark `local[2]`: the local path's reports for the same
rows, whatever the partitions and Arrow batches. One session for the module, small data."""

from __future__ import annotations

import os
import shutil
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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

from boamps_carbon import InputError

try:
    from pyspark import SparkContext
    from pyspark.sql import SparkSession

    import boamps_carbon.spark as boamps_spark
except ImportError:
    missing("spark", "pyspark is not installed (extra [spark])")

# files that take the paths apart: rejected rows and empty run_ids, no run_id column at all
# (cp1252, CR CR LF), repeated run_ids, columns in another order
FILES = [
    "example",
    "codecarbon-2.4.3rc1-macos-arm-empty-run_id.csv",
    "codecarbon-1.x-2021-cp1252-crcrlf.csv",
    "codecarbon-2.2.5-macos-hand-edited-crlf-empty-tail-fields.csv",
    "codecarbon-3.2.3-macos-m1-reordered-columns.csv",
]


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        missing(
            "spark",
            "no Java found (PySpark needs Java 17: set JAVA_HOME or put java on PATH)",
        )
    threads = set(threading.enumerate())
    # the executors' Python is this one, with this package and pyarrow
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("boamps_carbon tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        # tiny Arrow batches: several batches per partition, as on big data
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "3")
        .config("spark.driver.memory", "512m")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
    # the JVM and py4j's threads go too: a thread left in this process would stop the
    # fast path of `convert` from forking its workers in the tests that follow
    gateway = SparkContext._gateway
    if gateway is not None:
        gateway.shutdown()
        process = getattr(gateway, "proc", None)
        if process is not None:
            if process.stdin:
                process.stdin.close()  # the JVM ends when its standard input does
            process.wait(60)
        SparkContext._gateway = SparkContext._jvm = None
    for thread in set(threading.enumerate()) - threads:
        thread.join(30)  # py4j's finalizer looks for its stop sign once a second
    assert set(threading.enumerate()) <= threads


def collected(df: Any) -> list[tuple[Any, ...]]:
    return sorted(tuple(row) for row in df.collect())


@pytest.mark.parametrize("name", FILES)
def test_files_give_the_local_reports_in_any_partitions(
    spark: Any, name: str, tmp_path: Path
) -> None:
    parquet = to_parquet(csv_of(name), tmp_path / "e.parquet")
    expected = sorted(expected_results(csv_of(name), parquet, context_of(name)))
    df = spark.read.parquet(str(parquet))
    got = boamps_spark.convert(df.repartition(3), context_of(name))
    assert got.schema.simpleString() == "struct<report_id:string,report:string,problem:string>"
    assert collected(got) == expected
    if name == "example":
        assert collected(boamps_spark.convert(df.coalesce(1), context_of(name))) == expected


def test_integer_columns_stay_integers_when_values_are_missing(spark: Any, tmp_path: Path) -> None:
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    frame = pd.read_csv(EXAMPLE)
    frame.loc[0, "run_id"] = ""  # so the row's id comes from its values, gpu_count among them
    table = pa.Table.from_pandas(frame, preserve_index=False)
    column = table.schema.get_field_index("gpu_count")
    table = table.set_column(column, "gpu_count", pa.array([0, None, None], pa.int64()))
    pq.write_table(table, tmp_path / "e.parquet")
    parquet = tmp_path / "e.parquet"
    expected = sorted(expected_results(parquet, parquet, EXAMPLE_CONTEXT))
    got = boamps_spark.convert(spark.read.parquet(str(parquet)), EXAMPLE_CONTEXT)
    assert collected(got) == expected


def test_columns_are_checked_on_the_driver(spark: Any) -> None:
    df = spark.createDataFrame(
        [("2024-01-01T00:00:00", ["a"])], "timestamp string, tags array<string>"
    )
    with pytest.raises(InputError) as caught:
        boamps_spark.convert(df, EXAMPLE_CONTEXT)
    assert caught.value.message == (
        "Unsupported column type at column tags: array<string>. "
        "CodeCarbon's columns are text, numbers, booleans or timestamps."
    )
    with pytest.raises(InputError) as caught:
        boamps_spark.convert(spark.createDataFrame([(1.0,)], "a double"), EXAMPLE_CONTEXT)
    assert caught.value.message == (
        "Not a CodeCarbon emissions CSV at <rows>: no column timestamp, duration, "
        "energy_consumed. Pass an emissions.csv written by CodeCarbon."
    )
