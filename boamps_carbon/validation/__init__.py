"""Validation of BoAmps reports: the schema (structure) and rules about meaning (semantics)."""

from __future__ import annotations

from functools import cache
from typing import Any

from ..schema import DEFAULT_VERSION, SchemaVersion, load_schema, parse_version
from .compiler import CompiledSchema, compile_schema
from .describe import describe
from .problems import CATALOGUE, Problem, ProblemType, ValidationResult, problem
from .semantic import semantic_problems

__all__ = [
    "CATALOGUE",
    "Problem",
    "ProblemType",
    "ValidationResult",
    "better_version",
    "compiled_schema",
    "schema_errors",
    "validate",
]


@cache
def compiled_schema(version: SchemaVersion) -> CompiledSchema:
    """The schema of `version` compiled: its check, and what it checks at each path."""
    return compile_schema(load_schema(version), f"{version.value}")


def validate(
    obj: Any, version: str | SchemaVersion = DEFAULT_VERSION, *, strict: bool = False
) -> ValidationResult:
    """Check `obj` (a parsed report) against BoAmps `version`: every problem, not the first."""
    schema_version = parse_version(version)
    result = ValidationResult(schema_version.value, strict=strict)
    if not isinstance(obj, dict):
        result.errors.append(problem("not-object", "", actual=describe(obj)))
        return result
    found: list[Problem] = []
    compiled_schema(schema_version).check(obj, (), found)
    found += semantic_problems(obj)
    for item in found:
        (result.errors if item.severity == "error" else result.warnings).append(item)
    return result


def schema_errors(obj: Any, version: str | SchemaVersion = DEFAULT_VERSION) -> list[Problem]:
    """The errors of `validate(obj, version)`, without its warnings: only the schema makes a
    report invalid, so the commands that skip invalid reports need no semantic rule."""
    if not isinstance(obj, dict):
        return [problem("not-object", "", actual=describe(obj))]
    found: list[Problem] = []
    compiled_schema(parse_version(version)).check(obj, (), found)
    return [item for item in found if item.severity == "error"]


def better_version(obj: Any, result: ValidationResult) -> SchemaVersion | None:
    """Another shipped version `obj` fits better than the one of `result`: one where none of
    its fields is non-standard and it has fewer problems (a 1.0 report checked as 1.1), or
    None. Only reports with non-standard fields are checked again."""
    if not any(p.code == "non-standard-field" for p in result.warnings):
        return None
    checked = parse_version(result.version)
    for version in SchemaVersion:
        if version is checked:
            continue
        other = validate(obj, version)
        if not any(p.code == "non-standard-field" for p in other.warnings) and len(
            other.errors
        ) + len(other.warnings) < len(result.errors) + len(result.warnings):
            return version
    return None
