"""Reports read straight into typed records made from the BoAmps schema (msgspec): the schema
checked while the JSON is read, in C, with no dict per report.

Each object of the schema is a frozen record type, each field its JSON type with the
schema's other constraints (enum, minimum and maximum, least items); a field that is not
required may be absent (UNSET), none may be null, and no other field is taken. So a line
decodes if and only if the schema takes it, with values equal to those the reports' own
parser gives (msgspec, like the standard parser, keeps the last of repeated keys and reads
numbers exactly; the equivalence tests hold it to that). Anything else (a line it refuses
for any reason: a schema error, an unknown field, JSON it reads otherwise) goes to the
ordinary reading, which says what is wrong, in its own words. Only `summary` and
`statement` read this way; the figures of a record are made by the rules of `figures`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import cache
from keyword import iskeyword
from operator import attrgetter
from typing import Annotated, Any, Literal

from ..schema import SchemaVersion, load_schema, parse_version

_FINITE = sys.float_info.max

try:
    from msgspec import UNSET
except ImportError:  # no record is read then (`decoder` gives None)
    UNSET = object()  # type: ignore[misc,assignment]


def _field_type(node: dict[str, Any], name: str) -> Any:
    """The msgspec type of schema `node`, or None when the schema says something a type
    cannot (then no report of its version is read this way)."""
    import msgspec

    kind = node.get("type")
    bounds: dict[str, Any] = {}
    if node.get("minimum") is not None:
        bounds["ge"] = node["minimum"]
    if node.get("maximum") is not None:
        bounds["le"] = node["maximum"]
    if kind == "string":
        if "enum" in node:
            if not all(isinstance(v, str) for v in node["enum"]):
                return None
            return Literal[tuple(node["enum"])]
        return str
    if kind == "number":
        # NaN and infinities are no JSON number (msgspec refuses them too)
        return Annotated[
            float,
            msgspec.Meta(ge=bounds.get("ge", -_FINITE), le=bounds.get("le", _FINITE)),
        ]
    if kind == "integer":
        return Annotated[int, msgspec.Meta(**bounds)] if bounds else int
    if kind == "boolean":
        return bool
    if kind == "array":
        item = _field_type(node["items"], name) if isinstance(node.get("items"), dict) else None
        if item is None:
            return None
        found: Any = tuple[item, ...]  # type: ignore[valid-type]  # tuples hash, for the memos
        if "minItems" in node:
            found = Annotated[found, msgspec.Meta(min_length=node["minItems"])]
        return found
    if kind == "object":
        required = set(node.get("required", []))
        fields: list[Any] = []
        for index, (key, sub) in enumerate(node.get("properties", {}).items()):
            found = _field_type(sub, key)
            if found is None:
                return None
            # a key that is no Python name ("$hash") is read into another attribute
            plain = key.isidentifier() and not iskeyword(key) and not key.startswith("_")
            attribute = key if plain else f"field{index}_"
            if key in required:
                fields.append((attribute, found, msgspec.field(name=key)))
            else:
                fields.append(
                    (attribute, found | msgspec.UnsetType, msgspec.field(default=UNSET, name=key))
                )
        if set(required) - set(node.get("properties", {})):
            return None  # a required field of no known type
        return msgspec.defstruct(
            name or "Report", fields, kw_only=True, forbid_unknown_fields=True, frozen=True
        )
    return None


@cache
def decoder(version: SchemaVersion | str) -> Any:
    """A decoder of `version`'s valid reports, or None (no msgspec, or a schema it cannot
    say)."""
    try:
        import msgspec
    except ImportError:  # a source checkout without it reads every report the ordinary way
        return None
    schema = load_schema(parse_version(version))
    if set(schema) - {"$schema", "title", "description", "type", "properties", "required"}:
        return None
    record = _field_type(schema, "Report")
    return None if record is None else msgspec.json.Decoder(record)


def refused() -> tuple[type[Exception], ...]:
    """What a decoder raises for a line the schema does not take as it is."""
    import msgspec

    return (msgspec.ValidationError, msgspec.DecodeError)


def model(task: Any) -> str:
    """A report's model, as `figures` reads it: its first algorithm's foundation model,
    name or type ("" when it has no algorithm)."""
    import msgspec

    algorithms = getattr(task, "algorithms", msgspec.UNSET)
    if algorithms is msgspec.UNSET or not algorithms:
        return ""
    for name in ("foundationModelName", "algorithmName", "algorithmType"):
        value = getattr(algorithms[0], name, msgspec.UNSET)
        if value is not msgspec.UNSET and value:
            return str(value)
    return ""


@cache
def _known(kind: Any, names: tuple[str, ...]) -> tuple[str, ...]:
    fields = getattr(kind, "__struct_fields__", ())
    return tuple(name for name in names if name in fields)


def fields(record: Any, names: tuple[str, ...]) -> tuple[str, ...]:
    """Those of `names` that a record's type has."""
    kind: Any = type(record)
    return _known(kind, names)


@cache
def _getter(kind: Any, names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    known = _known(kind, names)
    if len(known) == 1:
        get = attrgetter(known[0])
        return lambda record: (get(record),)
    return attrgetter(*known) if known else (lambda record: ())


def getter(record: Any, names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """What gives the fields of `names` that the type of `record` has (UNSET where absent),
    as a tuple, from a record of that type."""
    kind: Any = type(record)
    return _getter(kind, names)
