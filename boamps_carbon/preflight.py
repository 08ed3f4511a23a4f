"""Which required fields no row of a file could ever give: those stop the file at once,
before any output, instead of rejecting every row one by one."""

from __future__ import annotations

import re
from typing import Any

from .fieldmap import FieldEngine
from .schema import SchemaVersion
from .validation import Problem

INIT_HINT = "Add them to the context file (`boamps init-context` writes a starting one)."
COMPONENTS_HINT = (
    'give it with `boamps init-context --cpu "NAME" --cpu-count N --ram-gb G` (and '
    '`--gpu "NAME" --gpu-count N`).'
)
# what the file is, in the hint: the tool that wrote it, said by the caller
CODECARBON_CSV = "This CSV names no hardware (CodeCarbon before 2.0 did not)"
VERSION_1_0_HINT = (
    "BoAmps 1.0 asks more of the context than 1.1 (task.taskType, each dataset's volume and "
    "volumeUnit...): add them, or leave --schema-version at 1.1."
)


def missing_hint(
    missing: list[str], version: SchemaVersion, no_hardware: str = CODECARBON_CSV
) -> str:
    """How to fill the required fields no row gives: the context, and what it needs here.
    `no_hardware` says which file names no hardware, and why if known (CODECARBON_CSV)."""
    hint = INIT_HINT
    if "infrastructure.components" in missing:  # no component at all, not a gap in one
        hint += f" {no_hardware}: {COMPONENTS_HINT}"
    if version is SchemaVersion.V1_0:
        hint += " " + VERSION_1_0_HINT
    return hint


def structural_gaps(
    report: dict[str, Any],
    problems: list[Problem],
    engine: FieldEngine,
    flat_header: list[str] | None = None,
) -> list[str]:
    """The paths of `problems` (the first report's) that depend on nothing a row carries.

    A field counts as carried when a field-table row could fill it from the file's columns
    (for a flat BoAmps CSV, when a column names it); a component that the table never builds
    came from the context, so its gaps are the context's."""
    fed = _flat_paths(flat_header) if flat_header is not None else _fed_paths(engine)
    kinds = _fed_component_types(engine)
    return [
        p.path
        for p in problems
        if p.code == "required"
        and (not _is_fed(p.path, fed) or _from_context(p.path, report, kinds))
    ]


def _normal(path: str) -> str:
    return re.sub(r"\[[^\]]*\]", "[]", path)


def _fed_paths(engine: FieldEngine) -> set[str]:
    """Paths, and the objects and lists above them, that some row of this CSV can fill."""
    fed: set[str] = set()
    for path in engine.possible_paths():
        parts = _normal(path).split(".")
        for end in range(1, len(parts) + 1):
            prefix = ".".join(parts[:end])
            fed.update((prefix, prefix.removesuffix("[]")))
    return fed


def _flat_paths(header: list[str]) -> set[str]:
    """What a flat CSV's columns can fill: each column's path and the objects above it."""
    fed: set[str] = set()
    for column in header:
        parts = [p for p in re.sub(r"_(\d+)(?=_|$)", r"[]", column).split("_") if p]
        for end in range(1, len(parts) + 1):
            prefix = ".".join(parts[:end]).replace(".[]", "[]")
            fed.update((prefix, prefix.removesuffix("[]")))
    return fed


def _fed_component_types(engine: FieldEngine) -> set[str]:
    """The component types the field table builds (cpu, gpu, ram for CodeCarbon's)."""
    found = re.findall(r"components\[([^\]]+)\]", " ".join(engine.possible_paths()))
    return set(found)


def _from_context(path: str, report: dict[str, Any], kinds: set[str]) -> bool:
    """A component that no CSV row builds (the context's own): its gaps stay for every row."""
    match = re.match(r"infrastructure\.components\[(\d+)\]", path)
    if match is None:
        return False
    components = (report.get("infrastructure") or {}).get("components") or []
    index = int(match[1])
    kind = components[index].get("componentType") if index < len(components) else None
    return kind not in kinds


def _is_fed(path: str, fed: set[str]) -> bool:
    return _normal(path) in fed
