"""A plain piece's fields found by position, read only where needed.

Splitting every line at its commas makes dozens of strings per row that are mostly never
read. Here the commas and line ends of the whole piece are found at once (numpy over its
bytes); a column becomes strings only when it is read, and a column that holds the same
text on every row is recognised by comparing bytes, without any string.
"""

from __future__ import annotations

from operator import itemgetter

import numpy as np

COMMA, NEWLINE = ord(","), ord("\n")
# stands, with its number, for a field that held a comma or a quote (chunks._unquoted)
MARK = "\x01"


def _unmarked(values: list[str], quoted: list[str]) -> list[str]:
    return [quoted[int(v[1:])] if v[:1] == MARK else v for v in values]


class SplitRows:
    """The piece as lists of fields: for text that is not ASCII."""

    def __init__(self, lines: list[str], quoted: list[str] | None = None) -> None:
        self.rows = [line.split(",") for line in lines]
        if quoted:
            self.rows = [_unmarked(row, quoted) for row in self.rows]
        self.size = len(self.rows)

    def values(self, column: int) -> list[str]:
        return list(map(itemgetter(column), self.rows))

    def row(self, index: int) -> list[str]:
        return self.rows[index]

    def varying(self, columns: tuple[int, ...]) -> list[int]:
        """The columns whose text is not the same on every row."""
        found = []
        for column in columns:
            values = self.values(column)
            if values.count(values[0]) != self.size:
                found.append(column)
        return found


class PieceFields:
    """The piece as the positions of its fields, for ASCII text."""

    def __init__(
        self, text: str, data: np.ndarray, ends: np.ndarray, quoted: list[str] | None = None
    ) -> None:
        self.text, self.bytes, self.ends = text, data, ends
        # fields with a comma or a quote, marked in the text; equal fields have equal marks,
        # so that comparing bytes still tells which columns vary
        self.quoted = quoted or []
        self.size = len(ends)
        self.starts = np.empty_like(ends)
        self.starts[:, 1:] = ends[:, :-1] + 1
        if self.size:
            self.starts[0, 0] = 0
            self.starts[1:, 0] = ends[:-1, -1] + 1

    @classmethod
    def of(cls, text: str, width: int, quoted: list[str] | None = None) -> PieceFields | None:
        """None unless the text is ASCII and every line has exactly `width` fields (so no
        line is blank either)."""
        if not text.isascii():
            return None
        text = text if text.endswith("\n") else text + "\n"
        data = np.frombuffer(text.encode("ascii"), np.uint8)
        newline = data == NEWLINE
        found = np.flatnonzero(newline | (data == COMMA))
        if len(found) % width:
            return None
        ends = found.reshape(-1, width)
        if not newline[ends[:, -1]].all() or newline[ends[:, :-1]].any():
            return None
        return cls(text, data, ends, quoted)

    def values(self, column: int) -> list[str]:
        found = self._values(column)
        if self.quoted and MARK in "".join(found):
            return _unmarked(found, self.quoted)
        return found

    def _values(self, column: int) -> list[str]:
        """The column's fields: their bytes gathered with their delimiters, each delimiter
        made a newline, then one split."""
        starts = self.starts[:, column]
        lengths = self.ends[:, column] - starts + 1
        if (lengths == lengths[0]).all():  # times, ids: one width, one simpler gather
            gathered = self.bytes[starts[:, None] + np.arange(lengths[0])]
            gathered[:, -1] = NEWLINE
            texts: list[str] = gathered.tobytes().decode("ascii").split("\n")[:-1]
            return texts
        stops = np.cumsum(lengths)
        where = np.arange(stops[-1]) + np.repeat(starts - (stops - lengths), lengths)
        gathered = self.bytes[where]
        gathered[stops - 1] = NEWLINE
        cells: list[str] = gathered.tobytes().decode("ascii").split("\n")[:-1]
        return cells

    def row(self, index: int) -> list[str]:
        line = self.text[self.starts[index, 0] : self.ends[index, -1]]
        if self.quoted and MARK in line:
            return _unmarked(line.split(","), self.quoted)
        return line.split(",")

    @property
    def rows(self) -> list[list[str]]:
        return [self.row(i) for i in range(self.size)]

    def varying(self, columns: tuple[int, ...]) -> list[int]:
        """The columns whose text is not the same on every row: lengths first, then the
        bytes of all the others in one gather."""
        if not columns or not self.size:
            return []
        starts = self.starts[:, columns]
        lengths = self.ends[:, columns] - starts
        same_length = (lengths == lengths[0]).all(axis=0)
        widths = lengths[0] * same_length
        offsets = np.repeat(np.cumsum(widths) - widths, widths)
        where = np.repeat(starts[:, same_length & (widths > 0)], widths[widths > 0], axis=1)
        where += np.arange(widths.sum()) - offsets
        picked = self.bytes[where]
        differs = (picked != picked[0]).any(axis=0)
        stops = np.cumsum(widths)
        changed = [
            bool(differs[stop - width : stop].any())
            for stop, width in zip(stops.tolist(), widths.tolist(), strict=True)
        ]
        return [
            c
            for c, same, moved in zip(columns, same_length.tolist(), changed, strict=True)
            if not same or moved
        ]
