"""A column of CSV timestamps read as `parsing.parse_timestamp` reads one, and moments
written back as BoAmps text (`parsing.to_second`), a whole column at a time."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

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


@dataclass
class Moments:
    micros: np.ndarray  # since 1970, 0 where empty or odd
    empty: np.ndarray
    odd: np.ndarray
    whole: list[str] | None = None  # the texts, when each is YYYY-MM-DD?HH:MM:SS


def read_moments(texts: list[str]) -> Moments:
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


def second_texts(micros: np.ndarray) -> tuple[list[str], np.ndarray]:
    """As `parsing.to_second`: the nearest whole second, as quoted BoAmps text."""
    seconds = (micros + MICROS // 2) // MICROS
    shown = np.clip(seconds, _FIRST_SECOND, _END_SECOND - 1).astype("datetime64[s]")
    joined = "\n".join(np.datetime_as_string(shown).tolist()).replace("T", " ")
    return quoted(joined), seconds


def quoted(joined: str) -> list[str]:
    """Lines (no quote or backslash in them) as JSON strings."""
    return ('"' + joined.replace("\n", '"\n"') + '"').split("\n")


def in_range(seconds: np.ndarray) -> np.ndarray:
    return (seconds >= _FIRST_SECOND) & (seconds < _END_SECOND)
