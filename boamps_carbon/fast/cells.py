"""A piece's fields read by pyarrow's CSV parser (C++), a column at a time, when the csv
module would read every line of the piece as one row, the same way.

That holds when each line is a row of the header's width, no line is blank, no quoted field
spans lines, and every quote stands where a quote means quoting: opening a field, doubled
inside it, or closing it before a comma or the line end. A quote elsewhere is text to the
csv module and quoting to pyarrow (`"ab"c` is an error to one and `abc` to the other), so
such a piece, like any other odd one, is left to the csv module: `read_fields` says None.
Single rows (a template's, an odd row's) are read by the csv module from their line.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterable
from typing import Any

import numpy as np

QUOTE, COMMA, NEWLINE, RETURN = (ord(c) for c in '",\n\r')


class PieceFields:
    """The rows of a piece: the columns asked for, as pyarrow read them; any row by its line."""

    def __init__(self, data: bytes, width: int, table: Any) -> None:
        self.data, self.width, self.table = data, width, table
        self.size: int = table.num_rows
        self._starts: np.ndarray | None = None

    def values(self, column: int) -> list[str]:
        self._read([column])
        found: list[str] = self.table.column(str(column)).to_pylist()
        return found

    def array(self, column: int) -> Any:
        """The column as pyarrow read it (a string array)."""
        self._read([column])
        return self.table.column(str(column))

    def _read(self, columns: Iterable[int]) -> None:
        """Columns no plan named, read now, in one pass over the piece."""
        missing = [c for c in columns if str(c) not in self.table.column_names]
        if missing:
            more = _parse(self.data, self.width, missing)
            for name in more.column_names:
                self.table = self.table.append_column(name, more.column(name))

    def row(self, index: int) -> list[str]:
        if self._starts is None:
            ends = np.flatnonzero(np.frombuffer(self.data, np.uint8) == NEWLINE) + 1
            self._starts = np.concatenate(([0], ends))
        start = int(self._starts[index])
        end = int(self._starts[index + 1]) if index + 1 < len(self._starts) else len(self.data)
        line = self.data[start:end].decode("utf-8")
        return next(csv.reader([line], strict=True))

    def rows_at(self, indexes: list[int]) -> list[list[str]]:
        """`row` of each index, their lines read by one csv reader."""
        if not indexes:
            return []
        self.row(indexes[0])  # the line starts
        starts, data, size = self._starts, self.data, len(self.data)
        assert starts is not None
        ends = [int(starts[i + 1]) if i + 1 < len(starts) else size for i in indexes]
        lines = [
            data[int(starts[i]) : end].decode("utf-8") for i, end in zip(indexes, ends, strict=True)
        ]
        return list(csv.reader(lines, strict=True))

    @property
    def rows(self) -> list[list[str]]:
        columns = range(self.width)
        self._read(columns)
        return [list(row) for row in zip(*map(self.values, columns), strict=True)]

    def varying(self, columns: tuple[int, ...]) -> list[int]:
        """The columns whose text is not the same on every row."""
        if not self.size:
            return []
        import pyarrow.compute as pc

        found = []
        self._read(columns)
        for column in columns:
            values = self.table.column(str(column))
            if not pc.all(pc.equal(values, values[0])).as_py():
                found.append(column)
        return found


def read_fields(data: bytes, width: int, columns: Iterable[int]) -> PieceFields | None:
    """The piece's fields (UTF-8 `data`), with `columns` read; None when the csv module
    might read it otherwise, or finds some row wrong: it reads such a piece itself."""
    if width < 2 or b"\x00" in data or data.startswith(codecs.BOM_UTF8):
        return None  # blank one-column rows; NUL; a BOM pyarrow would drop
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
        return None  # a lone CR ends a line to the csv module
    array = np.frombuffer(data, np.uint8)
    if b'"' in data and not _plain_quotes(array):
        return None
    import pyarrow as pa

    wanted = sorted({c for c in columns if 0 <= c < width}) or [0]
    try:
        table = _parse(data, width, wanted)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # a row of another width, bad UTF-8
        return None
    lines = np.count_nonzero(array == NEWLINE) + (not data.endswith(b"\n"))
    if table.num_rows != lines:  # blank lines, which pyarrow skips
        return None
    return PieceFields(data, width, table)


def _parse(data: bytes, width: int, columns: list[int]) -> Any:
    import pyarrow as pa
    from pyarrow import csv as pa_csv

    names = [str(i) for i in range(width)]
    read = pa_csv.ReadOptions(
        column_names=names, use_threads=False, block_size=max(1 << 20, len(data) + 1)
    )
    convert = pa_csv.ConvertOptions(
        column_types={str(c): pa.string() for c in columns},
        include_columns=[str(c) for c in columns],
    )
    return pa_csv.read_csv(pa.py_buffer(data), read_options=read, convert_options=convert)


def _plain_quotes(data: np.ndarray) -> bool:
    """Whether every quote is where quoting puts one, and none spans a line end. The
    quotes, counted from the start: an odd one opens a field (after a comma or a line end)
    or follows the even one before it (`""`, a quote inside the field); an even one closes
    the field (before a comma or a line end) or precedes that odd one. (An odd quote after
    a quote follows the even one before it: the quotes are in order.)"""
    quotes = np.flatnonzero(data == QUOTE)
    if len(quotes) % 2:
        return False
    opening, closing = quotes[0::2], quotes[1::2]
    before = data[opening - 1] if opening[0] else np.concatenate(([NEWLINE], data[opening[1:] - 1]))
    if not np.isin(before, (COMMA, NEWLINE, QUOTE)).all():
        return False
    last = closing[-1] == len(data) - 1
    after = data[closing[:-1] + 1] if last else data[closing + 1]
    if not np.isin(after, (COMMA, NEWLINE, RETURN, QUOTE)).all():
        return False
    newlines = np.flatnonzero(data == NEWLINE)
    return not (np.searchsorted(quotes, newlines) % 2).any()
