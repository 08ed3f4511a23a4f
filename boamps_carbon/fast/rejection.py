"""Rows of a piece rejected a kind at a time: of rows that the column forms leave to the row
form for the same reasons (the same slots odd, the same conditions true, the same key
values), one goes the ordinary way; when a field of the table refuses it, the other rows
reach that same field with the same fields before it, so only that field's row form runs
for each of them, and gives its exact problem (code, column, value, message).

A row whose fields before that one could turn out otherwise (a slot left to the row form
that refuses it, or gives nothing where the first row's gave a value), whose condition
cannot be told by its column, or that the field does not refuse after all, goes the
ordinary way. The first and last rows of each kind are also checked against the ordinary
path, as the templates are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..fieldmap.parsing import RowError
from ..outcomes import Rejected
from ..sources.codecarbon_csv import Record
from .cells import PieceFields
from .columns import Columns, SlotValues

if TYPE_CHECKING:
    from ..fieldmap.engine import CompiledField

# a `piece.PieceConverter` (not imported: it imports this module)
PieceConverter = Any

MAX_SLOTS = 62  # the odd slots of a row as the bits of one number


def known_rejections(
    converter: PieceConverter,
    columns: Columns,
    values: list[SlotValues],
    odd: np.ndarray,
    bits: np.ndarray,
    rows: PieceFields,
    first_row: int,
    first_line: int,
) -> dict[int, Rejected]:
    """The odd rows of a piece (by index) whose rejection is known without their row path."""
    plan = converter.plan
    if plan is None or not odd.any() or len(values) > MAX_SLOTS:
        return {}
    taken = odd.copy()
    for atom in plan.atoms:
        _, unknown = columns.atom(atom, converter.run)
        taken &= ~unknown
    if not taken.any():
        return {}
    pattern = np.zeros(columns.size, np.int64)
    for bit, slot_values in enumerate(values):
        pattern |= slot_values.odd.astype(np.int64) << bit
    pairs = np.stack([bits, pattern], axis=1)
    _, kind = np.unique(pairs, axis=0, return_inverse=True)
    known: dict[int, Rejected] = {}
    for _, members in converter._groups(rows, kind.reshape(-1).astype(np.int64), ~taken):
        found = _kind_rejections(converter, members.tolist(), pattern, rows, first_row, first_line)
        known.update(found)
    return known


def _kind_rejections(
    converter: PieceConverter,
    members: list[int],
    pattern: np.ndarray,
    rows: PieceFields,
    first_row: int,
    first_line: int,
) -> dict[int, Rejected]:
    conversion, run = converter.conversion, converter.run
    plan = converter.plan
    assert plan is not None
    engine = conversion.field_engine

    def record(index: int) -> Record:
        return Record(first_row + index + 1, first_line + index + 1, rows.row(index))

    first = record(members[0])
    try:
        conversion.assembled(first, engine, run)
    except RowError as exc:
        failing = exc.field
    except ValueError:
        return {}
    else:
        return {}  # the row is made: not a kind of rejected row
    if failing is None:
        return {}
    position = {id(field): i for i, field in enumerate(engine.fields)}
    at = position.get(id(failing))
    if at is None:
        return {}
    odd_slots = int(pattern[members[0]])
    before = [
        engine.fields[slot.field]
        for bit, slot in enumerate(plan.slots)
        if odd_slots >> bit & 1 and slot.field < at
    ]
    expected = _gives(before, first, run)
    if expected is None:
        return {}
    known: dict[int, Rejected] = {}
    apply, indexes = failing.apply, failing.indexes
    for index, values in zip(members, rows.rows_at(members), strict=True):
        row = first_row + index + 1
        if before and _gives(before, Record(row, 0, values), run) != expected:
            continue
        run.line = row
        width = len(values)
        sources = [values[i].strip() if 0 <= i < width else "" for i in indexes]
        try:
            apply(sources or [""], run)
        except RowError as exc:
            line = first_line + index + 1
            known[index] = Rejected(row, line, values, str(exc), exc.code, exc.column, exc.value)
    for index in sorted({members[0], members[-1]} & known.keys()):
        _check(converter, record(index), known[index])
    return known


def _sources(field: CompiledField, values: list[str]) -> list[str]:
    # as the engine reads a field's cells (`FieldEngine.build`)
    width = len(values)
    return [values[i].strip() if 0 <= i < width else "" for i in field.indexes]


def _gives(fields: list[CompiledField], row: Record, run: Any) -> tuple[bool, ...] | None:
    """Whether each field gives a value for the row; None when one refuses it."""
    run.line = row.row
    found = []
    for field in fields:
        try:
            found.append(field.apply(_sources(field, row.values) or [""], run) is not None)
        except ValueError:
            return None
    return tuple(found)


class KindMismatch(AssertionError):
    """A row rejected by kind otherwise than by the ordinary path: a bug, never a user error."""


def _check(converter: PieceConverter, row: Record, known: Rejected) -> None:
    outcome = converter.conversion.outcome(row, converter.run)
    if outcome.rejected != known or outcome.warnings:
        raise KindMismatch(
            f"row {row.row}: rejected by kind as {known!r}, "
            f"by the ordinary path as {outcome.rejected!r}"
        )
