"""Numbers a valid report may hold but a float cannot: an integer past 1e308, an energy in
GWh that overflows when made kWh. Read as infinities, never an internal error."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from conftest import ROOT

from boamps_carbon.cli import main

EXAMPLE = ROOT / "examples" / "report.json"


def test_an_intensity_past_a_float_is_an_infinite_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    report["environment"]["powerSourceCarbonIntensity"] = 10**400
    path = tmp_path / "huge.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    assert main(["validate", str(path)]) == 0
    capsys.readouterr()
    assert main(["summary", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split()[4:6] for line in out[1:]] == [["inf", "t"], ["inf", "t"]]
    assert main(["statement", str(path)]) == 0
    assert main(["dashboard", str(path), "-o", str(tmp_path / "d.html")]) == 0


def test_a_report_whose_energy_overflows_is_rated_without_a_band(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    report["header"]["formatVersion"] = "1.0"
    report["task"]["taskType"] = "training"
    for algorithm in report["task"]["algorithms"]:
        algorithm.pop("algorithmType", None)
    report["task"]["dataset"] = [
        {"dataType": "text", "volume": 1, "volumeUnit": "megabyte", "source": "public"}
    ]
    measure = report["measures"][0]
    measure.pop("cpuTrackingMode", None)
    measure.update(powerConsumption=1e306, unit="GWh", measurementMethod="wattmeter")
    path = tmp_path / "overflow.json"
    path.write_text(json.dumps(copy.deepcopy(report)), encoding="utf-8")
    assert main(["rate", "--schema-version", "1.0", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1] == "  reliability   5  energy within ?%/?% (95%), measured by wattmeter"
