"""The pieces of a file converted in order, their JSON Lines as bytes or, from worker
processes, in a spill file each: handing a gigabyte of text back through a pipe would cost
the parent more than the conversion saves."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .piece import PieceConverter, PieceResult
from .pool import ordered_map


@dataclass
class Output:
    """Some converted reports as JSON Lines, in memory or in a spill file."""

    reports: int
    data: bytes = b""
    spill: str | None = None

    def read(self) -> bytes:
        if self.spill is None:
            return self.data
        return Path(self.spill).read_bytes()


def piece_outputs(
    converter: PieceConverter, pieces: int, workers: int
) -> Iterator[tuple[PieceResult, Output]]:
    if workers <= 1 or pieces <= 1:
        for result in ordered_map(converter, range(pieces), 1):
            yield result, Output(result.converted, result.text.encode("utf-8"))
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
            yield result, Output(result.converted, spill=result.spill)
            if result.spill:
                os.unlink(result.spill)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
