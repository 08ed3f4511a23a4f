"""CodeCarbon rows in a Dask DataFrame to BoAmps reports, a partition at a time
(`pip install 'boamps-carbon[dask]'`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .frames import COLUMNS, FrameConverter
from .schema import DEFAULT_VERSION, SchemaVersion

if TYPE_CHECKING:
    import dask.dataframe as dd


def convert(
    ddf: dd.DataFrame,
    context: str | Path | dict[str, Any] | None = None,
    fieldmap: str | Path | None = None,
    *,
    measures: str = "total",
    schema_version: str | SchemaVersion = DEFAULT_VERSION,
) -> dd.DataFrame:
    """A Dask DataFrame of CodeCarbon rows -> a Dask DataFrame with, for each row and on
    its index, `report_id`, `report` (the BoAmps report as one line of JSON, null when
    rejected) and `problem` (null, or why the row was rejected), through
    `map_partitions`. The reports are the ones `boamps_carbon.convert` writes for the same
    rows; report ids follow the rule of `boamps_carbon.frames`, whatever the partitions.
    The context, the field table and the columns are checked here; the rows when the
    result is computed."""
    import pandas as pd

    converter = FrameConverter(context, fieldmap, measures=measures, schema_version=schema_version)
    converter.check(list(ddf.columns))
    meta = pd.DataFrame({name: pd.Series(dtype=object) for name in COLUMNS})
    results: dd.DataFrame = ddf.map_partitions(  # type: ignore[no-untyped-call]
        converter.results_frame, meta=meta
    )
    return results
