"""Reports as flat CSV rows, in the official BoAmps flattener's naming, and back.

A column is the path of a value with keys and list indexes joined by `_`:
`task_algorithms_0_algorithmType`, `measures_0_powerConsumption`. Reading a row back uses the
schema to know types and where a name ends, so the round trip is exact for standard fields.

Cells a spreadsheet would run as a formula (text starting with = + - @, a tab or a CR) get a
leading `'`, as OWASP advises; text that starts with `'` gets one too, so that reading back
removes exactly one and loses nothing.
"""

from __future__ import annotations

import re
from typing import Any

from ..schema import DEFAULT_VERSION, SchemaVersion, load_schema, parse_version

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")
_INTEGER = re.compile(r"-?\d+")


def flatten(report: dict[str, Any]) -> dict[str, str]:
    cells: dict[str, str] = {}
    _walk(report, "", cells)
    return cells


def _walk(value: Any, prefix: str, cells: dict[str, str]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _walk(item, f"{prefix}_{key}" if prefix else key, cells)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk(item, f"{prefix}_{index}", cells)
    elif value is not None:
        cells[prefix] = cell_text(value)


def cell_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def column_order(columns: list[str], version: str | SchemaVersion = DEFAULT_VERSION) -> list[str]:
    """Columns in schema order, list elements by index, unknown names last as first seen."""
    schema = load_schema(parse_version(version))
    first_seen = {name: i for i, name in enumerate(columns)}

    def key(name: str) -> tuple[Any, ...]:
        path, rest = _resolve(name.split("_"), schema)
        ranks: list[Any] = []
        node = schema
        for step in path:
            if isinstance(step, int):
                ranks.append((0, step))
                node = node.get("items", {})
            else:
                names = list(node.get("properties", {}))
                ranks.append((0, names.index(step)))
                node = node["properties"][step]
        if rest:
            ranks.append((1, first_seen[name]))
        return tuple(ranks)

    return sorted(columns, key=key)


def _resolve(tokens: list[str], schema: dict[str, Any]) -> tuple[list[str | int], str]:
    """The schema path a column name names, and the unknown rest (a non-standard key)."""
    path: list[str | int] = []
    node = schema
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if node.get("type") == "array" and _INTEGER.fullmatch(token):
            path.append(int(token))
            node = node.get("items", {})
        elif token in node.get("properties", {}):
            path.append(token)
            node = node["properties"][token]
        else:
            return path, "_".join(tokens[index:])
        index += 1
    return path, ""


def unflatten(
    cells: dict[str, str], version: str | SchemaVersion = DEFAULT_VERSION
) -> dict[str, Any]:
    """The report a flat row came from; empty cells are absent values."""
    schema = load_schema(parse_version(version))
    report: dict[str, Any] = {}
    for name, text in cells.items():
        if text == "" or name in ("", None):
            continue
        path, rest = _resolve(name.split("_"), schema)
        leaf = _schema_at(schema, path) if not rest else {}
        keys: list[str | int] = [*path, rest] if rest else list(path)
        _put(report, keys, _typed(text, leaf))
    return _lists(report)


def _schema_at(schema: dict[str, Any], path: list[str | int]) -> dict[str, Any]:
    node = schema
    for step in path:
        node = node.get("items", {}) if isinstance(step, int) else node["properties"][step]
    return node


def _typed(text: str, leaf: dict[str, Any]) -> Any:
    kind = leaf.get("type")
    if kind in ("number", "integer"):
        try:
            return int(text) if _INTEGER.fullmatch(text) else float(text)
        except ValueError:
            return text  # kept as it is, so that validation can say what is wrong
    if kind == "boolean" and text in ("true", "false"):
        return text == "true"
    if kind == "string" or (kind is None and text.startswith("'")):
        return text[1:] if text.startswith("'") else text
    return _guess(text)


def _guess(text: str) -> Any:
    # a non-standard field: no schema says its type
    if _INTEGER.fullmatch(text):
        return int(text)
    if text in ("true", "false"):
        return text == "true"
    try:
        return float(text)
    except ValueError:
        return text


def _put(report: dict[str, Any], keys: list[str | int], value: Any) -> None:
    node: Any = report
    for key in keys[:-1]:
        node = node.setdefault(key, {})  # list indexes are dict keys until _lists
    node[keys[-1]] = value


def _lists(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    if node and all(isinstance(k, int) for k in node):
        return [_lists(node[k]) for k in sorted(node)]
    return {k: _lists(v) for k, v in node.items()}


def is_flat_header(columns: list[str]) -> bool:
    """A header written by a BoAmps flattener: every name starts with a report section."""
    sections = (
        "header_",
        "task_",
        "measures_",
        "system_",
        "software_",
        "infrastructure_",
        "environment_",
        "quality",
    )
    named = [c for c in columns if c]
    return (
        bool(named)
        and all(c.startswith(sections) for c in named)
        and any(c.startswith("measures_") for c in named)
    )


def to_csv_text(
    reports: list[dict[str, Any]], version: str | SchemaVersion = DEFAULT_VERSION
) -> str:
    """One row per report; the union of their columns in a stable order."""
    import csv
    import io

    rows = [flatten(report) for report in reports]
    seen: dict[str, None] = {}
    for row in rows:
        seen.update(dict.fromkeys(row))
    columns = column_order(list(seen), version)
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\n", restval="")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
