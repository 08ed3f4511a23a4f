"""The named conversions a field table may use. Each one is generic: what it applies to is
data in the table (source columns, argument), never code.

A transform is built once per table row (`make(row)`) and then called once per input row
with the row's source values and the run context; it returns the value, or None for
"no value" (the field is left out), and raises RowError for values it cannot accept.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Container
from datetime import timedelta
from typing import Any

from ..errors import InputError
from ..io import MAX_JSON_DEPTH, JsonTooDeep, loads
from .lookup import lookup_table
from .parsing import (
    NUMBER,
    RowError,
    argument_number,
    compile_pattern,
    finite,
    matched_part,
    number_or_int,
    parse_number,
    parse_timestamp,
    significant,
    to_second,
)
from .row import FieldRow

Values = list[str]  # the row's stripped source values, "" when empty or absent
Apply = Callable[[Values, "RunContext"], Any]

# our namespace for report ids made from a file's content and a row's place in it
REPORT_ID_NAMESPACE = uuid.UUID("6f1c3b8e-2d4a-5e7f-9a0b-1c2d3e4f5a6b")


class RunContext:
    """What transforms may know beyond the row: options, the file, the row's place."""

    def __init__(
        self,
        options: dict[str, str],
        file_hash: str = "",
        unique_run_ids: Container[str] = frozenset(),
    ) -> None:
        self.options = options
        self.file_hash = file_hash
        self.unique_run_ids = unique_run_ids
        self.line = 0


def _column(row: FieldRow, index: int = 0) -> str:
    return row.sources[index] if len(row.sources) > index else "?"


def make_constant(row: FieldRow) -> Apply:
    try:
        value = loads(row.argument)
    except JsonTooDeep:
        raise InputError(
            "Constant nested too deep",
            row.origin,
            f"more than {MAX_JSON_DEPTH} levels of objects and arrays",
            "Give a flatter constant.",
        ) from None
    except ValueError:
        value = row.argument
    return lambda values, run: value


def make_text(row: FieldRow) -> Apply:
    return lambda values, run: values[0] or None


def make_number(row: FieldRow) -> Apply:
    column = _column(row)

    def apply(values: Values, run: RunContext) -> float | int | None:
        value = parse_number(values[0], column)
        return None if value is None else number_or_int(value)

    return apply


def make_non_negative(what: str) -> Callable[[FieldRow], Apply]:
    def make(row: FieldRow) -> Apply:
        column = _column(row)

        def apply(values: Values, run: RunContext) -> float | None:
            value = parse_number(values[0], column)
            if value is not None and value < 0:
                raise RowError("negative", column, values[0], what=what, actual=repr(values[0]))
            return value

        return apply

    return make


def make_integer(row: FieldRow) -> Apply:
    column = _column(row)

    def apply(values: Values, run: RunContext) -> int | None:
        value = parse_number(values[0], column)
        if value is None:
            return None
        if not value.is_integer():
            raise RowError("not-whole", column, values[0], actual=repr(values[0]))
        return int(value)

    return apply


def make_count(row: FieldRow) -> Apply:
    """A whole number of 0 or more: how many CPUs, GPUs..."""
    integer, column = make_integer(row), _column(row)

    def apply(values: Values, run: RunContext) -> int | None:
        value: int | None = integer(values, run)
        if value is not None and value < 0:
            raise RowError("negative", column, values[0], what="a count", actual=repr(values[0]))
        return value

    return apply


def make_scale(row: FieldRow) -> Apply:
    factor, column = argument_number(row), _column(row)

    def apply(values: Values, run: RunContext) -> float | None:
        value = parse_number(values[0], column)
        if value is None:
            return None
        return significant(finite(value * factor, f"column {column} times {factor:g}", column))

    return apply


def make_round(row: FieldRow) -> Apply:
    """A number rounded to `argument` decimals; 0 decimals gives an integer."""
    digits, column = argument_number(row, 0), _column(row)
    if not digits.is_integer() or digits < 0:
        raise InputError(
            "Expected a number of decimals",
            row.origin,
            repr(row.argument),
            "Give round a whole number of 0 or more.",
        )
    digits = int(digits)

    def apply(values: Values, run: RunContext) -> float | int | None:
        value = parse_number(values[0], column)
        if value is None:
            return None
        return round(value) if digits == 0 else round(value, digits)

    return apply


def make_ratio(row: FieldRow) -> Apply:
    """The ratio of two quantities of 0 or more (emissions per energy), times the argument."""
    factor = argument_number(row, 1.0)
    top, bottom = _column(row, 0), _column(row, 1)

    def apply(values: Values, run: RunContext) -> float | None:
        numerator, denominator = parse_number(values[0], top), parse_number(values[1], bottom)
        if numerator is None or not denominator:
            return None
        for value, column in ((numerator, top), (denominator, bottom)):
            if value < 0:
                raise RowError(
                    "negative", column, f"{value:g}", what="a value", actual=f"{value:g}"
                )
        return significant(finite(numerator / denominator * factor, f"{top} / {bottom}", top))

    return apply


def make_datetime(row: FieldRow) -> Apply:
    column = _column(row)

    def apply(values: Values, run: RunContext) -> str | None:
        moment = parse_timestamp(values[0], column)
        return None if moment is None else to_second(moment, column)

    return apply


def make_start_time(row: FieldRow) -> Apply:
    """The start of a run from its end (`timestamp`) and its length in seconds."""
    end_column, length_column = _column(row, 0), _column(row, 1)

    def apply(values: Values, run: RunContext) -> str | None:
        end = parse_timestamp(values[0], end_column)
        seconds = parse_number(values[1], length_column)
        if end is None or seconds is None:
            return None
        try:
            start = end - timedelta(seconds=seconds)
        except OverflowError:
            raise RowError("start-before-year-1", end_column, length=length_column) from None
        return to_second(start, end_column)

    return apply


def make_report_id(row: FieldRow) -> Apply:
    def apply(values: Values, run: RunContext) -> str:
        if values[0] in run.unique_run_ids:
            return values[0].lower()
        return str(uuid.uuid5(REPORT_ID_NAMESPACE, f"{run.file_hash}:{run.line}"))

    return apply


def make_option(row: FieldRow) -> Apply:
    return lambda values, run: run.options.get(row.argument)


def make_extract(row: FieldRow) -> Apply:
    """The first group of a regular expression found in the value (its first MAX_MATCHED
    characters), as a number if it is one."""
    pattern = compile_pattern(row.argument, row.origin)

    def apply(values: Values, run: RunContext) -> Any:
        match = pattern.search(matched_part(values[0]))
        if match is None:
            return None
        found = match.group(1) if pattern.groups else match.group(0)
        if NUMBER.fullmatch(found) and math.isfinite(float(found)):
            return number_or_int(float(found))
        return found

    return apply


def make_lookup(row: FieldRow) -> Apply:
    find = lookup_table(row.argument, row.origin)
    return lambda values, run: find(values[0]) if values[0] else None


def make_assume(row: FieldRow) -> Apply:
    # applied by the engine only when nothing else, context included, gave the field a value
    return make_constant(row)


def make_require(row: FieldRow) -> Apply:
    return lambda values, run: True


TRANSFORMS: dict[str, Callable[[FieldRow], Apply]] = {
    "constant": make_constant,
    "text": make_text,
    "number": make_number,
    "energy": make_non_negative("an energy"),
    "duration": make_non_negative("a duration"),
    "integer": make_integer,
    "count": make_count,
    "scale": make_scale,
    "round": make_round,
    "ratio": make_ratio,
    "datetime": make_datetime,
    "start_time": make_start_time,
    "report_id": make_report_id,
    "option": make_option,
    "extract": make_extract,
    "lookup": make_lookup,
    "assume": make_assume,
    "require": make_require,
}
