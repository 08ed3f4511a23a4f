"""A report's JSON text with holes where its slot values go, made from one real row by the
ordinary path and checked against it byte for byte before it is used for any other row."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from ..fieldmap.engine import CompiledField
from ..fieldmap.transforms import TRANSFORMS, RunContext
from ..outcomes import RowConverter
from ..sources.codecarbon_csv import Record
from ..validation.problems import Problem
from ..validation.semantic import Guard, Hole
from ..writers import report_json
from .guards import make_guards
from .plan import Plan

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
    conversion: RowConverter, plan: Plan, record: Record, run: RunContext, texts: list[str]
) -> Template | None:
    """The template of `record`'s kind of row, given its slot texts; None when the row's
    report is not valid or its shape cannot be kept by guards."""
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
            marked, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=_hole
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
    if guards is None or template.fill(texts) != report_json(real.report, None):
        return None
    return template


def _hole(value: Any) -> str:
    if isinstance(value, Hole):
        return f"\0{value.slot}\0"
    raise TypeError(type(value).__name__)
