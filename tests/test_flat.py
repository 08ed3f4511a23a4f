"""Flat CSV rows in the official flattener's naming, and back: exact round trips."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import shared
from factories import make_report
from hypothesis import HealthCheck, given, settings
from strategies import reports as valid_reports
from test_convert import CONTEXT, NEEDS_HARDWARE, PUBLIC_CSVS, WITH_HARDWARE, public_csv

from boamps_carbon.conversion import convert
from boamps_carbon.render.flat import cell_text, flatten, to_csv_text, unflatten
from boamps_carbon.schema import SchemaVersion


def test_official_example_flattens_to_the_official_csv() -> None:
    folder = shared("boamps-official", "examples")
    report = json.loads((folder / "energy-report-llm-inference.json").read_text("utf-8"))
    header, row = (folder / "energy-report-llm-inference.csv").read_text("utf-8").splitlines()[:2]
    assert list(flatten(report)) == header.split(",")
    assert ",".join(flatten(report).values()) == row


def test_official_flat_csv_converts_back_to_the_official_report() -> None:
    folder = shared("boamps-official", "examples")
    report = json.loads((folder / "energy-report-llm-inference.json").read_text("utf-8"))
    conversion = convert(folder / "energy-report-llm-inference.csv")
    assert [c.report for c in conversion] == [report]
    assert conversion.layout is not None and conversion.layout.name == "boamps-flat"


def test_every_converted_public_report_round_trips(tmp_path: Path) -> None:
    for name in sorted(PUBLIC_CSVS):
        context = WITH_HARDWARE if name in NEEDS_HARDWARE else CONTEXT
        for measures in ("total", "components"):
            originals = [c.report for c in convert(public_csv(name), context, measures=measures)]
            flat = tmp_path / f"{name}-{measures}.csv"
            flat.write_text(to_csv_text(originals), encoding="utf-8")
            back = [c.report for c in convert(flat)]
            assert json.dumps(back) == json.dumps(originals), name


def test_empty_and_non_standard_values_come_back_exactly() -> None:
    report = make_report()
    report["task"]["algorithms"][0]["framework"] = ""
    report["measures"][0]["extra"] = {"a": [1, "007"]}
    report["measures"][0]["code"] = "007"
    report["note"] = "=1+1"
    report["header"]["publisher"] = {"confidentialityLevel": "public", "x_y": -5}
    cells = flatten(report)
    assert cells["task_algorithms_0_framework"] == "'"
    assert cells["measures_0_extra"] == '{"a":[1,"007"]}'
    assert cells["measures_0_code"] == '"007"'
    assert cells["note"] == '"=1+1"'
    assert unflatten(cells) == report


def test_formula_cells_are_neutralised_and_restored() -> None:
    report = {
        "task": {"taskDescription": '=HYPERLINK("x")', "taskStage": "+1", "taskFamily": "'quoted"},
        "environment": {"country": "@home", "longitude": -71.2},
    }
    cells = flatten(report)
    assert cells == {
        "task_taskDescription": '\'=HYPERLINK("x")',
        "task_taskStage": "'+1",
        "task_taskFamily": "''quoted",
        "environment_country": "'@home",
        "environment_longitude": "-71.2",
    }
    assert unflatten(cells) == report


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(report=valid_reports(SchemaVersion.V1_1))
def test_any_report_survives_the_flat_round_trip(report: dict[str, Any]) -> None:
    assert unflatten(flatten(report)) == report
    assert all(isinstance(cell_text(v), str) for v in flatten(report).values())


def test_line_breaks_inside_cells_survive_the_csv(tmp_path: Path) -> None:
    report = make_report()
    report["environment"] = {"country": "France", "location": "a\rb\nc\r\n"}
    report["task"]["taskDescription"] = '\rstarts with CR, has, commas and "quotes"'
    path = tmp_path / "flat.csv"
    path.write_text(to_csv_text([report]), encoding="utf-8", newline="")
    assert [c.report for c in convert(path)] == [report]
