"""Reports as a pandas DataFrame: one row per report, measure or component, typed columns with
their unit in their name. pandas is imported here only, when a frame is asked for."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..validation.semantic import energy_kwh, number
from .figures import component_label, figures

if TYPE_CHECKING:
    import pandas as pd

BOAMPS_DATETIME = "%Y-%m-%d %H:%M:%S"

# column -> pandas dtype; "datetime" columns are parsed from BoAmps datetimes (NaT otherwise)
REPORT_COLUMNS = {
    "report_id": "string",
    "report_datetime": "datetime",
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
MEASURE_COLUMNS = {
    "report_id": "string",
    "measure_index": "int64",
    "method": "string",
    "method_version": "string",
    "cpu_tracking_mode": "string",
    "gpu_tracking_mode": "string",
    "start": "datetime",
    "energy_kwh": "float64",
    "duration_s": "float64",
    "emissions_kg": "float64",
}
COMPONENT_COLUMNS = {
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


def _text(value: Any) -> str | None:
    return None if value is None or isinstance(value, (dict, list)) else str(value)


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _report_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    found = figures(report)
    return [
        {
            "report_id": found.report_id,
            "report_datetime": found.date,
            "project": found.project,
            "task_stage": found.stage,
            "task_family": found.family,
            "model": found.model,
            "country": found.country,
            "hardware": ", ".join(found.hardware),
            "energy_kwh": found.energy_kwh,
            "duration_s": found.duration_s,
            "mean_power_w": found.mean_power_w,
            "carbon_intensity_g_per_kwh": found.intensity,
            "emissions_kg": found.emissions_kg,
        }
    ]


def _measure_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    found = figures(report)
    rows = []
    for index, measure in enumerate(report.get("measures") or []):
        if not isinstance(measure, dict):
            continue
        energy = energy_kwh(measure)
        rows.append(
            {
                "report_id": found.report_id,
                "measure_index": index,
                "method": _text(measure.get("measurementMethod")),
                "method_version": _text(measure.get("version")),
                "cpu_tracking_mode": _text(measure.get("cpuTrackingMode")),
                "gpu_tracking_mode": _text(measure.get("gpuTrackingMode")),
                "start": measure.get("measurementDateTime"),
                "energy_kwh": energy,
                "duration_s": number(measure.get("measurementDuration")),
                "emissions_kg": None
                if energy is None or found.intensity is None
                else energy * found.intensity / 1000,
            }
        )
    return rows


def _component_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    report_id = figures(report).report_id
    components = (report.get("infrastructure") or {}).get("components") or []
    return [
        {
            "report_id": report_id,
            "component_index": index,
            "component_type": _text(component.get("componentType")),
            "component_name": _text(component.get("componentName")),
            "label": component_label(component),
            "count": _count(component.get("nbComponent")),
            "manufacturer": _text(component.get("manufacturer")),
            "family": _text(component.get("family")),
            "series": _text(component.get("series")),
            "memory_gb": number(component.get("memorySize")),
            "share": number(component.get("share")),
        }
        for index, component in enumerate(components)
        if isinstance(component, dict)
    ]


LEVELS: dict[str, tuple[dict[str, str], Callable[[dict[str, Any]], list[dict[str, Any]]]]] = {
    "report": (REPORT_COLUMNS, _report_rows),
    "measure": (MEASURE_COLUMNS, _measure_rows),
    "component": (COMPONENT_COLUMNS, _component_rows),
}


def to_dataframe(source: Any, level: str = "report") -> pd.DataFrame:
    """A DataFrame of the reports of `source`: one row per report, per measure or per
    component (`level`), every row keyed by `report_id`. `source`: a path or a list of paths
    (report files, JSON Lines, folders; an invalid report is an InputError), report dicts or
    `Report` models, a `Conversion`, or a `Store` (read with `store.query()`, page by page).
    Energies are in kWh, durations in seconds, emissions in kg CO2e (energy times the
    report's carbon intensity; missing, NaN, when the report states none), times are
    datetimes (NaT when not a BoAmps datetime)."""
    import pandas as pd

    from ..sources.given import iter_reports

    if level not in LEVELS:
        raise InputError("Unknown level", "level", repr(level), f"Use one of: {', '.join(LEVELS)}.")
    columns, rows_of = LEVELS[level]
    rows = []
    for report in iter_reports(source):
        rows += rows_of(report)
    frame = pd.DataFrame(rows, columns=list(columns))
    for name, kind in columns.items():
        if kind == "datetime":
            parsed = pd.to_datetime(frame[name], format=BOAMPS_DATETIME, errors="coerce")
            frame[name] = parsed.astype("datetime64[ns]")
        else:
            frame[name] = frame[name].astype(kind)
    return frame
