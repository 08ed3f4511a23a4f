"""A report as the store's rows: the columns people filter and add up, its measures and its
components. The figures (energy, emissions, hardware...) come from `render.figures`, the one
place that derives them, so the store and `boamps summary` always agree."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

from ..render.figures import figures
from ..trust.rating import rate
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
    seen: list[str] = []
    for value in values:
        if value is not None and str(value) and str(value) not in seen:
            seen.append(str(value))
    return ", ".join(seen)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def report_row(report: dict[str, Any]) -> dict[str, Any]:
    """The report's columns (without `seq`, `current`, `document` and the bookkeeping ones)."""
    found = figures(report)
    header: dict[str, Any] = _dict(report.get("header"))
    task: dict[str, Any] = _dict(report.get("task"))
    algorithms = _dicts(task.get("algorithms"))
    starts: list[str] = []
    ends: list[datetime] = []
    for measure in _dicts(report.get("measures")):
        text = measure.get("measurementDateTime")
        start = _time(text)
        if start is not None:
            starts.append(str(text))
            length = number(measure.get("measurementDuration"))
            ends.append(start + timedelta(seconds=length) if length is not None else start)
    return {
        "report_status": str(header.get("reportStatus", "")),
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
        "start_time": min(starts) if starts else None,
        "end_time": max(ends).replace(microsecond=0).isoformat(" ") if ends else None,
        "energy_kwh": found.energy_kwh,
        "emissions_kg": found.emissions_kg,
        "duration_s": found.duration_s,
        "nb_request": number(task.get("nbRequest")),
        "measured_accuracy": number(task.get("measuredAccuracy")),
        "quality": _text(report.get("quality")),
        "rating": rate(report, explain=False).rating,
    }


def measure_rows(seq: int, report: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "report_seq": seq,
            "idx": index,
            "method": str(m.get("measurementMethod", "")),
            "version": _text(m.get("version")),
            "energy_kwh": energy_kwh(m),
            "duration_s": number(m.get("measurementDuration")),
            "start_time": _text(m.get("measurementDateTime")),
            "cpu_tracking_mode": _text(m.get("cpuTrackingMode")),
            "gpu_tracking_mode": _text(m.get("gpuTrackingMode")),
        }
        for index, m in enumerate(_dicts(report.get("measures")))
    ]


def component_rows(seq: int, report: dict[str, Any]) -> list[dict[str, Any]]:
    infrastructure = report.get("infrastructure")
    items = _dicts(infrastructure.get("components")) if isinstance(infrastructure, dict) else []
    return [
        {
            "report_seq": seq,
            "idx": index,
            "component_type": str(c.get("componentType", "")),
            "component_name": _text(c.get("componentName")),
            "nb_component": number(c.get("nbComponent")),
            "manufacturer": _text(c.get("manufacturer")),
            "family": _text(c.get("family")),
            "memory_size": number(c.get("memorySize")),
        }
        for index, c in enumerate(items)
    ]
