"""Which run_ids of a file can be report ids: UUIDs that appear exactly once.

Only UUIDs can be report ids, so only they are counted: as their 128-bit numbers (one UUID
written in two cases is one id), two 8-byte halves in numpy arrays sorted once. Millions of
rows fit in a few MB, and no hash can make two different ids look like one."""

from __future__ import annotations

import os
import re
import tempfile
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
    low = np.array([n & MASK for n in numbers], np.uint64)
    return high, low


def uuid_halves_of_bytes(raw: np.ndarray) -> Halves | None:
    """`uuid_halves` of ids given as rows of 36 bytes (n x 36 uint8); None unless every
    row is a UUID."""
    if (raw[:, _DASHES] != ord("-")).any():
        return None
    digits = _HEX[raw[:, _DIGITS]]
    if (digits == 255).any():
        return None
    wide = digits.astype(np.uint64)
    return wide[:, :16] @ _WEIGHTS, wide[:, 16:] @ _WEIGHTS


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
    """The UUIDs seen more than once in a file; any other UUID of it is unique."""

    def __init__(self, run_ids: Iterable[str] = ()) -> None:
        finder = RepeatFinder()
        batch: list[str] = []
        for run_id in run_ids:
            batch.append(run_id)
            if len(batch) == BATCH:
                finder.add(uuid_halves(batch))
                batch = []
        finder.add(uuid_halves(batch))
        self._repeated = finder.repeated()

    @classmethod
    def from_finder(cls, finder: RepeatFinder) -> UniqueRunIds:
        found = cls()
        found._repeated = finder.repeated()
        return found

    @property
    def any_repeated(self) -> bool:
        return bool(len(self._repeated))

    def __contains__(self, run_id: object) -> bool:
        if not isinstance(run_id, str) or not is_uuid(run_id):
            return False
        number = uuid_number(run_id)
        halves = (np.array([number >> 64], np.uint64), np.array([number & MASK], np.uint64))
        return bool(self.unique(halves)[0])

    def unique(self, halves: Halves) -> np.ndarray:
        """For UUIDs given as halves: which of them are unique, all at once."""
        keys = _keys(halves)
        if not len(self._repeated):
            return np.ones(len(keys), bool)
        where = np.searchsorted(self._repeated, keys)
        found = self._repeated[np.minimum(where, len(self._repeated) - 1)]
        fresh: np.ndarray = (where == len(self._repeated)) | (found != keys)
        return fresh


BATCH = 100_000
MASK = 2**64 - 1


class RepeatFinder:
    """Finds the UUIDs given more than once with memory that does not grow with the file:
    past IN_MEMORY ids, they wait in PARTS temporary files by their last bits, and each
    part is sorted on its own at the end."""

    IN_MEMORY = 2_000_000
    PARTS = 16

    def __init__(self) -> None:
        self._held: list[np.ndarray] = []
        self._count = 0
        self._folder: tempfile.TemporaryDirectory[str] | None = None

    def add(self, halves: Halves) -> None:
        keys = _keys(halves)
        self._held.append(keys)
        self._count += len(keys)
        if self._count >= self.IN_MEMORY:
            self._spill()

    def repeated(self) -> np.ndarray:
        """The repeated ids, sorted, as 16 big-endian bytes each."""
        if self._folder is None:
            return _repeated_keys(self._held)
        self._spill()
        found = []
        for part in range(self.PARTS):
            keys = np.fromfile(self._part(part), dtype="S16")
            found.append(_repeated_keys([keys]))
        self._folder.cleanup()
        return np.sort(np.concatenate(found))

    def _spill(self) -> None:
        if self._folder is None:
            self._folder = tempfile.TemporaryDirectory(prefix="boamps-run-ids-")
        keys = np.concatenate(self._held) if self._held else np.zeros(0, "S16")
        self._held, self._count = [], 0
        last = keys.view(np.uint8).reshape(-1, 16)[:, 15] % self.PARTS
        for part in range(self.PARTS):
            with open(self._part(part), "ab") as handle:
                keys[last == part].tofile(handle)

    def _part(self, part: int) -> str:
        assert self._folder is not None
        return os.path.join(self._folder.name, f"{part}.bin")


def _keys(halves: Halves) -> np.ndarray:
    """128-bit numbers as 16 big-endian bytes: their byte order is their number order."""
    high, low = halves
    pairs = np.empty((len(high), 2), ">u8")
    pairs[:, 0], pairs[:, 1] = high, low
    return pairs.view("S16").reshape(-1)


def _repeated_keys(parts: list[np.ndarray]) -> np.ndarray:
    keys = np.sort(np.concatenate(parts)) if parts else np.zeros(0, "S16")
    return np.unique(keys[1:][keys[1:] == keys[:-1]])
