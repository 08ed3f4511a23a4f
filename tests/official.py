"""The official BoAmps schemas, through jsonschema with a local registry: the reference."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import jsonschema
from conftest import shared
from referencing import Registry
from referencing.jsonschema import DRAFT4

from boamps_carbon.schema import SchemaVersion

OFFICIAL = {
    SchemaVersion.V1_1: ("boamps-official", "model"),
    SchemaVersion.V1_0: ("boamps-official", "model-history", "1.0.x-2024-12-8b65ae1"),
}


def official_validator(version: SchemaVersion) -> jsonschema.Draft4Validator:
    """Skips the calling test when ../shared is absent."""
    return _validator(shared(*OFFICIAL[version]))


@cache
def _validator(folder: Path) -> jsonschema.Draft4Validator:
    schemas = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]
    registry = Registry().with_resources((s["id"], DRAFT4.create_resource(s)) for s in schemas)
    root = next(s for s in schemas if s["id"].endswith("/report_schema.json"))
    return jsonschema.Draft4Validator(root, registry=registry)
