"""The figures a reader wants from reports: energy, duration, emissions, hardware, methods.

Emissions are derived: energy times the carbon intensity the report states; a report without
an intensity has no emissions, and the totals say how much energy that leaves uncovered."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ..validation.semantic import (
    counts_logical_cpus,
    energy_kwh,
    measured_by_codecarbon,
    number,
)

if TYPE_CHECKING:
    from ..trust.bands import BandTotal, Uncertainty
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
    # the report itself, for what is derived only when asked (band, rating)
    source: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @cached_property
    def band(self) -> Uncertainty:
        """The 95% band of the energy, from how it was measured (`trust.bands`)."""
        from ..trust.bands import uncertainty

        return uncertainty(self.source)

    @property
    def energy_text(self) -> str:
        """ "4.20 kWh, -35%/+15%": the energy with its band."""
        from ..trust.bands import energy_with_band

        return energy_with_band(self.energy_kwh, self.band.text)

    @cached_property
    def rating(self) -> str:
        """gold, silver, bronze or unrated (`boamps rate`), as of today."""
        from ..trust.rating import rate

        return rate(self.source).rating

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


def measured(measures: list[dict[str, Any]]) -> tuple[float, float | None]:
    """(energy in kWh, duration in seconds or None) of a report's measures (dicts)."""
    if len(measures) == 1:  # most reports: the same sums, of one energy and one window
        length = measures[0].get("measurementDuration")
        timed = isinstance(length, (int, float)) and not isinstance(length, bool)
        return 0 + (energy_kwh(measures[0]) or 0.0), 0 + _number(length) if timed else None
    return sum([energy_kwh(m) or 0.0 for m in measures]), _duration(measures)


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


class HardwareMemo:
    """The hardware labels of reports that repeat their components, made once: a report's
    labels depend only on its components and on whether CodeCarbon measured it (which makes
    a CPU count logical CPUs). At most SIZE component lists are kept."""

    SIZE = 256

    def __init__(self) -> None:
        from orjson import dumps

        self._dumps = dumps
        self._labels: dict[tuple[bytes, bool], list[str]] = {}

    def labels(self, components: list[Any], report: dict[str, Any]) -> list[str]:
        try:
            key = (self._dumps(components), measured_by_codecarbon(report))
        except TypeError:  # what orjson cannot write (huge integers): made each time
            return _hardware(components, report)
        found = self._labels.get(key)
        if found is None:
            if len(self._labels) >= self.SIZE:
                self._labels.clear()
            found = self._labels[key] = _hardware(components, report)
        return list(found)


def _hardware(components: list[Any], report: dict[str, Any]) -> list[str]:
    return [component_label(c, report) for c in components if isinstance(c, dict)]


def _as_float(value: int | float) -> float:
    """A JSON number as a float: an integer too big for one (10**400) is an infinite one."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def figures(report: dict[str, Any], memo: HardwareMemo | None = None) -> ReportFigures:
    """The figures of `report`; `memo` makes the hardware labels of repeated components once
    (the labels are the same with or without it)."""
    header, task = report.get("header") or {}, report.get("task") or {}
    measures = [m for m in report.get("measures") or [] if isinstance(m, dict)]
    env = report.get("environment") or {}
    algorithm = (task.get("algorithms") or [{}])[0]
    components = (report.get("infrastructure") or {}).get("components") or []
    intensity = env.get("powerSourceCarbonIntensity")
    energy, duration = measured(measures)
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
        energy_kwh=energy,
        duration_s=duration,
        intensity=_as_float(intensity) if isinstance(intensity, (int, float)) else None,
        country=str(env.get("country", "")),
        hardware=_hardware(components, report)
        if memo is None or not isinstance(components, list)
        else memo.labels(components, report),
        methods=_methods(measures),
        tracking=_tracking(measures),
        description=str(task.get("taskDescription", "")),
        source=report,
    )


GROUPS: dict[str, Callable[[ReportFigures], str]] = {
    "project": lambda f: f.project,
    "model": lambda f: f.model,
    "hardware": lambda f: ", ".join(f.hardware),
    "country": lambda f: f.country,
    "month": lambda f: f.date[:7],
    # as `boamps rate` gives it today (a store groups by the rating it kept when it stored)
    "rating": lambda f: f.rating,
}


def selected(found: ReportFigures, project: str | None, since: str | None) -> bool:
    """Whether a report is of `project` and dated on or after `since` (None: any)."""
    if project is not None and found.project != project:
        return False
    return since is None or found.date[:10] >= since


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
    # the band of the energy, added up only for those who show it (renderings, statements,
    # the dashboard): None elsewhere, where it would cost time for nothing
    band: BandTotal | None = None
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

    @property
    def measured_with_codecarbon(self) -> bool:
        """Whether some report was measured with CodeCarbon: the statement then cites it."""
        return any(method.lower().startswith("codecarbon") for method in self.methods)

    @classmethod
    def banded(cls) -> Totals:
        """Totals that add up the band of the energy too."""
        from ..trust.bands import BandTotal

        return cls(band=BandTotal())

    @property
    def energy_text(self) -> str:
        """ "4.20 kWh, -35%/+15%" (the band: `banded` totals only)."""
        from ..trust.bands import energy_with_band

        if self.band is None:
            raise ValueError("these totals do not add up the band: make them with banded()")
        return energy_with_band(self.energy_kwh, self.band.text)

    def add(self, item: ReportFigures) -> None:
        """Count one more report: totals are kept as reports stream by."""
        self.add_numbers(item.energy_kwh, item.duration_s, item.emissions_kg)
        if self.band is not None:
            self.band.add(item.band.low, item.band.high, item.energy_kwh)
        self.add_seen(item)

    def add_numbers(
        self, energy_kwh: float, duration_s: float | None, emissions_kg: float | None
    ) -> None:
        """The sums of `add`: a report's figures as numbers, which workers send (the sums
        are made here, in the reports' order, so that they are the same to the last bit)."""
        self.runs += 1
        self.energy_kwh += energy_kwh
        if duration_s is None:
            self.runs_without_duration += 1
        else:
            self.duration_s += duration_s
            self.energy_with_duration_kwh += energy_kwh
        if emissions_kg is not None:
            self.emissions_kg += emissions_kg
            self.energy_with_intensity_kwh += energy_kwh

    def add_arrays(self, energy: Any, duration: Any, emissions: Any, known: Any) -> None:
        """`add_numbers` for each report of numpy arrays (`known`: 1 duration known, 2
        emissions known), in order: the same sums, to the last bit."""
        timed, priced = (known & 1) != 0, (known & 2) != 0
        self.runs += len(energy)
        self.energy_kwh = running(self.energy_kwh, energy)
        self.runs_without_duration += int(len(energy) - timed.sum())
        self.duration_s = running(self.duration_s, duration[timed])
        self.energy_with_duration_kwh = running(self.energy_with_duration_kwh, energy[timed])
        self.emissions_kg = running(self.emissions_kg, emissions[priced])
        self.energy_with_intensity_kwh = running(self.energy_with_intensity_kwh, energy[priced])

    def add_seen(self, item: ReportFigures | Totals) -> None:
        """The hardware, methods, tracking modes and countries of `add`, first seen first: of
        a report, or of the totals of the reports before (a worker's piece)."""
        countries = item.countries if isinstance(item, Totals) else [item.country]
        for target, seen, values in (
            (self.hardware, self._seen_hardware, item.hardware),
            (self.methods, self._seen_methods, item.methods),
            (self.tracking, self._seen_tracking, item.tracking),
            (self.countries, self._seen_countries, [c for c in countries if c]),
        ):
            for value in values:
                folded = value.lower()  # "France" and "france" are one country
                if folded not in seen:
                    seen.add(folded)
                    target.append(value)


def running(start: float, values: Any) -> float:
    """`start` plus each of `values` (a numpy array) in turn, as a loop of `+=` gives it: a
    cumulative sum adds one after another (numpy's `sum` adds pairwise, another result)."""
    import numpy as np

    if not len(values):
        return start
    with np.errstate(all="ignore"):  # an infinite or NaN sum, as Python's floats make it
        return float(np.cumsum(np.concatenate(([start], values)))[-1])


def totals(items: Iterable[ReportFigures], *, banded: bool = False) -> Totals:
    result = Totals.banded() if banded else Totals()
    for item in items:
        result.add(item)
    return result
