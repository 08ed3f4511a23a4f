"""Other tools' outputs, made by running the tools here (tests/data/sources/*/README.md says
how), converted to reports field by field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from official import official_validator

from boamps_carbon.cli import main
from boamps_carbon.conversion import convert
from boamps_carbon.schema import SchemaVersion

DATA = ROOT / "tests" / "data" / "sources"
CONTEXT = ROOT / "examples" / "context.json"


def reports(path: Path, **options: Any) -> list[dict[str, Any]]:
    return [converted.report for converted in convert(path, CONTEXT, **options)]


def officially_valid(found: list[dict[str, Any]]) -> None:
    validator = official_validator(SchemaVersion.V1_1)
    for report in found:
        assert [e.message for e in validator.iter_errors(report)] == []


def test_eco2ai_runs_field_by_field() -> None:
    conversion = convert(DATA / "eco2ai" / "emission.csv", CONTEXT)
    found = [c.report for c in conversion]
    assert conversion.describe() == "an eco2AI emission.csv"
    assert conversion.rejected == []
    assert [r["header"]["reportId"] for r in found] == [
        "0dc22161-400c-4a8e-b339-2bf18903a6f0",
        "6b0ec335-0cf6-4026-b4b5-4bd2d7d5998e",
    ]
    assert [r["measures"] for r in found] == [
        [
            {
                "measurementMethod": "eco2AI",
                "powerConsumption": 2.8396155201774826e-05,
                "measurementDuration": 1.4196531772613525,
                "measurementDateTime": "2026-11-29 07:03:01",
                "energyIncludesPue": True,
            }
        ],
        [
            {
                "measurementMethod": "eco2AI",
                "powerConsumption": 3.3055156339003634e-05,
                "measurementDuration": 1.3957514762878418,
                "measurementDateTime": "2026-11-29 07:03:07",
                "energyIncludesPue": True,
            }
        ],
    ]
    for report in found:
        assert report["infrastructure"] == {
            "infraType": "onPremise",
            "components": [
                {
                    "componentName": "AMD EPYC",
                    "componentType": "cpu",
                    "nbComponent": 1,
                    "manufacturer": "amd",
                    "family": "epyc",
                }
            ],
        }
        assert report["environment"]["country"] == "FRA"
        assert report["header"]["publisher"]["projectName"] == "boamps-sources"
    warned = {w.message for w in conversion.warnings}
    assert warned == {
        'measures[0].energyIncludesPue: field "energyIncludesPue" is not part of BoAmps 1.1'
    }
    officially_valid(found)


def test_eco2ai_string_with_gpus_region_and_na_epoch(tmp_path: Path) -> None:
    source = DATA / "eco2ai" / "emission.csv"
    lines = source.read_text(encoding="utf-8").splitlines()
    edited = lines[2].replace(" 0 device(s)", "NVIDIA A100-SXM4-40GB 2 device(s)")
    edited = edited.replace(",FR,", ",DE/Bavaria,")
    target = tmp_path / "renamed.csv"
    target.write_text("\n".join([lines[0], edited]) + "\n", encoding="utf-8")
    (report,) = reports(target)
    gpu = report["infrastructure"]["components"][1]
    assert gpu["componentName"] == "NVIDIA A100-SXM4-40GB"
    assert gpu["nbComponent"] == 2
    assert gpu["manufacturer"] == "nvidia"
    assert report["environment"]["country"] == "DEU"
    assert report["environment"]["location"] == "Bavaria"


def test_source_named_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    source = str(DATA / "eco2ai" / "emission.csv")
    code = main(
        ["convert", "-v", "--source", "eco2ai", "--context", str(CONTEXT), source, "-o", "-"]
    )
    out, err = capsys.readouterr()
    assert code == 0
    assert len(out.splitlines()) == 2
    assert err.splitlines()[0] == f"{source}: an eco2AI emission.csv, utf-8"
    with pytest.raises(SystemExit):
        main(["convert", "--source", "nope", source])
