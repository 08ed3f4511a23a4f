"""How far a report's energy may be from the truth, from how it was measured.

A band is the 95% range of the true energy relative to the reported one: (-0.35, +0.15) reads
"between 35% less and 15% more than reported". Each way of measuring has its band in
`schemas/tables/measurement-uncertainty.csv`; a measure's band is its parts' bands weighted by
their share of its energy (errors of one machine move together, so they add, not cancel); a
report's band is its measures' bands weighted by their energy; the scope gaps of
`schemas/tables/uncertainty-scope-gaps.csv` then widen one side.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ..resources import schemas_dir
from ..validation.semantic import energy_kwh, number

# BoAmps `quality`, as its schema describes it: high about 10 %, medium 25 %, low 50 %
QUALITY_LIMITS = (("high", 0.10), ("medium", 0.25))
QUALITY_RANK = {"high": 0, "medium": 1, "low": 2}
WATTMETER_NAMES = {"wattmeter", "powermeter", "power meter", "wall meter", "wallmeter"}
PART_ENERGY = {"cpu": "cpuEnergy", "gpu": "gpuEnergy", "ram": "ramEnergy"}
ENERGY_FIELDS = ("powerConsumption", *PART_ENERGY.values())
UNSETTLED = "unsettled"  # never in a report: see Uncertainty.derived_quality


@dataclass(frozen=True)
class MethodBand:
    method: str
    what: str
    low: float  # fractions: -0.10 is 10% below
    high: float
    bias: str
    source: str
    advice: str  # what would measure better ({part}: CPU, GPU, RAM or machine)
    better: str  # the method that advice leads to: one name, or part:method pairs

    def better_for(self, part: str) -> str | None:
        if ":" not in self.better:
            return self.better or None
        pairs = dict(pair.split(":", 1) for pair in self.better.split())
        return pairs.get(part)


@dataclass(frozen=True)
class ScopeGap:
    gap: str
    side: str
    percent: float
    when: str
    source: str


@dataclass(frozen=True)
class Part:
    """One measured part of one measure: which measure, what it covers, how it was measured."""

    measure: int
    part: str  # cpu, gpu, ram or machine
    method: str
    weight: float  # its share of the report's energy


@dataclass(frozen=True)
class Uncertainty:
    low: float
    high: float
    quality: str
    parts: list[Part] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    claimed: str | None = None

    @property
    def text(self) -> str:
        """ "-35%/+15%" """
        return f"{_percent(self.low)}/{_percent(self.high)}"

    @property
    def methods(self) -> list[str]:
        return sorted({p.method for p in self.parts}, key=lambda m: list(method_table()).index(m))

    best: str = "low"  # the best quality these methods give, whatever the energy shares
    worst: str = "low"  # the worst they give, whatever the energy shares
    split_known: bool = True  # False when some energy is there but not a number

    @property
    def derived_quality(self) -> str:
        """The `quality` to fill in when none is set: the band's. When the energies cannot
        be read (a template of the fast path is being made, with holes in their place) and
        the quality depends on how the energy splits, UNSETTLED: a template must not carry
        one row's quality to rows that split otherwise, and a template whose text differs
        from its row's report is not used."""
        if self.split_known or self.best == self.worst:
            return self.quality if self.split_known else self.best
        return UNSETTLED

    @property
    def overclaimed(self) -> bool:
        return self.claimed in QUALITY_RANK and QUALITY_RANK[self.claimed] < QUALITY_RANK[self.best]

    @property
    def warning(self) -> str | None:
        """The one rule for a `quality` that claims too much: better than the best these
        methods give with any split of the energy (so that it does not depend on figures)."""
        if not self.overclaimed:
            return None
        return (
            f"quality {self.claimed!r} claims better than the measuring methods allow: "
            f"{', '.join(self.methods)} give {self.best} at best; set quality to "
            f"{self.best!r} or measure with a better method"
        )

    def energy_text(self, kwh: float) -> str:
        """ "4.20 kWh, -35%/+15%" (three significant digits, in the unit that suits)."""
        return energy_with_band(kwh, self.text)


@dataclass
class BandTotal:
    """The band of several reports' energy together: each report's band weighted by its
    energy, as a report's measures are weighted within it (errors are not assumed to cancel).
    Reports without energy weigh nothing, unless no report has any: then each weighs one."""

    energy_kwh: float = 0.0
    low_kwh: float = 0.0
    high_kwh: float = 0.0
    runs: int = 0
    low_sum: float = 0.0
    high_sum: float = 0.0

    def add(self, low: float, high: float, kwh: float) -> None:
        """One more report: its band's bounds (`Uncertainty.low`, `.high`) and its energy."""
        weight = max(kwh, 0.0)
        self.energy_kwh += weight
        self.low_kwh += weight * low
        self.high_kwh += weight * high
        self.runs += 1
        self.low_sum += low
        self.high_sum += high

    @property
    def low(self) -> float:
        if self.energy_kwh > 0:
            return self.low_kwh / self.energy_kwh
        return self.low_sum / self.runs if self.runs else 0.0

    @property
    def high(self) -> float:
        if self.energy_kwh > 0:
            return self.high_kwh / self.energy_kwh
        return self.high_sum / self.runs if self.runs else 0.0

    @property
    def text(self) -> str:
        return f"{_percent(self.low)}/{_percent(self.high)}"


def energy_with_band(kwh: float, band: str) -> str:
    """The one way energy is shown with its band: "4.20 kWh, -35%/+15%"."""
    from ..render.units import energy

    return f"{energy(kwh)}, {band}"


def _percent(value: float) -> str:
    if not math.isfinite(value):
        return "?%"  # an infinite energy's share: no band can be said
    return f"{'+' if value >= 0 else '-'}{round(abs(value) * 100):d}%"


def _rows(name: str) -> list[dict[str, str]]:
    with (schemas_dir() / "tables" / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def method_table() -> dict[str, MethodBand]:
    return {
        row["method"]: MethodBand(
            row["method"],
            row["what"],
            float(row["low"]) / 100,
            float(row["high"]) / 100,
            row["bias"],
            row["source"],
            row["advice"],
            row["better"],
        )
        for row in _rows("measurement-uncertainty.csv")
    }


@cache
def gap_table() -> dict[str, ScopeGap]:
    return {
        row["gap"]: ScopeGap(
            row["gap"], row["side"], float(row["percent"]) / 100, row["when"], row["source"]
        )
        for row in _rows("uncertainty-scope-gaps.csv")
    }


def quality_of(low: float, high: float) -> str:
    worst = max(abs(low), abs(high))
    for quality, limit in QUALITY_LIMITS:
        if worst <= limit + 1e-12:
            return quality
    return "low"


def _known(method: Any) -> str:
    return method if isinstance(method, str) and method in method_table() else "unknown"


def measure_parts(measure: dict[str, Any], alone: bool, named: bool) -> list[tuple[str, str]]:
    """(part, method) pairs a measure covers. `alone`: the report's only CodeCarbon measure,
    which is then the machine's total (CPU, GPU and RAM); with several, each is one part.
    `named`: some CodeCarbon measure of the report names its tracking mode."""
    method = str(measure.get("measurementMethod") or "").strip().lower()
    if method in WATTMETER_NAMES:
        return [("machine", "wattmeter")]
    parts = []
    if measure.get("cpuTrackingMode"):
        parts.append(("cpu", _known(measure["cpuTrackingMode"])))
    if measure.get("gpuTrackingMode"):
        parts.append(("gpu", _known(measure["gpuTrackingMode"])))
    if method != "codecarbon":
        return parts or [("machine", "unknown")]
    if alone:
        # CodeCarbon's total always adds RAM from its size
        return [*(parts or [("machine", "unknown")]), ("ram", "ramHeuristic")]
    # one of several CodeCarbon measures: the one without a tracking mode is the RAM one,
    # when the others name theirs
    return parts or [("ram", "ramHeuristic") if named else ("machine", "unknown")]


def uncertainty(report: dict[str, Any]) -> Uncertainty:
    """The 95% band of a report's energy and the `quality` it supports."""
    measures = [m for m in report.get("measures") or [] if isinstance(m, dict)]
    codecarbon = [
        m for m in measures if str(m.get("measurementMethod", "")).lower() == "codecarbon"
    ]
    named = any(m.get("cpuTrackingMode") or m.get("gpuTrackingMode") for m in codecarbon)
    energies = [energy_kwh(m) or 0.0 for m in measures]
    total = sum(energies)
    parts: list[Part] = []
    low = high = 0.0
    uncalibrated = 0.0
    for index, measure in enumerate(measures):
        share = energies[index] / total if total > 0 else 1 / len(measures)
        found = measure_parts(measure, alone=len(codecarbon) == 1, named=named)
        given = [number(measure.get(PART_ENERGY.get(part, ""))) for part, _ in found]
        if (
            all(value is not None and value >= 0 for value in given)
            and sum(v for v in given if v is not None) > 0
        ):
            weights = [(v or 0.0) / sum(v for v in given if v is not None) for v in given]
        else:
            weights = [1 / len(found)] * len(found)
        for (part, method), weight in zip(found, weights, strict=True):
            band = method_table()[method]
            parts.append(Part(index, part, method, share * weight))
            low += share * weight * band.low
            high += share * weight * band.high
        if number(measure.get("powerCalibrationMeasurement")) is None:
            uncalibrated += share
    if not measures:
        band = method_table()["unknown"]
        low, high = band.low, band.high
        parts.append(Part(-1, "machine", "unknown", 1.0))
    gaps = []
    if uncalibrated > 0:
        gap = gap_table()["noCalibration"]
        low += gap.percent * (uncalibrated if measures else 1.0)
        gaps.append("noCalibration")
    infra = report.get("infrastructure")
    if isinstance(infra, dict) and infra.get("infraType") in ("publicCloud", "privateCloud"):
        high += gap_table()["noPue"].percent
        gaps.append("noPue")
    claimed = report.get("quality")
    # whatever the shares, the combined band is at least as wide as its narrowest sides
    pue = gap_table()["noPue"].percent if "noPue" in gaps else 0.0
    # "every measure uncalibrated" by count, not by summed shares, which may fall short of 1
    none_calibrated = all(number(m.get("powerCalibrationMeasurement")) is None for m in measures)
    calibration = gap_table()["noCalibration"].percent if none_calibrated else 0.0
    bands = [method_table()[p.method] for p in parts]
    best = quality_of(
        -min(abs(b.low) for b in bands) + calibration, min(b.high for b in bands) + pue
    )
    some_uncalibrated = not measures or any(
        number(m.get("powerCalibrationMeasurement")) is None for m in measures
    )
    worst = quality_of(
        -max(abs(b.low) for b in bands)
        + (gap_table()["noCalibration"].percent if some_uncalibrated else 0.0),
        max(b.high for b in bands) + pue,
    )
    split_known = all(
        measure.get(name) is None or number(measure.get(name)) is not None
        for measure in measures
        for name in ENERGY_FIELDS
    )
    return Uncertainty(
        low=round(low, 6),
        high=round(high, 6),
        quality=quality_of(low, high),
        parts=parts,
        gaps=gaps,
        claimed=claimed if isinstance(claimed, str) else None,
        best=best,
        worst=worst,
        split_known=split_known,
    )
