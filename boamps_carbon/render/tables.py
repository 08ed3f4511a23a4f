"""Reports as related tables: one CSV per entity, keyed by reportId, as BoAmps contributors
asked for a data lake or a spreadsheet with several sheets."""

from __future__ import annotations

import csv
import io
from typing import Any

from ..schema import DEFAULT_VERSION, SchemaVersion, load_schema, parse_version
from .flat import cell_text, flatten_at

# table -> where its rows are in a report
ENTITIES: dict[str, tuple[str, ...]] = {
    "measures": ("measures",),
    "components": ("infrastructure", "components"),
    "algorithms": ("task", "algorithms"),
    "datasets": ("task", "dataset"),
}
# the key column every table starts with
KEY = "reportId"


def _items(report: dict[str, Any], place: tuple[str, ...]) -> list[Any]:
    node: Any = report
    for key in place:
        node = node.get(key) if isinstance(node, dict) else None
    return node if isinstance(node, list) else []


def _item_schema(schema: dict[str, Any], place: tuple[str, ...]) -> dict[str, Any]:
    node = schema
    for key in place:
        node = node.get("properties", {}).get(key, {})
    items = node.get("items", {})
    return items if isinstance(items, dict) else {}


def _without_entities(report: dict[str, Any]) -> dict[str, Any]:
    trimmed: dict[str, Any] = {}
    for key, value in report.items():
        trimmed[key] = dict(value) if isinstance(value, dict) else value
    for place in ENTITIES.values():
        holder: Any = trimmed
        for key in place[:-1]:
            holder = holder.get(key) if isinstance(holder, dict) else None
        if isinstance(holder, dict):
            holder.pop(place[-1], None)
    return trimmed


def _csv(rows: list[dict[str, str]], first: list[str]) -> str:
    columns = list(first)
    for row in rows:
        columns += [c for c in row if c not in columns]
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\r\n", restval="")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def report_cells(report: dict[str, Any], schema: dict[str, Any]) -> dict[str, str]:
    """One row of the reports table: the report's cells without its entities, keyed by reportId."""
    cells = flatten_at(_without_entities(report), schema)
    return {KEY: cells.pop("header_reportId", ""), **cells}


def tables(
    reports: list[dict[str, Any]], version: str | SchemaVersion = DEFAULT_VERSION
) -> dict[str, str]:
    """File name -> CSV text: reports.csv, then one file per entity, each keyed by reportId."""
    schema = load_schema(parse_version(version))
    rows = [report_cells(report, schema) for report in reports]
    result = {"reports.csv": _csv(rows, [KEY])}
    for name, place in ENTITIES.items():
        item_schema = _item_schema(schema, place)
        rows = []
        for report in reports:
            report_id = cell_text((report.get("header") or {}).get("reportId", ""))
            for index, item in enumerate(_items(report, place)):
                if isinstance(item, dict):
                    rows.append(
                        {KEY: report_id, "index": str(index), **flatten_at(item, item_schema)}
                    )
        result[f"{name}.csv"] = _csv(rows, [KEY, "index"])
    return result
