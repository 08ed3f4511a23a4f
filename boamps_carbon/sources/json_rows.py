"""Rows from files of JSON values: each line (or the whole file) a record, a line that is not
a JSON object a rejected row with its line and reason."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from .codecarbon_csv import Record


def cell(value: Any) -> str:
    """A JSON value as the text a CSV cell would hold (null: empty)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)
    return str(value)


def object_lines(
    lines: Iterable[str], prefix_allowed: bool = False
) -> Iterator[tuple[int, dict[str, Any] | None, str, str]]:
    """(line number, the object or None, the line, the reason it is not one) for each line
    that is not blank. With `prefix_allowed`, text before the first `{` (a log format's time
    and level) is skipped."""
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text:
            continue
        start = text.find("{") if prefix_allowed else 0
        if start < 0:
            yield number, None, text, "holds no JSON object"
            continue
        try:
            value = json.loads(text[start:])
        except ValueError as exc:
            yield number, None, text, f"is not JSON: {exc}"
            continue
        if not isinstance(value, dict):
            yield number, None, text, f"is a JSON {type(value).__name__}, not an object"
            continue
        yield number, value, text, ""


def records(
    header: list[str], found: Iterable[tuple[int, dict[str, Any] | None, str, str]]
) -> Iterator[Record]:
    """Records aligned with `header`: an object's keys outside it are ignored, missing ones
    are empty."""
    for row, (line, value, text, reason) in enumerate(found, start=1):
        if value is None:
            yield Record(row, line, [text], f"line {line} {reason}")
        else:
            yield Record(row, line, [cell(value.get(name)) for name in header])
