"""A CSV body cut into pieces that begin and end on record boundaries, so that each piece
can be read on its own, by another process too.

A piece is cut after a line end outside quotes: the number of quote characters before the
cut is even (an escaped quote is two of them, and `"` is one byte in UTF-8 and cp1252).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from ..io import MAX_LINE_BYTES, line_too_long
from ..sources.codecarbon_csv import (
    CsvSource,
    Record,
    Scan,
    clean_name,
    rows_of,
    unreadable,
)
from ..sources.encodings import CODEC
from .cells import QUOTE, PieceFields, read_fields
from .source_bytes import Bytes, FileBytes, MemoryBytes

PIECE_BYTES = 2 << 20
STRETCH = 8  # a piece may grow to this many times its size to end outside quotes
READ_BLOCK = 1 << 20
HEADER_LINES = 1
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
        # not UTF-8: the one codec of sources.encodings, as the ordinary path reads it
        self.encoding, self.errors = ("utf-8", "strict") if utf8 else (CODEC, "strict")
        name = ("utf-8-sig" if self.bom else "utf-8") if utf8 else "cp1252"
        return Scan(name, "")

    def several_pieces(self) -> bool:
        return self.buffer.size - self.start > PIECE_BYTES

    def pieces(self, size: int | None = None) -> list[Piece]:
        size = size or PIECE_BYTES
        found: list[Piece] = []
        position, total = self.start, self.buffer.size
        while position < total:
            end = min(position + size, total)
            block = self.buffer.read(position, end)
            quotes, last = quote_count(block), block[-1:]
            # each step reads only the bytes it adds: a stray quote must not make this
            # quadratic in the file size
            while end < total and (last != b"\n" or quotes % 2):
                if end - position > STRETCH * size:  # a stray quote: counting misleads
                    return found + self._read_cuts(position, size)
                newline = self.buffer.find_newline(end)
                following = total if newline < 0 else newline + 1
                if following - end > MAX_LINE_BYTES:  # never a row: not read into memory
                    line = self._lines_before(end) + 1
                    raise line_too_long(self.source.label, line, "a CSV file", MAX_LINE_BYTES)
                block = self.buffer.read(end, following)
                quotes, last, end = quotes + quote_count(block), block[-1:], following
            found.append(Piece(position, end))
            position = end
        return found

    def newline_pieces(self, size: int | None = None) -> list[Piece]:
        """The pieces `pieces` cuts when no cut falls between quotes, found without reading
        the file: each ends at the first line end past its size. The quotes before each cut
        are counted by the workers (`prepass`); where a count is odd, `pieces` cuts again."""
        size = size or PIECE_BYTES
        found: list[Piece] = []
        position, total = self.start, self.buffer.size
        while position < total:
            end = min(position + size, total)
            if end < total and self.buffer.read(end - 1, end) != b"\n":
                newline = self.buffer.find_newline(end)
                following = total if newline < 0 else newline + 1
                if following - end > MAX_LINE_BYTES:  # as `pieces` finds it
                    line = self._lines_before(end) + 1
                    raise line_too_long(self.source.label, line, "a CSV file", MAX_LINE_BYTES)
                end = following
            found.append(Piece(position, end))
            position = end
        return found

    def _read_cuts(self, position: int, size: int) -> list[Piece]:
        """Cuts found by the csv module itself, from `position` on. A quote inside an
        unquoted field is text to it, so counting quotes cannot find cuts after one. Slow,
        but only for such files, and the memory stays that of one line."""
        lines = _Lines(self.buffer, position)
        reader = csv.reader(lines, strict=True)
        found: list[Piece] = []
        start = position
        try:
            for _ in reader:
                if lines.offset - start >= size:
                    found.append(Piece(start, lines.offset))
                    start = lines.offset
        except csv.Error as exc:
            before = self._lines_before(position)
            raise unreadable(self.source.label, before + reader.line_num, str(exc)) from None
        if start < self.buffer.size:
            found.append(Piece(start, self.buffer.size))
        return found

    def _lines_before(self, position: int) -> int:
        """The header's line and the body's lines before `position`."""
        lines, carry = HEADER_LINES, b""
        for start in range(self.start, position, READ_BLOCK):
            block = carry + self.buffer.read(start, min(start + READ_BLOCK, position))
            carry = b"\r" if block.endswith(b"\r") and start + READ_BLOCK < position else b""
            block = block[: len(block) - len(carry)]
            lines += line_ends(block)
        return lines + len(carry)

    def read(self, piece: Piece) -> bytes:
        return self.buffer.read(piece.start, piece.end)

    def fields(
        self, raw: bytes, columns: Iterable[int], utf8: bool | None = None
    ) -> PieceFields | None:
        """The piece's fields, `columns` read, when pyarrow reads them as the csv module
        would (cells); `utf8`: whether `raw` is UTF-8 (default: the file's encoding says)."""
        if utf8 is None:
            utf8 = self.encoding == "utf-8"
        data = raw if utf8 or raw.isascii() else raw.decode(CODEC).encode("utf-8")
        return read_fields(data, self.width, columns)

    def records(self, text: str, first_row: int, first_line: int) -> Iterator[Record]:
        """A piece read by the csv module, as the whole file would have been."""
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        header = [""] * self.width
        for record in rows_of(reader, header, self.source.label, first_line):
            record.row += first_row
            yield record


class _Lines:
    """A file's lines from a byte offset, as the csv module splits them (LF, CR or CR LF;
    read as latin-1: any byte is one character, and only ASCII ones matter here), counting
    the bytes handed out."""

    def __init__(self, buffer: Bytes, offset: int) -> None:
        self.buffer, self.offset, self._next = buffer, offset, offset
        self._pending = ""  # read, not yet split: the start of a line
        self._lines: list[str] = []  # split, in reverse order

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        if not self._lines:
            self._fill()
        line = self._lines.pop()
        self.offset += len(line)
        return line

    def _fill(self) -> None:
        while True:
            more = self._next < self.buffer.size
            pending = self._pending
            # a CR at the end may be the first half of CR LF: read on before splitting
            if more and (pending.endswith("\r") or ("\n" not in pending and "\r" not in pending)):
                end = min(self._next + READ_BLOCK, self.buffer.size)
                self._pending += self.buffer.read(self._next, end).decode("latin-1")
                self._next = end
                continue
            # whole lines only: findall on a long unfinished line would try it from each of
            # its characters, quadratic in its length
            end = max(pending.rfind("\n"), pending.rfind("\r")) + 1
            whole = _LINE.findall(pending, 0, end)
            rest = pending[end:]
            if rest and not more:  # the last line, without a line end
                whole.append(rest)
                rest = ""
            if not whole:
                raise StopIteration
            self._pending, self._lines = rest, whole[::-1]
            return


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r)")


def line_ends(text: str | bytes) -> int:
    """Line ends as the csv module counts them: LF, CR or CR LF."""
    if isinstance(text, bytes):
        return text.count(b"\n") + text.count(b"\r") - text.count(b"\r\n")
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def quote_count(block: bytes) -> int:
    # find() runs at memchr speed, count() five times slower than numpy: most files have no
    # quote
    if b'"' not in block:
        return 0
    return int(np.count_nonzero(np.frombuffer(block, np.uint8) == QUOTE))


def needs_strip(values: list[str]) -> bool:
    """Whether some value has spaces around it (or may have: non-ASCII text)."""
    joined = "\n".join(values)
    if not joined.isascii() or joined.count("\n") != len(values) - 1:  # a quoted line end
        return True
    return any(space in joined for space in _ASCII_SPACES)
