"""Typed values (Parquet columns, pandas, Spark and Dask rows) as the text CodeCarbon writes
in its CSV, so that the same measurement gives the same report whatever held it.

CodeCarbon writes its CSV with pandas' `to_csv`: a float is Python's `repr` of it (the
shortest text that reads back as the same float: `0.1`, `4.56e-07`, `5.0`, `1e+16`), a
missing value (None, NaN, NaT) is an empty field. The rule, in one place:

- text: as it is;
- integers: in decimal (`8`);
- floats: `repr` (`5.0`, `4.56e-07`); NaN is empty; infinities are `inf` / `-inf`; 32-bit
  floats the shortest text of their own precision (`0.1`, not `0.10000000149011612`);
- booleans: `True` / `False`;
- timestamps, dates and times: ISO 8601 with a `T` (`2024-05-29T16:02:32`, fractions of
  a second and a UTC offset when the value has them);
- decimals: their exact digits (`str`);
- None: empty.

Anything else (lists, maps, bytes...) is not a CodeCarbon value: `UnsupportedValue`.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import numbers
from collections.abc import Callable
from typing import Any


class UnsupportedValue(TypeError):
    """A value no CodeCarbon column holds."""


def float_text(value: float | None) -> str:
    if value is None or value != value:  # None or NaN
        return ""
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return repr(float(value))


def float32_text(value: float | None) -> str:
    """A 32-bit float: the shortest text that reads back as the same 32-bit float (its
    64-bit repr would show digits nobody wrote: 0.1 is 0.10000000149011612)."""
    if value is None or value != value or math.isinf(value):
        return float_text(value)
    import numpy as np

    return str(np.float32(value))


def int_text(value: int | None) -> str:
    return "" if value is None else str(int(value))


def bool_text(value: bool | None) -> str:
    return "" if value is None else ("True" if value else "False")


def str_text(value: str | None) -> str:
    return "" if value is None else value


def moment_text(value: Any) -> str:
    if value is None or value != value:  # None, NaT
        return ""
    return str(value.isoformat())


def decimal_text(value: decimal.Decimal | None) -> str:
    return "" if value is None else str(value)


def cell_text(value: Any) -> str:
    """One value of any supported type as CodeCarbon's CSV text."""
    if value is None or isinstance(value, str):
        return str_text(value)
    # bool before int: a bool is an int to Python; numpy's bool is neither
    if isinstance(value, bool) or type(value).__name__ in ("bool", "bool_"):
        return bool_text(bool(value))
    if isinstance(value, numbers.Integral):  # numpy's integers too
        return int_text(int(value))
    if type(value).__name__ in ("float32", "float16"):
        return float32_text(float(value))
    if isinstance(value, numbers.Real):  # numpy's floats too
        return float_text(float(value))
    if isinstance(value, (dt.datetime, dt.date, dt.time)) or hasattr(value, "isoformat"):
        return moment_text(value)
    if isinstance(value, decimal.Decimal):
        return decimal_text(value)
    if type(value).__name__ in ("NAType", "NaTType"):  # pandas' missing values
        return ""
    raise UnsupportedValue(type(value).__name__)


def text_or_cell(value: Any) -> str:
    return value if type(value) is str else cell_text(value)


def pandas_texts(dtype: Any) -> Callable[[Any], str]:
    """The rule's function for the values (`Series.tolist()`) of a pandas column of `dtype`:
    one chosen for the whole column where numpy's type says what every value is."""
    import numpy as np

    if not isinstance(dtype, np.dtype):  # extension types hold pd.NA: value by value
        return text_or_cell
    if dtype.kind == "f":
        return float_text if dtype.itemsize == 8 else float32_text
    if dtype.kind in "iu":
        return int_text
    if dtype.kind == "b":
        return bool_text
    if dtype.kind == "M":
        return moment_text
    return text_or_cell


def arrow_texts(kind: Any) -> Callable[[Any], str] | None:
    """The rule's function for a whole pyarrow column of type `kind` (None: unsupported)."""
    import pyarrow.types as t

    if t.is_string(kind) or t.is_large_string(kind) or t.is_null(kind):
        return str_text
    if t.is_boolean(kind):
        return bool_text
    if t.is_integer(kind):
        return int_text
    if t.is_float32(kind) or t.is_float16(kind):
        return float32_text
    if t.is_floating(kind):
        return float_text
    if t.is_temporal(kind) and not t.is_duration(kind) and not t.is_interval(kind):
        return moment_text
    if t.is_decimal(kind):
        return decimal_text
    if t.is_dictionary(kind):
        return arrow_texts(kind.value_type)
    return None
