"""A report as the store's rows: the columns people filter and add up, its measures and its
components. The figures (energy, emissions, hardware...) come from `render.figures`, the one
place that derives them, so the store and `boamps summary` always agree."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timedelta
from typing import Any

from ..render.figures import figures
from ..trust.rating import rating_of
from ..validation.semantic import energy_kwh, number


def content_sha256(report: dict[str, Any]) -> str:
    """A digest of what the report says, whatever its spacing or key order: two texts of one
    report are the same report."""
    canonical = json.dumps(report, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _time(value: Any) -> datetime | None:
    # BoAmps' form only (`YYYY-MM-DD HH:MM:SS`): what the time columns hold and compare as text
    if not isinstance(value, str) or len(value) != 19 or value[10] != " ":
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _names(values: list[Any]) -> str:
    seen: dict[str, None] = {}  # in order, once each
    for value in values:
        if value is not None:
            text = str(value)
            if text:
                seen[text] = None
    return ", ".join(seen)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def report_row(report: dict[str, Any], today: date | None = None) -> dict[str, Any]:
    """The report's columns (without `seq`, `current`, `document` and the bookkeeping ones),
    rated as of `today` (by default the clock's)."""
    found = figures(report)
    task: dict[str, Any] = _dict(report.get("task"))
    algorithms = _dicts(task.get("algorithms"))
    first: str | None = None
    last: datetime | None = None
    for measure in _dicts(report.get("measures")):
        text = measure.get("measurementDateTime")
        start = _time(text)
        if start is not None:
            if first is None or str(text) < first:
                first = str(text)
            length = number(measure.get("measurementDuration"))
            end = start + timedelta(seconds=length) if length is not None else start
            if last is None or end > last:
                last = end
    quality = report.get("quality")
    return {
        "report_status": str(_dict(report.get("header")).get("reportStatus", "")),
        "report_datetime": found.date,
        "project": found.project,
        "task_stage": found.stage,
        "task_family": found.family,
        "model": found.model,
        "algorithms": _names(
            [a.get("foundationModelName") or a.get("algorithmName") for a in algorithms]
        ),
        "quantization": _names([a.get("quantization") for a in algorithms]),
        "hardware": ", ".join(found.hardware),
        "country": found.country,
        # BoAmps times sort as text; isoformat is the same form, and faster than strftime
        "start_time": first,
        "end_time": last.replace(microsecond=0).isoformat(" ") if last is not None else None,
        "energy_kwh": found.energy_kwh,
        "emissions_kg": found.emissions_kg,
        "duration_s": found.duration_s,
        "nb_request": number(task.get("nbRequest")),
        "measured_accuracy": number(task.get("measuredAccuracy")),
        "quality": None if quality is None else str(quality),
        "rating": rating_of(report, today),
    }


# the columns of `report_row`, in its order
REPORT_COLUMNS = (
    "report_status",
    "report_datetime",
    "project",
    "task_stage",
    "task_family",
    "model",
    "algorithms",
    "quantization",
    "hardware",
    "country",
    "start_time",
    "end_time",
    "energy_kwh",
    "emissions_kg",
    "duration_s",
    "nb_request",
    "measured_accuracy",
    "quality",
    "rating",
)
# the columns of `measure_rows` and `component_rows`, after `report_seq`
MEASURE_COLUMNS = (
    "idx",
    "method",
    "version",
    "energy_kwh",
    "duration_s",
    "start_time",
    "cpu_tracking_mode",
    "gpu_tracking_mode",
)
COMPONENT_COLUMNS = (
    "idx",
    "component_type",
    "component_name",
    "nb_component",
    "manufacturer",
    "family",
    "memory_size",
)


def measure_rows(report: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The report's measures as rows of MEASURE_COLUMNS (tuples: thousands are made a second)."""
    return [
        (
            index,
            str(m.get("measurementMethod", "")),
            _text(m.get("version")),
            energy_kwh(m),
            number(m.get("measurementDuration")),
            _text(m.get("measurementDateTime")),
            _text(m.get("cpuTrackingMode")),
            _text(m.get("gpuTrackingMode")),
        )
        for index, m in enumerate(_dicts(report.get("measures")))
    ]


def component_rows(report: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The report's components as rows of COMPONENT_COLUMNS."""
    infrastructure = report.get("infrastructure")
    items = _dicts(infrastructure.get("components")) if isinstance(infrastructure, dict) else []
    return [
        (
            index,
            str(c.get("componentType", "")),
            _text(c.get("componentName")),
            number(c.get("nbComponent")),
            _text(c.get("manufacturer")),
            _text(c.get("family")),
            number(c.get("memorySize")),
        )
        for index, c in enumerate(items)
    ]
