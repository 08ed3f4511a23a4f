"""Schema versions: one enum, one mapping to files, self-contained schemas."""

from __future__ import annotations

import json

import pytest

from boamps_carbon import UnknownSchemaVersionError
from boamps_carbon.resources import schemas_dir
from boamps_carbon.schema import (
    DEFAULT_VERSION,
    SCHEMA_FILES,
    SchemaVersion,
    load_schema,
    parse_version,
)


def test_every_version_has_files_and_every_file_is_declared(version: SchemaVersion) -> None:
    folder, names = SCHEMA_FILES[version]
    on_disk = sorted(p.name for p in (schemas_dir() / folder).glob("*.json"))
    assert on_disk == sorted(names)
    assert names[0] == "report.json"


def test_loaded_schema_is_self_contained(version: SchemaVersion) -> None:
    text = json.dumps(load_schema(version))
    assert '"$ref"' not in text
    assert "http" not in text.replace("http://json-schema.org/draft-04/schema#", "")


def test_load_schema_returns_a_fresh_copy() -> None:
    schema = load_schema()
    schema["required"].append("nothing")
    assert load_schema()["required"] == ["task", "measures", "infrastructure"]


def test_default_is_1_1() -> None:
    assert DEFAULT_VERSION is SchemaVersion.V1_1
    assert parse_version("1.0") is SchemaVersion.V1_0
    assert parse_version(SchemaVersion.V1_1) is SchemaVersion.V1_1


@pytest.mark.parametrize("label", ["0.1", "1.1.0", "v1", ""])
def test_unknown_versions_fail_with_the_known_list(label: str) -> None:
    with pytest.raises(UnknownSchemaVersionError) as caught:
        parse_version(label)
    assert caught.value.message == (
        f"Unknown BoAmps schema version at --schema-version: {label!r}. Use one of: 1.1, 1.0."
    )


def test_schemas_readme_describes_every_version() -> None:
    readme = (schemas_dir() / "README.md").read_text(encoding="utf-8")
    for folder, _ in SCHEMA_FILES.values():
        assert f"`{folder}/`" in readme
