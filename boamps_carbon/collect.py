"""Live collection: a CodeCarbon tracker in, a validated BoAmps report out.

The tracker's measurement goes through the same field table as a CSV row; what only a live
tracker knows (how each component was measured, the GPUs, the OS distribution, an idle
calibration) is added on top, then the context, then validation.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from .assemble import assemble
from .context import load_context
from .enrich import platform as platform_facts
from .enrich.tracker import TrackerError, gpu_inventory, snapshot, tracking_methods
from .errors import BoampsError
from .fieldmap import FieldEngine, RowError, load_field_table
from .fieldmap.engine import KeyedList
from .fieldmap.transforms import RunContext
from .model import Report
from .schema import DEFAULT_VERSION, SchemaVersion, parse_version
from .sources.run_ids import is_uuid
from .validation.semantic import is_geolocation_fallback

log = logging.getLogger("boamps_carbon")
# the default of `software`: the tracker's Python, as its measurement says
TRACKER_PYTHON = object()


class ReportInvalidError(BoampsError):
    """The report would not be valid: usually the context lacks the task."""

    def __init__(
        self, what: str, where: str, value: object, hint: str, problems: list[Any]
    ) -> None:
        self.problems = problems
        super().__init__(what, where, value, hint)


@dataclass(frozen=True)
class Calibration:
    """Energy of an idle window measured with the same settings: the machine's baseline."""

    duration: float  # seconds
    energy: float  # kWh, all components
    cpu_energy: float | None = None
    gpu_energy: float | None = None
    ram_energy: float | None = None

    @classmethod
    def from_emissions(cls, values: dict[str, Any]) -> Calibration:
        def number(key: str) -> float | None:
            value = values.get(key)
            return float(value) if isinstance(value, (int, float)) else None

        return cls(
            float(values["duration"]),
            float(values["energy_consumed"]),
            number("cpu_energy"),
            number("gpu_energy"),
            number("ram_energy"),
        )

    def energy_of(self, measure: str) -> float | None:
        return {
            "total": self.energy,
            "cpu": self.cpu_energy,
            "gpu": self.gpu_energy,
            "ram": self.ram_energy,
        }.get(measure)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return repr(value) if isinstance(value, float) else str(value)


def build_report(
    snap: dict[str, Any],
    context: Any = None,
    *,
    measures: str = "total",
    calibration: Calibration | None = None,
    schema_version: str | SchemaVersion = DEFAULT_VERSION,
    locate: bool | str = False,
    derive_quality: bool = False,
    software: object = TRACKER_PYTHON,
) -> tuple[dict[str, Any], list[str]]:
    """The report (a dict) and its warnings, from a tracker snapshot; raises if invalid.
    `locate` (True, or a service URL) looks the place up online; off by default.
    `software` is what the measured work runs on: BoAmps' `software` object, or None when
    unknown; by default the tracker's own Python (right for code measured in-process).
    `derive_quality`: a `quality` the context does not set comes from the measuring methods."""
    version = parse_version(schema_version)
    values = dict(snap["emissions"])
    described = (snap.get("platform") or {}).get("cpu_model")
    if described and not platform_facts.has_cpu_model(values.get("cpu_model")):
        values["cpu_model"] = described  # py-cpuinfo's, where CodeCarbon had none
    header = list(values)
    options = {"measures": measures, "layout": "codecarbon-live", "schema_version": version.value}
    if derive_quality:
        options["quality"] = "derive"
    engine = FieldEngine(load_field_table(), header, options)
    run_id = str(values.get("run_id") or "")
    run = RunContext(
        options, file_hash=run_id, unique_run_ids={run_id} if is_uuid(run_id) else set()
    )
    try:
        built = engine.build([_cell(values[k]) for k in header], run)
    except RowError as exc:
        raise TrackerError(
            "Unreadable tracker measurement",
            "final_emissions_data",
            str(exc),
            "Report this with your CodeCarbon version.",
        ) from None
    located = None
    if locate:
        from .enrich.location import locate as look_up

        located = look_up(locate if isinstance(locate, str) else None)
    notes = enrich(built, snap, calibration, located)
    if software is not TRACKER_PYTHON:
        built.pop("software", None)
        if isinstance(software, dict) and software:
            built["software"] = dict(software)
    project = str(values.get("project_name") or "") or None
    done = assemble(built, load_context(context, version), project, engine, run, version)
    if done.errors:
        missing = ", ".join(str(p) for p in done.errors[:5])
        raise ReportInvalidError(
            "The report would be invalid",
            "the context",
            missing,
            "Give the task, dataset and publisher in the context "
            "(`boamps init-context` writes one).",
            done.errors,
        )
    return done.report, notes + done.warnings


def enrich(
    built: dict[str, Any],
    snap: dict[str, Any],
    calibration: Calibration | None,
    located: dict[str, Any] | None = None,
) -> list[str]:
    """Put what only the live tracker knows into a report being built; returns warnings."""
    system = platform_facts.os_facts(snap.get("platform") or {})
    if system.get("os"):
        built["system"] = system
    methods, notes = tracking_methods(snap.get("hardware") or [])
    components = built.get("infrastructure", {}).get("components", KeyedList())
    _enrich_components(components, snap)
    for key, measure in built.get("measures", {}).items():
        if key in ("total", "cpu") and "cpu" in methods:
            measure["cpuTrackingMode"] = methods["cpu"]
        if (key == "gpu" or (key == "total" and "gpu" in components)) and "gpu" in methods:
            measure["gpuTrackingMode"] = methods["gpu"]
        energy = calibration.energy_of(key) if calibration else None
        if calibration is not None and energy is not None:
            measure["powerCalibrationMeasurement"] = energy
            measure["durationCalibrationMeasurement"] = calibration.duration
    notes += _drop_fallback_location(built, snap)
    _add_located(built, located or {})
    return notes


def _enrich_components(components: KeyedList, snap: dict[str, Any]) -> None:
    vendor = _cpu_maker(str((snap.get("platform") or {}).get("cpu_vendor") or ""))
    if vendor and "cpu" in components:
        components["cpu"].setdefault("manufacturer", vendor)
    inventory = gpu_inventory(snap.get("hardware") or [])
    if inventory and "gpu" in components:
        components["gpu"].update(inventory)


def _add_located(built: dict[str, Any], located: dict[str, Any]) -> None:
    """An online lookup fills the place when the tracker had none, or details it when both
    name the same country; it never contradicts the tracker."""
    if not located:
        return
    env = built.get("environment")
    if not env:
        built["environment"] = dict(located)
    elif str(env.get("country", "")).lower() == str(located["country"]).lower():
        for key, value in located.items():
            env.setdefault(key, value)


def _cpu_maker(vendor: str) -> str | None:
    from .fieldmap.lookup import lookup_table

    return lookup_table("cpu-vendors/manufacturer", "cpu-vendors")(vendor) if vendor else None


def _drop_fallback_location(built: dict[str, Any], snap: dict[str, Any]) -> list[str]:
    if snap.get("offline") or not is_geolocation_fallback(built.get("environment")):
        return []
    del built["environment"]
    return [
        "environment left out: CodeCarbon answered Canada at 46.8, -71.2, its fallback "
        "when it cannot geolocate; run offline with country_iso_code"
    ]


def _running(tracker: Any) -> bool:
    # CodeCarbon 2.x keeps _start_time after stop(); both versions drop the scheduler there
    return (
        getattr(tracker, "_start_time", None) is not None
        and getattr(tracker, "_scheduler", None) is not None
    )


def generate_report(
    tracker: Any,
    context: Any = None,
    *,
    measures: str = "total",
    calibration: Calibration | None = None,
    schema_version: str | SchemaVersion = DEFAULT_VERSION,
    locate: bool | str = False,
    derive_quality: bool = False,
    software: object = TRACKER_PYTHON,
) -> Report:
    """Stop `tracker` if it runs, and return its validated BoAmps report. `locate` (True or a
    service URL) looks the machine's place up online, 2 s at most, cached for a day."""
    if _running(tracker):
        tracker.stop()
    report, notes = build_report(
        snapshot(tracker),
        context,
        measures=measures,
        calibration=calibration,
        schema_version=schema_version,
        locate=locate,
        derive_quality=derive_quality,
        software=software,
    )
    for note in notes:
        log.warning("boamps report: %s", note)
    return Report.model_validate(report)


# a measurement with every field a tracker gives, to find what the context lacks before a run
_PROBE = {
    "timestamp": "2000-01-01T00:00:00",
    "project_name": "",
    "run_id": "",
    "duration": 1.0,
    "emissions": 1e-9,
    "cpu_energy": 1e-6,
    "gpu_energy": 0.0,
    "ram_energy": 1e-6,
    "energy_consumed": 2e-6,
    "country_name": "probe",
    "os": "",
    "python_version": "3",
    "codecarbon_version": "0",
    "cpu_count": 1,
    "cpu_model": "probe",
    "gpu_count": 0,
    "ram_total_size": 1.0,
    "tracking_mode": "machine",
}


def check_context(
    context: Any = None,
    *,
    measures: str = "total",
    schema_version: str | SchemaVersion = DEFAULT_VERSION,
) -> None:
    """Raise now (ReportInvalidError, InputError) if no tracker could complete the context."""
    snap = {"offline": True, "emissions": _PROBE, "hardware": [], "platform": {}}
    build_report(snap, context, measures=measures, schema_version=schema_version)
