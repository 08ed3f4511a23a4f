"""What a live tracker adds, tested from recorded snapshots of hardware CI does not have."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA
from official import official_validator

from boamps_carbon.collect import Calibration, ReportInvalidError, build_report
from boamps_carbon.enrich.platform import os_facts, parse_os_release
from boamps_carbon.enrich.tracker import gpu_inventory, tracking_methods
from boamps_carbon.schema import SchemaVersion

CONTEXT: dict[str, Any] = {
    "header": {"publisher": {"confidentialityLevel": "public"}},
    "task": {
        "taskStage": "inference",
        "taskFamily": "chatbot",
        "algorithms": [{"algorithmType": "llm"}],
        "dataset": [{"dataUsage": "input", "dataType": "token"}],
    },
}
SNAPSHOTS = DATA / "snapshots"


def snap(name: str) -> dict[str, Any]:
    return json.loads((SNAPSHOTS / f"{name}.json").read_text(encoding="utf-8"))


def modes(report: dict[str, Any]) -> list[tuple[Any, Any]]:
    return [(m.get("cpuTrackingMode"), m.get("gpuTrackingMode")) for m in report["measures"]]


@pytest.mark.parametrize("name", sorted(p.stem for p in SNAPSHOTS.glob("*.json")))
@pytest.mark.parametrize("measures", ["total", "components"])
def test_every_recorded_machine_gives_an_officially_valid_report(name: str, measures: str) -> None:
    report, _ = build_report(snap(name), CONTEXT, measures=measures)
    assert list(official_validator(SchemaVersion.V1_1).iter_errors(report)) == []


def test_nvidia_gpus_under_codecarbon_2_8() -> None:
    report, notes = build_report(snap("linux-2x-v100s-rapl-codecarbon-2.8"), CONTEXT)
    assert modes(report) == [("rapl", "nvml")]
    assert report["system"] == {
        "os": "linux",
        "distribution": "ubuntu",
        "distributionVersion": "22.04",
    }
    assert report["infrastructure"]["components"][1] == {
        "componentName": "2 x Tesla V100S-PCIE-32GB",
        "componentType": "gpu",
        "nbComponent": 2,
        "memorySize": 32.0,
        "manufacturer": "nvidia",
        "family": "volta",
        "series": "v100s",
    }
    assert report["measures"][0]["measurementDateTime"] == "2024-09-26 10:46:47"
    assert notes == [
        "infrastructure.infraType assumed 'onPremise': the source does not say; "
        "set it in the context",
        # CodeCarbon's cpu_count of this machine: 30 logical CPUs
        "infrastructure.components[0].nbComponent: expected a number of processors (at most "
        "8), got 30, a count of logical CPUs such as CodeCarbon's cpu_count. BoAmps counts "
        "parts: give the number of processors in the context's cpu component",
    ]


def test_components_carry_their_own_method() -> None:
    report, _ = build_report(
        snap("linux-2x-v100s-rapl-codecarbon-2.8"), CONTEXT, measures="components"
    )
    assert modes(report) == [("rapl", None), (None, "nvml"), (None, None)]
    assert [m["powerConsumption"] for m in report["measures"]] == [
        7.308058440685272e-05,
        0.000373905021346,
        3.1458312820741407e-05,
    ]


def test_apple_silicon() -> None:
    report, _ = build_report(snap("macos-m1-powermetrics-codecarbon-3.3"), CONTEXT)
    assert modes(report) == [("powermetrics", "powermetrics")]
    assert report["system"] == {
        "os": "macos",
        "distribution": "macos",
        "distributionVersion": "15.5",
    }
    assert report["measures"][0]["averageUtilizationCpu"] == 0.199214285714


def test_windows_emi() -> None:
    report, _ = build_report(snap("windows-11-emi-codecarbon-3.3"), CONTEXT)
    assert modes(report) == [("windowsEmi", None)]
    assert report["system"] == {
        "os": "windows",
        "distribution": "windows 11",
        "distributionVersion": "10.0.26100",
    }
    assert report["measures"][0]["averageUtilizationCpu"] == 0.35


def test_amd_gpus_and_the_canada_fallback() -> None:
    report, notes = build_report(snap("linux-4x-mi250x-fallback-location-codecarbon-3.3"), CONTEXT)
    assert modes(report) == [("constant", "amdsmi")]
    assert "environment" not in report
    assert notes[0] == (
        "environment left out: CodeCarbon answered Canada at 46.8, -71.2, its "
        "fallback when it cannot geolocate; run offline with country_iso_code"
    )
    gpu = report["infrastructure"]["components"][1]
    assert (gpu["nbComponent"], gpu["memorySize"], gpu["family"]) == (4, 63.98, "instinct")
    assert report["measures"][0]["averageUtilizationGpu"] == 0.875


def test_unknown_cpu_mode_is_left_out_with_a_warning() -> None:
    report, notes = build_report(snap("linux-unknown-cpu-mode"), CONTEXT)
    assert modes(report) == [(None, None)]
    assert notes[0] == "unknown tracking method for CPU 'quantum_meter': left out"


def test_calibration_goes_into_each_measure() -> None:
    calibration = Calibration(
        duration=10.0, energy=2e-5, cpu_energy=1.5e-5, gpu_energy=None, ram_energy=5e-6
    )
    report, _ = build_report(
        snap("windows-11-emi-codecarbon-3.3"),
        CONTEXT,
        measures="components",
        calibration=calibration,
    )
    assert [
        (m.get("powerCalibrationMeasurement"), m.get("durationCalibrationMeasurement"))
        for m in report["measures"]
    ] == [(1.5e-5, 10.0), (5e-6, 10.0)]
    total, _ = build_report(snap("windows-11-emi-codecarbon-3.3"), CONTEXT, calibration=calibration)
    assert total["measures"][0]["powerCalibrationMeasurement"] == 2e-5


def test_context_overrides_what_the_tracker_found() -> None:
    context = {
        **CONTEXT,
        "measures": [{"cpuTrackingMode": "wattmeter"}],
        "system": {"distribution": "rocky"},
    }
    report, _ = build_report(snap("linux-2x-v100s-rapl-codecarbon-2.8"), context)
    assert modes(report) == [("wattmeter", "nvml")]
    assert report["system"]["distribution"] == "rocky"


def test_missing_task_is_a_typed_error() -> None:
    with pytest.raises(ReportInvalidError) as caught:
        build_report(snap("windows-11-emi-codecarbon-3.3"), None)
    assert caught.value.message == (
        "The report would be invalid at the context: task: required field is missing "
        "(expected an object), header.publisher.confidentialityLevel: required field is "
        "missing (expected a string). Give the task, dataset and publisher in the context "
        "(`boamps init-context` writes one)."
    )


def test_platform_facts_without_os_release() -> None:
    assert os_facts({"system": "Linux", "os_release": ""}) == {"os": "linux"}
    assert os_facts({}) == {}
    assert os_facts({"system": "Windows", "win_ver": ["10", "10.0.19044"]}) == {
        "os": "windows",
        "distribution": "windows 10",
        "distributionVersion": "10.0.19044",
    }
    assert parse_os_release("# c\nID=\"rhel\"\nVERSION_ID='9.4'\nBROKEN\n") == {
        "ID": "rhel",
        "VERSION_ID": "9.4",
    }


def test_this_machine_os_release(tmp_path: Path) -> None:
    text = (
        Path("/etc/os-release").read_text(encoding="utf-8")
        if Path("/etc/os-release").exists()
        else ""
    )
    facts = os_facts({"system": "Linux", "os_release": text})
    release = parse_os_release(text)
    assert facts.get("distribution") == release.get("ID")


def test_tracking_methods_and_inventory_from_parts() -> None:
    assert tracking_methods([{"type": "RAM"}]) == ({}, [])
    assert tracking_methods([{"type": "CPU", "mode": "intel_power_gadget"}]) == (
        {"cpu": "intelPowerGadget"},
        [],
    )
    assert gpu_inventory(
        [
            {
                "type": "GPU",
                "devices": [
                    {
                        "vendor": "NvidiaGPUDevice",
                        "name": "NVIDIA A100-SXM4-40GB",
                        "total_memory": 42949672960,
                    },
                    {
                        "vendor": "NvidiaGPUDevice",
                        "name": "NVIDIA H100",
                        "total_memory": 85899345920,
                    },
                ],
            }
        ]
    ) == {"nbComponent": 2}


@pytest.mark.parametrize(
    ("vendor", "maker"),
    [
        ("GenuineIntel", "intel"),
        ("AMD64 Family 25 Model 80 Stepping 0, AuthenticAMD", "amd"),
        ("0x41", "arm"),
        ("0x61", "apple"),
        ("", None),
        ("Mystery", None),
    ],
)
def test_cpu_vendor_names_the_maker_the_model_string_does_not(
    vendor: str, maker: str | None
) -> None:
    data = snap("linux-unknown-cpu-mode")
    data["emissions"]["cpu_model"] = "Virtual CPU 0.1"
    data["platform"]["cpu_vendor"] = vendor
    report, _ = build_report(data, CONTEXT)
    assert report["infrastructure"]["components"][0].get("manufacturer") == maker


def test_the_model_string_wins_over_the_vendor() -> None:
    data = snap("linux-2x-v100s-rapl-codecarbon-2.8")
    data["platform"]["cpu_vendor"] = "AuthenticAMD"  # a recorded vendor cannot overrule
    report, _ = build_report(data, CONTEXT)
    assert report["infrastructure"]["components"][0]["manufacturer"] == "intel"


def test_the_fallback_is_the_same_rule_as_the_validator_warning() -> None:
    data = snap("linux-4x-mi250x-fallback-location-codecarbon-3.3")
    data["emissions"].update(country_name="CAN", latitude=46.81, longitude=-71.24)
    report, notes = build_report(data, CONTEXT)
    assert "environment" not in report
    assert notes[0].startswith("environment left out: CodeCarbon answered Canada")
