"""to_dataframe(): reports as typed pandas frames, values exact, units in column names."""

from __future__ import annotations

import copy
import json
import math
from typing import Any

import pandas as pd
import pytest
from conftest import EXAMPLES

from boamps_carbon import InputError, load_report, to_dataframe


def example() -> dict[str, Any]:
    return json.loads((EXAMPLES / "report.json").read_text(encoding="utf-8"))


def odd() -> dict[str, Any]:
    """No carbon intensity, a measure without a length, a datetime not in BoAmps' format."""
    report = example()
    report["header"]["reportId"] = "odd"
    report["header"]["reportDatetime"] = "22/11/2026"
    del report["environment"]["powerSourceCarbonIntensity"]
    first = report["measures"][0]
    report["measures"].append(
        {"measurementMethod": "wattmeter", "powerConsumption": 0.5, "measurementDateTime": "x"}
    )
    first["powerConsumption"] = 0.25
    del report["infrastructure"]["components"][1]["nbComponent"]
    return report


def test_one_row_per_report() -> None:
    frame = to_dataframe([example(), odd()])
    assert frame.dtypes.astype(str).to_dict() == {
        "report_id": "string",
        "report_datetime": "datetime64[ns]",
        "project": "string",
        "task_stage": "string",
        "task_family": "string",
        "model": "string",
        "country": "string",
        "hardware": "string",
        "energy_kwh": "float64",
        "duration_s": "float64",
        "mean_power_w": "float64",
        "carbon_intensity_g_per_kwh": "float64",
        "emissions_kg": "float64",
    }
    first = frame.iloc[0]
    assert first["report_id"] == "9d3c1f0e-7b2a-4e58-b1c4-6a0f2e8d5b73"
    assert first["report_datetime"] == pd.Timestamp("2026-11-22 07:12:40")
    assert (first["project"], first["task_stage"], first["model"], first["country"]) == (
        "examples",
        "training",
        "logisticRegression",
        "france",
    )
    assert first["hardware"] == "Intel(R) Xeon(R) CPU @ 2.20GHz (2 logical CPUs), 24.0 GB RAM"
    assert (first["energy_kwh"], first["duration_s"]) == (0.000412, 61.37)
    assert first["mean_power_w"] == 0.000412 * 3.6e6 / 61.37
    assert first["carbon_intensity_g_per_kwh"] == 21.7
    assert first["emissions_kg"] == 0.000412 * 21.7 / 1000
    second = frame.iloc[1]
    assert second["energy_kwh"] == 0.75
    assert pd.isna(second["report_datetime"]) and pd.isna(second["duration_s"])
    assert pd.isna(second["emissions_kg"]) and pd.isna(second["mean_power_w"])


def test_one_row_per_measure() -> None:
    frame = to_dataframe([example(), odd()], level="measure")
    assert list(frame.columns) == [
        "report_id",
        "measure_index",
        "method",
        "method_version",
        "cpu_tracking_mode",
        "gpu_tracking_mode",
        "start",
        "energy_kwh",
        "duration_s",
        "emissions_kg",
    ]
    assert str(frame["start"].dtype) == "datetime64[ns]"
    assert str(frame["measure_index"].dtype) == "int64"
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    assert rows == [
        {
            "report_id": "9d3c1f0e-7b2a-4e58-b1c4-6a0f2e8d5b73",
            "measure_index": 0,
            "method": "codecarbon",
            "method_version": "3.3.2",
            "cpu_tracking_mode": "cpuLoad",
            "gpu_tracking_mode": None,
            "start": pd.Timestamp("2026-11-22 07:11:38"),
            "energy_kwh": 0.000412,
            "duration_s": 61.37,
            "emissions_kg": 0.000412 * 21.7 / 1000,
        },
        {
            "report_id": "odd",
            "measure_index": 0,
            "method": "codecarbon",
            "method_version": "3.3.2",
            "cpu_tracking_mode": "cpuLoad",
            "gpu_tracking_mode": None,
            "start": pd.Timestamp("2026-11-22 07:11:38"),
            "energy_kwh": 0.25,
            "duration_s": 61.37,
            "emissions_kg": None,
        },
        {
            "report_id": "odd",
            "measure_index": 1,
            "method": "wattmeter",
            "method_version": None,
            "cpu_tracking_mode": None,
            "gpu_tracking_mode": None,
            "start": None,
            "energy_kwh": 0.5,
            "duration_s": None,
            "emissions_kg": None,
        },
    ]


def test_one_row_per_component_from_models_too() -> None:
    report = load_report(EXAMPLES / "report.json")
    frame = to_dataframe([report, odd()], level="component")
    assert frame.dtypes.astype(str).to_dict() == {
        "report_id": "string",
        "component_index": "int64",
        "component_type": "string",
        "component_name": "string",
        "label": "string",
        "count": "Int64",
        "manufacturer": "string",
        "family": "string",
        "series": "string",
        "memory_gb": "float64",
        "share": "float64",
    }
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    assert [
        (r["report_id"], r["component_type"], r["label"], r["count"], r["memory_gb"]) for r in rows
    ] == [
        (
            "9d3c1f0e-7b2a-4e58-b1c4-6a0f2e8d5b73",
            "cpu",
            "2 x Intel(R) Xeon(R) CPU @ 2.20GHz (CPU)",
            2,
            None,
        ),
        ("9d3c1f0e-7b2a-4e58-b1c4-6a0f2e8d5b73", "ram", "24.0 GB RAM", 1, 24.0),
        ("odd", "cpu", "2 x Intel(R) Xeon(R) CPU @ 2.20GHz (CPU)", 2, None),
        ("odd", "ram", "24.0 GB RAM", None, 24.0),
    ]
    assert (rows[0]["manufacturer"], rows[0]["family"], rows[0]["series"]) == (
        "intel",
        "xeon",
        None,
    )


def test_converted_reports_sum_like_the_csv() -> None:
    import boamps_carbon

    reports = [
        c.report
        for c in boamps_carbon.convert(EXAMPLES / "emissions.csv", EXAMPLES / "context.json")
    ]
    frame = to_dataframe(reports)
    csv = pd.read_csv(EXAMPLES / "emissions.csv")
    assert frame["energy_kwh"].tolist() == csv["energy_consumed"].tolist()
    assert math.isclose(frame["emissions_kg"].sum(), csv["emissions"].sum(), rel_tol=1e-9)


def test_empty_and_bad_input() -> None:
    empty = to_dataframe([], level="measure")
    assert len(empty) == 0 and str(empty["energy_kwh"].dtype) == "float64"
    with pytest.raises(InputError) as caught:
        to_dataframe([example()], level="row")
    assert caught.value.message == (
        "Unknown level at level: 'row'. Use one of: report, measure, component."
    )
    with pytest.raises(InputError) as caught:
        to_dataframe([example(), "report.json"])
    assert caught.value.message == (
        "Not a report at reports[1]: str. Pass report dicts or Report models."
    )


def test_the_reports_are_not_changed() -> None:
    report = odd()
    before = copy.deepcopy(report)
    for level in ("report", "measure", "component"):
        to_dataframe([report], level=level)
    assert report == before
