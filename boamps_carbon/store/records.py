"""What a query gives back: a stored report, as the store holds it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass
class StoredReport:
    """A report as the store holds it: its exact text, its columns, and its place (`cursor`)."""

    report_id: str
    text: str
    columns: dict[str, Any]
    cursor: str

    @property
    def report(self) -> dict[str, Any]:
        """The report, parsed."""
        value: dict[str, Any] = json.loads(self.text)
        return value

    @property
    def line(self) -> str:
        """The report on one line, for JSON Lines: its text, unless it was stored
        pretty-printed over several lines."""
        text = self.text.strip()
        if "\n" in text or "\r" in text:
            from ..writers import report_json

            return report_json(self.report, indent=None)
        return text


class Queryable(Protocol):
    """What reading stored reports needs of a store (export, readings): its query."""

    def query(self, *args: Any, **filters: Any) -> Iterator[StoredReport]: ...
