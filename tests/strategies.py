"""Hypothesis strategies that draw valid reports from our own schema files."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from boamps_carbon.schema import SchemaVersion, load_schema

_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)


def from_schema(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "object":
        return _object(schema)
    if kind == "array":
        least = schema.get("minItems", 0)
        return st.lists(from_schema(schema.get("items", {})), min_size=least, max_size=least + 2)
    if kind == "integer":
        return st.integers(min_value=0, max_value=10**6)
    if kind == "number":
        low, high = schema.get("minimum", -1e9), schema.get("maximum", 1e9)
        return st.one_of(
            st.floats(low, high, allow_nan=False),
            st.integers(int(low) if low > -1e9 else -(10**6), int(high) if high < 1e9 else 10**6),
        )
    if kind == "boolean":
        return st.booleans()
    return _TEXT


def _object(schema: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    properties = schema.get("properties", {})
    required = set(schema.get("required", []))
    return st.fixed_dictionaries(
        {name: from_schema(properties[name]) for name in properties if name in required},
        optional={
            name: from_schema(sub) for name, sub in properties.items() if name not in required
        },
    )


def reports(version: SchemaVersion) -> st.SearchStrategy[dict[str, Any]]:
    return _object(load_schema(version))
