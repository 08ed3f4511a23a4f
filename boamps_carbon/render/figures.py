"""The figures a reader wants from reports: energy, duration, emissions, hardware, methods.

Emissions are derived: energy times the carbon intensity the report states; a report without
an intensity has no emissions, and the totals say how much energy that leaves uncovered."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..validation.semantic import counts_logical_cpus, energy_kwh, number
from .units import significant


@dataclass
class ReportFigures:
    report_id: str
    date: str
    project: str
    stage: str
    family: str
    model: str
    energy_kwh: float
    duration_s: float | None  # None: a measure does not give its length
    intensity: float | None  # gCO2e/kWh
    country: str
    hardware: list[str]
    methods: list[str]
    tracking: list[str]
    description: str = ""

    @property
    def emissions_kg(self) -> float | None:
        return None if self.intensity is None else self.energy_kwh * self.intensity / 1000

    @property
    def mean_power_w(self) -> float | None:
        if not self.duration_s:
            return None
        return self.energy_kwh * 3.6e6 / self.duration_s


def _number(value: Any) -> float:
    return number(value) or 0.0


def _duration(measures: list[dict[str, Any]]) -> float | None:
    """Seconds measured, or None when a measure does not say: a missing length is unknown,
    not zero. Measures of one window (one per component) share it; distinct windows add up."""
    if not measures:
        return None
    windows = set()
    for m in measures:
        length = m.get("measurementDuration")
        if not isinstance(length, (int, float)) or isinstance(length, bool):
            return None
        windows.add((m.get("measurementDateTime"), _number(length)))
    return sum(length for _, length in windows)


def component_label(component: dict[str, Any], report: dict[str, Any] | None = None) -> str:
    """ "2 x Tesla V100S (GPU)", "23.5 GB RAM"; a CPU count that is logical CPUs says so:
    "AMD EPYC (2 logical CPUs)", not 2 processors."""
    name = component.get("componentName")
    count = component.get("nbComponent", 1)
    kind = str(component.get("componentType", "")).upper()
    if kind == "RAM" and component.get("memorySize") is not None:
        return f"{significant_text(component['memorySize'])} GB RAM"
    if kind.strip() == "CPU" and counts_logical_cpus(component, report or {}):
        logical = f"{count} logical CPU{'' if count == 1 else 's'}"
        return f"{name} ({logical})" if name else logical
    if name:
        return f"{name} ({kind})" if " x " in str(name) else f"{count} x {name} ({kind})"
    return f"{count} x {kind}"


def significant_text(value: Any) -> str:
    return significant(float(value))


def _methods(measures: list[dict[str, Any]]) -> list[str]:
    found = []
    for measure in measures:
        text = str(measure.get("measurementMethod", "unknown"))
        if measure.get("version"):
            text += f" {measure['version']}"
        if text not in found:
            found.append(text)
    return found


def _tracking(measures: list[dict[str, Any]]) -> list[str]:
    found = []
    for measure in measures:
        for part, key in (("CPU", "cpuTrackingMode"), ("GPU", "gpuTrackingMode")):
            if measure.get(key) and f"{part}: {measure[key]}" not in found:
                found.append(f"{part}: {measure[key]}")
    return found


def figures(report: dict[str, Any]) -> ReportFigures:
    header, task = report.get("header") or {}, report.get("task") or {}
    measures = [m for m in report.get("measures") or [] if isinstance(m, dict)]
    env = report.get("environment") or {}
    algorithm = (task.get("algorithms") or [{}])[0]
    components = (report.get("infrastructure") or {}).get("components") or []
    intensity = env.get("powerSourceCarbonIntensity")
    return ReportFigures(
        report_id=str(header.get("reportId", "")),
        date=str(header.get("reportDatetime", "")),
        project=str((header.get("publisher") or {}).get("projectName", "")),
        stage=str(task.get("taskStage", "")),
        family=str(task.get("taskFamily", "")),
        model=str(
            algorithm.get("foundationModelName")
            or algorithm.get("algorithmName")
            or algorithm.get("algorithmType")
            or ""
        ),
        energy_kwh=sum([energy_kwh(m) or 0.0 for m in measures]),
        duration_s=_duration(measures),
        intensity=float(intensity) if isinstance(intensity, (int, float)) else None,
        country=str(env.get("country", "")),
        hardware=[component_label(c, report) for c in components if isinstance(c, dict)],
        methods=_methods(measures),
        tracking=_tracking(measures),
        description=str(task.get("taskDescription", "")),
    )


@dataclass
class Totals:
    runs: int = 0
    energy_kwh: float = 0.0
    duration_s: float = 0.0  # of the reports that give one
    runs_without_duration: int = 0
    energy_with_duration_kwh: float = 0.0
    emissions_kg: float = 0.0
    energy_with_intensity_kwh: float = 0.0
    hardware: list[str] = field(default_factory=list)
    methods: list[str] = field(default_factory=list)
    tracking: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    _seen_hardware: set[str] = field(default_factory=set, repr=False, compare=False)
    _seen_methods: set[str] = field(default_factory=set, repr=False, compare=False)
    _seen_tracking: set[str] = field(default_factory=set, repr=False, compare=False)
    _seen_countries: set[str] = field(default_factory=set, repr=False, compare=False)

    @property
    def intensity(self) -> float | None:
        """Energy-weighted carbon intensity of the reports that state one (gCO2e/kWh)."""
        if self.energy_with_intensity_kwh <= 0:
            return None
        return self.emissions_kg * 1000 / self.energy_with_intensity_kwh

    @property
    def energy_without_intensity_kwh(self) -> float:
        return self.energy_kwh - self.energy_with_intensity_kwh

    @property
    def mean_power_w(self) -> float | None:
        """Over the reports that give their duration only: energy and time must match."""
        if self.duration_s <= 0:
            return None
        return self.energy_with_duration_kwh * 3.6e6 / self.duration_s

    def add(self, item: ReportFigures) -> None:
        """Count one more report: totals are kept as reports stream by."""
        self.runs += 1
        self.energy_kwh += item.energy_kwh
        if item.duration_s is None:
            self.runs_without_duration += 1
        else:
            self.duration_s += item.duration_s
            self.energy_with_duration_kwh += item.energy_kwh
        if item.emissions_kg is not None:
            self.emissions_kg += item.emissions_kg
            self.energy_with_intensity_kwh += item.energy_kwh
        for target, seen, values in (
            (self.hardware, self._seen_hardware, item.hardware),
            (self.methods, self._seen_methods, item.methods),
            (self.tracking, self._seen_tracking, item.tracking),
            (self.countries, self._seen_countries, [item.country] if item.country else []),
        ):
            for value in values:
                folded = value.lower()  # "France" and "france" are one country
                if folded not in seen:
                    seen.add(folded)
                    target.append(value)


def totals(items: Iterable[ReportFigures]) -> Totals:
    result = Totals()
    for item in items:
        result.add(item)
    return result
