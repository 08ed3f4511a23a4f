"""Reports as related tables: one CSV per entity, keyed by reportId, as BoAmps contributors
asked for a data lake or a spreadsheet with several sheets."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import IO, Any

from ..schema import DEFAULT_VERSION, SchemaVersion, load_schema, parse_version
from .flat import cell_text, flatten_at
from .spool import RowSpool

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


def _table_writer(spool: RowSpool, first: list[str]) -> Callable[[IO[str]], None]:
    """Writes the table: the `first` columns, then the others as they first appeared."""

    def write(out: IO[str]) -> None:
        spool.write_csv(out, lambda columns: first + [c for c in columns if c not in first])

    return write


def report_cells(report: dict[str, Any], schema: dict[str, Any]) -> dict[str, str]:
    """One row of the reports table: the report's cells without its entities, keyed by reportId."""
    cells = flatten_at(_without_entities(report), schema)
    return {KEY: cells.pop("header_reportId", ""), **cells}


def write_tables(
    reports: Iterable[dict[str, Any]],
    write: Callable[[str, Callable[[IO[str]], None]], None],
    version: str | SchemaVersion = DEFAULT_VERSION,
) -> None:
    """reports.csv, then one file per entity, each keyed by reportId: rows are spooled to disk
    as reports stream by, then `write(file name, writer)` is called once per file with a
    function that writes its CSV to a text stream."""
    schema = load_schema(parse_version(version))
    item_schemas = {name: _item_schema(schema, place) for name, place in ENTITIES.items()}
    spools = {name: RowSpool() for name in ["reports", *ENTITIES]}
    try:
        for report in reports:
            spools["reports"].add(report_cells(report, schema))
            report_id = cell_text((report.get("header") or {}).get("reportId", ""))
            for name, place in ENTITIES.items():
                for index, item in enumerate(_items(report, place)):
                    if isinstance(item, dict):
                        spools[name].add(
                            {
                                KEY: report_id,
                                "index": str(index),
                                **flatten_at(item, item_schemas[name]),
                            }
                        )
        for name, spool in spools.items():
            write(
                f"{name}.csv", _table_writer(spool, [KEY] if name == "reports" else [KEY, "index"])
            )
    finally:
        for spool in spools.values():
            spool.close()


def tables(
    reports: Iterable[dict[str, Any]], version: str | SchemaVersion = DEFAULT_VERSION
) -> dict[str, str]:
    """File name -> CSV text: reports.csv, then one file per entity, each keyed by reportId."""
    result: dict[str, str] = {}

    def keep(name: str, writer: Callable[[IO[str]], None]) -> None:
        out = io.StringIO()
        writer(out)
        result[name] = out.getvalue()

    write_tables(reports, keep, version)
    return result
