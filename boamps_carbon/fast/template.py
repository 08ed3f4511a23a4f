"""A report's JSON text with holes where its slot values go, made from one real row by the
ordinary path and checked against it byte for byte before it is used for any other row;
and its guards, what keeps it valid for the other rows: the schema's constraints at each
hole, as the compiled schema records them, and the column forms of the semantic rules that
read a hole (`validation.semantic.RULES`).

A template is made only when every rule that reads a hole keeps it (a rule without a column
form keeps none); a row that fails a guard goes the ordinary way, where the rule speaks for
itself. So a row filled from a template has exactly the problems (none) and warnings of the
row it was made from.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..fieldmap.engine import CompiledField
from ..fieldmap.transforms import TRANSFORMS, RunContext, SlotValues
from ..outcomes import RowConverter
from ..schema import SchemaVersion
from ..sources.codecarbon_csv import Record
from ..validation import compiled_schema
from ..validation.compiler import Constraints
from ..validation.problems import Problem
from ..validation.semantic import RULES, Guard, Hole
from ..writers import report_json
from .plan import Plan

Path = tuple[str | int, ...]
_HOLE = re.compile(r'"\\u0000(\d+)\\u0000"')


@dataclass(frozen=True)
class Template:
    parts: tuple[str, ...]  # the JSON text around the slots, one more than the slots
    order: tuple[int, ...]  # which slot goes after each part
    warnings: tuple[str, ...]
    guards: tuple[Guard, ...]
    notes: tuple[Problem, ...] = ()  # the warnings as problems of the catalogue

    def fill(self, texts: list[str]) -> str:
        filled = [self.parts[0]]
        for slot, part in zip(self.order, self.parts[1:], strict=True):
            filled += [texts[slot], part]
        return "".join(filled)


def make_template(
    conversion: RowConverter,
    plan: Plan,
    record: Record,
    run: RunContext,
    texts: list[str],
    indent: int | None = None,
) -> Template | None:
    """The template of `record`'s kind of row, given its slot texts; None when the row's
    report is not valid or its shape cannot be kept by guards. `indent`: the report's
    JSON as `report_json` indents it (None: one line)."""
    engine = conversion.field_engine
    try:
        real = conversion.assembled(record, engine, run)
    except ValueError:  # a value the table refuses: the row will be rejected
        return None
    if real.errors:
        return None
    slot_of = {id(engine.fields[slot.field]): i for i, slot in enumerate(plan.slots)}

    def mark(field: CompiledField, value: Any) -> Any:
        slot = slot_of.get(id(field))
        return value if slot is None else Hole(slot, TRANSFORMS[plan.slots[slot].kind].gives)

    marked = conversion.assembled(record, engine, run, mark).report
    try:
        text = json.dumps(
            marked,
            ensure_ascii=False,
            allow_nan=False,
            default=_hole,
            **({"separators": (",", ":")} if indent is None else {"indent": indent}),
        )
    except (TypeError, ValueError):
        return None
    parts = _HOLE.split(text)
    order = tuple(int(i) for i in parts[1::2])
    guards = make_guards(marked, conversion.version)
    template = Template(
        tuple(parts[0::2]),
        order,
        tuple(real.warnings),
        tuple(guards or ()),
        tuple(real.warning_problems),
    )
    if guards is None or template.fill(texts) != report_json(real.report, indent):
        return None
    return template


def _hole(value: Any) -> str:
    if isinstance(value, Hole):
        return f"\0{value.slot}\0"
    raise TypeError(type(value).__name__)


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
