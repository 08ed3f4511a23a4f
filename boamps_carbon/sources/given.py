"""Reports from whatever a library caller hands over: file paths, report dicts, `Report`
models, a `Conversion` (or its rows), a `Store` (or its query), read one at a time."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import Any

from ..errors import InputError
from ..schema import DEFAULT_VERSION, SchemaVersion


def _is_path(value: Any) -> bool:
    return isinstance(value, (str, os.PathLike))


def _paths(source: Any) -> list[str] | None:
    """The paths `source` names (one path, or a list or tuple of nothing but paths), or None."""
    if _is_path(source):
        return [os.fspath(source)]
    if isinstance(source, (list, tuple)) and source and all(_is_path(v) for v in source):
        return [os.fspath(v) for v in source]
    return None


def _from_paths(paths: list[str], version: str | SchemaVersion) -> Iterator[dict[str, Any]]:
    from ..validation import schema_errors
    from .reports import iter_documents

    for document in iter_documents(paths):
        problems = document.problems or schema_errors(document.data, version)
        if problems:
            raise InputError(
                "Invalid report",
                document.where,
                str(problems[0]),
                "Run `boamps validate` on it to see every problem.",
            )
        yield document.data


def iter_reports(
    source: Any, version: str | SchemaVersion = DEFAULT_VERSION
) -> Iterator[dict[str, Any]]:
    """The report dicts of `source`, streamed. A path (str or PathLike) or a list of paths
    names report files, JSON Lines files or folders, read as `boamps summary` reads them,
    except that an invalid report is an InputError (a library does not skip what it is given);
    a `Store` is read with `store.query()`, page by page; anything else is iterated for
    report dicts, `Report` models, or objects with a `.report` (a `Conversion`'s rows, a
    store's query)."""
    paths = _paths(source)
    if paths is not None:
        yield from _from_paths(paths, version)
        return
    store = sys.modules.get("boamps_carbon.store.core")  # a Store's module is loaded already
    if store is not None and isinstance(source, store.Store):
        for stored in source.query():
            yield stored.report
        return
    if isinstance(source, dict):
        source = [source]
    try:
        items = iter(source)
    except TypeError:
        raise InputError(
            "Not a report source",
            "source",
            type(source).__name__,
            "Pass paths, reports, a Conversion or a Store.",
        ) from None
    for index, item in enumerate(items):
        if hasattr(item, "report") and isinstance(item.report, dict):
            item = item.report
        elif hasattr(item, "to_dict"):
            item = item.to_dict()
        if not isinstance(item, dict):
            raise InputError(
                "Not a report",
                f"reports[{index}]",
                type(item).__name__,
                "Pass report dicts or Report models.",
            )
        yield item
