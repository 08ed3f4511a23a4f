"""Pattern tables (`schemas/tables/*.csv`): the first row whose regular expression matches a
value gives the answer, written with a small template language: `{group}`, `{group:lower}`."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from functools import cache, lru_cache

from ..errors import InputError
from ..resources import schemas_dir

_FIELD = re.compile(r"\{(\w+)(?::(lower|upper))?\}")


@cache
def _rows(table: str, origin: str) -> tuple[dict[str, str], ...]:
    path = schemas_dir() / "tables" / f"{table}.csv"
    if not path.is_file():
        raise InputError(
            "Unknown pattern table",
            origin,
            repr(table),
            "Name a file of schemas/tables/ without .csv.",
        )
    with open(path, encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle))


def render(template: str, match: re.Match[str]) -> str | None:
    def field(found: re.Match[str]) -> str:
        value = match.groupdict().get(found[1]) or ""
        return {"lower": value.lower(), "upper": value.upper()}.get(found[2] or "", value)

    text = " ".join(_FIELD.sub(field, template).split())
    return text or None


def lookup_table(spec: str, origin: str) -> Callable[[str], str | None]:
    """`table/field` or `table/kind/field` -> a function from a value to that field."""
    parts = spec.split("/")
    if len(parts) not in (2, 3):
        raise InputError(
            "Bad lookup argument", origin, repr(spec), "Write table/field or table/kind/field."
        )
    table, field = parts[0], parts[-1]
    kind = parts[1] if len(parts) == 3 else None
    rows = [r for r in _rows(table, origin) if kind is None or r.get("kind") == kind]
    if rows and field not in rows[0]:
        known = ", ".join(k for k in rows[0] if k not in ("kind", "pattern"))
        raise InputError("Unknown lookup field", origin, repr(field), f"Use one of: {known}.")
    compiled = [(re.compile(r["pattern"], re.IGNORECASE), r[field]) for r in rows]

    @lru_cache(maxsize=4096)  # few distinct hardware names, millions of rows
    def find(value: str) -> str | None:
        for pattern, template in compiled:
            match = pattern.search(value)
            if match:
                return render(template, match)
        return None

    return find
