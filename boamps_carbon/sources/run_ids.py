"""Which run_ids of a file can be report ids: UUIDs that appear exactly once.

Only UUIDs can be report ids, so only they are counted: as their 128-bit numbers (one UUID
written in two cases is one id), two 8-byte halves in numpy arrays sorted once. Millions of
rows fit in a few MB, and no hash can make two different ids look like one."""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np

_UUID = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE | re.ASCII
)
_HEX = np.full(256, 255, np.uint8)
for _value, _digit in enumerate("0123456789abcdef"):
    _HEX[ord(_digit)] = _HEX[ord(_digit.upper())] = _value
_DASHES = [8, 13, 18, 23]
_DIGITS = [i for i in range(36) if i not in _DASHES]
_WEIGHTS = np.array([1 << (4 * (15 - i)) for i in range(16)], np.uint64)

Halves = tuple[np.ndarray, np.ndarray]


def is_uuid(text: str) -> bool:
    """The canonical form, 8-4-4-4-12 hexadecimal digits, in either case."""
    return _UUID.fullmatch(text) is not None


def uuid_number(text: str) -> int:
    return int(text.replace("-", ""), 16)


def uuid_halves(ids: list[str]) -> Halves:
    """The 128-bit numbers of the UUIDs among `ids` (stripped), as high and low halves."""
    raw = _uuid_table(ids)
    if raw is not None:  # all UUIDs: read them all at once
        digits = _HEX[raw[:, _DIGITS]].astype(np.uint64)
        return digits[:, :16] @ _WEIGHTS, digits[:, 16:] @ _WEIGHTS
    numbers = [uuid_number(i) for i in ids if is_uuid(i)]
    high = np.array([n >> 64 for n in numbers], np.uint64)
    low = np.array([n & (2**64 - 1) for n in numbers], np.uint64)
    return high, low


def _uuid_table(ids: list[str]) -> np.ndarray | None:
    """The ids as rows of 37 bytes when every one is a UUID, else None."""
    joined = "\n".join(ids) + "\n"
    if not ids or len(joined) != 37 * len(ids) or not joined.isascii():
        return None
    raw = np.frombuffer(joined.encode("ascii"), np.uint8).reshape(len(ids), 37)
    shaped = (raw[:, _DASHES] == ord("-")).all() and (raw[:, 36] == ord("\n")).all()
    return raw if shaped and (_HEX[raw[:, _DIGITS]] != 255).all() else None


def all_uuids(ids: list[str]) -> bool:
    return _uuid_table(ids) is not None


class UniqueRunIds:
    def __init__(self, run_ids: Iterable[str] = ()) -> None:
        self._repeated = _repeated([uuid_halves(list(run_ids))])

    @classmethod
    def from_halves(cls, parts: list[Halves]) -> UniqueRunIds:
        found = cls()
        found._repeated = _repeated(parts)
        return found

    @property
    def any_repeated(self) -> bool:
        return bool(self._repeated)

    def __contains__(self, run_id: object) -> bool:
        return (
            isinstance(run_id, str)
            and is_uuid(run_id)
            and uuid_number(run_id) not in self._repeated
        )


def _repeated(parts: list[Halves]) -> set[int]:
    high = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, np.uint64)
    low = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, np.uint64)
    order = np.lexsort((low, high))
    high, low = high[order], low[order]
    same = (high[1:] == high[:-1]) & (low[1:] == low[:-1])
    return {(int(h) << 64) | int(lo) for h, lo in zip(high[1:][same], low[1:][same], strict=True)}
