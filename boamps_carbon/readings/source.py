"""Reports one at a time, valid ones only, from files, folders, JSON Lines or objects.

Every reading streams: a `.jsonl` file is read a line at a time, so memory does not grow
with the number of reports. An invalid report is never dropped silently: it goes to
`on_invalid(where, problem)`, or raises when no such function is given."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..io import parse_json_bytes
from ..schema import DEFAULT_VERSION, SchemaVersion
from ..sources.reports import STDIN, ReportDocument, expand_paths, read_documents
from ..validation import validate

OnInvalid = Callable[[str, str], None]
Source = str | Path | dict[str, Any] | Iterable[Any]


def _documents_of_file(name: str) -> Iterator[ReportDocument]:
    if name == STDIN or not name.endswith(".jsonl"):
        yield from read_documents(name)  # one report a file: read whole
        return
    try:
        handle = open(name, "rb")  # noqa: SIM115 - closed below, the generator may pause
    except OSError as exc:
        raise InputError(
            "Cannot read report file", name, exc.strerror or str(exc), "Check the permissions."
        ) from None
    with handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            value, problems = parse_json_bytes(raw)
            problems = [replace(p, path=p.path.removeprefix("line 1, ")) for p in problems]
            yield ReportDocument(name, number, value, problems)


def documents(source: Source) -> Iterator[ReportDocument]:
    """Documents from a path, a report (dict), or an iterable of paths, reports and documents
    already read (`ReportDocument`)."""
    if isinstance(source, (str, Path)):
        for name in expand_paths([str(source)]):
            yield from _documents_of_file(name)
    elif isinstance(source, dict):
        yield ReportDocument("report", None, source)
    else:
        for number, item in enumerate(source, start=1):
            if isinstance(item, ReportDocument):  # read elsewhere (a store): keeps its name
                yield item
            elif isinstance(item, dict):
                yield ReportDocument(f"report {number}", None, item)
            elif hasattr(item, "to_dict") and callable(item.to_dict):  # a Report model
                yield ReportDocument(f"report {number}", None, item.to_dict())
            else:
                yield from documents(item)


def valid_reports(
    source: Source,
    version: str | SchemaVersion = DEFAULT_VERSION,
    on_invalid: OnInvalid | None = None,
) -> Iterator[dict[str, Any]]:
    """The valid reports of `source`, one at a time, in order."""
    for document in documents(source):
        problems = document.problems or validate(document.data, version).errors
        if not problems:
            yield document.data
            continue
        if on_invalid is None:
            raise InputError(
                "Invalid report",
                document.where,
                str(problems[0]),
                "Run `boamps validate` on it to see every problem.",
            )
        on_invalid(document.where, str(problems[0]))
