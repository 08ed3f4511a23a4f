"""The named conversions a field table may use. Each one is generic: what it applies to is
data in the table (source columns, argument), never code.

Each kind is one `Transform`. Its row form is built once per table row (`row(table_row)`)
and then called once per input row with the row's source values and the run context; it
returns the value, or None for "no value" (the field is left out), and raises RowError for
values it cannot accept. The kinds whose values change from row to row (energies, times,
ids...) also have a column form, built the same way, that gives the values of a whole
piece of a file at once as JSON text: the same value as the row form for every row, except
the rows it marks odd, which are left to the row form. Both read cells with the readings of
`parsing`, each written once for a value and for a column.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Container
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import InputError
from ..io import MAX_JSON_DEPTH, JsonTooDeep, loads
from .lookup import lookup_table
from .parsing import (
    MICROS,
    Moments,
    Numbers,
    RowError,
    argument_number,
    compile_pattern,
    finite,
    float_texts,
    in_range,
    matched_part,
    number_or_int,
    parse_number,
    parse_timestamp,
    quoted,
    second_texts,
    significant,
    significant_texts,
    to_second,
    whole_number,
)
from .row import FieldRow

if TYPE_CHECKING:  # numpy is imported where a column is read: not on the CLI's start-up path
    import numpy as np

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


class Cells(Protocol):
    """A piece of a file as column forms read it, each column read once (fast.Columns)."""

    size: int
    first_row: int  # the rows before the piece

    def text(self, column: int) -> list[str]: ...
    def numbers(self, column: int) -> Numbers: ...
    def moments(self, column: int) -> Moments: ...


@dataclass
class SlotValues:
    """A column form's values: per row, its JSON text, whether there is a value (`present`)
    and whether the row is left to the row form (`odd`)."""

    texts: list[str]  # meaningless where absent or odd
    present: np.ndarray
    odd: np.ndarray
    numbers: np.ndarray | None = None  # number kinds: the values
    seconds: np.ndarray | None = None  # datetime kinds: whole seconds since 1970


# the source columns' positions (-1: the file lacks it) -> the values of a piece
Column = Callable[[Cells, tuple[int, ...], RunContext], SlotValues]


@dataclass(frozen=True)
class Transform:
    row: Callable[[FieldRow], Apply]
    column: Callable[[FieldRow], Column] | None = None
    gives: str = ""  # with a column form: its values in JSON, "number", "datetime" or "string"
    sourced: bool = True  # no value from empty sources: none when the file lacks them


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


def non_negative(what: str) -> Transform:
    def make(row: FieldRow) -> Apply:
        column = _column(row)

        def apply(values: Values, run: RunContext) -> float | None:
            value = parse_number(values[0], column)
            if value is not None and value < 0:
                raise RowError("negative", column, values[0], what=what, actual=repr(values[0]))
            return value

        return apply

    def column(cells: Cells, indexes: tuple[int, ...], run: RunContext) -> SlotValues:
        import numpy as np

        numbers = cells.numbers(indexes[0])
        present = ~numbers.empty & ~numbers.odd
        with np.errstate(invalid="ignore"):
            odd = numbers.odd | (present & (numbers.values < 0))
        return SlotValues(float_texts(numbers.values), present & ~odd, odd, numbers.values)

    return Transform(make, lambda row: column, "number")


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


def scale_column(row: FieldRow) -> Column:
    factor = argument_number(row)

    def column(cells: Cells, indexes: tuple[int, ...], run: RunContext) -> SlotValues:
        import numpy as np

        numbers = cells.numbers(indexes[0])
        with np.errstate(all="ignore"):
            scaled = numbers.values * factor
        present = ~numbers.empty & ~numbers.odd
        odd = numbers.odd | (present & ~np.isfinite(scaled))
        texts, values = significant_texts(np.where(present & ~odd, scaled, 0.0))
        return SlotValues(texts, present & ~odd, odd, values)

    return column


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


def ratio_column(row: FieldRow) -> Column:
    factor = argument_number(row, 1.0)

    def column(cells: Cells, indexes: tuple[int, ...], run: RunContext) -> SlotValues:
        import numpy as np

        top, bottom = cells.numbers(indexes[0]), cells.numbers(indexes[1])
        present = ~top.empty & ~bottom.empty & ~top.odd & ~bottom.odd & (bottom.values != 0)
        with np.errstate(all="ignore"):
            negative = present & ((top.values < 0) | (bottom.values < 0))
            ratio = top.values / bottom.values * factor
        odd = top.odd | bottom.odd | negative | (present & ~np.isfinite(ratio))
        texts, values = significant_texts(np.where(present & ~odd, ratio, 0.0))
        return SlotValues(texts, present & ~odd, odd, values)

    return column


def make_datetime(row: FieldRow) -> Apply:
    column = _column(row)

    def apply(values: Values, run: RunContext) -> str | None:
        moment = parse_timestamp(values[0], column)
        return None if moment is None else to_second(moment, column)

    return apply


def datetime_column(cells: Cells, indexes: tuple[int, ...], run: RunContext) -> SlotValues:
    import numpy as np

    moments = cells.moments(indexes[0])
    if moments.whole is not None:  # the usual case: already whole seconds, in range
        texts = quoted("\n".join(moments.whole).replace("T", " "))
        size = len(texts)
        seconds = moments.micros // MICROS
        return SlotValues(texts, np.ones(size, bool), np.zeros(size, bool), seconds=seconds)
    texts, seconds = second_texts(moments.micros)
    present = ~moments.empty & ~moments.odd
    odd = moments.odd | (present & ~in_range(seconds))
    return SlotValues(texts, present & ~odd, odd, seconds=seconds)


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


_LONGEST_RUN = 1e11  # seconds; longer runs are left to the row form


def start_time_column(cells: Cells, indexes: tuple[int, ...], run: RunContext) -> SlotValues:
    import numpy as np

    end, length = cells.moments(indexes[0]), cells.numbers(indexes[1])
    present = ~end.empty & ~length.empty & ~end.odd & ~length.odd
    seconds = np.where(present, length.values, 0.0)
    # timedelta(seconds=s): whole seconds, then the fraction rounded half to even in µs
    whole = np.trunc(seconds)
    usable = present & (seconds >= 0) & (seconds < _LONGEST_RUN)
    whole = np.where(usable, whole, 0.0)
    micros = whole.astype(np.int64) * MICROS + np.rint(
        (np.where(usable, seconds, 0.0) - whole) * MICROS
    ).astype(np.int64)
    texts, start = second_texts(end.micros - micros)
    odd = end.odd | length.odd | (present & ~usable) | (present & ~in_range(start))
    return SlotValues(texts, present & ~odd, odd, seconds=start)


def row_id(file_hash: str, row: int) -> str:
    """The report id of a row whose run_id cannot be one: from the file and the row."""
    return str(uuid.uuid5(REPORT_ID_NAMESPACE, f"{file_hash}:{row}"))


def make_report_id(row: FieldRow) -> Apply:
    def apply(values: Values, run: RunContext) -> str:
        if values[0] in run.unique_run_ids:
            return values[0].lower()
        return row_id(run.file_hash, run.line)

    return apply


def report_id_column(cells: Cells, indexes: tuple[int, ...], run: RunContext) -> SlotValues:
    """The run_id when it is a UUID unique in the file, else `row_id`."""
    import numpy as np

    from ..sources.run_ids import all_uuids, is_uuid, uuid_halves

    ids, size = cells.text(indexes[0]), cells.size
    unique: Any = run.unique_run_ids  # a sources.run_ids.UniqueRunIds
    if all_uuids(ids):
        kept = unique.unique(uuid_halves(ids)) if unique.any_repeated else np.ones(size, bool)
    else:
        kept = np.fromiter(map(is_uuid, ids), bool, size)
        kept[kept] = unique.unique(uuid_halves([i for i, k in zip(ids, kept, strict=True) if k]))
    if kept.all():
        texts = quoted("\n".join(ids).lower())
    else:
        first = cells.first_row + 1
        texts = [
            f'"{value.lower()}"' if ok else f'"{row_id(run.file_hash, first + i)}"'
            for i, (value, ok) in enumerate(zip(ids, kept.tolist(), strict=True))
        ]
    return SlotValues(texts, np.ones(size, bool), np.zeros(size, bool))


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
        value = whole_number(found)
        return found if value is None else number_or_int(value)

    return apply


def make_lookup(row: FieldRow) -> Apply:
    find = lookup_table(row.argument, row.origin)
    return lambda values, run: find(values[0]) if values[0] else None


def make_require(row: FieldRow) -> Apply:
    return lambda values, run: True


TRANSFORMS: dict[str, Transform] = {
    "constant": Transform(make_constant, sourced=False),
    "text": Transform(make_text),
    "number": Transform(make_number),
    "energy": non_negative("an energy"),
    "duration": non_negative("a duration"),
    "integer": Transform(make_integer),
    "count": Transform(make_count),
    "scale": Transform(make_scale, scale_column, "number"),
    "round": Transform(make_round),
    "ratio": Transform(make_ratio, ratio_column, "number"),
    "datetime": Transform(make_datetime, lambda row: datetime_column, "datetime"),
    "start_time": Transform(make_start_time, lambda row: start_time_column, "datetime"),
    "report_id": Transform(make_report_id, lambda row: report_id_column, "string", sourced=False),
    "option": Transform(make_option, sourced=False),
    "extract": Transform(make_extract),
    "lookup": Transform(make_lookup),
    # applied by the engine only when nothing else, context included, gave the field a value
    "assume": Transform(make_constant, sourced=False),
    "require": Transform(make_require, sourced=False),
}
