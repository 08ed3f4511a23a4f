"""Validation of BoAmps reports: the schema (structure) and rules about meaning (semantics)."""

from __future__ import annotations

from functools import cache
from typing import Any

from ..schema import DEFAULT_VERSION, SchemaVersion, load_schema, parse_version
from .compiler import Check, compile_schema
from .describe import describe
from .problems import CATALOGUE, Problem, ProblemType, ValidationResult, problem
from .semantic import semantic_problems

__all__ = ["CATALOGUE", "Problem", "ProblemType", "ValidationResult", "validate"]


@cache
def _checker(version: SchemaVersion) -> Check:
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
    _checker(schema_version)(obj, (), found)
    found += semantic_problems(obj)
    for item in found:
        (result.errors if item.severity == "error" else result.warnings).append(item)
    return result
