"""Rows of CSV cells kept on disk until their columns are all known.

A CSV's header is the union of its rows' columns, known only after the last row: rows go to a
temporary file as they come (one JSON line each), the columns are gathered as they appear, and
the CSV is written from the file afterwards. Memory holds the columns, never the rows, and the
reports are read once (standard input or a store cannot be read twice)."""

from __future__ import annotations

import csv
import json
import tempfile
from collections.abc import Callable, Iterator
from typing import IO, Any


class RowSpool:
    def __init__(self) -> None:
        # closed by close() or the `with` block the spool is used in
        self._file: IO[str] = tempfile.TemporaryFile(  # noqa: SIM115
            "w+", encoding="utf-8", newline="\n"
        )
        self.columns: dict[str, None] = {}  # in the order they first appear
        self.count = 0

    def add(self, row: dict[str, str]) -> None:
        for name in row:
            if name not in self.columns:
                self.columns[name] = None
        # one line per row: JSON escapes every newline inside a cell
        self._file.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
        self.count += 1

    def rows(self) -> Iterator[dict[str, str]]:
        self._file.seek(0)
        for line in self._file:
            yield json.loads(line)

    def write_csv(self, out: IO[str], order: Callable[[list[str]], list[str]]) -> None:
        """The CSV: a header of every column in `order`'s order, then the rows, CRLF."""
        # CRLF, as RFC 4180 says: the csv module then quotes a lone CR inside a cell too
        writer = csv.DictWriter(out, order(list(self.columns)), lineterminator="\r\n", restval="")
        writer.writeheader()
        writer.writerows(self.rows())

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> RowSpool:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
