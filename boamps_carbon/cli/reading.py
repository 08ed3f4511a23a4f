"""Reading reports for the commands that render them: the valid ones, and word of the rest."""

from __future__ import annotations

import sys
from typing import Any

from ..errors import InputError
from ..printable import printable


def valid_reports(paths: list[str], version: str) -> tuple[list[dict[str, Any]], int]:
    """The valid reports, in order; each invalid one is named on stderr and skipped."""
    from ..sources.reports import iter_documents
    from ..validation import validate

    good: list[dict[str, Any]] = []
    skipped = 0
    for document in iter_documents(paths):
        problems = document.problems or validate(document.data, version).errors
        if problems:
            skipped += 1
            print(
                printable(f"skipped: {document.where}: invalid report: {problems[0]}"),
                file=sys.stderr,
            )
        else:
            good.append(document.data)
    if not good:
        raise InputError(
            "No valid report",
            " ".join(paths),
            f"{skipped} invalid",
            "Run `boamps validate` on them to see every problem.",
        )
    return good, skipped
