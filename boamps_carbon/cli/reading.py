"""Reading reports for the commands that render them: the valid ones, and word of the rest."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

from ..errors import InputError
from ..sources.reports import ReportDocument


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
            print(f"skipped: {document.where}: invalid report: {problems[0]}", file=sys.stderr)
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


DB_HELP = "read the current reports of this store (see `boamps store`) instead of files"


def add_report_sources(
    parser: Any, help_text: str = "report files, .jsonl files or folders"
) -> None:
    """REPORT... or --db URL: where a reading command finds its reports."""
    parser.add_argument("reports", nargs="*", metavar="REPORT", help=help_text)
    parser.add_argument("--db", metavar="URL", help=DB_HELP)


def stored_documents(url: str) -> Iterator[ReportDocument]:
    """The current reports of a store as documents named `STORE[reportId]`, streamed (a SQLite
    file that is not there is an error)."""
    from ..store import Store

    with Store(url, create=False) as store:
        for item in store.query():
            yield ReportDocument(f"{store.where}[{item.report_id}]", None, item.report)


def stored_reports(url: str) -> Iterator[dict[str, Any]]:
    """The current reports of a store, streamed."""
    for document in stored_documents(url):
        yield document.data


def reports_of(args: Any) -> tuple[list[dict[str, Any]], int]:
    """The reports a command reads, from REPORT... or from --db: (valid reports, skipped)."""
    if args.db is not None:
        if args.reports:
            raise InputError(
                "Reports from two places",
                "--db",
                f"{args.db} and {' '.join(args.reports)}",
                "Give REPORT files or --db, not both.",
            )
        found = list(stored_reports(args.db))
        if not found:
            raise InputError("No reports", args.db, "the store is empty", "Import some first.")
        return found, 0
    if not args.reports:
        raise InputError(
            "No reports", "REPORT", "none given", "Give report files, folders or -, or --db URL."
        )
    return valid_reports(args.reports, args.schema_version)
