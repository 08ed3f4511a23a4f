"""Our schemas and our validator give the official schemas' verdict on every input we can find."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import shared
from factories import make_report
from mutations import mutate
from official import official_validator

from boamps_carbon.schema import SchemaVersion, load_schema
from boamps_carbon.validation import validate

MUTATIONS_PER_BASE = 300


def verdicts(version: SchemaVersion, report: Any) -> tuple[bool, bool, bool]:
    """(official schema, our schema through jsonschema, our own validator)."""
    official = official_validator(version).is_valid(report)
    ours_reference = jsonschema.Draft4Validator(load_schema(version)).is_valid(report)
    ours = not validate(report, version).errors
    return official, ours_reference, ours


def public_reports() -> list[Path]:
    reports = sorted(shared("boamps-reports").glob("*.json"))
    reports.append(shared("boamps-official", "examples", "energy-report-llm-inference.json"))
    reports.append(shared("boamps-official", "tools-bash-data", "output", "boamps_report.json"))
    return reports


def test_public_reports_get_the_official_verdict(version: SchemaVersion) -> None:
    checked = 0
    for path in public_reports():
        try:
            report = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            continue  # the one unparsable file: no schema has a verdict on it
        assert len(set(verdicts(version, report))) == 1, path.name
        checked += 1
    assert checked == 11


def test_official_example_is_valid_in_1_1() -> None:
    example = json.loads(
        shared("boamps-official", "examples", "energy-report-llm-inference.json").read_text()
    )
    assert validate(example).valid
    # its cpu has nbComponent 30: logical CPUs (the machine's CodeCarbon cpu_count), not
    # processors, the one thing our rules name in it
    assert [(w.code, w.path) for w in validate(example).warnings] == [
        ("cpu-count-is-logical", "infrastructure.components[0].nbComponent")
    ]


@pytest.mark.parametrize("full", [False, True], ids=["minimal", "full"])
def test_mutations_get_the_official_verdict(version: SchemaVersion, full: bool) -> None:
    base = make_report(version, full=full)
    assert verdicts(version, base) == (True, True, True)
    seen: dict[tuple[str, bool], int] = {}
    for seed in range(MUTATIONS_PER_BASE):
        kind, report = mutate(base, seed)
        official, ours_reference, ours = verdicts(version, report)
        assert official == ours_reference == ours, (seed, kind, json.dumps(report))
        seen[kind, official] = seen.get((kind, official), 0) + 1
    # the mutations must really test something: many rejected, some still valid
    rejected = sum(n for (_, ok), n in seen.items() if not ok)
    assert rejected >= MUTATIONS_PER_BASE // 3
    assert rejected < MUTATIONS_PER_BASE
    assert {kind for kind, ok in seen if not ok} >= {"delete", "type", "null", "empty", "float"}


def test_1_1_example_mutated_in_500_ways_keeps_the_official_verdict() -> None:
    example = json.loads(
        shared("boamps-official", "examples", "energy-report-llm-inference.json").read_text()
    )
    for seed in range(500):
        kind, report = mutate(example, 10_000 + seed)
        results = verdicts(SchemaVersion.V1_1, report)
        assert len(set(results)) == 1, (seed, kind, json.dumps(report))
