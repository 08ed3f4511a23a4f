"""Reports as flat CSV rows, in the official BoAmps flattener's naming, and back.

A column is the path of a value with keys and list indexes joined by `_`:
`task_algorithms_0_algorithmType`, `measures_0_powerConsumption`. Reading a row back uses the
schema to know types and where a name ends, so the round trip is exact for standard fields.

Cells a spreadsheet would run as a formula (text starting with = + - @, a tab or a CR) get a
leading `'`, as OWASP advises; text that starts with `'` gets one too, so that reading back
removes exactly one and loses nothing.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from typing import IO, Any

from ..io import MAX_JSON_DEPTH, JsonTooDeep, loads
from ..schema import DEFAULT_VERSION, SchemaVersion, load_schema, parse_version

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")
_INTEGER = re.compile(r"-?\d+")


def flatten(
    report: dict[str, Any], version: str | SchemaVersion = DEFAULT_VERSION
) -> dict[str, str]:
    return flatten_at(report, load_schema(parse_version(version)))


def flatten_at(value: dict[str, Any], schema: dict[str, Any]) -> dict[str, str]:
    """`value` flattened against `schema`, the part of a report schema that describes it (a
    measure, a component...), so that its standard text is text, not JSON."""
    cells: dict[str, str] = {}
    _walk(value, "", cells, schema)
    return cells


def _walk(value: Any, prefix: str, cells: dict[str, str], schema: dict[str, Any] | None) -> None:
    """Standard values by path; an empty container, or anything the schema does not know,
    as one JSON cell, so that reading back needs no guess."""
    if isinstance(value, (dict, list)) and value and schema is not None:
        if isinstance(value, dict):
            properties = schema.get("properties", {})
            for key, item in value.items():
                _walk(item, f"{prefix}_{key}" if prefix else key, cells, properties.get(key))
        else:
            for index, item in enumerate(value):
                _walk(item, f"{prefix}_{index}", cells, schema.get("items", {}))
    elif value is not None:
        cells[prefix] = cell_text(value) if schema is not None else json_cell(value)


def json_cell(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def cell_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (dict, list)):
        return json_cell(value)
    text = str(value)
    # "" would read back as no value at all: a lone quote stands for the empty text
    return "'" if text == "" else spreadsheet_safe(text)


def spreadsheet_safe(text: str) -> str:
    """Text a spreadsheet would run as a formula gets a leading `'` (OWASP's advice); so
    does text starting with `'`, so that one leading quote always comes off to read it back."""
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
        leaf = _schema_at(schema, path) if not rest else None
        keys: list[str | int] = [*path, rest] if rest else list(path)
        try:
            value = _typed(text, leaf)
        except JsonTooDeep:
            raise ValueError(
                f"column {name} holds JSON nested more than {MAX_JSON_DEPTH} levels deep"
            ) from None
        _put(report, keys, value)
    rebuilt: dict[str, Any] = _lists(report)
    return rebuilt


def _schema_at(schema: dict[str, Any], path: list[str | int]) -> dict[str, Any]:
    node = schema
    for step in path:
        node = node.get("items", {}) if isinstance(step, int) else node["properties"][step]
    return node


def _typed(text: str, leaf: dict[str, Any] | None) -> Any:
    if leaf is None:  # a non-standard field, written as JSON
        return _guess(text)
    kind = leaf.get("type")
    if kind in ("object", "array"):
        return _guess(text)
    if kind in ("number", "integer"):
        try:
            number = int(text) if _INTEGER.fullmatch(text) else float(text)
        except ValueError:
            return text  # kept as it is, so that validation can say what is wrong
        return number if math.isfinite(number) else text
    if kind == "boolean" and text in ("true", "false"):
        return text == "true"
    if kind == "string" or (kind is None and text.startswith("'")):
        return text[1:] if text.startswith("'") else text
    return _guess(text)


def _guess(text: str) -> Any:
    try:
        return loads(text)
    except JsonTooDeep:
        raise  # not text: the row cannot be read (its caller names the column)
    except ValueError:
        return text  # not written by us: kept as text


def _put(report: dict[str, Any], keys: list[str | int], value: Any) -> None:
    node: Any = report
    for key in keys[:-1]:
        node = node.setdefault(key, {})  # list indexes are dict keys until _lists
        if not isinstance(node, dict):
            raise ValueError(
                f"column {'_'.join(map(str, keys))} puts a value inside another column's value"
            )
    if isinstance(node.get(keys[-1]), dict):
        raise ValueError(
            f"column {'_'.join(map(str, keys))} holds a value where other columns put fields"
        )
    node[keys[-1]] = value


def _lists(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    if node and all(isinstance(k, int) for k in node):
        return [_lists(node[k]) for k in sorted(node)]
    return {k: _lists(v) for k, v in node.items()}


def is_flat_header(columns: list[str]) -> bool:
    """A header written by a BoAmps flattener: measures as columns, and none of the columns
    every CodeCarbon file has."""
    return any(c.startswith("measures_0_") for c in columns) and not {
        "timestamp",
        "duration",
        "energy_consumed",
    } & set(columns)


def write_csv(
    reports: Iterable[dict[str, Any]],
    out: IO[str],
    version: str | SchemaVersion = DEFAULT_VERSION,
) -> int:
    """One row per report, streamed through a spool on disk; the union of their columns in
    schema order. Returns the number of rows."""
    from .spool import RowSpool

    schema = load_schema(parse_version(version))  # a copy each time it is loaded: once
    with RowSpool() as spool:
        for report in reports:
            spool.add(flatten_at(report, schema))
        spool.write_csv(out, lambda columns: column_order(columns, version))
        return spool.count


def to_csv_text(
    reports: Iterable[dict[str, Any]], version: str | SchemaVersion = DEFAULT_VERSION
) -> str:
    """One row per report; the union of their columns in a stable order."""
    import io

    out = io.StringIO()
    write_csv(reports, out, version)
    return out.getvalue()
