"""A piece's varying columns read a whole column at a time, and each slot's value for every
row as JSON text, with the same results as the row-by-row transforms (`fieldmap`).

Each result says, per row, whether the value is there (`present`) and whether the row needs
the row-by-row path (`odd`): a value the transform would refuse, or one whose result this
module does not reproduce (zones in timestamps, years before 1000...). Odd rows are never
guessed at: the ordinary path converts or rejects them.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..fieldmap.parsing import NUMBER
from ..fieldmap.transforms import REPORT_ID_NAMESPACE
from ..sources.run_ids import UniqueRunIds, all_uuids, is_uuid, uuid_halves
from .cells import FieldTable, SplitRows
from .chunks import needs_strip
from .plan import Atom, Slot

_NOT_IN_NUMBERS = "_nNiI"
_MOMENT = (
    r"[1-9]\d{3}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])[T ]"
    r"(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,6})?"
)
_MOMENTS = re.compile(rf"(?:{_MOMENT})?(?:\n(?:{_MOMENT})?)*", re.ASCII)
_ONE_MOMENT = re.compile(_MOMENT, re.ASCII)
MICROS = 1_000_000
_WHOLE_SECOND = len("2026-11-22T06:52:20")
# whole seconds since 1970 of 1000-01-01 and 10000-01-01: BoAmps text has 4-digit years
_FIRST_SECOND = int(np.datetime64("1000-01-01T00:00:00", "s").astype(np.int64))
_END_SECOND = int(np.datetime64("9999-12-31T23:59:59", "s").astype(np.int64)) + 1
_LONGEST_RUN = 1e11  # seconds; longer durations go the ordinary way


@dataclass
class Numbers:
    values: np.ndarray  # NaN where empty or odd
    empty: np.ndarray
    odd: np.ndarray


@dataclass
class Moments:
    micros: np.ndarray  # since 1970, 0 where empty or odd
    empty: np.ndarray
    odd: np.ndarray
    whole: list[str] | None = None  # the texts, when each is YYYY-MM-DD?HH:MM:SS


@dataclass
class SlotValues:
    texts: list[str]  # JSON text of the value, meaningless where absent or odd
    present: np.ndarray
    odd: np.ndarray
    numbers: np.ndarray | None = None  # numeric slots: the value
    seconds: np.ndarray | None = None  # date slots: whole seconds since 1970


class Columns:
    """The varying columns of one piece, each read once whatever reads it."""

    def __init__(self, fields: FieldTable | SplitRows, first_row: int) -> None:
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
            self._numbers[column] = _numbers_once_each(self.text(column))
        return self._numbers[column]

    def moments(self, column: int) -> Moments:
        if column not in self._moments:
            self._moments[column] = _moments(self.text(column))
        return self._moments[column]

    def atom(self, atom: Atom, run: Any) -> tuple[np.ndarray, np.ndarray]:
        """Truth of a condition term for every row, and the rows where it cannot be told."""
        if atom.op is None:
            return self._empty_mask(atom.column) == 0, np.zeros(self.size, bool)
        if atom.op in (">", "<"):
            numbers = self.numbers(atom.column)
            limit = float(atom.value)
            with np.errstate(invalid="ignore"):
                truth = numbers.values > limit if atom.op == ">" else numbers.values < limit
            return truth & ~numbers.empty & ~numbers.odd, numbers.odd
        rows = self.fields.rows
        truth = np.fromiter((atom.test(row, run) for row in rows), bool, self.size)
        return truth, np.zeros(self.size, bool)

    def _empty_mask(self, column: int) -> np.ndarray:
        return np.fromiter(map(len, self.text(column)), np.int64, self.size)

    def slot(self, slot: Slot, run: Any) -> SlotValues:
        return _SLOTS[slot.kind](self, slot, run)


def _numbers_once_each(texts: list[str]) -> Numbers:
    """`_numbers`, reading each distinct text once when a column repeats itself (a
    utilisation in percent, a count...); float() is slow."""
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


def _numbers(texts: list[str]) -> Numbers:
    size = len(texts)
    values = _all_numbers(texts)
    if values is not None:
        empty = np.zeros(size, bool)
        return Numbers(values, empty, ~np.isfinite(values))
    empty = np.fromiter(map(len, texts), np.int64, size) == 0
    odd = np.fromiter((bool(t) and not NUMBER.fullmatch(t) for t in texts), bool, size)
    blank = (empty | odd).tolist()
    values = np.array(
        [float("nan") if b else float(t) for t, b in zip(texts, blank, strict=True)],
        dtype=np.float64,
    )
    odd |= ~empty & ~np.isfinite(values)
    return Numbers(values, empty, odd)


def _all_numbers(texts: list[str]) -> np.ndarray | None:
    """Every value read by float(), when each one is a CSV number; else None. For ASCII text
    without `_` and the letters of nan and inf(inity), float() reads exactly what NUMBER
    matches."""
    joined = "\n".join(texts)
    if not joined.isascii() or any(letter in joined for letter in _NOT_IN_NUMBERS):
        return None
    try:
        return np.array(list(map(float, texts)), dtype=np.float64)
    except ValueError:  # an empty value, or no number at all
        return None


def _moments(texts: list[str]) -> Moments:
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
    width = len(texts[0]) if texts else 0
    joined = "\n".join(texts) + "\n"
    if width not in _SHAPES or len(joined) != (width + 1) * len(texts) or not joined.isascii():
        return False
    raw = np.frombuffer(joined.encode("ascii"), np.uint8).reshape(len(texts), width + 1)
    digits = raw.astype(np.int16) - ord("0")
    shape = _SHAPES[width]
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


def _shape(pattern: str) -> _Shape:
    marks = [i for i, c in enumerate(pattern) if c not in "dT"]
    return _Shape(
        [i for i, c in enumerate(pattern) if c == "d"],
        marks,
        np.array([ord(pattern[i]) for i in marks], np.uint8),
    )


_SHAPES = {len(p): _shape(p) for p in ("dddd-dd-ddTdd:dd:dd", "dddd-dd-ddTdd:dd:dd.dddddd")}


def _float_texts(values: np.ndarray) -> list[str]:
    return list(map(float.__repr__, values.tolist()))


def _significant_texts(values: np.ndarray) -> tuple[list[str], np.ndarray]:
    """As `parsing.significant`: 12 significant digits, read back as a float; worked out
    once per distinct value (utilisations and intensities repeat)."""
    # by bit pattern: -0.0 and 0.0 are one value to np.unique, not to JSON
    distinct, where = np.unique(values.view(np.int64), return_inverse=True)
    originals = distinct.view(np.float64).tolist()
    kept = np.array([float(f"{v:.12g}") for v in originals], dtype=np.float64)
    texts = list(map(float.__repr__, kept.tolist()))
    return list(map(texts.__getitem__, where.tolist())), kept[where]


def _non_negative(columns: Columns, slot: Slot, run: Any) -> SlotValues:
    numbers = columns.numbers(slot.columns[0])
    present = ~numbers.empty & ~numbers.odd
    with np.errstate(invalid="ignore"):
        odd = numbers.odd | (present & (numbers.values < 0))
    return SlotValues(_float_texts(numbers.values), present & ~odd, odd, numbers.values)


def _scale(columns: Columns, slot: Slot, run: Any) -> SlotValues:
    numbers = columns.numbers(slot.columns[0])
    with np.errstate(all="ignore"):
        scaled = numbers.values * slot.factor
    present = ~numbers.empty & ~numbers.odd
    odd = numbers.odd | (present & ~np.isfinite(scaled))
    texts, values = _significant_texts(np.where(present & ~odd, scaled, 0.0))
    return SlotValues(texts, present & ~odd, odd, values)


def _ratio(columns: Columns, slot: Slot, run: Any) -> SlotValues:
    top, bottom = columns.numbers(slot.columns[0]), columns.numbers(slot.columns[1])
    present = ~top.empty & ~bottom.empty & ~top.odd & ~bottom.odd & (bottom.values != 0)
    with np.errstate(all="ignore"):
        negative = present & ((top.values < 0) | (bottom.values < 0))
        ratio = top.values / bottom.values * slot.factor
    odd = top.odd | bottom.odd | negative | (present & ~np.isfinite(ratio))
    texts, values = _significant_texts(np.where(present & ~odd, ratio, 0.0))
    return SlotValues(texts, present & ~odd, odd, values)


def _second_texts(micros: np.ndarray) -> tuple[list[str], np.ndarray]:
    """As `parsing.to_second`: the nearest whole second, as quoted BoAmps text."""
    seconds = (micros + MICROS // 2) // MICROS
    shown = np.clip(seconds, _FIRST_SECOND, _END_SECOND - 1).astype("datetime64[s]")
    joined = "\n".join(np.datetime_as_string(shown).tolist()).replace("T", " ")
    return _quoted(joined), seconds


def _quoted(joined: str) -> list[str]:
    """Lines (no quote or backslash in them) as JSON strings."""
    return ('"' + joined.replace("\n", '"\n"') + '"').split("\n")


def _in_range(seconds: np.ndarray) -> np.ndarray:
    return (seconds >= _FIRST_SECOND) & (seconds < _END_SECOND)


def _datetime(columns: Columns, slot: Slot, run: Any) -> SlotValues:
    moments = columns.moments(slot.columns[0])
    if moments.whole is not None:  # the usual case: already whole seconds, in range
        joined = "\n".join(moments.whole).replace("T", " ")
        texts = _quoted(joined)
        seconds = moments.micros // MICROS
        return SlotValues(
            texts, np.ones(len(texts), bool), np.zeros(len(texts), bool), seconds=seconds
        )
    texts, seconds = _second_texts(moments.micros)
    present = ~moments.empty & ~moments.odd
    odd = moments.odd | (present & ~_in_range(seconds))
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
    texts, start = _second_texts(end.micros - micros)
    odd = end.odd | length.odd | (present & ~usable) | (present & ~_in_range(start))
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
        texts = _quoted("\n".join(ids).lower())
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

__all__ = ["Columns", "SlotValues", "is_uuid"]
