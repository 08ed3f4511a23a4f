"""Words for JSON values and types in messages: `the string "0.35"`, `a number`."""

from __future__ import annotations

import json
from typing import Any

TYPE_NAMES = {
    "string": "a string",
    "number": "a number",
    "integer": "an integer",
    "object": "an object",
    "array": "an array",
    "boolean": "true or false",
    "null": "null",
}


def quote(value: Any, limit: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + '..."'


def describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "the boolean " + ("true" if value else "false")
    if isinstance(value, int):
        return f"the integer {value}"
    if isinstance(value, float):
        return f"the number {value!r}"
    if isinstance(value, str):
        return "an empty string" if value == "" else f"the string {quote(value)}"
    if isinstance(value, list):
        return (
            "an empty array"
            if not value
            else f"an array of {len(value)} item{'' if len(value) == 1 else 's'}"
        )
    return "an empty object" if not value else "an object"


def expected_type(type_name: str | list[str]) -> str:
    names = [type_name] if isinstance(type_name, str) else type_name
    return " or ".join(TYPE_NAMES[name] for name in names)


def one_of(values: list[Any], limit: int = 12) -> str:
    shown = ", ".join(quote(v) for v in values[:limit])
    return shown if len(values) <= limit else f"{shown}... ({len(values)} values)"
