"""One way to name a field of a finished report: `task.algorithms[0].quantization`,
`infrastructure.components[gpu].componentName`, `header.publisher.projectName`.

The syntax is the field table's (`fieldmap.table.parse_path`); in a finished report a list
element is named by its index (`[0]`) or by the key the context merges it on
(`components[gpu]`: the element whose componentType is gpu)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ..context import MERGE_KEYS
from ..errors import InputError
from ..fieldmap.row import parse_path

NOT_STATED = "(not stated)"

Steps = tuple[tuple[str, str | None], ...]


def compile_path(path: str, where: str = "--by") -> Steps:
    """The steps of `path`; raises InputError naming `where` when it cannot name a field."""
    steps = parse_path(path, where)
    for name, key in steps:
        if key is not None and not key.isdigit() and name not in MERGE_KEYS:
            raise InputError(
                "Bad field path",
                where,
                repr(path),
                f"Name an element of {name} by its index ({name}[0]); only "
                f"{', '.join(MERGE_KEYS)} elements have a key ({_key_example()}).",
            )
    return steps


def _key_example() -> str:
    name, field = next(iter(MERGE_KEYS.items()))
    return f"{name}[gpu] is the one whose {field} is gpu"


def _element(items: list[Any], name: str, key: str) -> Any:
    if key.isdigit():
        index = int(key)
        return items[index] if index < len(items) else None
    field = MERGE_KEYS[name]
    for item in items:
        if isinstance(item, dict) and str(item.get(field, "")).lower() == key.lower():
            return item
    return None


def resolve(report: Any, steps: Steps) -> Any:
    """The value at `steps` in `report`, or None when any step is missing."""
    node = report
    for name, key in steps:
        if not isinstance(node, dict):
            return None
        node = node.get(name)
        if key is not None:
            if not isinstance(node, list):
                return None
            node = _element(node, name, key)
    return node


def getter(path: str, where: str = "--by") -> Callable[[Any], Any]:
    """A function giving the value at `path` of a report: the path is parsed once."""
    steps = compile_path(path, where)
    return lambda report: resolve(report, steps)


def group_label(value: Any) -> str:
    """A field's value as a group's name: text as is, other values as JSON."""
    if value is None or value == "":
        return NOT_STATED
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def assign(report: dict[str, Any], path: str, value: Any) -> None:
    """Set the field at `path`, making the objects and list elements on the way."""
    steps = compile_path(path, "field")
    node: Any = report
    for index, (name, key) in enumerate(steps):
        last = index == len(steps) - 1
        if key is None:
            if last:
                node[name] = value
                return
            node = node.setdefault(name, {})
            continue
        items = node.setdefault(name, [])
        found = _element(items, name, key)
        if found is None:
            if key.isdigit() and int(key) > len(items):
                raise InputError(
                    "Bad field path",
                    "field",
                    repr(path),
                    f"{name} has {len(items)} elements: name one of them or the next.",
                )
            found = {} if key.isdigit() else {MERGE_KEYS[name]: key}
            items.append(found)
        if last:
            raise InputError(
                "Bad field path", "field", repr(path), "Name a field inside the element."
            )
        node = found
