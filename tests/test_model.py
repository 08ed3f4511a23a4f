"""The typed models: exact round trips, extra fields kept, atomic saves, typed load errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import shared
from factories import make_report
from hypothesis import HealthCheck, given, settings
from strategies import reports

from boamps_carbon import Report, ReportLoadError, load_report, validate
from boamps_carbon.io import atomic_write_text
from boamps_carbon.schema import SchemaVersion


def round_trip(data: dict) -> dict:
    return Report.model_validate(data).to_dict()


def test_factory_reports_round_trip_exactly(version: SchemaVersion) -> None:
    for full in (False, True):
        data = make_report(version, full=full)
        # same text: same keys, same order, same number types
        assert json.dumps(round_trip(data)) == json.dumps(data)


def test_official_example_round_trips_exactly() -> None:
    path = shared("boamps-official", "examples", "energy-report-llm-inference.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert json.dumps(round_trip(data)) == json.dumps(data)


def test_snake_case_in_python_camel_case_on_the_wire() -> None:
    report = Report.model_validate(make_report(full=True))
    assert report.measures[0].power_consumption == 0.0356
    assert report.infrastructure.components[1].memory_size == 32
    assert report.header is not None and report.header.publisher is not None
    assert report.header.publisher.confidentiality_level == "internal"
    report.measures[0].cpu_tracking_mode = "constant"
    assert report.to_dict()["measures"][0]["cpuTrackingMode"] == "constant"


def test_non_standard_fields_are_kept() -> None:
    data = make_report()
    data["measures"][0]["energyJoules"] = 151.6
    data["x-origin"] = {"tool": "test"}
    assert round_trip(data) == data


def test_to_dict_leaves_out_none() -> None:
    report = Report.model_validate(make_report())
    report.quality = None
    assert "quality" not in report.to_dict()
    assert "system" not in report.to_dict()


def test_model_rejects_wrong_types_strictly() -> None:
    data = make_report()
    data["infrastructure"]["components"][0]["nbComponent"] = 2.0
    with pytest.raises(ValueError):
        Report.model_validate(data)


def test_save_writes_the_whole_file(tmp_path: Path) -> None:
    report = Report.model_validate(make_report(full=True))
    target = tmp_path / "out" / "report.json"
    report.save(target)
    assert json.loads(target.read_text(encoding="utf-8")) == make_report(full=True)
    assert [p.name for p in target.parent.iterdir()] == ["report.json"]


def test_nan_has_no_place_in_a_report() -> None:
    report = Report.model_validate(make_report())
    with pytest.raises(ValueError, match="Input should be a finite number"):
        report.measures[0].power_consumption = float("nan")


def test_failed_write_keeps_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(UnicodeEncodeError):
        atomic_write_text(target, "x" * 100_000 + "\ud800")  # fails while writing
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_load_report_from_path_and_dict(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text(json.dumps(make_report()), encoding="utf-8")
    assert load_report(path).to_dict() == make_report()
    assert load_report(make_report()).to_dict() == make_report()
    assert load_report(make_report(SchemaVersion.V1_0), "1.0").to_dict() == make_report(
        SchemaVersion.V1_0
    )


def test_load_report_names_the_first_problem(tmp_path: Path) -> None:
    data = make_report()
    del data["task"]["taskStage"]
    data["measures"][0]["powerConsumption"] = "1"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ReportLoadError) as caught:
        load_report(path)
    assert caught.value.message == (
        f"Invalid BoAmps 1.1 report at {path}: task.taskStage: required field is missing "
        "(expected a string) (and 1 more problems). Run `boamps validate` to see every problem."
    )
    assert len(caught.value.problems) == 2


def test_load_report_on_broken_json(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"header": {,}}', encoding="utf-8")
    with pytest.raises(ReportLoadError) as caught:
        load_report(path)
    assert caught.value.message == (
        f"Report file is not valid JSON at {path}: line 1, column 13: expected JSON, got a "
        "syntax error: expecting property name enclosed in double quotes."
    )


def test_load_report_on_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ReportLoadError) as caught:
        load_report(tmp_path / "none.json")
    assert caught.value.message == (
        f"Cannot read report file at {tmp_path / 'none.json'}: No such file or directory. "
        "Check the path."
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=reports(SchemaVersion.V1_1))
def test_any_valid_1_1_report_round_trips(data: dict) -> None:
    assert validate(data).errors == []
    assert json.dumps(round_trip(data)) == json.dumps(data)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=reports(SchemaVersion.V1_0))
def test_any_valid_1_0_report_round_trips(data: dict) -> None:
    assert validate(data, "1.0").errors == []
    assert json.dumps(round_trip(data)) == json.dumps(data)
