"""Which parts of a file's reports change from row to row, read from its field engine.

A column is *varying* when every table row that reads it uses a slot transform (energy,
duration, times, ids, ratios...), which the fast path computes for a whole piece at once.
Every other column a report depends on is a *key* column: rows with the same key values,
the same truth for each condition on a varying column and the same varying fields present
have reports that differ only in their slot values.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..context import MERGE_KEYS
from ..fieldmap import FieldEngine
from ..fieldmap.conditions import TermColumn, column_terms
from ..fieldmap.engine import CompiledField
from ..fieldmap.transforms import TRANSFORMS, Column

MAX_BITS = 62
SHAPING_NAMES = frozenset(MERGE_KEYS.values())


@dataclass(frozen=True)
class Slot:
    field: int  # index in the engine's fields
    kind: str
    columns: tuple[int, ...]  # -1: the file has no such column
    values: Column  # the transform's column form


@dataclass(frozen=True)
class Atom:
    """One term of a `when` on a varying column, tested for every row."""

    column: int
    op: str | None
    value: str
    truth: TermColumn


@dataclass(frozen=True)
class Plan:
    slots: tuple[Slot, ...]
    key_columns: tuple[int, ...]
    atoms: tuple[Atom, ...]


def make_plan(engine: FieldEngine, project_column: int) -> Plan | None:
    """None when too many conditions vary for a row key to hold them."""
    fields = engine.fields
    varying = _varying_columns(engine, project_column)
    slots = tuple(
        Slot(i, f.row.transform, f.indexes, _column_form(f))
        for i, f in enumerate(fields)
        if _slot_kind(f) and all(c in varying or c < 0 for c in f.indexes)
    )
    position = {name: i for i, name in enumerate(engine.columns)}
    atoms: dict[tuple[int, str | None, str], Atom] = {}
    referenced = {project_column} | {c for f in fields for c in f.indexes}
    for row in [f.row for f in fields] + engine.requirement_rows:
        for name, op, value in column_terms(row, engine.options):
            column = position.get(name, -1)
            referenced.add(column)
            if column in varying and (column, op, value) not in atoms:
                truth = engine.conditions.term_column(name, op, value, row)
                atoms[(column, op, value)] = Atom(column, op, value, truth)
    if len(atoms) + len(slots) > MAX_BITS:
        return None
    keys = tuple(sorted(c for c in referenced if c >= 0 and c not in varying))
    return Plan(slots, keys, tuple(atoms.values()))


def _slot_kind(field: CompiledField) -> bool:
    """A slot transform, at a place whose value nothing else depends on (the context merges
    components by their componentType: that one decides a report's shape)."""
    transform = TRANSFORMS[field.row.transform]
    return transform.column is not None and field.steps[-1][0] not in SHAPING_NAMES


def _varying_columns(engine: FieldEngine, project_column: int) -> set[int]:
    readers: dict[int, set[bool]] = {}
    for field in engine.fields:
        for column in field.indexes:
            if column >= 0:
                readers.setdefault(column, set()).add(_slot_kind(field))
    varying = {column for column, kinds in readers.items() if kinds == {True}}
    varying.discard(project_column)  # it picks the context's layers
    # a slot transform that also reads a key column is no slot: its columns are keys too
    changed = True
    while changed:
        changed = False
        for field in engine.fields:
            columns = {c for c in field.indexes if c >= 0}
            if columns & varying and not columns <= varying:
                varying -= columns
                changed = True
    return varying


def _column_form(field: CompiledField) -> Column:
    make = TRANSFORMS[field.row.transform].column
    assert make is not None
    return make(field.row)
