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


class SectionMemo:
    """`schema_errors(obj, version) == []`, faster over many reports that repeat whole
    sections (infrastructure, environment, software...): a section whose exact JSON text was
    found without error before is not checked again. Any error, or a schema not made of
    independent sections, goes to `schema_errors` itself, so the answer is always its answer.
    Memory is bounded: at most MEMO_SECTIONS sections of at most MEMO_BYTES each are kept."""

    MEMO_SECTIONS = 1024
    MEMO_BYTES = 16 << 10

    def __init__(self, version: str | SchemaVersion = DEFAULT_VERSION) -> None:
        from .compiler import compile_sections

        self.version = parse_version(version)
        self._sections = compile_sections(load_schema(self.version), self.version.value)
        self._clean: set[tuple[str, bytes]] = set()
        # sections that differ in every report (header, measures) are only checked: making
        # their text would cost without ever saving a check
        self._hits: dict[str, int] = {}
        self._misses: dict[str, int] = {}
        self._varying: set[str] = set()
        try:
            from orjson import dumps
        except ImportError:  # orjson is a dependency; a source checkout without it checks all
            self._sections = None
        else:
            self._dumps = dumps

    def errors(self, obj: Any) -> list[Problem]:
        """What `schema_errors(obj, version)` gives."""
        if self._clean_report(obj):
            return []
        return schema_errors(obj, self.version)

    def _clean_report(self, obj: Any) -> bool:
        if self._sections is None or type(obj) is not dict:
            return False
        required, checks = self._sections
        for name in required:
            if name not in obj:
                return False
        found: list[Problem] = []
        for key, value in obj.items():
            check = checks.get(key)
            if check is None:
                continue  # not a BoAmps field: a warning, never an error
            memo = None if key in self._varying else self._memo_key(key, value)
            if memo is not None:
                if memo in self._clean:
                    self._hits[key] = self._hits.get(key, 0) + 1
                    continue
                misses = self._misses[key] = self._misses.get(key, 0) + 1
                if misses >= 64 and self._hits.get(key, 0) < misses:
                    self._varying.add(key)
            check(value, (), found)
            if any(item.severity == "error" for item in found):
                return False
            found.clear()
            if memo is not None:
                if len(self._clean) >= self.MEMO_SECTIONS:
                    self._clean.clear()
                self._clean.add(memo)
        return True

    def _memo_key(self, key: str, value: Any) -> tuple[str, bytes] | None:
        if type(value) is not dict and type(value) is not list:
            return None  # a plain value is checked faster than its text is made
        try:
            text: bytes = self._dumps(value)
        except TypeError:  # orjson's error for what it cannot write (huge integers)
            return None
        # orjson writes NaN and infinities as null: a text with null in it is not one value
        if len(text) > self.MEMO_BYTES or b"null" in text:
            return None
        return key, text


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
