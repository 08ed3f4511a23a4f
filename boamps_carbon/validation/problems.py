"""The catalogue of problems a report can have, and the result of validating one.

Each problem type has a code, a title and a message template, so that a problem can be
shown to a person, counted by type, or written as JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ProblemType:
    code: str
    title: str
    template: str
    severity: str = "error"


def _t(code: str, title: str, template: str, severity: str = "error") -> ProblemType:
    return ProblemType(code, title, template, severity)


CATALOGUE: dict[str, ProblemType] = {
    t.code: t
    for t in (
        # structure (from the schema)
        _t("type", "Wrong type", "expected {expected}, got {actual}"),
        _t("required", "Missing required field", "required field is missing (expected {expected})"),
        _t("enum", "Value not allowed", "expected one of {expected}, got {actual}"),
        _t("minimum", "Value too small", "expected {expected}, got {actual}"),
        _t("maximum", "Value too large", "expected {expected}, got {actual}"),
        _t("min-items", "Too few items", "expected {expected}, got {actual}"),
        # semantics (warnings unless --strict)
        _t(
            "datetime-format",
            "Datetime not in BoAmps format",
            "expected a datetime as YYYY-MM-DD HH:MM:SS, got {actual}",
            "warning",
        ),
        _t(
            "non-positive-energy",
            "Energy not positive",
            "expected an energy above 0, got {actual}",
            "warning",
        ),
        _t(
            "implausible-power",
            "Implausible average power",
            "expected an average power of at most {expected}, got {actual}",
            "warning",
        ),
        _t(
            "tracking-mode-is-scope",
            "Tracking scope given as tracking mode",
            "expected how power was measured (rapl, constant, nvml...), "
            "got CodeCarbon's scope {actual}",
            "warning",
        ),
        _t(
            "geolocation-fallback",
            "Location is CodeCarbon's fallback",
            "expected the real location, got {actual}, "
            "which CodeCarbon reports when it cannot geolocate",
            "warning",
        ),
        _t(
            "non-standard-field",
            "Non-standard field",
            "field {actual} is not part of BoAmps {expected}",
            "warning",
        ),
        _t(
            "measure-after-report",
            "Measure dated after its report",
            "expected a measurement that starts before the report date {expected}, got {actual}",
            "warning",
        ),
        _t(
            "onpremise-with-cloud-provider",
            "On-premise infrastructure with a cloud provider",
            "expected no cloudProvider with infraType {expected}, got {actual}",
            "warning",
        ),
        _t(
            "component-count-mismatch",
            "Component count differs from its name",
            "expected {expected} as componentName {name} says, got {actual}",
            "warning",
        ),
        _t(
            "cpu-count-is-logical",
            "CPU count is logical CPUs",
            "expected a number of processors (at most {expected}), got {actual}, "
            "a count of logical CPUs such as CodeCarbon's cpu_count",
            "warning",
        ),
        _t(
            "short-measurement",
            "Run shorter than the measurement interval",
            "expected a run of at least {expected} or a mean power of at least {power}, "
            "got {actual}",
            "warning",
        ),
        _t(
            "quality-overclaimed",
            "Quality better than the measuring methods allow",
            "expected {expected} at best for {methods}, got {actual}",
            "warning",
        ),
        # converting a CSV row (convert's rejects and warnings)
        _t("bad-number", "Not a number", "expected a number in column {column}, got {actual}"),
        _t(
            "number-range",
            "Number out of JSON's range",
            "expected a number JSON can hold in column {column}, got {actual}",
        ),
        _t("out-of-range", "Result out of range", "{what} is out of range"),
        _t(
            "bad-datetime",
            "Not a date and time",
            "expected a date and time in column {column}, got {actual}",
        ),
        _t("date-range", "Date out of range", "the date in column {column} is out of range"),
        _t(
            "negative",
            "Negative quantity",
            "expected {what} of 0 or more in column {column}, got {actual}",
        ),
        _t(
            "not-whole",
            "Not a whole number",
            "expected a whole number in column {column}, got {actual}",
        ),
        _t(
            "start-before-year-1",
            "Run starts before year 1",
            "the start of the run ({column} minus {length}) is before year 1",
        ),
        _t(
            "row-width",
            "Row of another width",
            "has {actual} fields where the header has {expected}; the row would be read "
            "shifted (CodeCarbon up to 3.3.0 appends rows without their empty columns)",
        ),
        _t("invalid-report", "Report would be invalid", "the report would be invalid: {actual}"),
        _t("bad-value", "Value not convertible", "{actual}"),
        _t("source-note", "Fixed or named by the tool's reader", "{actual}", "warning"),
        _t(
            "assumed-default",
            "Default assumed",
            "assumed {actual}: the source does not say",
            "warning",
        ),
        # reading
        _t("not-utf8", "Not UTF-8", "expected UTF-8 text, got {actual}"),
        _t("not-json", "Not JSON", "expected JSON, got a syntax error: {actual}"),
        _t(
            "too-deep",
            "Nested too deep",
            "expected at most {expected} levels of nested objects and arrays, got {actual}",
        ),
        _t("not-object", "Not a JSON object", "expected a JSON object, got {actual}"),
        _t(
            "lone-surrogate",
            "Lone surrogate",
            "expected valid Unicode text, got a lone surrogate in {actual}",
        ),
    )
}


@dataclass(frozen=True)
class Problem:
    code: str
    path: str
    message: str
    hint: str = ""
    # where in a text file, for problems found while reading it
    line: int | None = None
    column: int | None = None
    # the value at `path` the problem is about, when it is one (a conversion report's `value`)
    value: str = ""

    @property
    def type(self) -> ProblemType:
        return CATALOGUE[self.code]

    @property
    def severity(self) -> str:
        return self.type.severity

    def to_dict(self) -> dict[str, str | None]:
        """The problem as JSON data; `hint` is always there, null when there is none."""
        return {
            "path": self.path,
            "code": self.code,
            "message": self.message,
            "hint": self.hint or None,
        }

    def __str__(self) -> str:
        text = f"{self.path or '(root)'}: {self.message}"
        return f"{text}. {self.hint}" if self.hint else text


def problem(
    code: str,
    path: str,
    hint: str = "",
    *,
    line: int | None = None,
    column: int | None = None,
    value: str = "",
    **values: Any,
) -> Problem:
    message = CATALOGUE[code].template.format(**values)
    return Problem(code, path, message, hint, line, column, value)


@dataclass
class ValidationResult:
    version: str
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    strict: bool = False

    @property
    def valid(self) -> bool:
        return not self.errors and not (self.strict and self.warnings)

    def __bool__(self) -> bool:
        return self.valid

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "version": self.version,
            "errors": [p.to_dict() for p in self.errors],
            "warnings": [p.to_dict() for p in self.warnings],
        }
