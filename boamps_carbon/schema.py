"""The BoAmps format versions this package knows, and their JSON Schemas.

Our schema files reference each other by relative file name (``"$ref": "measure.json"``);
``load_schema`` inlines those references so that no validator ever resolves a URL.
"""

from __future__ import annotations

import copy
import json
from enum import Enum
from functools import cache
from typing import Any

from .errors import UnknownSchemaVersionError
from .resources import schemas_dir


class SchemaVersion(str, Enum):
    V1_1 = "1.1"
    V1_0 = "1.0"

    def __str__(self) -> str:
        return self.value


DEFAULT_VERSION = SchemaVersion.V1_1

# Version -> (folder under schemas/, files in it). The first file is the report, the root.
SCHEMA_FILES: dict[SchemaVersion, tuple[str, tuple[str, ...]]] = {
    SchemaVersion.V1_1: (
        "boamps-1.1",
        ("report.json", "measure.json", "hardware.json", "algorithm.json", "dataset.json"),
    ),
    SchemaVersion.V1_0: (
        "boamps-1.0",
        (
            "report.json",
            "measure.json",
            "hardware.json",
            "algorithm.json",
            "dataset.json",
            "inference.json",
        ),
    ),
}


def parse_version(version: str | SchemaVersion) -> SchemaVersion:
    if isinstance(version, SchemaVersion):
        return version
    try:
        return SchemaVersion(str(version))
    except ValueError:
        known = ", ".join(v.value for v in SchemaVersion)
        raise UnknownSchemaVersionError(
            "Unknown BoAmps schema version",
            "--schema-version",
            repr(version),
            f"Use one of: {known}.",
        ) from None


@cache
def _schema_file(version: SchemaVersion, name: str) -> dict[str, Any]:
    folder, names = SCHEMA_FILES[version]
    if name not in names:
        raise ValueError(f"schema {folder}/{name} is referenced but not declared in SCHEMA_FILES")
    with open(schemas_dir() / folder / name, encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def _inline(node: Any, version: SchemaVersion) -> Any:
    if isinstance(node, dict):
        if "$ref" in node:
            # draft-04: keywords beside $ref are ignored, so the referenced schema replaces the node
            target = copy.deepcopy(_schema_file(version, node["$ref"]))
            target.pop("$schema", None)
            return _inline(target, version)
        return {key: _inline(value, version) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline(item, version) for item in node]
    return node


@cache
def _load(version: SchemaVersion) -> dict[str, Any]:
    root = SCHEMA_FILES[version][1][0]
    schema: dict[str, Any] = _inline(_schema_file(version, root), version)
    return schema


def load_schema(version: str | SchemaVersion = DEFAULT_VERSION) -> dict[str, Any]:
    """The whole report schema of `version`, self-contained (a fresh copy each call)."""
    return copy.deepcopy(_load(parse_version(version)))


@cache
def _order(version: SchemaVersion) -> dict[str, Any]:
    def node(schema: dict[str, Any]) -> dict[str, Any]:
        if "items" in schema:
            return node(schema["items"])
        properties = schema.get("properties", {})
        return {
            "keys": tuple(properties),
            "children": {name: node(sub) for name, sub in properties.items()},
        }

    return node(_load(version))


def in_schema_order(report: Any, version: str | SchemaVersion = DEFAULT_VERSION) -> Any:
    """The same report with keys in the order the schema lists them (others after, as they
    were), so that reports built from pieces read like the specification."""
    return _reorder(report, _order(parse_version(version)))


_LEAF: dict[str, Any] = {"keys": (), "children": {}}


def _reorder(value: Any, order: dict[str, Any]) -> Any:
    if isinstance(value, list):
        return [_reorder(item, order) for item in value]
    if not isinstance(value, dict):
        return value
    children = order["children"]
    out = {}
    for key in order["keys"]:
        if key in value:
            item = value[key]
            out[key] = _reorder(item, children[key]) if isinstance(item, (dict, list)) else item
    if len(out) != len(value):
        for key, item in value.items():
            if key not in out:
                out[key] = _reorder(item, _LEAF)
    return out
