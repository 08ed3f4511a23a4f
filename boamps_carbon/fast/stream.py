"""The pieces of a file converted in order. From worker processes, their JSON Lines go
straight to the output file, in turn: handing a gigabyte of text back through a pipe would
cost the parent more than the conversion saves. Without an output file (a library caller),
each piece comes back through a spill file, read at once."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..io import write_all
from .piece import PieceConverter, PieceResult
from .pool import can_fork, ordered_map


@dataclass
class Output:
    """Some converted reports as JSON Lines (UTF-8), or only their count when a worker
    wrote them to the output already."""

    reports: int
    data: bytes = b""
    written: bool = False


def piece_outputs(
    converter: PieceConverter, pieces: int, workers: int, fd: int | None = None
) -> Iterator[tuple[PieceResult, Output]]:
    """Each piece's result, in order, with its output; `fd`: where workers may write."""
    if workers <= 1 or pieces <= 1 or not can_fork():
        for result in ordered_map(converter, range(pieces), 1):
            yield result, Output(result.converted, result.text.encode("utf-8"))
        return
    if fd is not None:
        yield from _written(converter, pieces, workers, fd)
        return
    folder = tempfile.mkdtemp(prefix="boamps-pieces-")
    try:

        def spilled(index: int) -> PieceResult:
            result = converter(index)
            path = os.path.join(folder, f"{index}.jsonl")
            with open(path, "wb") as handle:
                handle.write(result.text.encode("utf-8"))
            result.text, result.spill = "", path
            return result

        for result in ordered_map(spilled, range(pieces), workers):
            # read back at once: an Output kept past the next one must still hold its text
            assert result.spill is not None
            data = Path(result.spill).read_bytes()
            os.unlink(result.spill)
            yield result, Output(result.converted, data)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _written(
    converter: PieceConverter, pieces: int, workers: int, fd: int
) -> Iterator[tuple[PieceResult, Output]]:
    """Workers write their pieces to `fd` themselves, each waiting for the piece before it
    (a shared counter): the parent only keeps the accounts."""
    context = multiprocessing.get_context("fork")
    turn = context.Value("q", 0, lock=False)
    changed = context.Condition()

    def convert_and_write(index: int) -> PieceResult:
        result = converter(index)
        data, result.text = result.text.encode("utf-8"), ""
        with changed:
            changed.wait_for(lambda: turn.value == index)
        write_all(fd, data)
        with changed:
            turn.value = index + 1
            changed.notify_all()
        return result

    for result in ordered_map(convert_and_write, range(pieces), workers):
        yield result, Output(result.converted, written=True)
