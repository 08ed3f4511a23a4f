"""A piece's varying columns read a whole column at a time, and each slot's value for every
row as JSON text, with the same results as the row-by-row transforms (`fieldmap`).

Each result says, per row, whether the value is there (`present`) and whether the row needs
the row-by-row path (`odd`): a value the transform would refuse, or one whose result this
module does not reproduce (zones in timestamps, years before 1000...). Odd rows are never
guessed at: the ordinary path converts or rejects them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..fieldmap.transforms import REPORT_ID_NAMESPACE
from ..sources.run_ids import UniqueRunIds, all_uuids, is_uuid, uuid_halves
from .cells import PieceFields, SplitRows
from .chunks import needs_strip
from .moments import MICROS, Moments, in_range, quoted, read_moments, second_texts
from .numbers import Numbers, float_texts, read_numbers, significant_texts
from .plan import Atom, Slot

_LONGEST_RUN = 1e11  # seconds; longer durations go the ordinary way


@dataclass
class SlotValues:
    texts: list[str]  # JSON text of the value, meaningless where absent or odd
    present: np.ndarray
    odd: np.ndarray
    numbers: np.ndarray | None = None  # numeric slots: the value
    seconds: np.ndarray | None = None  # date slots: whole seconds since 1970


class Columns:
    """The varying columns of one piece, each read once whatever reads it."""

    def __init__(self, fields: PieceFields | SplitRows, first_row: int) -> None:
        self.fields, self.size, self.first_row = fields, fields.size, first_row
        self._texts: dict[int, list[str]] = {}
        self._numbers: dict[int, Numbers] = {}
        self._moments: dict[int, Moments] = {}

    def text(self, column: int) -> list[str]:
        """The column's values, stripped as the transforms see them."""
        if column < 0:
            return [""] * self.size
        if column not in self._texts:
            values = self.fields.values(column)
            self._texts[column] = [v.strip() for v in values] if needs_strip(values) else values
        return self._texts[column]

    def numbers(self, column: int) -> Numbers:
        if column not in self._numbers:
            self._numbers[column] = read_numbers(self.text(column))
        return self._numbers[column]

    def moments(self, column: int) -> Moments:
        if column not in self._moments:
            self._moments[column] = read_moments(self.text(column))
        return self._moments[column]

    def atom(self, atom: Atom, run: Any) -> tuple[np.ndarray, np.ndarray]:
        """Truth of a condition term for every row, and the rows where it cannot be told."""
        if atom.op is None:
            return self._lengths(atom.column) > 0, np.zeros(self.size, bool)
        if atom.op in (">", "<"):
            numbers = self.numbers(atom.column)
            limit = float(atom.value)
            with np.errstate(invalid="ignore"):
                truth = numbers.values > limit if atom.op == ">" else numbers.values < limit
            return truth & ~numbers.empty & ~numbers.odd, numbers.odd
        rows = self.fields.rows
        truth = np.fromiter((atom.test(row, run) for row in rows), bool, self.size)
        return truth, np.zeros(self.size, bool)

    def _lengths(self, column: int) -> np.ndarray:
        return np.fromiter(map(len, self.text(column)), np.int64, self.size)

    def slot(self, slot: Slot, run: Any) -> SlotValues:
        return _SLOTS[slot.kind](self, slot, run)


def _non_negative(columns: Columns, slot: Slot, run: Any) -> SlotValues:
    numbers = columns.numbers(slot.columns[0])
    present = ~numbers.empty & ~numbers.odd
    with np.errstate(invalid="ignore"):
        odd = numbers.odd | (present & (numbers.values < 0))
    return SlotValues(float_texts(numbers.values), present & ~odd, odd, numbers.values)


def _scale(columns: Columns, slot: Slot, run: Any) -> SlotValues:
    numbers = columns.numbers(slot.columns[0])
    with np.errstate(all="ignore"):
        scaled = numbers.values * slot.factor
    present = ~numbers.empty & ~numbers.odd
    odd = numbers.odd | (present & ~np.isfinite(scaled))
    texts, values = significant_texts(np.where(present & ~odd, scaled, 0.0))
    return SlotValues(texts, present & ~odd, odd, values)


def _ratio(columns: Columns, slot: Slot, run: Any) -> SlotValues:
    top, bottom = columns.numbers(slot.columns[0]), columns.numbers(slot.columns[1])
    present = ~top.empty & ~bottom.empty & ~top.odd & ~bottom.odd & (bottom.values != 0)
    with np.errstate(all="ignore"):
        negative = present & ((top.values < 0) | (bottom.values < 0))
        ratio = top.values / bottom.values * slot.factor
    odd = top.odd | bottom.odd | negative | (present & ~np.isfinite(ratio))
    texts, values = significant_texts(np.where(present & ~odd, ratio, 0.0))
    return SlotValues(texts, present & ~odd, odd, values)


def _datetime(columns: Columns, slot: Slot, run: Any) -> SlotValues:
    moments = columns.moments(slot.columns[0])
    if moments.whole is not None:  # the usual case: already whole seconds, in range
        joined = "\n".join(moments.whole).replace("T", " ")
        texts = quoted(joined)
        seconds = moments.micros // MICROS
        return SlotValues(
            texts, np.ones(len(texts), bool), np.zeros(len(texts), bool), seconds=seconds
        )
    texts, seconds = second_texts(moments.micros)
    present = ~moments.empty & ~moments.odd
    odd = moments.odd | (present & ~in_range(seconds))
    return SlotValues(texts, present & ~odd, odd, seconds=seconds)


def _start_time(columns: Columns, slot: Slot, run: Any) -> SlotValues:
    end, length = columns.moments(slot.columns[0]), columns.numbers(slot.columns[1])
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


def _report_id(columns: Columns, slot: Slot, run: Any) -> SlotValues:
    """As `transforms.make_report_id`: the run_id when it is a UUID unique in the file,
    else a UUID5 of the file and the row."""
    ids = columns.text(slot.columns[0])
    unique: UniqueRunIds = run.unique_run_ids
    size = columns.size
    if all_uuids(ids):
        kept = unique.unique(uuid_halves(ids)) if unique.any_repeated else np.ones(size, bool)
    else:
        kept = np.fromiter(map(is_uuid, ids), bool, size)
        kept[kept] = unique.unique(uuid_halves([i for i, k in zip(ids, kept, strict=True) if k]))
    if kept.all():
        texts = quoted("\n".join(ids).lower())
    else:
        first = columns.first_row + 1
        texts = [
            f'"{value.lower()}"' if ok else f'"{_row_id(run.file_hash, first + i)}"'
            for i, (value, ok) in enumerate(zip(ids, kept.tolist(), strict=True))
        ]
    return SlotValues(texts, np.ones(size, bool), np.zeros(size, bool))


def _row_id(file_hash: str, row: int) -> uuid.UUID:
    return uuid.uuid5(REPORT_ID_NAMESPACE, f"{file_hash}:{row}")


_SLOTS = {
    "energy": _non_negative,
    "duration": _non_negative,
    "scale": _scale,
    "ratio": _ratio,
    "datetime": _datetime,
    "start_time": _start_time,
    "report_id": _report_id,
}
