"""The last steps every report goes through, whatever its source: context, assumed defaults,
schema order, validation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .context import Context, merge
from .fieldmap import FieldEngine
from .fieldmap.engine import get_path, to_plain
from .fieldmap.row import parse_path
from .fieldmap.transforms import RunContext
from .schema import SchemaVersion, in_schema_order
from .validation import Problem, validate
from .validation.problems import problem


@dataclass
class Assembled:
    report: dict[str, Any]
    errors: list[Problem]
    warnings: list[str] = field(default_factory=list)
    # the warnings as problems of the catalogue, in the same order
    warning_problems: list[Problem] = field(default_factory=list)


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
    assumed = [
        problem(
            "assumed-default",
            path,
            "Set it in the context.",
            actual=repr(get_path(built, parse_path(path, path))),
        )
        for path in engine.assume(built, run)
    ]
    notes = [f"{p.path} {p.message}; set it in the context" for p in assumed]
    report = in_schema_order(to_plain(built), version)
    result = validate(report, version)
    quality_note, quality_problem = quality_check(report, run.options.get("quality") == "derive")
    return Assembled(
        report,
        result.errors,
        notes + [str(p) for p in result.warnings] + quality_note,
        assumed + result.warnings + quality_problem,
    )


def quality_check(report: dict[str, Any], derive: bool) -> tuple[list[str], list[Problem]]:
    """Fill `quality` from the measuring methods when asked and the context does not set it;
    warn (a note and its problem) when the context claims better than the methods allow."""
    from .trust.bands import uncertainty

    band = uncertainty(report)
    if derive and "quality" not in report:
        report["quality"] = band.derived_quality
    if band.warning is None:
        return [], []
    found = problem(
        "quality-overclaimed",
        "quality",
        f"Set quality to {band.best!r}, or measure with a better method.",
        expected=band.best,
        methods=", ".join(band.methods),
        actual=band.claimed,
        value=band.claimed or "",
    )
    return [f"quality: {band.warning}"], [found]
