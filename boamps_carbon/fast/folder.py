"""The pieces of a file converted to a folder of report files: each piece's reports made
by the columnar engine with the files' indentation (`PieceConverter.indent`), then written
by the worker that made them, straight into the run's staging folder, each under its name
when no file has it yet (`writers.write_report_file`). The run's writer then gives each
report its final name in row order (`ReportWriter.placed`): a name two reports want goes to
the first, whichever process wrote first."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from ..writers import file_name, write_report_file
from .piece import PieceConverter, PieceResult
from .pool import ordered_map

# every report of a piece ends as `report_json(report, 2) + "\n"` does: with the closing
# brace of its object alone on its line (an inner one is indented, a string holds no newline)
END = "\n}\n"

# a report's file name, and the name it was written under
Placed = tuple[str, str]


class FilePieces(PieceConverter):
    """A piece's reports as the files of a folder hold them."""

    indent = 2


def report_texts(result: PieceResult) -> list[str]:
    """The piece's reports, each as its file's text."""
    parts = result.data.decode("utf-8").split(END)
    if parts[-1] != "" or len(parts) - 1 != result.converted:
        raise AssertionError(f"{result.converted} reports, {len(parts) - 1} ends of a report")
    return [part + END for part in parts[:-1]]


class WrittenFiles:
    """A piece converted (in a worker), its reports written to `folder` as files."""

    def __init__(self, converter: FilePieces, folder: Path) -> None:
        self.converter, self.folder = converter, folder

    def __call__(self, index: int) -> tuple[PieceResult, list[Placed]]:
        result = self.converter(index)
        placed = []
        for text in report_texts(result):
            name = file_name(json.loads(text))
            placed.append((name, write_report_file(self.folder, name, text.encode("utf-8"))))
        result.data = b""
        return result, placed


def piece_files(
    converter: FilePieces, pieces: int, workers: int, folder: Path
) -> Iterator[tuple[PieceResult, list[Placed]]]:
    """Each piece's result, in order, with where its reports' files went."""
    yield from ordered_map(WrittenFiles(converter, folder), range(pieces), workers)
