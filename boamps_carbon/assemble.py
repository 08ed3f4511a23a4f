"""The last steps every report goes through, whatever its source: context, assumed defaults,
schema order, validation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .context import Context, merge
from .fieldmap import FieldEngine
from .fieldmap.engine import get_path, to_plain
from .fieldmap.table import parse_path
from .fieldmap.transforms import RunContext
from .schema import SchemaVersion, in_schema_order
from .validation import Problem, validate


@dataclass
class Assembled:
    report: dict[str, Any]
    errors: list[Problem]
    warnings: list[str] = field(default_factory=list)


def assemble(
    built: dict[str, Any],
    context: Context,
    project: str | None,
    engine: FieldEngine,
    run: RunContext,
    version: SchemaVersion,
) -> Assembled:
    for layer in context.for_project(project):
        merge(built, layer)
    notes = [
        f"{path} assumed {get_path(built, parse_path(path, path))!r}: the source does "
        "not say; set it in the context"
        for path in engine.assume(built, run)
    ]
    report = in_schema_order(to_plain(built), version)
    result = validate(report, version)
    notes += quality_notes(report, run.options.get("quality") == "derive")
    return Assembled(report, result.errors, notes + [str(p) for p in result.warnings])


def quality_notes(report: dict[str, Any], derive: bool) -> list[str]:
    """Fill `quality` from the measuring methods when asked and the context does not set it;
    warn when the context claims better than the methods allow."""
    from .trust.bands import uncertainty

    band = uncertainty(report)
    if derive and "quality" not in report:
        report["quality"] = band.quality
    return [f"quality: {band.warning}"] if band.warning else []
