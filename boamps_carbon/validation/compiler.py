"""Turns a draft-04 JSON Schema into one fast checking function.

The schema is compiled once into nested closures; checking a report then walks the report,
not the schema, and collects every problem with its JSON path. Paths are known at compile
time except for array indexes, so each node carries a path template and only formats it
when it reports a problem. Only the keywords the BoAmps schemas use are supported: any
other keyword fails at compile time, so a schema edit can never be silently ignored.

The compiler also records, per path template, what it compiled there (`Constraints`): the
fast path's templates read the types and ranges of their holes from that record.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from .describe import describe, expected_type, one_of, quote
from .problems import Problem, problem

# check(value, indexes of the enclosing arrays, problems found so far)
Check = Callable[[Any, tuple[int, ...], list[Problem]], None]

SUPPORTED = {
    "$schema",
    "title",
    "description",
    "type",
    "properties",
    "required",
    "enum",
    "minimum",
    "maximum",
    "minItems",
    "items",
}

# JSON parsing gives exact built-in types, so one set lookup decides the common case;
# bool is not in the number sets because JSON true is not a number, and draft-04 does
# not take 2.0 as an integer.
_EXACT: dict[str, set[type]] = {
    "string": {str},
    "number": {int, float},
    "integer": {int},
    "object": {dict},
    "array": {list},
    "boolean": {bool},
    "null": {type(None)},
}
_SLOW: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


# the keywords that check a value beyond its type
_CHECKING = frozenset({"enum", "minimum", "maximum", "minItems", "properties", "required", "items"})


@dataclass(frozen=True)
class Constraints:
    """What the compiled schema checks at one path."""

    types: tuple[str, ...]  # the JSON types it takes
    keywords: frozenset[str]  # the checking keywords beyond the type
    minimum: float | None = None
    maximum: float | None = None


# a place no schema node describes: the compiler names its key non-standard, whatever it holds
UNCHECKED = Constraints(tuple(_EXACT), frozenset())


class CompiledSchema(NamedTuple):
    check: Check
    places: dict[str, Constraints]  # by path template ("measures[{}].powerConsumption")

    def at(self, path: tuple[str | int, ...]) -> Constraints:
        """The constraints at a report's path (keys and list indexes)."""
        template = ""
        for step in path:
            template = template + "[{}]" if isinstance(step, int) else _join(template, step)
        return self.places.get(template, UNCHECKED)


def compile_schema(schema: dict[str, Any], version_label: str) -> CompiledSchema:
    places: dict[str, Constraints] = {}
    return CompiledSchema(_node(schema, "", version_label, places), places)


def _join(template: str, key: str) -> str:
    key = key.replace("{", "{{").replace("}", "}}")
    return f"{template}.{key}" if template else key


def _node(schema: dict[str, Any], template: str, label: str, places: dict[str, Any]) -> Check:
    unknown = set(schema) - SUPPORTED
    if unknown:
        raise ValueError(f"schema keyword(s) not supported by the compiler: {sorted(unknown)}")
    leaf = (_finite_step, _enum_step, _range_step, _min_items_step)
    made = [make(schema, template, label) for make in leaf]
    made += [make(schema, template, label, places) for make in (_properties_step, _items_step)]
    steps = [step for step in made if step is not None]
    names = schema.get("type", list(_EXACT))
    names = names if isinstance(names, list) else [names]
    places[template] = Constraints(
        tuple(names), frozenset(schema) & _CHECKING, schema.get("minimum"), schema.get("maximum")
    )
    exact = set().union(*(_EXACT[n] for n in names))
    slow = [_SLOW[n] for n in names]
    expected = expected_type(names)

    def check(value: Any, idx: tuple[int, ...], out: list[Problem]) -> None:
        kind = type(value)
        if kind not in exact and (kind in _BUILTINS or not any(test(value) for test in slow)):
            # a value of the wrong type gets one message, not a cascade
            out.append(
                problem(
                    "type",
                    template.format(*idx),
                    _type_hint(names, value),
                    expected=expected,
                    actual=describe(value),
                )
            )
            return
        for step in steps:
            step(value, idx, out)

    return check


_BUILTINS = {str, int, float, bool, dict, list, type(None)}


def _type_hint(names: list[str], value: Any) -> str:
    if "integer" in names and isinstance(value, float) and value.is_integer():
        return f"Write {int(value)} without a decimal point"
    if isinstance(value, str) and ("number" in names or "integer" in names):
        try:
            float(value)
        except ValueError:
            return ""
        return "Remove the quotes around the number"
    return ""


def _finite_step(schema: dict[str, Any], template: str, label: str) -> Check | None:
    """NaN and infinities are floats to Python but no JSON number: a dict built in code can
    hold them, a file cannot."""
    if schema.get("type") != "number":
        return None

    def step(value: Any, idx: tuple[int, ...], out: list[Problem]) -> None:
        if type(value) is float and value - value != 0:
            out.append(
                problem(
                    "type", template.format(*idx), expected="a finite number", actual=repr(value)
                )
            )

    return step


def _enum_step(schema: dict[str, Any], template: str, label: str) -> Check | None:
    if "enum" not in schema:
        return None
    allowed = list(schema["enum"])
    if not all(isinstance(v, str) for v in allowed):
        raise ValueError(f"only enums of strings are supported, got {allowed!r}")
    allowed_set = frozenset(allowed)
    expected = one_of(allowed)

    def step(value: Any, idx: tuple[int, ...], out: list[Problem]) -> None:
        if isinstance(value, str) and value in allowed_set:
            return
        close = difflib.get_close_matches(str(value), allowed, n=1, cutoff=0.6)
        hint = f"Did you mean {quote(close[0])}?" if close else ""
        out.append(
            problem("enum", template.format(*idx), hint, expected=expected, actual=quote(value))
        )

    return step


def _range_step(schema: dict[str, Any], template: str, label: str) -> Check | None:
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is None and high is None:
        return None
    if low is not None and high is not None:
        expected = f"a number from {low} to {high}"
    else:
        expected = f"a number >= {low}" if low is not None else f"a number <= {high}"
    is_fraction = (low, high) == (0, 1)

    def step(value: Any, idx: tuple[int, ...], out: list[Problem]) -> None:
        if type(value) is bool or not isinstance(value, (int, float)):
            return
        if low is not None and value < low:
            out.append(problem("minimum", template.format(*idx), expected=expected, actual=value))
        elif high is not None and value > high:
            hint = (
                f"This field is a fraction: write {value / 100:g} for {value:g} %"
                if is_fraction and value <= 100
                else ""
            )
            out.append(
                problem("maximum", template.format(*idx), hint, expected=expected, actual=value)
            )

    return step


def _min_items_step(schema: dict[str, Any], template: str, label: str) -> Check | None:
    if "minItems" not in schema:
        return None
    least = schema["minItems"]
    expected = f"at least {least} item" + ("s" if least != 1 else "")

    def step(value: Any, idx: tuple[int, ...], out: list[Problem]) -> None:
        if isinstance(value, list) and len(value) < least:
            out.append(
                problem(
                    "min-items", template.format(*idx), expected=expected, actual=describe(value)
                )
            )

    return step


def _properties_step(
    schema: dict[str, Any], template: str, label: str, places: dict[str, Any]
) -> Check | None:
    if "properties" not in schema and "required" not in schema:
        return None
    properties = schema.get("properties", {})
    # per property: the exact types that settle a plain leaf without a call, and its check
    children = {
        name: (_plain_leaf_types(sub), _node(sub, _join(template, name), label, places))
        for name, sub in properties.items()
    }
    required = [
        (name, _join(template, name), _expected_of(properties.get(name, {})))
        for name in schema.get("required", [])
    ]

    def step(value: Any, idx: tuple[int, ...], out: list[Problem]) -> None:
        if not isinstance(value, dict):
            return
        for name, where, expected in required:
            if name not in value:
                out.append(problem("required", where.format(*idx), expected=expected))
        for key, item in value.items():
            child = children.get(key)
            if child is not None:
                if type(item) not in child[0]:
                    child[1](item, idx, out)
            elif template or key != "$schema":  # a top-level "$schema" is editor metadata
                out.append(
                    problem(
                        "non-standard-field",
                        _join(template, key).format(*idx),
                        expected=label,
                        actual=quote(key),
                    )
                )

    return step


def _plain_leaf_types(schema: dict[str, Any]) -> frozenset[type]:
    """Types that make a node valid on sight: only for nodes that check nothing but a type."""
    if set(schema) - {"$schema", "title", "description", "type"}:
        return frozenset()
    names = schema.get("type", [])
    names = names if isinstance(names, list) else [names]
    return frozenset().union(*(_EXACT[n] for n in names if n not in ("object", "array")))


def _expected_of(sub: dict[str, Any]) -> str:
    return expected_type(sub["type"]) if "type" in sub else "a value"


def _items_step(
    schema: dict[str, Any], template: str, label: str, places: dict[str, Any]
) -> Check | None:
    if "items" not in schema:
        return None
    item_check = _node(schema["items"], template + "[{}]", label, places)

    def step(value: Any, idx: tuple[int, ...], out: list[Problem]) -> None:
        if isinstance(value, list):
            for index, item in enumerate(value):
                item_check(item, (*idx, index), out)

    return step


def compile_sections(
    schema: dict[str, Any], version_label: str
) -> tuple[list[str], dict[str, Check]] | None:
    """(required names, check per property) of a schema that is an object of properties and
    checks nothing else at its top: a report's errors are then exactly its sections' errors
    and its missing required sections. None for any other schema."""
    if set(schema) - {"$schema", "title", "description", "type", "properties", "required"}:
        return None
    if schema.get("type") != "object":
        return None
    properties = schema.get("properties", {})
    return list(schema.get("required", [])), {
        name: _node(sub, _join("", name), version_label, {}) for name, sub in properties.items()
    }
