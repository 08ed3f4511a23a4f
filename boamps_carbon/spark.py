"""CodeCarbon rows in a PySpark DataFrame to BoAmps reports, on the cluster's executors
(`pip install 'boamps-carbon[spark]'`; PySpark 4 needs Java 17)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputError
from .frames import FrameConverter, unsupported
from .schema import DEFAULT_VERSION, SchemaVersion

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import DataFrame

# the output's schema, in Spark's DDL
SCHEMA = "report_id string, report string, problem string"


def convert(
    df: DataFrame,
    context: str | Path | dict[str, Any] | None = None,
    fieldmap: str | Path | None = None,
    *,
    measures: str = "total",
    schema_version: str | SchemaVersion = DEFAULT_VERSION,
) -> DataFrame:
    """A DataFrame of CodeCarbon rows -> a DataFrame with, for each row, `report_id`,
    `report` (the BoAmps report as one line of JSON, null when rejected) and `problem`
    (null, or why the row was rejected), through `mapInPandas`. The reports are the ones
    `boamps_carbon.convert` writes for the same rows; report ids follow the rule of
    `boamps_carbon.frames`, whatever the partitioning. The context, the field table and
    the columns are checked here, on the driver; the rows when the result is computed."""
    try:
        from pyspark.sql import types
    except ImportError:
        raise InputError(
            "boamps_carbon.spark needs PySpark",
            "boamps_carbon.spark",
            "pyspark is not installed",
            "Install it: pip install 'boamps-carbon[spark]'.",
        ) from None
    supported = (
        types.StringType,
        types.NumericType,
        types.BooleanType,
        types.TimestampType,
        types.TimestampNTZType,
        types.DateType,
        types.NullType,
    )
    for field in df.schema.fields:
        if not isinstance(field.dataType, supported):
            raise unsupported(field.name, field.dataType.simpleString())
    integers = [f.name for f in df.schema.fields if isinstance(f.dataType, types.IntegralType)]
    converter = FrameConverter(
        context,
        fieldmap,
        measures=measures,
        schema_version=schema_version,
        integer_columns=integers,
    )
    converter.check(df.columns)

    def convert_batches(frames: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for frame in frames:
            yield converter.results_frame(frame).reset_index(drop=True)

    return df.mapInPandas(convert_batches, schema=SCHEMA)
