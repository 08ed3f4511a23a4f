"""A column of CSV text read as numbers, as `parsing.parse_number` reads one value, and
numbers written back as JSON text, as `json.dumps` writes them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..fieldmap.parsing import NUMBER

# float() reads these too ("nan", "inf", "1_0"); NUMBER does not
_NOT_IN_NUMBERS = "_nNiI"


@dataclass
class Numbers:
    values: np.ndarray  # NaN where empty or odd
    empty: np.ndarray
    odd: np.ndarray


def read_numbers(texts: list[str]) -> Numbers:
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


def float_texts(values: np.ndarray) -> list[str]:
    return list(map(float.__repr__, values.tolist()))


def significant_texts(values: np.ndarray) -> tuple[list[str], np.ndarray]:
    """As `parsing.significant`: 12 significant digits, read back as a float; worked out
    once per distinct value (utilisations and intensities repeat)."""
    # by bit pattern: -0.0 and 0.0 are one value to np.unique, not to JSON
    distinct, where = np.unique(values.view(np.int64), return_inverse=True)
    originals = distinct.view(np.float64).tolist()
    kept = np.array([float(f"{v:.12g}") for v in originals], dtype=np.float64)
    texts = list(map(float.__repr__, kept.tolist()))
    return list(map(texts.__getitem__, where.tolist())), kept[where]
