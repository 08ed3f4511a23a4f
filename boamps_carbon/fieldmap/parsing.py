"""Reading CSV text as numbers and dates, and the errors a row's values can raise.

Shared by the transforms and the `when` conditions of a field table."""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta
from typing import Any

from ..errors import InputError
from .row import FieldRow

BOAMPS_DATETIME = "%Y-%m-%d %H:%M:%S"


class RowError(ValueError):
    """An input value that the field table cannot turn into a BoAmps value: a problem of
    the catalogue (`code`), with the CSV column and the value it is about."""

    def __init__(self, code: str, column: str = "", value: str = "", **values: str) -> None:
        from ..validation.problems import CATALOGUE

        super().__init__(CATALOGUE[code].template.format(column=column, **values))
        self.code, self.column, self.value = code, column, value

    def __reduce__(self) -> tuple[Any, ...]:
        # rebuilt from its parts when it crosses from a worker process
        return _rebuilt, (self.code, self.column, self.value, str(self))


def _rebuilt(code: str, column: str, value: str, message: str) -> RowError:
    error = RowError.__new__(RowError)
    ValueError.__init__(error, message)
    error.code, error.column, error.value = code, column, value
    return error


# what a CSV number may look like: Python's float() also takes "1_0", "nan" and other scripts'
# digits, which no CodeCarbon file holds
# (written so that a failed match backtracks once over a run of digits: `\d+\.?\d*` tried
# every split of the run, quadratic on a cell of digits)
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


def parse_number(text: str, column: str) -> float | None:
    if text == "":
        return None
    try:
        value = float(text)
    except ValueError:
        value = None
    # float() also reads "1_0" and other scripts' digits: those are not CSV numbers
    if value is None or not text.isascii() or "_" in text:
        raise RowError("bad-number", column, text, actual=repr(text))
    if not math.isfinite(value):
        raise RowError("number-range", column, text, actual=repr(text))
    return value


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


def significant(value: float, digits: int = 12) -> float:
    """Drop the binary noise of a computed value (380.95000000000005 -> 380.95)."""
    return float(f"{value:.{digits}g}")


def number_or_int(value: float) -> float | int:
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def to_second(moment: datetime, column: str) -> str:
    """BoAmps datetimes are whole seconds: the nearest one."""
    try:
        return (moment + timedelta(microseconds=500_000)).strftime(BOAMPS_DATETIME)
    except OverflowError:
        raise RowError("date-range", column) from None


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
