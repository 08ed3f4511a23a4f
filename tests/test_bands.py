"""Uncertainty bands and quality from how energy was measured."""

from __future__ import annotations

import copy
import csv
import json
from typing import Any

import pytest
from conftest import EXAMPLES, ROOT
from test_enrich import CONTEXT, snap

import boamps_carbon
from boamps_carbon.assemble import quality_check
from boamps_carbon.collect import build_report
from boamps_carbon.trust.bands import method_table, quality_of, uncertainty

TABLES = ROOT / "schemas" / "tables"


def example() -> dict[str, Any]:
    return json.loads((EXAMPLES / "report.json").read_text(encoding="utf-8"))


def test_every_row_has_a_source_and_every_tracking_method_a_row() -> None:
    with (TABLES / "measurement-uncertainty.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert all(row["source"] and row["bias"] for row in rows)
    assert all(float(row["low"]) <= 0 <= float(row["high"]) for row in rows)
    with (TABLES / "tracking-methods.csv").open(encoding="utf-8") as handle:
        vocabulary = {row["method"] for row in csv.DictReader(handle)}
    assert vocabulary <= set(method_table())
    assert {"wattmeter", "nvml", "nvmlPower", "rapl", "cpuLoad", "constant", "ramHeuristic",
            "powermetrics", "unknown"} <= set(method_table())  # fmt: skip


@pytest.mark.parametrize(
    ("low", "high", "quality"),
    [(-0.10, 0.10, "high"), (-0.05, 0.11, "medium"), (-0.25, 0.2, "medium"), (-0.26, 0, "low")],
)
def test_quality_follows_the_schema_meaning(low: float, high: float, quality: str) -> None:
    assert quality_of(low, high) == quality


def test_the_live_cpu_load_example() -> None:
    band = boamps_carbon.uncertainty(example())
    # CPU by cpu_load (-10%/+200%) and RAM by heuristic (-50%/+100%), half each; uncalibrated
    assert (band.low, band.high, band.text, band.quality) == (-0.4, 1.5, "-40%/+150%", "low")
    assert band.methods == ["cpuLoad", "ramHeuristic"]
    assert band.gaps == ["noCalibration"]
    assert band.energy_text(4.2) == "4.20 kWh, -40%/+150%"
    assert band.warning == (
        "quality 'medium' claims better than the measuring methods allow: cpuLoad, "
        "ramHeuristic give low at best; set quality to 'low' or measure with a better method"
    )


SNAPSHOT_BANDS = [
    ("linux-2x-v100s-rapl-codecarbon-2.8", "total", "-33%/+47%", "low", "medium"),
    ("linux-2x-v100s-rapl-codecarbon-2.8", "components", "-23%/+22%", "medium", "medium"),
    ("linux-4x-mi250x-fallback-location-codecarbon-3.3", "total", "-47%/+105%", "low", "medium"),
    ("linux-unknown-cpu-mode", "total", "-60%/+150%", "low", "low"),
    ("linux-unknown-cpu-mode", "components", "-60%/+200%", "low", "low"),
    ("macos-m1-powermetrics-codecarbon-3.3", "total", "-37%/+53%", "low", "low"),
    ("windows-11-emi-codecarbon-3.3", "components", "-23%/+31%", "low", "medium"),
]


@pytest.mark.parametrize(("name", "measures", "text", "quality", "best"), SNAPSHOT_BANDS)
def test_recorded_machines(name: str, measures: str, text: str, quality: str, best: str) -> None:
    report, _ = build_report(snap(name), CONTEXT, measures=measures)
    band = uncertainty(report)
    assert (band.text, band.quality, band.best) == (text, quality, best)


def test_components_weigh_by_their_energy() -> None:
    report, _ = build_report(
        snap("linux-2x-v100s-rapl-codecarbon-2.8"), CONTEXT, measures="components"
    )
    band = uncertainty(report)
    cpu, gpu, ram = (m["powerConsumption"] for m in report["measures"])
    total = cpu + gpu + ram
    assert [(p.part, p.method) for p in band.parts] == [
        ("cpu", "rapl"), ("gpu", "nvml"), ("ram", "ramHeuristic")
    ]  # fmt: skip
    assert band.low == round((cpu * -0.10 + gpu * -0.10 + ram * -0.50) / total - 0.10, 6)
    assert band.high == round((cpu * 0.25 + gpu * 0.15 + ram * 1.0) / total, 6)


def test_a_calibrated_wattmeter_is_high_and_scope_gaps_widen_one_side() -> None:
    report = example()
    report["measures"] = [
        {
            "measurementMethod": "wattmeter",
            "powerConsumption": 2.0,
            "powerCalibrationMeasurement": 0.1,
        }
    ]
    band = uncertainty(report)
    assert (band.text, band.quality, band.gaps, band.warning) == ("-5%/+5%", "high", [], None)
    del report["measures"][0]["powerCalibrationMeasurement"]
    assert (uncertainty(report).text, uncertainty(report).quality) == ("-15%/+5%", "medium")
    report["infrastructure"]["infraType"] = "publicCloud"
    band = uncertainty(report)
    assert (band.text, band.gaps) == ("-15%/+60%", ["noCalibration", "noPue"])


def test_part_energies_when_a_measure_gives_them() -> None:
    report = example()
    measure = report["measures"][0]
    measure.update(gpuTrackingMode="nvml", cpuEnergy=1.0, gpuEnergy=3.0, ramEnergy=0.0)
    band = uncertainty(report)
    assert [round(p.weight, 2) for p in band.parts] == [0.25, 0.75, 0.0]
    assert (band.low, band.high) == (round(0.25 * -0.1 + 0.75 * -0.1 - 0.1, 6), 0.6125)


def test_assembly_warns_and_fills_when_asked() -> None:
    report = example()
    notes, problems = quality_check(report, derive=False)
    assert notes == [
        "quality: quality 'medium' claims better than the measuring methods allow: cpuLoad, "
        "ramHeuristic give low at best; set quality to 'low' or measure with a better method"
    ]
    assert [(p.code, p.path, p.message, p.hint) for p in problems] == [
        (
            "quality-overclaimed",
            "quality",
            "expected low at best for cpuLoad, ramHeuristic, got medium",
            "Set quality to 'low', or measure with a better method.",
        )
    ]
    del report["quality"]
    unchanged = copy.deepcopy(report)
    assert quality_check(report, derive=False) == ([], []) and report == unchanged
    assert quality_check(report, derive=True) == ([], []) and report["quality"] == "low"


def test_a_live_tracker_on_this_machine() -> None:
    from test_collect import CPU_METHODS, busy, cpu_mode, new_tracker

    tracker = new_tracker()
    tracker.start()
    busy(0.5)
    report = boamps_carbon.generate_report(tracker, CONTEXT).to_dict()
    band = uncertainty(report)
    method = CPU_METHODS[cpu_mode(tracker)]
    assert band.methods == [method, "ramHeuristic"]
    cpu = method_table()[method]
    assert (band.low, band.high) == (
        round((cpu.low - 0.5) / 2 - 0.1, 6),
        round((cpu.high + 1.0) / 2, 6),
    )


def test_run_fills_quality_when_asked() -> None:
    context = {k: v for k, v in CONTEXT.items() if k != "quality"}
    name = "linux-2x-v100s-rapl-codecarbon-2.8"
    report, _ = build_report(snap(name), context, measures="components")
    assert "quality" not in report
    report, _ = build_report(snap(name), context, measures="components", derive_quality=True)
    assert report["quality"] == "medium"
    assert list(report)[-1] == "quality"


def test_a_live_track_fills_quality(tmp_path: Any) -> None:
    from test_collect import busy

    with boamps_carbon.track(
        CONTEXT, tmp_path / "r.json", country_iso_code="FRA", derive_quality=True
    ) as measured:
        busy(0.3)
    assert measured.report is not None
    data = measured.report.to_dict()
    assert data["quality"] == uncertainty(data).quality == "low"


def test_worst_and_the_quality_filled_in() -> None:
    report, _ = build_report(
        snap("linux-2x-v100s-rapl-codecarbon-2.8"), CONTEXT, measures="components"
    )
    band = uncertainty(report)
    assert (band.quality, band.best, band.worst, band.derived_quality) == (
        "medium", "medium", "low", "medium"
    )  # fmt: skip
    # energies that cannot be read (a fast-path template's holes): the split is unknown
    report["measures"][1]["powerConsumption"] = object()
    band = uncertainty(report)
    assert (band.split_known, band.derived_quality) == (False, "unsettled")
    live = uncertainty(example())  # cpuLoad and the RAM heuristic: low whatever the split
    assert (live.best, live.worst, live.derived_quality) == ("low", "low", "low")
