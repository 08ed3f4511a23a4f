"""Which run_ids of a file can be report ids: UUIDs that appear exactly once.

Millions of rows must fit in little memory, so the file's ids are kept as 8-byte digests in
one numpy array, sorted once; only the digests seen twice stay in a set."""

from __future__ import annotations

import hashlib
import re
from array import array
from collections.abc import Iterable

_UUID = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE | re.ASCII
)


def is_uuid(text: str) -> bool:
    """The canonical form, 8-4-4-4-12 hexadecimal digits, in either case."""
    return _UUID.fullmatch(text) is not None


def _digest(text: str) -> int:
    # a keyed-free, stable hash: Python's hash() changes between processes
    return int.from_bytes(
        hashlib.blake2b(text.encode(), digest_size=8).digest(), "little", signed=True
    )


class UniqueRunIds:
    def __init__(self, run_ids: Iterable[str]) -> None:
        import numpy

        # one UUID written in two cases is one id seen twice
        digests = numpy.frombuffer(
            array("q", (_digest(r.lower()) for r in run_ids if r)), dtype=numpy.int64
        ).copy()
        digests.sort()
        self._repeated = set(digests[1:][digests[1:] == digests[:-1]].tolist())

    def __contains__(self, run_id: object) -> bool:
        return (
            isinstance(run_id, str)
            and bool(run_id)
            and is_uuid(run_id)
            and _digest(run_id.lower()) not in self._repeated
        )
