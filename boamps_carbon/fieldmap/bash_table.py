"""The official BoAmps bash tool's mapping tables, read as field tables.

Its CMD column says where a field comes from: a CodeCarbon column name, `#constant`, `no`
(nothing), or for list elements one part per element separated by `:`
(`cpu_model:gpu_model:#RAM` for components 0, 1 and 2). Type says how to read a column.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator

from .row import FieldRow

# (Context, Category) -> where the field lives; "{}" stands for the list element's index
PLACES = {
    ("header", "basicField"): "header",
    ("header", "publisher"): "header.publisher",
    ("task", "basicField"): "task",
    ("task", "algorithm"): "task.algorithms[{}]",
    ("task", "data"): "task.dataset[{}]",
    ("measures", "measure"): "measures[{}]",
    ("system", "basicField"): "system",
    ("software", "basicField"): "software",
    ("sotware", "basicField"): "software",  # the tool's own spelling on one row
    ("infrastructure", "basicField"): "infrastructure",
    ("infrastructure", "component"): "infrastructure.components[{}]",
    ("environment", "basicField"): "environment",
    ("global", "basicField"): "",
}
STRUCTURE = {"Object", "ObjectEnd", "Table", "TableEnd", "DocumentEnd"}
COLUMN_TRANSFORMS = {"Float": "number", "Integer": "integer"}
DATETIMES = {"reportDatetime", "measurementDateTime"}


def rows_from_bash_table(reader: csv.DictReader[str], label: str) -> list[FieldRow]:
    return [row for record in reader for row in _rows(record, f"{label}:{reader.line_num}")]


def _rows(record: dict[str, str], origin: str) -> Iterator[FieldRow]:
    kind, command = (record.get("Type") or "").strip(), (record.get("CMD") or "").strip()
    if kind in STRUCTURE or command in ("", "no"):
        return
    place = PLACES.get(
        ((record.get("Context") or "").strip(), (record.get("Category") or "").strip())
    )
    name = (record.get("Name") or "").strip()
    if place is None or not name:
        return
    parts = command.split(":") if "{}" in place else [command]
    for index, part in enumerate(parts):
        if part.strip() in ("", "no"):
            continue
        path = ".".join(p for p in (place.replace("{}", str(index)), name) if p)
        yield _row(path, part.strip(), kind, name, origin)


def _row(path: str, part: str, kind: str, name: str, origin: str) -> FieldRow:
    if part.startswith("#"):
        value = part[1:]
        if kind in COLUMN_TRANSFORMS:
            return FieldRow(path, "constant", (), value, "", origin)
        return FieldRow(path, "constant", (), json.dumps(value), "", origin)
    transform = "datetime" if name in DATETIMES else COLUMN_TRANSFORMS.get(kind, "text")
    return FieldRow(path, transform, (part,), "", "", origin)
