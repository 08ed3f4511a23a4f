"""Reading reports for the commands that render them: the valid ones, and word of the rest."""

from __future__ import annotations

import itertools
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..errors import InputError
from ..printable import printable
from ..sources.reports import ReportDocument


class Reading:
    """The valid reports of a command's sources, read one at a time as it iterates: each
    invalid one is named on stderr and skipped (`skipped` counts them); none valid at all is
    an InputError when the iteration ends. Iterate it once."""

    def __init__(
        self, reports: Iterable[dict[str, Any]], empty: Callable[[int], InputError]
    ) -> None:
        self._reports = reports
        self._empty = empty  # the error for no valid report, given the number skipped
        self.skipped = 0
        self.read = 0

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for report in self._reports:
            self.read += 1
            yield report
        if not self.read:
            raise self._empty(self.skipped)


def started(reports: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """`reports` with the first one already read: a `Reading` without any valid report
    raises here, before a command writes the first byte of its output."""
    iterator = iter(reports)
    first = list(itertools.islice(iterator, 1))
    return itertools.chain(first, iterator)


def valid_reports(paths: list[str], version: str) -> Reading:
    """The valid reports, in order, streamed; each invalid one is named on stderr and skipped.
    Validity is the schema's (what makes a report invalid; warnings do not)."""
    from ..sources.reports import iter_documents
    from ..validation import SectionMemo

    reading: Reading

    def documents() -> Iterator[dict[str, Any]]:
        memo = SectionMemo(version)
        for document in iter_documents(paths):
            problems = document.problems or memo.errors(document.data)
            if problems:
                reading.skipped += 1
                say_skipped(document.where, str(problems[0]))
            else:
                yield document.data

    reading = Reading(documents(), lambda skipped: no_valid_report(paths, skipped))
    return reading


def say_skipped(where: str, problem: str) -> None:
    print(printable(f"skipped: {where}: invalid report: {problem}"), file=sys.stderr)


def no_valid_report(paths: list[str], skipped: int) -> InputError:
    return InputError(
        "No valid report",
        " ".join(paths),
        f"{skipped} invalid",
        "Run `boamps validate` on them to see every problem.",
    )


class Skips:
    """Invalid reports named on stderr as `Reading` names them, and counted."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, where: str, problem: str) -> None:
        self.count += 1
        say_skipped(where, problem)


def big_files(args: Any) -> list[str] | None:
    """The JSON Lines files of REPORT... when they are big enough to be read by workers
    (`render.pieces`), else None."""
    if args.db is not None or not args.reports:
        return None
    from ..render.pieces import big_json_lines

    return big_json_lines(args.reports)


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


def _one_place(paths: list[str], db: str | None) -> None:
    """REPORT... or --db: exactly one of them."""
    if db is not None and paths:
        raise InputError(
            "Reports from two places",
            "--db",
            f"{db} and {' '.join(paths)}",
            "Give REPORT files or --db, not both.",
        )
    if db is None and not paths:
        raise InputError(
            "No reports", "REPORT", "none given", "Give report files, folders or -, or --db URL."
        )


def source_documents(paths: list[str], db: str | None) -> Iterator[ReportDocument]:
    """The documents of REPORT... or of the store at --db, streamed; the store's are named
    `STORE[reportId]`. For the commands that read documents rather than valid reports."""
    from ..sources.reports import iter_documents

    _one_place(paths, db)
    return stored_documents(db) if db is not None else iter_documents(paths)


def report_source(args: Any) -> list[str] | Iterator[ReportDocument]:
    """What a library reading (`dashboard`, `compare`) takes as its source: the REPORT paths,
    or the store's documents (which it validates as it validates files)."""
    _one_place(args.reports, args.db)
    return args.reports if args.db is None else stored_documents(args.db)


def reports_of(args: Any) -> Reading:
    """The reports a command reads, from REPORT... or from --db, streamed: iterate the result,
    then read its `skipped`."""
    _one_place(args.reports, args.db)
    if args.db is not None:
        return Reading(
            stored_reports(args.db),
            lambda _: InputError("No reports", args.db, "the store is empty", "Import some first."),
        )
    return valid_reports(args.reports, args.schema_version)
