"""The conversion report: what `convert` made of every row, as problems of the catalogue
(`validation.problems`) with their file, row, line, CSV column, value, message and hint,
counted by code. `Conversion.report()` gives it for one file, as a dict; `ReportWriter`
streams it to a JSON file as the rows come, however many problems there are."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .io import cannot_write, make_readable, write_all
from .validation.problems import CATALOGUE, Problem

if TYPE_CHECKING:
    from .outcomes import Rejected


class Accounts(Protocol):
    """What a report says of a conversion (a `Conversion`)."""

    @property
    def path(self) -> str: ...

    converted: int
    rejected_count: int
    problem_counts: dict[str, int]


# what to do about each kind of rejected row
HINTS = {
    "bad-number": "Write a number with digits and a dot, or leave the cell empty.",
    "number-range": "Write a finite number, or leave the cell empty.",
    "out-of-range": "Check the values and their units.",
    "bad-datetime": "Write an ISO date and time (2024-01-31T10:00:00).",
    "date-range": "Check the date.",
    "negative": "Check the value: it cannot be below 0.",
    "not-whole": "Write a whole number.",
    "start-before-year-1": "Check the timestamp and the duration.",
    "row-width": "Rewrite the row with every column of the header, empty ones included.",
    "invalid-report": "Give the missing or wrong value in the CSV or the context.",
    "bad-value": "Check the value.",
}


def rejected_entry(file: str, rejected: Rejected) -> dict[str, Any]:
    return {
        "file": file,
        "code": rejected.code,
        "severity": CATALOGUE[rejected.code].severity,
        "row": rejected.row,
        "line": rejected.line,
        "column": rejected.column,
        "value": rejected.value,
        "message": rejected.reason,
        "hint": HINTS.get(rejected.code, ""),
    }


def warning_entry(file: str, note: Problem, row: int) -> dict[str, Any]:
    """A warning on one row; its place is a path of the report, not a CSV column."""
    return {
        "file": file,
        "code": note.code,
        "severity": note.severity,
        "row": row,
        "line": None,
        "column": note.path,
        "value": note.value,
        "message": note.message,
        "hint": note.hint,
    }


def summary(conversion: Accounts) -> dict[str, Any]:
    return {
        "file": str(conversion.path),
        "rows": conversion.converted + conversion.rejected_count,
        "converted": conversion.converted,
        "rejected": conversion.rejected_count,
        "counts": dict(sorted(conversion.problem_counts.items())),
    }


def totals(conversions: Iterable[Accounts]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for conversion in conversions:
        for code, count in conversion.problem_counts.items():
            counts[code] = counts.get(code, 0) + count
    return dict(sorted(counts.items()))


class ConversionReportWriter:
    """The conversion report as JSON, problems written as they come (a file beside the
    target, renamed at the end): `{"problems": [...], "files": [...], "counts": {...},
    "complete": true}`."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            fd, temp = tempfile.mkstemp(
                dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp"
            )
        except OSError as exc:
            raise cannot_write(self.path, exc) from None
        self._fd, self._temp, self._first = fd, Path(temp), True
        self._held: list[bytes] = []
        self._write(b'{"problems": [')

    def _write(self, data: bytes) -> None:
        self._held.append(data)
        if len(self._held) >= 512:
            self._flush()

    def _flush(self) -> None:
        try:
            write_all(self._fd, b"".join(self._held))
        except OSError as exc:
            self.abort()
            raise cannot_write(self.path, exc) from None
        self._held = []

    def add(self, entry: dict[str, Any]) -> None:
        text = json.dumps(entry, ensure_ascii=False)
        self._write((("\n" if self._first else ",\n") + text).encode("utf-8"))
        self._first = False

    def commit(self, conversions: Sequence[Accounts]) -> None:
        files = json.dumps([summary(c) for c in conversions], ensure_ascii=False)
        counts = json.dumps(totals(conversions))
        tail = f'\n],\n"files": {files},\n"counts": {counts},\n"complete": true}}\n'
        self._write(tail.encode("utf-8"))
        self._flush()
        try:
            os.close(self._fd)
            self._fd = -1
            make_readable(self._temp)
            os.replace(self._temp, self.path)
        except OSError as exc:
            self.abort()
            raise cannot_write(self.path, exc) from None

    def abort(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
        self._temp.unlink(missing_ok=True)
