"""A CSV body cut into pieces that begin and end on record boundaries, so that each piece
can be read on its own, by another process too.

A piece is cut after a line end outside quotes: the number of quote characters before the
cut is even (an escaped quote is two of them, and `"` is one byte in UTF-8 and cp1252).
"""

from __future__ import annotations

import csv
import io
import mmap
from collections.abc import Iterator
from dataclasses import dataclass
from operator import methodcaller
from pathlib import Path
from typing import Any

from ..sources.codecarbon_csv import CsvSource, Record, rows_of

PIECE_BYTES = 2 << 20
# characters str.strip() removes that an ASCII CSV field may hold
_ASCII_SPACES = " \t\x0b\x0c\x1c\x1d\x1e\x1f"


@dataclass(frozen=True)
class Piece:
    start: int
    end: int


class Body:
    """The bytes of a CSV source after its header line, and how to read them."""

    def __init__(self, source: CsvSource, header: list[str]) -> None:
        self.source, self.width = source, len(header)
        self.buffer: Any = source.data
        if self.buffer is None:
            assert source.path is not None
            self.buffer = _map(source.path)
        self.encoding = "utf-8" if source.scan.encoding.startswith("utf-8") else "cp1252"
        self.errors = "strict" if self.encoding == "utf-8" else "replace"
        self.start = _header_end(self.buffer, source.scan.encoding, header)

    @property
    def usable(self) -> bool:
        """Whether the header is the plain first line: the only case the pieces handle."""
        return self.start >= 0

    def pieces(self, size: int | None = None) -> list[Piece]:
        size = size or PIECE_BYTES
        found, position, total = [], self.start, len(self.buffer)
        while position < total:
            end = min(position + size, total)
            quotes = self._quotes(position, end)
            # each step reads only the bytes it adds: a stray quote must not make this
            # quadratic in the file size
            while end < total and (self.buffer[end - 1 : end] != b"\n" or quotes % 2):
                newline = self.buffer.find(b"\n", end)
                following = total if newline < 0 else newline + 1
                quotes += self._quotes(end, following)
                end = following
            found.append(Piece(position, end))
            position = end
        return found

    def _quotes(self, start: int, end: int) -> int:
        return bytes(self.buffer[start:end]).count(b'"')

    def text(self, piece: Piece) -> str:
        return bytes(self.buffer[piece.start : piece.end]).decode(self.encoding, self.errors)

    def plain_lines(self, text: str) -> list[str] | None:
        """The lines of a piece, when splitting them at commas reads them exactly as the csv
        module would: no quotes, no lone carriage returns, no NUL, no blank lines, and
        every line as wide as the header. None otherwise."""
        if '"' in text or "\x00" in text:
            return None
        if "\r" in text:
            if text.count("\r") != text.count("\r\n"):
                return None
            text = text.replace("\r\n", "\n")
        lines = text.split("\n")
        if lines[-1] == "":
            lines.pop()
        commas = self.width - 1
        if not all(map(commas.__eq__, map(methodcaller("count", ","), lines))):
            return None
        return lines

    def plain_rows(self, text: str) -> list[list[str]] | None:
        lines = self.plain_lines(text)
        return None if lines is None else [line.split(",") for line in lines]

    def records(self, text: str, first_row: int, first_line: int) -> Iterator[Record]:
        """A piece read by the csv module, as the whole file would have been."""
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        header = [""] * self.width
        for record in rows_of(reader, header, self.source.label, first_line):
            record.row += first_row
            yield record


def needs_strip(values: list[str]) -> bool:
    """Whether some value has spaces around it (or may have: non-ASCII text)."""
    joined = "\n".join(values)
    return not joined.isascii() or any(space in joined for space in _ASCII_SPACES)


def _map(path: Path) -> Any:
    with open(path, "rb") as handle:
        try:
            return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except ValueError:  # an empty file cannot be mapped
            return b""


def _header_end(buffer: Any, encoding: str, header: list[str]) -> int:
    """Where the body starts when the header is the file's first line, unquoted; else -1."""
    newline = buffer.find(b"\n")
    if newline < 0:
        return -1
    line = bytes(buffer[:newline])
    if b'"' in line or b"\r" in line.rstrip(b"\r"):
        return -1
    try:
        text = line.decode(encoding).rstrip("\r")
    except UnicodeDecodeError:
        return -1
    names = [name.strip().lstrip("\ufeff") for name in text.split(",")]
    return newline + 1 if names == header else -1
