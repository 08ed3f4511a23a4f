"""Reading CSV text as numbers and dates, and the errors a row's values can raise: each
reading written once, for one value (the transforms and the `when` conditions of a field
table) and for a whole column (`read_numbers`, `read_moments`: the columns the fast path
fills). A column reading gives every value the one-value reading gives, and marks *odd*
the values that reading refuses or that the column reading does not reproduce: those rows
are read one by one.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from .row import FieldRow

if TYPE_CHECKING:  # numpy is imported where a column is read: not on the CLI's start-up path
    import numpy as np

BOAMPS_DATETIME = "%Y-%m-%d %H:%M:%S"


class RowError(ValueError):
    """An input value that the field table cannot turn into a BoAmps value: a problem of
    the catalogue (`code`), with the CSV column and the value it is about."""

    def __init__(self, code: str, column: str = "", value: str = "", **values: str) -> None:
        from ..validation.problems import CATALOGUE

        super().__init__(CATALOGUE[code].template.format(column=column, **values))
        self.code, self.column, self.value = code, column, value
        self.field: Any = None  # the engine's field that raised it, when one did

    def __reduce__(self) -> tuple[Any, ...]:
        # rebuilt from its parts when it crosses from a worker process
        return _rebuilt, (self.code, self.column, self.value, str(self))


def _rebuilt(code: str, column: str, value: str, message: str) -> RowError:
    error = RowError.__new__(RowError)
    ValueError.__init__(error, message)
    error.code, error.column, error.value = code, column, value
    error.field = None
    return error


def _reading(text: str) -> float | None:
    """The float a CSV cell reads as, or None. float() also reads "1_0" and other scripts'
    digits: those are not CSV numbers. (A non-finite reading is no JSON number.)"""
    if not text.isascii() or "_" in text:
        return None
    try:
        return float(text)
    except ValueError:
        return None


def whole_number(text: str) -> float | None:
    """The finite number a text is, or None (spaces around it included: then no number)."""
    value = _reading(text) if text == text.strip() else None
    return value if value is not None and math.isfinite(value) else None


def parse_number(text: str, column: str) -> float | None:
    if text == "":
        return None
    value = _reading(text)
    if value is None:
        raise RowError("bad-number", column, text, actual=repr(text))
    if not math.isfinite(value):
        raise RowError("number-range", column, text, actual=repr(text))
    return value


@dataclass
class Numbers:
    """A column read by `parse_number`: odd where it raises."""

    values: np.ndarray  # NaN where empty or odd
    empty: np.ndarray
    odd: np.ndarray


def read_numbers(texts: list[str]) -> Numbers:
    """`_numbers`, reading each distinct text once when a column repeats itself (a
    utilisation in percent, a count...); float() is slow."""
    import numpy as np

    if len(set(texts[:64])) > 16:  # measured values: no two alike, no use counting them
        return _numbers(texts)
    distinct = dict.fromkeys(texts)
    if len(distinct) * 4 > len(texts):
        return _numbers(texts)
    found = _numbers(list(distinct))
    where = np.fromiter(
        map({t: i for i, t in enumerate(distinct)}.__getitem__, texts), np.int64, len(texts)
    )
    return Numbers(found.values[where], found.empty[where], found.odd[where])


def read_number_array(values: Any) -> Numbers | None:
    """`read_numbers` of a pyarrow string column (chunked), in C++; None when some text is
    one that pyarrow refuses (it then tells nothing: the texts are read one by one).
    pyarrow reads what it accepts as float() does, both rounding correctly: decimal and
    exponent numbers, inf and nan; it refuses every text float() refuses, and more (spaces
    around a number, `1_0`, other scripts' digits), which `_reading` refuses or reads after
    a strip."""
    import numpy as np
    import pyarrow as pa

    numbers, empty = [], []
    for chunk in values.chunks:
        if chunk.null_count:
            return None
        if not len(chunk):
            continue
        # empty cells found from the offsets and made nulls by a validity bitmap
        size, start = len(chunk), chunk.offset
        _, offsets_buffer, data = chunk.buffers()
        offsets = np.frombuffer(offsets_buffer, np.int32, size + 1, 4 * start)
        blank = offsets[1:] == offsets[:-1]
        if blank.any():
            bits = np.packbits(np.concatenate((np.ones(start, bool), ~blank)), bitorder="little")
            buffers = [pa.py_buffer(bits.tobytes()), offsets_buffer, data]
            chunk = pa.Array.from_buffers(pa.string(), size, buffers, offset=start)
        try:
            read = chunk.cast(pa.float64())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return None
        # its values buffer as is (to_numpy would import pandas for the nulls: 30 MB more)
        part = np.frombuffer(read.buffers()[1], np.float64, size, 8 * read.offset).copy()
        part[blank] = math.nan
        numbers.append(part)
        empty.append(blank)
    found = np.concatenate(numbers) if numbers else np.zeros(0)
    is_empty = np.concatenate(empty) if empty else np.zeros(0, bool)
    return Numbers(found, is_empty, ~is_empty & ~np.isfinite(found))


def _numbers(texts: list[str]) -> Numbers:
    import numpy as np

    size = len(texts)
    joined = "\n".join(texts)
    if joined.isascii() and "_" not in joined:  # `_reading` of every text at once
        try:
            values = np.array(list(map(float, texts)), dtype=np.float64)
        except ValueError:  # an empty value, or no number at all: text by text
            pass
        else:
            return Numbers(values, np.zeros(size, bool), ~np.isfinite(values))
    read = [_reading(text) for text in texts]
    values = np.array([math.nan if v is None else v for v in read], dtype=np.float64)
    empty = np.fromiter(map(len, texts), np.int64, size) == 0
    return Numbers(values, empty, ~empty & ~np.isfinite(values))


def finite(value: float, what: str, column: str = "") -> float:
    """A computed value, or a RowError when the arithmetic left the range JSON can hold."""
    if not math.isfinite(value):
        raise RowError("out-of-range", column, "", what=what)
    return value


def argument_number(row: FieldRow, default: float | None = None) -> float:
    """The row's argument as a number, or an error naming the field table's line."""
    if row.argument == "" and default is not None:
        return default
    try:
        return float(row.argument)
    except ValueError:
        raise InputError(
            "Expected a number as argument",
            row.origin,
            repr(row.argument),
            f"Give the {row.transform} transform a number.",
        ) from None


def parse_timestamp(text: str, column: str) -> datetime | None:
    if text == "":
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise RowError("bad-datetime", column, text, actual=repr(text)) from None
    return moment.replace(tzinfo=None)  # BoAmps datetimes carry no zone: keep the wall time


def significant(value: float) -> float:
    """Drop the binary noise of a computed value (380.95000000000005 -> 380.95)."""
    return float(f"{value:.12g}")


def float_texts(values: np.ndarray) -> list[str]:
    """Numbers as JSON text: json.dumps writes a float as its repr."""
    return list(map(float.__repr__, values.tolist()))


def significant_texts(values: np.ndarray) -> tuple[list[str], np.ndarray]:
    """`significant` of a column, as JSON text and as numbers; worked out once per distinct
    value (utilisations and intensities repeat)."""
    import numpy as np

    # by bit pattern: -0.0 and 0.0 are one value to np.unique, not to JSON
    distinct, where = np.unique(values.view(np.int64), return_inverse=True)
    kept = np.array(list(map(significant, distinct.view(np.float64).tolist())), np.float64)
    texts = float_texts(kept)
    return list(map(texts.__getitem__, where.tolist())), kept[where]


def number_or_int(value: float) -> float | int:
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def to_second(moment: datetime, column: str) -> str:
    """BoAmps datetimes are whole seconds: the nearest one."""
    try:
        return (moment + timedelta(microseconds=500_000)).strftime(BOAMPS_DATETIME)
    except OverflowError:
        raise RowError("date-range", column) from None


# the timestamps a column reading reproduces: no zone, years from 1000, at most 6 decimals;
# any other text is odd (parse_timestamp decides)
_MOMENT = (
    r"[1-9]\d{3}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])[T ]"
    r"(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,6})?"
)
_MOMENTS = re.compile(rf"(?:{_MOMENT})?(?:\n(?:{_MOMENT})?)*", re.ASCII)
_ONE_MOMENT = re.compile(_MOMENT, re.ASCII)
MICROS = 1_000_000
_WHOLE_SECOND = len("2026-11-22T06:52:20")
_EPOCH = datetime(1970, 1, 1)
# whole seconds since 1970 of 1000-01-01 and 10000-01-01: BoAmps text has 4-digit years
_FIRST_SECOND = (datetime(1000, 1, 1) - _EPOCH) // timedelta(seconds=1)
_END_SECOND = (datetime(9999, 12, 31, 23, 59, 59) - _EPOCH) // timedelta(seconds=1) + 1


@dataclass
class Moments:
    """A column read by `parse_timestamp`: odd where it raises or where the moment is not
    one this reading reproduces."""

    micros: np.ndarray  # since 1970, 0 where empty or odd
    empty: np.ndarray
    odd: np.ndarray
    whole: list[str] | None = None  # the texts, when each is YYYY-MM-DD?HH:MM:SS


def read_moments(texts: list[str]) -> Moments:
    import numpy as np

    size = len(texts)
    if _all_moments(texts):
        empty, odd = np.zeros(size, bool), np.zeros(size, bool)
        usable = texts
    else:
        empty = np.fromiter(map(len, texts), np.int64, size) == 0
        if _MOMENTS.fullmatch("\n".join(texts)):
            odd = np.zeros(size, bool)
        else:
            odd = np.fromiter((bool(t) and not _ONE_MOMENT.fullmatch(t) for t in texts), bool, size)
        usable = [
            t if ok else "2000-01-01T00:00:00"
            for t, ok in zip(texts, (~(empty | odd)).tolist(), strict=True)
        ]
    try:
        micros = np.array(usable, dtype="datetime64[us]").astype(np.int64)
    except ValueError:  # a day the month does not have: find it
        micros = np.zeros(size, np.int64)
        for index, text in enumerate(usable):
            try:
                micros[index] = np.datetime64(text, "us").astype(np.int64)
            except ValueError:
                odd[index] = True
    micros[empty | odd] = 0
    plain = usable is texts and len(texts[0]) == _WHOLE_SECOND and not odd.any()
    whole = texts if plain else None
    return Moments(micros, empty, odd, whole)


def _all_moments(texts: list[str]) -> bool:
    """Whether every value is a timestamp of one same width that _MOMENT matches (the usual
    case), checked on the bytes of all of them at once."""
    import numpy as np

    width = len(texts[0]) if texts else 0
    joined = "\n".join(texts) + "\n"
    shapes = _shapes()
    if width not in shapes or len(joined) != (width + 1) * len(texts) or not joined.isascii():
        return False
    raw = np.frombuffer(joined.encode("ascii"), np.uint8).reshape(len(texts), width + 1)
    digits = raw.astype(np.int16) - ord("0")
    shape = shapes[width]
    if not ((digits[:, shape.digits] >= 0) & (digits[:, shape.digits] <= 9)).all():
        return False
    fixed = (raw[:, shape.marks] == shape.expected).all() and (raw[:, width] == 10).all()
    if not fixed or not np.isin(raw[:, 10], (ord("T"), ord(" "))).all():
        return False

    def number(first: int, count: int) -> np.ndarray:
        return digits[:, first : first + count] @ (10 ** np.arange(count - 1, -1, -1))

    month, day = number(5, 2), number(8, 2)
    return bool(
        (digits[:, 0] >= 1).all()
        & ((month >= 1) & (month <= 12)).all()
        & ((day >= 1) & (day <= 31)).all()
        & (number(11, 2) <= 23).all()
        & (number(14, 2) <= 59).all()
        & (number(17, 2) <= 59).all()
    )


@dataclass(frozen=True)
class _Shape:
    digits: list[int]
    marks: list[int]
    expected: np.ndarray


@cache
def _shapes() -> dict[int, _Shape]:
    import numpy as np

    def shape(pattern: str) -> _Shape:
        marks = [i for i, c in enumerate(pattern) if c not in "dT"]
        return _Shape(
            [i for i, c in enumerate(pattern) if c == "d"],
            marks,
            np.array([ord(pattern[i]) for i in marks], np.uint8),
        )

    return {len(p): shape(p) for p in ("dddd-dd-ddTdd:dd:dd", "dddd-dd-ddTdd:dd:dd.dddddd")}


def second_texts(micros: np.ndarray) -> tuple[list[str], np.ndarray]:
    """`to_second` of a column of moments, as quoted JSON text, and its whole seconds."""
    import numpy as np

    seconds = (micros + MICROS // 2) // MICROS
    shown = np.clip(seconds, _FIRST_SECOND, _END_SECOND - 1).astype("datetime64[s]")
    joined = "\n".join(np.datetime_as_string(shown).tolist()).replace("T", " ")
    return quoted(joined), seconds


def quoted(joined: str) -> list[str]:
    """Lines (no quote or backslash in them) as JSON strings."""
    return ('"' + joined.replace("\n", '"\n"') + '"').split("\n")


def in_range(seconds: np.ndarray) -> np.ndarray:
    """Whether whole seconds have a 4-digit year, as BoAmps text needs."""
    return (seconds >= _FIRST_SECOND) & (seconds < _END_SECOND)


# a regular expression reads at most this many characters of a cell: a backtracking matcher
# can take quadratic time or worse on a long cell (a field table's expression is data, not
# reviewed code), and no hardware name or platform string comes near this length
MAX_MATCHED = 1000


def matched_part(value: str) -> str:
    """The part of a cell that regular expressions read."""
    return value[:MAX_MATCHED]


def compile_pattern(text: str, origin: str) -> re.Pattern[str]:
    try:
        return re.compile(text, re.IGNORECASE)
    except re.error as exc:
        raise InputError(
            "Bad regular expression",
            origin,
            repr(text),
            f"{str(exc).capitalize()}: fix the pattern.",
        ) from None
