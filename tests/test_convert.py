"""convert(): every public CodeCarbon CSV, field by field, and every kind of bad row."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, shared
from official import official_validator

from boamps_carbon import InputError
from boamps_carbon.conversion import MissingFieldsError, convert
from boamps_carbon.schema import SchemaVersion

CONTEXT: dict[str, Any] = {
    "header": {"publisher": {"confidentialityLevel": "public"}},
    "task": {
        "taskStage": "training",
        "taskFamily": "textClassification",
        "algorithms": [{"algorithmName": "bert"}],
        "dataset": [{"dataUsage": "input", "dataType": "text"}],
    },
}
# CSVs from before CodeCarbon 2.0 say nothing of the hardware: the context must
WITH_HARDWARE = {
    **CONTEXT,
    "infrastructure": {
        "components": [
            {"componentType": "cpu", "nbComponent": 1, "componentName": "unknown laptop"}
        ]
    },
}

# file -> (layout, converted, rejected) with the context that file needs
PUBLIC_CSVS = {
    "codecarbon-1.2.0dev-2021-07-power-cols-hold-kwh.csv": ("codecarbon-1.2-dev-b", 2, 0),
    "codecarbon-1.x-2021-cp1252-crcrlf.csv": ("codecarbon-1.0", 2, 0),
    "codecarbon-1.x-pinned-2025-crlf-mixed-countries.csv": ("codecarbon-1.0", 14, 0),
    "codecarbon-2.1.x-macos-m1pro-no-version-column.csv": ("codecarbon-2.0", 2, 0),
    "codecarbon-2.2.2-gpu-linux-gtx1050ti-no-pue.csv": ("codecarbon-2.2", 2, 0),
    "codecarbon-2.2.5-macos-hand-edited-crlf-empty-tail-fields.csv": ("codecarbon-2.2.3", 13, 0),
    "codecarbon-2.3.1-gpu-windows10-rtx3060.csv": ("codecarbon-2.2.3", 1, 0),
    "codecarbon-2.4.2-aws-linux-4xL4-pue1.22.csv": ("codecarbon-2.2.3", 28, 0),
    "codecarbon-2.4.3rc1-macos-arm-empty-run_id.csv": ("codecarbon-2.2.3", 26, 2),
    "codecarbon-2.7.1-colab-gcp-t4-gpu.csv": ("codecarbon-2.7", 2, 0),
    "codecarbon-2.7.4-linux-odd-experiment_id.csv": ("codecarbon-2.7", 8, 0),
    "codecarbon-3.0.2-gpu-linux-a100-hpc.csv": ("codecarbon-2.7", 7, 0),
    "codecarbon-3.0.4-windows11-cpu.csv": ("codecarbon-2.7", 3, 0),
    "codecarbon-3.2.3-jetson-aarch64-tegra.csv": ("codecarbon-3.2", 1, 0),
    "codecarbon-3.2.3-macos-m1-reordered-columns.csv": ("codecarbon-3.2", 7, 0),
}
NEEDS_HARDWARE = {
    "codecarbon-1.2.0dev-2021-07-power-cols-hold-kwh.csv",
    "codecarbon-1.x-2021-cp1252-crcrlf.csv",
    "codecarbon-1.x-pinned-2025-crlf-mixed-countries.csv",
    "codecarbon-2.2.5-macos-hand-edited-crlf-empty-tail-fields.csv",
}


def public_csv(name: str) -> Path:
    return shared("codecarbon-emissions", name)


def bash_input(name: str = "codecarbon_file.csv") -> Path:
    return shared("boamps-official", "tools-bash-data", "input", name)


def reports(path: Path, context: Any = CONTEXT, **options: Any) -> list[dict[str, Any]]:
    return [converted.report for converted in convert(path, context, **options)]


@pytest.mark.parametrize("measures", ["total", "components"])
@pytest.mark.parametrize("name", sorted(PUBLIC_CSVS))
def test_every_public_csv_converts_to_officially_valid_reports(name: str, measures: str) -> None:
    layout, converted, rejected = PUBLIC_CSVS[name]
    context = WITH_HARDWARE if name in NEEDS_HARDWARE else CONTEXT
    conversion = convert(public_csv(name), context, measures=measures)
    produced = [c.report for c in conversion]
    assert conversion.layout is not None and conversion.layout.name == layout
    assert (len(produced), len(conversion.rejected)) == (converted, rejected)
    official = official_validator(SchemaVersion.V1_1)
    for report in produced:
        assert list(official.iter_errors(report)) == []


def test_official_bash_input_all_104_rows() -> None:
    produced = reports(bash_input())
    assert len(produced) == 104
    official = official_validator(SchemaVersion.V1_1)
    assert all(official.is_valid(r) for r in produced)
    assert len({r["header"]["reportId"] for r in produced}) == 104


def test_values_match_the_source_row_field_by_field() -> None:
    # row 1: 2024-09-26T10:46:51, 3.508045196533203 s, 0.0004784439185735 kWh,
    # 4.060984136460829e-05 kg, 30 CPUs, 2 x Tesla V100S-PCIE-32GB, 86.3035888671875 GB
    report = reports(bash_input())[0]
    assert report["header"] == {
        "formatVersion": "1.1",
        "reportId": "fe49c3d9-624a-4061-911d-1526893f1892",
        "reportDatetime": "2024-09-26 10:46:51",
        "publisher": {"projectName": "llama2_emissions", "confidentialityLevel": "public"},
    }
    assert report["measures"] == [
        {
            "measurementMethod": "codecarbon",
            "version": "2.5.0",
            "powerConsumption": 0.0004784439185735,
            "measurementDuration": 3.508045196533203,
            "measurementDateTime": "2024-09-26 10:46:47",
        }
    ]
    assert report["system"] == {"os": "linux"}
    assert report["software"] == {"language": "python", "version": "3.10.12"}
    assert report["infrastructure"] == {
        "infraType": "onPremise",
        "components": [
            {
                "componentName": "Intel(R) Xeon(R) Gold 6226R CPU @ 2.90GHz",
                "componentType": "cpu",
                "nbComponent": 30,
                "manufacturer": "intel",
                "family": "xeon",
                "series": "gold 6226R",
            },
            {
                "componentName": "2 x Tesla V100S-PCIE-32GB",
                "componentType": "gpu",
                "nbComponent": 2,
                "memorySize": 32,
                "manufacturer": "nvidia",
                "family": "volta",
                "series": "v100s",
            },
            {"componentType": "ram", "nbComponent": 1, "memorySize": 86.3035888671875},
        ],
    }
    assert report["environment"] == {
        "country": "France",
        "latitude": 48.8582,
        "longitude": 2.3387,
        "powerSourceCarbonIntensity": 84.879,
    }
    assert math.isclose(84.879, 4.060984136460829e-05 / 0.0004784439185735 * 1000, rel_tol=1e-11)


def test_components_measures_sum_to_the_total() -> None:
    for name in (
        "codecarbon-2.4.2-aws-linux-4xL4-pue1.22.csv",
        "codecarbon-3.0.2-gpu-linux-a100-hpc.csv",
    ):
        totals = [r["measures"][0]["powerConsumption"] for r in reports(public_csv(name))]
        split = reports(public_csv(name), measures="components")
        for total, report in zip(totals, split, strict=True):
            assert len(report["measures"]) == 3
            parts = sum(m["powerConsumption"] for m in report["measures"])
            assert math.isclose(parts, total, rel_tol=1e-9)


def test_components_of_a_cpu_only_run() -> None:
    report = reports(public_csv("codecarbon-3.0.4-windows11-cpu.csv"), measures="components")[0]
    assert [m["powerConsumption"] for m in report["measures"]] == [
        0.0013333338800012,
        0.0001110809738886,
    ]


def test_power_columns_that_hold_kwh_in_the_1_2_dev_layout() -> None:
    path = public_csv("codecarbon-1.2.0dev-2021-07-power-cols-hold-kwh.csv")
    report = reports(path, WITH_HARDWARE, measures="components")[0]
    # cpu_power holds 0.00108340285542082 kWh, gpu_power 0: one CPU measure, as much as the total
    assert [m["powerConsumption"] for m in report["measures"]] == [0.00108340285542082]
    assert reports(path, WITH_HARDWARE)[0]["measures"][0]["powerConsumption"] == (
        0.00108340285542082
    )


def test_cp1252_and_cr_cr_lf_are_read_right() -> None:
    conversion = convert(public_csv("codecarbon-1.x-2021-cp1252-crcrlf.csv"), WITH_HARDWARE)
    produced = [c.report for c in conversion]
    assert conversion.encoding == "cp1252"
    assert [r["environment"]["location"] for r in produced] == ["île-de-france"] * 2
    assert [
        c.row for c in convert(public_csv("codecarbon-1.x-2021-cp1252-crcrlf.csv"), WITH_HARDWARE)
    ] == [1, 2]


def test_reordered_columns_are_matched_by_name() -> None:
    produced = reports(public_csv("codecarbon-3.2.3-macos-m1-reordered-columns.csv"))
    # cpu_utilization_percent is 0.0 (not measured) in rows 1-6 and 19.92142857142857 in row 7
    assert [m.get("averageUtilizationCpu") for r in produced for m in r["measures"]] == [
        None
    ] * 6 + [0.199214285714]
    assert produced[0]["environment"]["country"] == "Germany"
    assert produced[0]["infrastructure"]["infraType"] == "onPremise"


def test_empty_energy_rows_are_rejected_with_their_row() -> None:
    conversion = convert(public_csv("codecarbon-2.4.3rc1-macos-arm-empty-run_id.csv"), CONTEXT)
    list(conversion)
    assert [(r.row, r.reason) for r in conversion.rejected] == [
        (
            row,
            "the report would be invalid: measures[0].powerConsumption: required field is "
            "missing (expected a number)",
        )
        for row in (r.row for r in conversion.rejected)
    ]
    assert len(conversion.rejected) == 2


def test_report_ids_duplicates_and_empties_get_stable_uuid5() -> None:
    produced = reports(
        public_csv("codecarbon-2.2.5-macos-hand-edited-crlf-empty-tail-fields.csv"), WITH_HARDWARE
    )
    ids = [r["header"]["reportId"] for r in produced]
    assert len(set(ids)) == 13
    assert "2e32bd63-a671-42bf-944c-d061ec3eafe7" not in ids  # repeated in rows 1 and 2
    again = reports(
        public_csv("codecarbon-2.2.5-macos-hand-edited-crlf-empty-tail-fields.csv"), WITH_HARDWARE
    )
    assert [r["header"]["reportId"] for r in again] == ids
    empty = reports(public_csv("codecarbon-2.4.3rc1-macos-arm-empty-run_id.csv"))
    assert all(r["header"]["reportId"] for r in empty)


def test_hardware_and_platform_names_are_parsed() -> None:
    def components(name: str) -> list[tuple[Any, ...]]:
        report = reports(public_csv(name))[0]
        return [
            (
                c["componentType"],
                c["nbComponent"],
                c.get("manufacturer"),
                c.get("family"),
                c.get("series"),
                c.get("memorySize"),
            )
            for c in report["infrastructure"]["components"]
        ]

    assert components("codecarbon-3.0.2-gpu-linux-a100-hpc.csv") == [
        ("cpu", 256, "amd", "epyc", "7742", None),
        ("gpu", 1, "nvidia", "ampere", "a100", 40),
        ("ram", 1, None, None, None, 1007.672908782959),
    ]
    assert components("codecarbon-2.4.2-aws-linux-4xL4-pue1.22.csv")[1] == (
        "gpu",
        4,
        "nvidia",
        "ada lovelace",
        "l4",
        None,
    )
    assert components("codecarbon-3.0.4-windows11-cpu.csv")[0] == (
        "cpu",
        16,
        "amd",
        "ryzen",
        "7 7730U",
        None,
    )
    windows = reports(public_csv("codecarbon-2.3.1-gpu-windows10-rtx3060.csv"))[0]["system"]
    assert windows == {
        "os": "windows",
        "distribution": "windows 10",
        "distributionVersion": "10.0.19044",
    }
    amazon = reports(public_csv("codecarbon-2.7.4-linux-odd-experiment_id.csv"))[0]["system"]
    assert amazon == {"os": "linux", "distribution": "amazonlinux", "distributionVersion": "2"}


def test_tracking_mode_is_never_a_tracking_method() -> None:
    for name in PUBLIC_CSVS:
        context = WITH_HARDWARE if name in NEEDS_HARDWARE else CONTEXT
        for report in reports(public_csv(name), context, measures="components"):
            for measure in report["measures"]:
                assert "cpuTrackingMode" not in measure and "gpuTrackingMode" not in measure


def test_context_fills_and_overrides() -> None:
    context = {
        **CONTEXT,
        "infrastructure": {
            "infraType": "publicCloud",
            "cloudProvider": "ovh",
            "components": [{"componentType": "gpu", "share": 0.5}],
        },
        "measures": [{"gpuTrackingMode": "nvml"}],
        "quality": "high",
    }
    report = reports(bash_input(), context)[0]
    assert report["infrastructure"]["infraType"] == "publicCloud"
    assert report["infrastructure"]["cloudProvider"] == "ovh"
    gpu = report["infrastructure"]["components"][1]
    assert (gpu["nbComponent"], gpu["share"]) == (2, 0.5)
    assert report["measures"][0]["gpuTrackingMode"] == "nvml"
    assert report["quality"] == "high"


def test_without_task_context_nothing_is_converted() -> None:
    with pytest.raises(MissingFieldsError) as caught:
        list(convert(EXAMPLES / "emissions.csv", None))
    assert caught.value.message == (
        f"Missing required fields at context (converting {EXAMPLES / 'emissions.csv'}): task, "
        "header.publisher.confidentialityLevel. "
        "Add them to the context file (`boamps init-context` writes a starting one)."
    )


def test_old_csv_without_hardware_names_the_missing_components() -> None:
    with pytest.raises(MissingFieldsError) as caught:
        list(convert(public_csv("codecarbon-1.x-2021-cp1252-crcrlf.csv"), CONTEXT))
    assert caught.value.message == (
        "Missing required fields at context (converting "
        f"{public_csv('codecarbon-1.x-2021-cp1252-crcrlf.csv')}): infrastructure.components. "
        "Add them to the "
        "context file (`boamps init-context` writes a starting one). This CSV names no "
        'hardware (CodeCarbon before 2.0 did not): give it with `boamps init-context --cpu "NAME" '
        '--cpu-count N --ram-gb G` (and `--gpu "NAME" --gpu-count N`).'
    )


# 1.0 asks more of a task and a header
CONTEXT_1_0: dict[str, Any] = {
    **CONTEXT,
    "header": {"reportStatus": "draft", "publisher": {"confidentialityLevel": "public"}},
    "task": {
        "taskType": "training",
        "taskStage": "training",
        "taskFamily": "nlp",
        "algorithms": [{"algorithmName": "bert"}],
        "dataset": [{"dataType": "text", "volume": 2, "volumeUnit": "gigabyte"}],
    },
}


def test_schema_version_1_0_output_is_officially_valid() -> None:
    produced = reports(bash_input(), CONTEXT_1_0, schema_version="1.0")
    official = official_validator(SchemaVersion.V1_0)
    assert all(official.is_valid(r) for r in produced)
    assert produced[0]["header"]["formatVersion"] == "1.0"


def test_not_a_codecarbon_file(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("name,value\na,1\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        convert(path, CONTEXT)
    assert caught.value.message == (
        f"Not a CodeCarbon emissions CSV at {path}: no column timestamp, duration, "
        "energy_consumed. Pass an emissions.csv written by CodeCarbon."
    )


def test_group_by_project_gathers_the_rows_as_measures() -> None:
    path = public_csv("codecarbon-2.4.2-aws-linux-4xL4-pue1.22.csv")
    rows = reports(path)
    grouped = reports(path, group_by="project_name")
    projects = list(dict.fromkeys(r["header"]["publisher"]["projectName"] for r in rows))
    assert [r["header"]["publisher"]["projectName"] for r in grouped] == projects
    assert sum(len(r["measures"]) for r in grouped) == len(rows) == 28
    first = [r for r in rows if r["header"]["publisher"]["projectName"] == projects[0]]
    assert grouped[0]["measures"] == [r["measures"][0] for r in first]
    assert grouped[0]["header"]["reportDatetime"] == max(
        r["header"]["reportDatetime"] for r in first
    )
    official = official_validator(SchemaVersion.V1_1)
    assert all(official.is_valid(r) for r in grouped)
    assert [r["header"]["reportId"] for r in reports(path, group_by="project_name")] == [
        r["header"]["reportId"] for r in grouped
    ]


def test_unknown_grouping() -> None:
    with pytest.raises(InputError) as caught:
        convert(EXAMPLES / "emissions.csv", CONTEXT, group_by="host")
    assert caught.value.message == (
        "Unknown grouping at --group-by: 'host'. Use one of: run_id, project_name, experiment_id."
    )


def test_sources_other_than_paths() -> None:
    import pandas as pd

    path = EXAMPLES / "emissions.csv"
    expected = reports(path)
    with open(path, "rb") as handle:
        assert [c.report for c in convert(handle, CONTEXT)] == expected
    with open(path, encoding="utf-8") as handle:
        assert [c.report for c in convert(handle, CONTEXT)] == expected
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    from_frame = [c.report for c in convert(frame, CONTEXT)]
    assert len(from_frame) == 3
    assert [r["measures"] for r in from_frame] == [r["measures"] for r in expected]
    with pytest.raises(InputError) as caught:
        convert(42, CONTEXT)
    assert caught.value.message == (
        "Unsupported CSV source at source: int. Pass a path, a file object, bytes or a pandas "
        "DataFrame."
    )


def test_task_files_and_gpu_counts_from_names(tmp_path: Path) -> None:
    header = (
        "timestamp,project_name,run_id,duration,emissions,energy_consumed,country_name,"
        "cpu_count,cpu_model,gpu_count,gpu_model,task_name"
    )
    rows = [
        "2025-01-02T10:00:00,p,,60,0.001,0.01,France,8,AMD EPYC 7742,,2 x NVIDIA A100 80GB,"
        "load data"
    ]
    path = tmp_path / "tasks.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    conversion = convert(path, CONTEXT)
    [report] = [c.report for c in conversion]
    assert conversion.layout is not None and conversion.layout.task_file
    gpu = report["infrastructure"]["components"][1]
    assert (gpu["componentType"], gpu["nbComponent"], gpu["memorySize"]) == ("gpu", 2, 80)


def test_a_gpu_name_without_a_count_invents_no_count(tmp_path: Path) -> None:
    header = "timestamp,duration,energy_consumed,country_name,cpu_count,gpu_count,gpu_model"
    path = tmp_path / "e.csv"
    path.write_text(f"{header}\n2025-01-02T10:00:00,60,0.01,France,8,,Apple M1\n", encoding="utf-8")
    [report] = [c.report for c in convert(path, CONTEXT)]
    assert [c["componentType"] for c in report["infrastructure"]["components"]] == ["cpu"]


def test_convert_stays_the_function_whatever_is_imported() -> None:
    import boamps_carbon
    import boamps_carbon.conversion
    from boamps_carbon.cli import main  # noqa: F401

    assert callable(boamps_carbon.convert) and boamps_carbon.convert.__name__ == "convert"


@pytest.mark.parametrize("workers", [0, -1, 1.5])
def test_workers_are_one_or_more(workers: Any) -> None:
    with pytest.raises(InputError) as caught:
        convert(
            EXAMPLES / "emissions.csv",
            CONTEXT,
            workers=workers,
        )
    assert caught.value.message == (
        f"Expected a number of worker processes at workers: {workers!r}. Give 1 or more "
        "(None: up to 2, as the machine allows)."
    )
