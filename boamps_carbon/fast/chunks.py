"""A CSV body cut into pieces that begin and end on record boundaries, so that each piece
can be read on its own, by another process too.

A piece is cut after a line end outside quotes: the number of quote characters before the
cut is even (an escaped quote is two of them, and `"` is one byte in UTF-8 and cp1252).
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from operator import methodcaller

from ..sources.codecarbon_csv import CsvSource, Record, Scan, clean_name, rows_of
from .cells import FieldTable, SplitRows
from .source_bytes import Bytes, FileBytes, MemoryBytes

PIECE_BYTES = 2 << 20
# characters str.strip() removes that an ASCII CSV field may hold
_ASCII_SPACES = " \t\r\x0b\x0c\x1c\x1d\x1e\x1f"


@dataclass(frozen=True)
class Piece:
    start: int
    end: int


class Body:
    """The bytes of a CSV source after its header line, and how to read them."""

    def __init__(
        self, source: CsvSource, buffer: Bytes, header: list[str], start: int, bom: bool
    ) -> None:
        self.source, self.buffer, self.header = source, buffer, header
        self.width, self.start, self.bom = len(header), start, bom
        self.encoding, self.errors = "utf-8", "strict"

    @classmethod
    def open(cls, source: CsvSource) -> Body | None:
        """The body of a CSV whose first line is its header, in plain ASCII (after a byte
        order mark): the only case the pieces handle. None for any other."""
        buffer: Bytes
        if source.data is not None:
            buffer = MemoryBytes(source.data)
        else:
            assert source.path is not None
            buffer = FileBytes(source.path)
        newline = buffer.find_newline(0)
        if newline < 0:
            return None
        line = buffer.read(0, newline)
        bom = line.startswith(codecs.BOM_UTF8)
        line = line.removeprefix(codecs.BOM_UTF8).removesuffix(b"\r")
        if not line.isascii() or b'"' in line or b"\r" in line:
            return None
        header = [clean_name(name) for name in line.decode("ascii").split(",")]
        if not any(header):  # a blank line: the csv module would look further
            return None
        return cls(source, buffer, header, newline + 1, bom)

    def settle(self, utf8: bool) -> Scan:
        """The encoding, once every piece has been looked at, and the file's Scan."""
        self.encoding, self.errors = ("utf-8", "strict") if utf8 else ("cp1252", "replace")
        name = ("utf-8-sig" if self.bom else "utf-8") if utf8 else "cp1252"
        return Scan(name, "")

    def pieces(self, size: int | None = None) -> list[Piece]:
        size = size or PIECE_BYTES
        found, position, total = [], self.start, self.buffer.size
        while position < total:
            end = min(position + size, total)
            block = self.buffer.read(position, end)
            quotes, last = _quotes(block), block[-1:]
            # each step reads only the bytes it adds: a stray quote must not make this
            # quadratic in the file size
            while end < total and (last != b"\n" or quotes % 2):
                newline = self.buffer.find_newline(end)
                following = total if newline < 0 else newline + 1
                block = self.buffer.read(end, following)
                quotes, last, end = quotes + _quotes(block), block[-1:], following
            found.append(Piece(position, end))
            position = end
        return found

    def text(self, piece: Piece) -> str:
        return self.buffer.read(piece.start, piece.end).decode(self.encoding, self.errors)

    def plain_text(self, text: str) -> str | None:
        """The piece with LF line ends, when splitting its lines at commas reads them
        exactly as the csv module would: no quotes, no NUL, no lone carriage returns. (Blank
        lines and lines of another width are found by the readers below.)"""
        if '"' in text or "\x00" in text:
            return None
        if "\r" in text:
            if text.count("\r") != text.count("\r\n"):
                return None
            text = text.replace("\r\n", "\n")
        return text

    def fields(self, text: str) -> FieldTable | SplitRows | None:
        """The piece's fields, when every line has as many as the header."""
        plain = self.plain_text(text)
        if plain is None:
            return None
        table = FieldTable.of(plain, self.width)
        if table is not None or plain.isascii():
            return table
        lines = plain.split("\n")
        if lines[-1] == "":
            lines.pop()
        commas = self.width - 1
        if not all(map(commas.__eq__, map(methodcaller("count", ","), lines))):
            return None
        return SplitRows(lines)

    def records(self, text: str, first_row: int, first_line: int) -> Iterator[Record]:
        """A piece read by the csv module, as the whole file would have been."""
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        header = [""] * self.width
        for record in rows_of(reader, header, self.source.label, first_line):
            record.row += first_row
            yield record


def _quotes(block: bytes) -> int:
    # find() runs at memchr speed, count() five times slower: most files have no quote
    return block.count(b'"') if b'"' in block else 0


def needs_strip(values: list[str]) -> bool:
    """Whether some value has spaces around it (or may have: non-ASCII text)."""
    joined = "\n".join(values)
    if not joined.isascii() or joined.count("\n") != len(values) - 1:  # a quoted line end
        return True
    return any(space in joined for space in _ASCII_SPACES)
