"""Live collection with real offline CodeCarbon trackers on this machine (no mocks)."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import codecarbon
import pytest
from codecarbon import OfflineEmissionsTracker
from official import official_validator
from test_enrich import CONTEXT

from boamps_carbon import BoampsError, BoAmpsHandler, generate_report, measure_idle, track
from boamps_carbon.collect import ReportInvalidError
from boamps_carbon.enrich.platform import parse_os_release
from boamps_carbon.enrich.tracker import TrackerError
from boamps_carbon.schema import SchemaVersion

CPU_METHODS = {"cpu_load": "cpuLoad", "constant": "constant", "intel_rapl": "rapl"}


def new_tracker(**options: Any) -> OfflineEmissionsTracker:
    settings = {
        "country_iso_code": "FRA",
        "save_to_file": False,
        "log_level": "error",
        "measure_power_secs": 1,
        "allow_multiple_runs": True,
        **options,
    }
    return OfflineEmissionsTracker(**settings)


def busy(seconds: float) -> None:
    end = time.time() + seconds
    while time.time() < end:
        sum(i * i for i in range(1000))


def cpu_mode(tracker: Any) -> str:
    return next(h._mode for h in tracker._hardware if type(h).__name__ == "CPU")


def test_report_from_a_running_tracker_says_what_was_measured() -> None:
    tracker = new_tracker()
    tracker.start()
    busy(1.0)
    report = generate_report(tracker, CONTEXT)
    data = tracker.final_emissions_data  # generate_report stopped the tracker
    measure = report.measures[0]
    assert measure.measurement_method == "codecarbon"
    assert measure.version == codecarbon.__version__
    assert measure.power_consumption == data.energy_consumed
    assert measure.measurement_duration == data.duration
    start = datetime.fromisoformat(data.timestamp) - timedelta(seconds=data.duration)
    assert measure.measurement_date_time == (start + timedelta(seconds=0.5)).strftime(
        "%Y-%m-%d %H:%M:%S"
    )
    assert measure.cpu_tracking_mode == CPU_METHODS[cpu_mode(tracker)]
    assert measure.gpu_tracking_mode is None
    release = parse_os_release(Path("/etc/os-release").read_text(encoding="utf-8"))
    assert report.system is not None
    assert (report.system.os, report.system.distribution) == ("linux", release.get("ID"))
    cpu, ram = report.infrastructure.components
    assert (cpu.component_type, cpu.nb_component, cpu.component_name) == (
        "cpu",
        data.cpu_count,
        data.cpu_model,
    )
    assert (ram.component_type, ram.memory_size) == ("ram", data.ram_total_size)
    assert report.environment is not None and report.environment.country == "France"


def test_a_live_report_passes_the_official_schema() -> None:
    validator = official_validator(SchemaVersion.V1_1)  # skips without ../shared, before work
    tracker = new_tracker()
    tracker.start()
    busy(0.3)
    report = generate_report(tracker, CONTEXT)
    assert list(validator.iter_errors(report.to_dict())) == []


def test_components_add_up_and_a_stopped_tracker_is_not_stopped_again() -> None:
    tracker = new_tracker()
    tracker.start()
    busy(0.5)
    tracker.stop()
    data = tracker.final_emissions_data
    report = generate_report(tracker, CONTEXT, measures="components")
    assert tracker.final_emissions_data is data
    assert [m.power_consumption for m in report.measures] == [data.cpu_energy, data.ram_energy]
    assert sum(m.power_consumption for m in report.measures) == pytest.approx(
        data.energy_consumed, rel=1e-9
    )


def test_a_tracker_never_started_is_a_typed_error() -> None:
    tracker = new_tracker()
    with pytest.raises(TrackerError) as caught:
        generate_report(tracker, CONTEXT)
    assert caught.value.message == (
        "The tracker has no measurement at OfflineEmissionsTracker: final_emissions_data is "
        "missing. Start the tracker, run the work, and make sure stop() succeeded (CodeCarbon "
        "logs the reason when it fails)."
    )


def test_a_failed_stop_is_a_typed_error() -> None:
    from codecarbon.output_methods.base_output import BaseOutput

    class Broken(BaseOutput):  # type: ignore[misc]
        def out(self, total: Any, delta: Any) -> None:
            raise RuntimeError("disk full")

    tracker = new_tracker(output_handlers=[Broken()])
    tracker.start()
    with pytest.raises(TrackerError, match="final_emissions_data is missing"):
        generate_report(tracker, CONTEXT)


def test_track_writes_the_report_and_calibrates(tmp_path: Path) -> None:
    with track(
        CONTEXT,
        tmp_path / "run.json",
        calibrate_seconds=1,
        country_iso_code="FRA",
        measure_power_secs=1,
    ) as measured:
        busy(0.5)
    written = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    assert measured.report is not None and written == measured.report.to_dict()
    assert measured.calibration is not None
    measure = written["measures"][0]
    assert measure["durationCalibrationMeasurement"] == measured.calibration.duration
    assert measure["powerCalibrationMeasurement"] == measured.calibration.energy
    assert 1.0 <= measured.calibration.duration < 2.0


def test_track_as_a_decorator_appends_json_lines(tmp_path: Path) -> None:
    output = tmp_path / "runs.jsonl"
    context = {**CONTEXT, "environment": {"country": "FRA"}}

    @track(context, output, measure_power_secs=1)
    def work(n: int) -> int:
        busy(0.2)
        return n * 2

    assert work(2) == 4
    assert work(3) == 6
    lines = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 2
    assert lines[0]["header"]["reportId"] != lines[1]["header"]["reportId"]
    assert lines[0]["environment"]["country"] == "FRA"  # the context's value wins


def test_track_needs_a_country_offline() -> None:
    with pytest.raises(BoampsError) as caught, track(CONTEXT):
        pass
    assert caught.value.message == (
        "An offline tracker needs a country at country_iso_code: missing. Pass "
        "country_iso_code='FRA' (ISO 3166 alpha-3), or online=True."
    )


def test_measure_idle_refuses_nonsense() -> None:
    with pytest.raises(BoampsError) as caught:
        measure_idle(0, country_iso_code="FRA")
    assert caught.value.message == (
        "Calibration needs a positive duration at seconds: 0. Give a number of seconds, such as 10."
    )


def test_handler_writes_the_report_at_stop(tmp_path: Path) -> None:
    handler = BoAmpsHandler(CONTEXT, tmp_path / "reports")
    tracker = new_tracker(output_handlers=[handler])
    tracker.start()
    busy(0.3)
    tracker.stop()
    assert handler.error is None and handler.path is not None
    report = json.loads(handler.path.read_text(encoding="utf-8"))
    assert report["measures"][0]["cpuTrackingMode"] == CPU_METHODS[cpu_mode(tracker)]
    assert report["measures"][0]["powerConsumption"] == tracker.final_emissions_data.energy_consumed


def test_handler_never_breaks_codecarbon(tmp_path: Path) -> None:
    handler = BoAmpsHandler(None, tmp_path / "reports")
    tracker = new_tracker(output_handlers=[handler], save_to_file=True, output_dir=str(tmp_path))
    tracker.start()
    busy(0.3)
    tracker.stop()
    assert tracker.final_emissions_data is not None
    assert (tmp_path / "emissions.csv").exists()  # CodeCarbon's own output still written
    assert isinstance(handler.error, ReportInvalidError)
    assert not (tmp_path / "reports").exists()


def test_the_body_error_wins_over_a_report_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    with (
        pytest.raises(ValueError, match="body error"),
        track(CONTEXT, blocker / "sub" / "r.json", country_iso_code="FRA"),
    ):
        raise ValueError("body error")


def test_a_context_without_task_fails_before_the_work() -> None:
    ran = []
    with pytest.raises(ReportInvalidError), track({}, country_iso_code="FRA"):
        ran.append(True)
    assert ran == []


def test_an_unknown_country_fails_before_the_work() -> None:
    with pytest.raises(BoampsError) as caught, track(CONTEXT, country_iso_code="ZZZ"):
        pass
    assert caught.value.message == (
        "Unknown country for CodeCarbon at country_iso_code: 'ZZZ'. Give an ISO 3166 alpha-3 "
        "code CodeCarbon knows, such as FRA or USA."
    )
