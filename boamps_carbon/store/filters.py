"""Query filters as SQLAlchemy expressions: every value a bound parameter, never SQL text.

`--where PATH=VALUE` names any field of a BoAmps report by its dotted path
(`task.algorithms.quantization`); the path must exist in a BoAmps schema, which also says
how to compare the value (as a number, a boolean or a string). A path through an array
matches when any element matches."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Text, and_, cast, exists, func, literal, or_, select, true
from sqlalchemy.dialects.postgresql import JSONB, JSONPATH

from .errors import StoreError
from .tables import reports

MAX_FILTER = 1000  # characters in the value of a text filter

GROUPS = {
    "project": reports.c.project,
    "model": reports.c.model,
    "hardware": reports.c.hardware,
    "country": reports.c.country,
    "month": func.substr(reports.c.report_datetime, 1, 7),
    "rating": reports.c.rating,  # as of when each report was stored
}


@cache
def _fields() -> dict[str, tuple[str, tuple[int, ...]]]:
    """Dotted path -> (JSON type of its value, positions of the segments that are arrays)."""
    from ..schema import SchemaVersion, load_schema

    found: dict[str, tuple[str, tuple[int, ...]]] = {}

    def walk(node: dict[str, Any], path: tuple[str, ...], arrays: tuple[int, ...]) -> None:
        kind = node.get("type")
        kinds = kind if isinstance(kind, list) else [kind]
        if "array" in kinds and isinstance(node.get("items"), dict):
            walk(node["items"], path, (*arrays, len(path) - 1))
            return
        if "object" in kinds or "properties" in node:
            for key, child in (node.get("properties") or {}).items():
                walk(child, (*path, key), arrays)
            return
        leaf = next((k for k in kinds if k in ("number", "integer", "boolean")), "string")
        found.setdefault(".".join(path), ("number" if leaf == "integer" else leaf, arrays))

    for version in SchemaVersion:
        walk(load_schema(version), (), ())
    return found


def _typed(path: str, kind: str, raw: str) -> Any:
    if kind == "number":
        try:
            value = float(raw)
        except ValueError:
            value = float("nan")
        if value != value or value in (float("inf"), float("-inf")):
            raise StoreError("Not a number", f"--where {path}", repr(raw), f"{path} holds numbers.")
        return value
    if kind == "boolean":
        if raw not in ("true", "false"):
            raise StoreError("Not a boolean", f"--where {path}", repr(raw), "Use true or false.")
        return raw == "true"
    return raw


def where_clause(path: str, raw: str, dialect: str) -> ColumnElement[bool]:
    """`path` (dotted, from the schema) equal to `raw` (text, typed by the schema)."""
    known = _fields()
    if path not in known:
        raise StoreError(
            "Unknown report field",
            "--where",
            repr(path),
            "Name a field of the BoAmps schema by its dotted path, such as "
            "header.publisher.projectName or task.algorithms.quantization.",
        )
    kind, arrays = known[path]
    value = _typed(path, kind, raw)
    segments = path.split(".")
    if dialect == "postgresql":
        return _postgres(segments, arrays, value)
    return _sqlite(reports.c.document, segments, arrays, value)


def _json_path(segments: list[str]) -> str:
    # keys come from the schema (checked above), and are quoted all the same
    return "$" + "".join("." + json.dumps(s) for s in segments)


def _sqlite(
    document: Any, segments: list[str], arrays: tuple[int, ...], value: Any
) -> ColumnElement[bool]:
    if not arrays:
        found = func.json_extract(document, _json_path(segments))
        return found == (1 if value is True else 0 if value is False else value)
    cut = arrays[0] + 1
    elements = func.json_each(document, _json_path(segments[:cut])).table_valued("value")
    inner = _sqlite(elements.c.value, segments[cut:], tuple(a - cut for a in arrays[1:]), value)
    return exists(select(1).select_from(elements).where(inner))


def _postgres(segments: list[str], arrays: tuple[int, ...], value: Any) -> ColumnElement[bool]:
    parts = ["$"]
    for index, segment in enumerate(segments):
        parts.append("." + json.dumps(segment))
        if index in arrays:
            parts.append("[*]")
    path = "".join(parts) + " ? (@ == $v)"
    return func.jsonb_path_exists(
        cast(reports.c.document, JSONB),
        cast(literal(path, Text), JSONPATH),
        literal({"v": value}, JSONB),
    )


def _day_bound(text: str, option: str, end: bool) -> str:
    """A BoAmps time text from `YYYY-MM-DD` or `YYYY-MM-DD HH:MM:SS` (or with a T); a date
    alone as a bound of --until covers that whole day."""
    try:
        return _bound(text, end)
    except OverflowError:
        # the calendar's last day (or second) as a bound of --until: the range ends at the
        # last moment; the text sorts after every time of that day as the next day would
        return "9999-12-31 24:00:00"
    except ValueError:
        raise StoreError(
            "Not a date",
            option,
            repr(text),
            "Use YYYY-MM-DD or YYYY-MM-DD HH:MM:SS (the reports' own time, no zone).",
        ) from None


def _bound(text: str, end: bool) -> str:
    if len(text) == 10:
        day = date.fromisoformat(text)
        moment = datetime(day.year, day.month, day.day) + timedelta(days=1 if end else 0)
    else:
        moment = datetime.fromisoformat(text.replace("T", " "))
        if moment.tzinfo is not None:
            raise ValueError
        if end:
            moment += timedelta(seconds=1)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _in_list(column: Any, value: str) -> ColumnElement[bool]:
    """`value` is one of the names in a column of `, `-separated names."""
    return or_(
        column == value,
        column.startswith(value + ", ", autoescape=True),
        column.endswith(", " + value, autoescape=True),
        column.contains(", " + value + ", ", autoescape=True),
    )


def conditions(
    dialect: str,
    *,
    project: str | None = None,
    stage: str | None = None,
    family: str | None = None,
    algorithm: str | None = None,
    quantization: str | None = None,
    hardware: str | None = None,
    country: str | None = None,
    since: str | None = None,
    until: str | None = None,
    where: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
) -> ColumnElement[bool]:
    given = {
        "--project": project,
        "--stage": stage,
        "--family": family,
        "--algorithm": algorithm,
        "--quantization": quantization,
        "--hardware": hardware,
        "--country": country,
        "--since": since,
        "--until": until,
    }
    pairs = list(where.items() if isinstance(where, Mapping) else (where or []))
    given.update((f"--where {path}", raw) for path, raw in pairs)
    for option, value in given.items():
        if value is not None and len(value) > MAX_FILTER:
            # no field of a report is matched by more: a longer pattern only costs the database
            # (SQLite refuses a LIKE pattern over 50,000 bytes as "too complex")
            raise StoreError(
                "Filter value too long",
                option,
                f"{len(value)} characters",
                f"Give at most {MAX_FILTER} characters.",
            )
        if value is not None and "\x00" in value:
            # SQLite ends text at NUL in LIKE and PostgreSQL refuses it: no report holds one
            raise StoreError(
                "NUL character in a filter", option, repr(value), "Remove it from the value."
            )
    found: list[ColumnElement[bool]] = []
    if project is not None:
        found.append(reports.c.project == project)
    if stage is not None:
        found.append(reports.c.task_stage == stage)
    if family is not None:
        found.append(reports.c.task_family == family)
    if algorithm is not None:
        found.append(_in_list(reports.c.algorithms, algorithm))
    if quantization is not None:
        found.append(_in_list(reports.c.quantization, quantization))
    if hardware is not None:
        found.append(func.lower(reports.c.hardware).contains(hardware.lower(), autoescape=True))
    if country is not None:
        found.append(func.lower(reports.c.country) == country.lower())
    if since is not None:
        found.append(reports.c.start_time >= _day_bound(since, "--since", end=False))
    if until is not None:
        found.append(reports.c.start_time < _day_bound(until, "--until", end=True))
    for path, raw in pairs:
        found.append(where_clause(path, raw, dialect))
    return and_(true(), *found)
