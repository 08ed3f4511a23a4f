"""Reports as related tables: one CSV per entity, keyed by reportId, as BoAmps contributors
asked for a data lake or a spreadsheet with several sheets."""

from __future__ import annotations

import csv
import io
from typing import Any

from .flat import cell_text, flatten

# table -> where its rows are in a report
ENTITIES: dict[str, tuple[str, ...]] = {
    "measures": ("measures",),
    "components": ("infrastructure", "components"),
    "algorithms": ("task", "algorithms"),
    "datasets": ("task", "dataset"),
}


def _items(report: dict[str, Any], place: tuple[str, ...]) -> list[Any]:
    node: Any = report
    for key in place:
        node = node.get(key) if isinstance(node, dict) else None
    return node if isinstance(node, list) else []


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


REPORT_FIRST_COLUMNS = ["header_reportId"]


def report_cells(report: dict[str, Any]) -> dict[str, str]:
    """One row of the reports table: the report's cells without its entities."""
    return flatten(_without_entities(report))


def tables(reports: list[dict[str, Any]]) -> dict[str, str]:
    """File name -> CSV text: reports.csv, then one file per entity."""
    result = {"reports.csv": _csv([report_cells(r) for r in reports], REPORT_FIRST_COLUMNS)}
    for name, place in ENTITIES.items():
        rows = []
        for report in reports:
            report_id = cell_text((report.get("header") or {}).get("reportId", ""))
            for index, item in enumerate(_items(report, place)):
                if isinstance(item, dict):
                    rows.append({"reportId": report_id, "index": str(index), **flatten(item)})
        result[f"{name}.csv"] = _csv(rows, ["reportId", "index"])
    return result
