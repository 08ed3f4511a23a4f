"""The rows a conversion could not convert, as a CSV a person opens in a spreadsheet:
`file,row,reason`, then the original columns (the union of every input's header).

Rows are written as they come, so that millions of them never fill the memory, in batches:
a batch that cannot be written (a full disk) is still in hand, and what went before it can
be read back, so that no rejected row is lost with the file. A regular file is written
beside its target and takes its name at the end; a device or a pipe (`/dev/stderr`) is
written to directly.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import stat
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Protocol

from .errors import InputError
from .io import exists_error, make_readable, publish, write_all
from .render.flat import FORMULA_STARTS, spreadsheet_safe

BATCH = 512  # rows held before they are written
# what csv.writer quotes (QUOTE_MINIMAL): the delimiter, the quote, a line end
QUOTED = (",", '"', "\r", "\n")
# a cell after the first starting as a formula would, in a column's cells joined by NUL (a
# false alarm when a value holds a NUL only costs a cell-by-cell pass)
_FORMULA_START = re.compile("\0[" + re.escape("".join(FORMULA_STARTS)) + "]")


class RejectedRow(Protocol):
    row: int
    values: list[str]
    reason: str


class RejectsNotWritten(InputError):
    """The rejects file cannot be written (a full disk...): `unwritten()` gives back every
    row it was given, as (file, row, reason), so that they can be shown elsewhere."""

    def __init__(self, what: str, where: str, value: object, hint: str) -> None:
        super().__init__(what, where, value, hint)
        self.rows: list[tuple[str, int, str]] = []

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        return type(self), (self.what, self.where, self.value, self.hint)


def is_stream(path: Path) -> bool:
    """A device or a pipe: written as it is, never replaced."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


class RejectsWriter:
    """Rejected rows to a CSV file; `commit()` gives it its name, `abort()` leaves nothing."""

    def __init__(
        self, path: str | Path, headers: Iterable[Sequence[str]], *, replace: bool = True
    ) -> None:
        # replace=False: a file made meanwhile by someone else is kept, and commit() fails
        self.path, self.replace = Path(path), replace
        self.columns: list[str] = []
        seen: set[str] = set()
        for header in headers:
            for column in header:
                if column not in seen:
                    seen.add(column)
                    self.columns.append(column)
        self._batch: list[list[str | int]] = []
        # each header seen -> where its columns go in a row of the file
        # (None: the header is the columns themselves, in their order)
        self._places: dict[tuple[str, ...], list[int] | None] = {}
        self._written = 0  # rows already in the file
        self._temp: Path | None = None
        try:
            if is_stream(self.path):
                self._fd = os.open(self.path, os.O_WRONLY)
            else:
                self._fd, temp = tempfile.mkstemp(
                    dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp"
                )
                self._temp = Path(temp)
        except OSError as exc:
            raise _failed(self.path, exc) from None
        self._batch.append(["file", "row", "reason", *self.columns])

    def add(self, label: str, header: Sequence[str], rejected: RejectedRow) -> None:
        key = tuple(header)
        if key not in self._places:
            # a header's column that appears twice: its last value, as a dict of the row has
            last = {name: i for i, name in enumerate(header)}
            found = [last.get(c, -1) for c in self.columns]
            self._places[key] = None if found == list(range(len(header))) else found
        places = self._places[key]
        values = rejected.values
        cells: list[str | int] = [label, rejected.row, rejected.reason]
        if places is None:  # the columns as they are; a short row's missing ones empty
            cells += values
            cells += [""] * (len(header) - len(values))
            self._batch.append(cells)
            if len(self._batch) >= BATCH:
                self._flush()
            return
        if len(values) >= len(header):
            cells += [values[i] if i >= 0 else "" for i in places]
        else:  # a short row: its columns as far as it goes
            by_name = dict(zip(header, values, strict=False))
            cells += [by_name.get(c, "") for c in self.columns]
        cells += values[len(header) :]
        self._batch.append(cells)
        if len(self._batch) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        try:
            write_all(self._fd, safe_csv_text(self._batch).encode("utf-8"))
        except OSError as exc:
            error = _failed(self.path, exc)
            error.rows = list(self._unwritten())
            self.abort()
            raise error from None
        self._written += len(self._batch)
        self._batch = []

    def _unwritten(self) -> Iterator[tuple[str, int, str]]:
        """Every row given so far: those in the file, read back, then those in hand."""
        rows: Iterable[Sequence[str | int]] = []
        if self._temp is not None and self._written:
            with open(self._temp, encoding="utf-8", newline="") as handle:
                rows = list(csv.reader(handle))
        for row in [*rows, *self._batch]:
            if row[:3] != ["file", "row", "reason"]:
                yield _unsafe(str(row[0])), int(row[1]), _unsafe(str(row[2]))

    def commit(self) -> None:
        self._flush()
        try:
            os.close(self._fd)
            self._fd = -1
            if self._temp is not None:
                make_readable(self._temp)
                publish(self._temp, self.path, replace=self.replace)
                self._temp = None
        except FileExistsError:
            self.abort()
            raise exists_error(self.path, "--rejects", "Rejects file exists") from None
        except OSError as exc:
            self.abort()
            raise _failed(self.path, exc) from None

    def abort(self) -> None:
        if self._fd >= 0:
            with contextlib.suppress(OSError):  # closing is all that is left to do
                os.close(self._fd)
            self._fd = -1
        if self._temp is not None:
            self._temp.unlink(missing_ok=True)
            self._temp = None


def safe_csv_text(rows: list[list[str | int]]) -> str:
    """The rows as `csv.writer(..., lineterminator="\\r\\n")` writes them, each text made
    `spreadsheet_safe` (a spreadsheet runs text starting with = + - @ as a formula: never
    ours to run). A column at a time: made safe, or quoted, cell by cell only where some
    cell of it needs it."""
    width = len(rows[0]) if rows else 0
    if width < 2 or any(len(row) != width for row in rows):
        text = io.StringIO()  # ragged rows, or a lone cell (quoted when empty): as it does
        csv.writer(text, lineterminator="\r\n").writerows(
            [cell if isinstance(cell, int) else spreadsheet_safe(cell) for cell in row]
            for row in rows
        )
        return text.getvalue()
    columns: list[Sequence[str]] = []
    for column in zip(*rows, strict=True):
        try:
            joined = "\0".join(column)
            texts: Sequence[str] = column
            if joined.startswith(FORMULA_STARTS) or _FORMULA_START.search(joined):
                texts = [spreadsheet_safe(cell) for cell in column]
                joined = "\0".join(texts)
        except TypeError:  # row numbers
            texts = [str(c) if isinstance(c, int) else spreadsheet_safe(c) for c in column]
            joined = "\0".join(texts)
        if any(c in joined for c in QUOTED):
            texts = [_quote(c) if any(q in c for q in QUOTED) else c for c in texts]
        columns.append(texts)
    return "\r\n".join(map(",".join, zip(*columns, strict=True))) + "\r\n"


def _quote(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"'


def _unsafe(cell: str) -> str:
    """A cell read back as it was given (file names and reasons only ever gain a quote)."""
    return cell[1:] if cell.startswith("'") else cell


def _failed(path: Path, exc: OSError) -> RejectsNotWritten:
    return RejectsNotWritten(
        "Cannot write",
        str(path),
        exc.strerror or str(exc),
        "Free some space, or write the rejects elsewhere.",
    )
