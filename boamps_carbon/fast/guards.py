"""What keeps a filled template valid: the schema's constraints at each slot, as the
compiled schema records them, and the column forms of the semantic rules that read a slot
(`validation.semantic.RULES`).

A template is made only when every rule that reads a slot keeps it (a rule without a column
form keeps none); a row that fails a guard goes the ordinary way, where the rule speaks for
itself. So a row filled from a template has exactly the problems (none) and warnings of the
row it was made from.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from ..fieldmap.transforms import SlotValues
from ..schema import SchemaVersion
from ..validation import compiled_schema
from ..validation.compiler import Constraints
from ..validation.semantic import RULES, Guard, Hole

Path = tuple[str | int, ...]


def holes(node: Any, path: Path = ()) -> Iterator[tuple[Path, Hole]]:
    if isinstance(node, Hole):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from holes(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from holes(value, (*path, index))


def make_guards(report: dict[str, Any], version: SchemaVersion) -> list[Guard] | None:
    """The guards of a template (a report holding Holes); None when a slot sits where no
    guard can keep it."""
    places = dict(holes(report))
    schema = compiled_schema(version)
    guards: list[Guard] = []
    for path, hole in places.items():
        keepable, guard = _schema_guard(schema.at(path), hole.slot, hole.gives)
        if not keepable:
            return None
        if guard is not None:
            guards.append(guard)
    read = [_field(path) for path in places]
    for rule in RULES:
        if not any(_within(field, place) for field in read for place in rule.reads):
            continue
        found = None if rule.column is None else rule.column(report)
        if found is None:
            return None
        guards += found
    return guards


def _field(path: Path) -> str:
    """A report's path as semantic rules name fields: measures[].unit."""
    return "".join("[]" if isinstance(step, int) else f".{step}" for step in path)[1:]


def _within(field: str, place: str) -> bool:
    return field == place or field.startswith((f"{place}.", f"{place}["))


def _schema_guard(found: Constraints, slot: int, gives: str) -> tuple[bool, Guard | None]:
    """Whether a slot can be kept where the schema checks `found`, and the guard of its
    range (None when nothing needs guarding)."""
    numeric = gives == "number"
    if ("number" if numeric else "string") not in found.types:
        return False, None
    if not numeric:
        return not found.keywords, None
    if not found.keywords <= {"minimum", "maximum"}:
        return False, None
    low, high = found.minimum, found.maximum
    if low is None and high is None:
        return True, None

    def guard(values: list[SlotValues], rows: np.ndarray) -> np.ndarray:
        found = values[slot].numbers
        assert found is not None
        picked = found[rows]
        bad = np.zeros(len(rows), bool)
        if low is not None:
            bad |= picked < low
        if high is not None:
            bad |= picked > high
        return bad

    return True, guard
