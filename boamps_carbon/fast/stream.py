"""The pieces of a file converted in order. From worker processes, their JSON Lines go
straight to the output file, in turn: handing a gigabyte of text back through a pipe would
cost the parent more than the conversion saves. Without an output file (a library caller),
each piece comes back through a spill file, read at once."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from multiprocessing import reduction
from pathlib import Path
from typing import Any

from ..io import write_all
from ..outcomes import Output
from .piece import PieceConverter, PieceResult
from .pool import ordered_map, worker_context


def piece_outputs(
    converter: PieceConverter, pieces: int, workers: int, fd: int | None = None
) -> Iterator[tuple[PieceResult, Output]]:
    """Each piece's result, in order, with its output; `fd`: where workers may write."""
    if workers <= 1 or pieces <= 1:
        for result in ordered_map(converter, range(pieces), 1):
            yield result, Output(result.converted, result.data)
        return
    if fd is not None:
        yield from _written(converter, pieces, workers, fd)
        return
    folder = tempfile.mkdtemp(prefix="boamps-pieces-")
    try:
        for result in ordered_map(Spilled(converter, folder), range(pieces), workers):
            # read back at once: an Output kept past the next one must still hold its text
            assert result.spill is not None
            data = Path(result.spill).read_bytes()
            os.unlink(result.spill)
            yield result, Output(result.converted, data)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class Spilled:
    """A piece converted in a worker, its JSON Lines left in a file of `folder`."""

    def __init__(self, converter: PieceConverter, folder: str) -> None:
        self.converter, self.folder = converter, folder

    def __call__(self, index: int) -> PieceResult:
        result = self.converter(index)
        path = os.path.join(self.folder, f"{index}.jsonl")
        with open(path, "wb") as handle:
            handle.write(result.data)
        result.data, result.spill = b"", path
        return result


class Descriptor:
    """A file descriptor that a worker receives as its own copy (same open file, same
    offset) when it starts."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return _received, (reduction.DupFd(self.fd),)


def _received(duplicate: Any) -> Descriptor:
    return Descriptor(duplicate.detach())


class WrittenInTurn:
    """A piece converted in a worker and written to the output by it, once the piece
    before it is written (a shared counter)."""

    def __init__(self, converter: PieceConverter, fd: int) -> None:
        context = worker_context()
        self.converter, self.output = converter, Descriptor(fd)
        self.turn = context.Value("q", 0, lock=False)
        self.changed = context.Condition()

    def __call__(self, index: int) -> PieceResult:
        result = self.converter(index)
        data, result.data = result.data, b""
        with self.changed:
            self.changed.wait_for(lambda: self.turn.value == index)
        write_all(self.output.fd, data)
        with self.changed:
            self.turn.value = index + 1
            self.changed.notify_all()
        return result


def _written(
    converter: PieceConverter, pieces: int, workers: int, fd: int
) -> Iterator[tuple[PieceResult, Output]]:
    """Workers write their pieces to `fd` themselves, each waiting for the piece before it:
    the parent only keeps the accounts."""
    for result in ordered_map(WrittenInTurn(converter, fd), range(pieces), workers):
        yield result, Output(result.converted, written=True)
