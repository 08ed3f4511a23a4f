"""Which CodeCarbon version wrote a CSV, judged from its header.

The known layouts are data: `schemas/tables/codecarbon-layouts.csv`."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from ..render.flat import is_flat_header
from ..resources import schemas_dir

# without these a CSV says nothing BoAmps can use
ESSENTIAL = ("timestamp", "duration", "energy_consumed")


@dataclass(frozen=True)
class Layout:
    name: str
    versions: str
    columns: tuple[str, ...]


FLAT = Layout("boamps-flat", "none: a flat BoAmps CSV", ())


@dataclass
class Detected:
    layout: Layout | None
    reordered: bool = False
    extra: list[str] = field(default_factory=list)
    missing_essential: list[str] = field(default_factory=list)
    task_file: bool = False

    @property
    def name(self) -> str:
        return self.layout.name if self.layout else "unknown"

    def describe(self) -> str:
        if self.layout is None:
            return "an unknown layout"
        if self.layout is FLAT:
            return "a flat BoAmps CSV (one report per row)"
        text = (
            f"{self.layout.name} (CodeCarbon {self.layout.versions}, "
            f"{len(self.layout.columns)} columns"
        )
        if self.reordered:
            text += ", in another order"
        text += ")"
        if self.task_file:
            text += ", a task file"
        if self.extra:
            text += f", plus {len(self.extra)} extra columns: {', '.join(self.extra)}"
        return text


@cache
def known_layouts() -> tuple[Layout, ...]:
    with open(
        schemas_dir() / "tables" / "codecarbon-layouts.csv", encoding="utf-8", newline=""
    ) as handle:
        return tuple(
            Layout(r["layout"], r["versions"], tuple(r["columns"].split()))
            for r in csv.DictReader(handle)
        )


def detect(header: Sequence[str]) -> Detected:
    names = list(header)
    if is_flat_header(names):
        return Detected(FLAT)
    present = set(names)
    missing = [c for c in ESSENTIAL if c not in present]
    task_file = "task_name" in present
    best: Layout | None = None
    for layout in known_layouts():
        if tuple(names) == layout.columns:
            return Detected(layout, missing_essential=missing)
        if set(layout.columns) <= present and (
            best is None or len(layout.columns) > len(best.columns)
        ):
            best = layout
    if best is None:
        return Detected(None, missing_essential=missing, task_file=task_file)
    extra = [n for n in names if n not in best.columns and n != "task_name"]
    ordered = [n for n in names if n in best.columns] == list(best.columns)
    return Detected(
        best, reordered=not ordered, extra=extra, missing_essential=missing, task_file=task_file
    )
