"""The pedigree rating: indicators, gold/silver/bronze/unrated and the steps that raise it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES
from test_enrich import CONTEXT, snap

import boamps_carbon
from boamps_carbon.cli import main
from boamps_carbon.collect import build_report

TODAY = dt.date(2026, 11, 29)


def example() -> dict[str, Any]:
    return json.loads((EXAMPLES / "report.json").read_text(encoding="utf-8"))


def scores(rating: boamps_carbon.Rating) -> list[int]:
    return [i.score for i in rating.indicators]


def test_the_example_measured_by_cpu_load() -> None:
    rating = boamps_carbon.rate(example(), today=TODAY)
    assert rating.rating == "bronze"
    assert [(i.name, i.score, i.reason) for i in rating.indicators] == [
        ("reliability", 5, "energy within -40%/+150% (95%), measured by cpuLoad, ramHeuristic"),
        ("completeness", 2, "missing: no idle calibration (powerCalibrationMeasurement)"),
        ("temporal", 2, "carbon intensity given, measured this year (one figure: BoAmps cannot carry hourly intensity, which would score 1)"),
        ("geographical", 2, "country france, no site"),
        ("technological", 2, "every CPU and GPU named (Intel(R) Xeon(R) CPU @ 2.20GHz without its series)"),
    ]  # fmt: skip
    assert [str(s) for s in rating.steps] == [
        "measure the whole machine at the wall with a wattmeter (RAM has no good meter of its "
        "own): bronze → gold"
    ]


SNAPSHOT_RATINGS = [
    ("linux-2x-v100s-rapl-codecarbon-2.8", "total", "silver", [3, 2, 2, 1, 1]),
    ("linux-2x-v100s-rapl-codecarbon-2.8", "components", "gold", [2, 2, 2, 1, 1]),
    ("linux-4x-mi250x-fallback-location-codecarbon-3.3", "components", "bronze", [3, 2, 5, 5, 1]),
    ("linux-unknown-cpu-mode", "total", "bronze", [5, 2, 2, 1, 1]),
    ("macos-m1-powermetrics-codecarbon-3.3", "total", "bronze", [4, 2, 2, 1, 1]),
    ("windows-11-emi-codecarbon-3.3", "components", "silver", [3, 2, 2, 2, 1]),
]


@pytest.mark.parametrize(("name", "measures", "level", "expected"), SNAPSHOT_RATINGS)
def test_recorded_machines(name: str, measures: str, level: str, expected: list[int]) -> None:
    report, _ = build_report(snap(name), CONTEXT, measures=measures)
    rating = boamps_carbon.rate(report, today=TODAY)
    assert (rating.rating, scores(rating)) == (level, expected)


def test_steps_add_up_to_gold() -> None:
    report, _ = build_report(
        snap("linux-4x-mi250x-fallback-location-codecarbon-3.3"), CONTEXT, measures="components"
    )
    rating = boamps_carbon.rate(report, today=TODAY)
    assert [str(s) for s in rating.steps] == [
        "measure the CPU with RAPL or NVML instead of a constant: bronze → bronze",
        "give environment.powerSourceCarbonIntensity: bronze → bronze",
        "give environment.country: bronze → gold",
    ]
    assert rating.indicators[3].reason == "no country: world average"


def test_a_gpu_by_constant_is_raised_by_nvml() -> None:
    report = example()
    base = {
        "measurementMethod": "codecarbon",
        "powerCalibrationMeasurement": 0.01,
        "measurementDuration": 60,
        "measurementDateTime": "2026-11-01 10:00:00",
    }
    report["measures"] = [
        {**base, "cpuTrackingMode": "rapl", "powerConsumption": 0.1},
        {**base, "gpuTrackingMode": "constant", "powerConsumption": 0.8},
        {**base, "powerConsumption": 0.1},
    ]
    report["infrastructure"]["components"].append(
        {"componentType": "gpu", "nbComponent": 1, "componentName": "NVIDIA A100", "series": "a100"}
    )
    rating = boamps_carbon.rate(report, today=TODAY)
    assert (
        rating.indicators[0].reason
        == "energy within -46%/+172% (95%), measured by rapl, constant, ramHeuristic"
    )
    assert [str(s) for s in rating.steps] == [
        "measure the GPU with RAPL or NVML instead of a constant: bronze → gold"
    ]


def test_missing_required_facts_leave_it_unrated() -> None:
    report = example()
    del report["measures"][0]["powerConsumption"]  # (a measured 0 kWh is rated)
    report["infrastructure"]["components"] = []
    rating = boamps_carbon.rate(report, today=TODAY)
    assert (rating.rating, rating.missing, rating.steps) == (
        "unrated",
        ["no measure gives an energy in kWh", "infrastructure lists no component"],
        [],
    )
    assert rating.indicators[4].reason == "no CPU or GPU described"


def test_age_site_and_cloud() -> None:
    report = example()
    report["measures"][0]["measurementDateTime"] = "2021-01-10 10:00:00"
    report["environment"].update(location="paris", latitude=48.9, longitude=2.3)
    report["infrastructure"]["infraType"] = "publicCloud"
    rating = boamps_carbon.rate(report, today=TODAY)
    assert [(i.score, i.reason) for i in rating.indicators[1:4]] == [
        (3, "missing: no idle calibration (powerCalibrationMeasurement); data-centre overhead (PUE) not counted"),
        (3, "carbon intensity given, measured 5 years ago"),
        (1, "site given (paris)"),
    ]  # fmt: skip


def test_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = example()
    report["measures"][0]["measurementDateTime"] = dt.date.today().strftime("%Y-%m-%d 00:00:00")
    path = tmp_path / "r.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    assert main(["rate", str(path)]) == 0
    assert capsys.readouterr().out == (
        f"{path}: bronze\n"
        "  reliability   5  energy within -40%/+150% (95%), measured by cpuLoad, ramHeuristic\n"
        "  completeness  2  missing: no idle calibration (powerCalibrationMeasurement)\n"
        "  temporal      2  carbon intensity given, measured this year (one figure: BoAmps cannot carry hourly intensity, which would score 1)\n"
        "  geographical  2  country france, no site\n"
        "  technological 2  every CPU and GPU named (Intel(R) Xeon(R) CPU @ 2.20GHz without its series)\n"
        "  to raise it: measure the whole machine at the wall with a wattmeter (RAM has no good meter of its own): bronze → gold\n"
    )
    bad = tmp_path / "bad.json"
    bad.write_text("[1]", encoding="utf-8")
    assert main(["rate", "--format", "json", str(path), str(bad)]) == 1
    out, err = capsys.readouterr()
    record = json.loads(out)
    assert (record["file"], record["reportId"], record["rating"]) == (
        str(path), "9d3c1f0e-7b2a-4e58-b1c4-6a0f2e8d5b73", "bronze"
    )  # fmt: skip
    assert record["indicators"]["reliability"] == {
        "score": 5, "reason": "energy within -40%/+150% (95%), measured by cpuLoad, ramHeuristic"
    }  # fmt: skip
    assert record["raise"] == [
        {"advice": "measure the whole machine at the wall with a wattmeter (RAM has no good meter of its own)", "from": "bronze", "to": "gold"}
    ]  # fmt: skip
    assert err == f"{bad}: cannot rate: (root): expected a JSON object, got an array of 1 item\n"
    # an object that is no valid report gets no rating either
    bad.write_text('{"a": 1}', encoding="utf-8")
    assert main(["rate", str(bad)]) == 1
    assert capsys.readouterr() == (
        "",
        f"{bad}: cannot rate: task: required field is missing (expected an object)\n",
    )


@pytest.mark.parametrize(("name", "measures", "level", "expected"), SNAPSHOT_RATINGS)
def test_without_explanations_the_same_rating(
    name: str, measures: str, level: str, expected: list[int]
) -> None:
    report, _ = build_report(snap(name), CONTEXT, measures=measures)
    quick = boamps_carbon.rate(report, today=TODAY, explain=False)
    assert (quick.rating, [i.score for i in quick.indicators]) == (level, expected)
    assert [i.reason for i in quick.indicators] == [""] * 5 and quick.steps == []
