"""A pedigree rating of a report, as LCA data are rated: five indicators scored 1 (best) to 5,
the worst one deciding gold, silver or bronze; unrated when required facts are missing.

The rubric is `schemas/tables/rating-rubric.csv`: per indicator, rows tried in order, the first
whose rule holds giving the score, the reason and what would raise it. Rules are named here,
with at most one argument (`band_within:25`); everything else is data.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any

import orjson

from ..resources import schemas_dir
from ..validation.semantic import energy_kwh, is_geolocation_fallback, number
from .bands import Uncertainty, method_table, uncertainty

INDICATORS = ("reliability", "completeness", "temporal", "geographical", "technological")
GOLD_AT_MOST = 2  # an indicator scoring this or better never holds a rating back
RATINGS = ("gold", "silver", "bronze", "unrated")  # best first


@dataclass(frozen=True)
class RubricRow:
    indicator: str
    score: str
    rule: str
    reason: str
    raise_: str


@dataclass(frozen=True)
class Indicator:
    name: str
    score: int
    reason: str
    advice: str  # what would raise the score; "" at the best score


@dataclass(frozen=True)
class Step:
    advice: str
    before: str
    after: str

    def __str__(self) -> str:
        return f"{self.advice}: {self.before} → {self.after}"


@dataclass
class Rating:
    rating: str  # gold, silver, bronze or unrated
    indicators: list[Indicator] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # required facts, when unrated
    steps: list[Step] = field(default_factory=list)
    band: Uncertainty | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "rating": self.rating,
            "indicators": {i.name: {"score": i.score, "reason": i.reason} for i in self.indicators},
            "missing": self.missing,
            "raise": [{"advice": s.advice, "from": s.before, "to": s.after} for s in self.steps],
        }


@cache
def rubric() -> list[RubricRow]:
    path = schemas_dir() / "tables" / "rating-rubric.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            RubricRow(r["indicator"], r["score"], r["rule"], r["reason"], r["raise"])
            for r in csv.DictReader(handle)
        ]


class Facts:
    """What the rules look at, worked out once per report."""

    def __init__(self, report: dict[str, Any], today: dt.date) -> None:
        self.report = report
        self.today = today
        self.measures = [m for m in report.get("measures") or [] if isinstance(m, dict)]
        infra = report.get("infrastructure")
        self.infra = infra if isinstance(infra, dict) else {}
        self.components = [c for c in self.infra.get("components") or [] if isinstance(c, dict)]
        env = report.get("environment")
        self.env = env if isinstance(env, dict) else {}
        self.band = uncertainty(report)
        self.processors = [
            c
            for c in self.components
            if str(c.get("componentType", "")).lower() in ("cpu", "gpu", "soc", "tpu")
        ]
        self.missing_facts: list[RubricRow] = []

    @cached_property  # several rules ask
    def measured_on(self) -> dt.date | None:
        days = []
        for measure in self.measures:
            text = measure.get("measurementDateTime")
            try:
                days.append(dt.datetime.strptime(str(text)[:10], "%Y-%m-%d").date())
            except ValueError:
                continue
        return max(days) if days else None

    def years(self) -> float | None:
        day = self.measured_on
        return None if day is None else (self.today - day).days / 365.25

    @cached_property
    def location(self) -> str:
        """environment.location when it says more than the country: carbon-ops writes its
        region code there, which is often only the country's (`FR` beside `FRA`)."""
        location = self.env.get("location")
        if not location:
            return ""
        text = str(location).strip()
        country = self.env.get("country")
        if isinstance(country, str) and text.casefold() == country.strip().casefold():
            return ""
        if len(text) == 2 and text.isalpha() and _country_code(text) is not None:
            return ""
        return str(location)

    def place(self) -> str:
        return str(self.location or self.env.get("country") or "")

    def generic(self) -> str:
        for component in self.processors:
            if not component.get("series"):
                return str(component.get("componentName") or component.get("componentType"))
        return ""


def _has_intensity(f: Facts) -> bool:
    value = number(f.env.get("powerSourceCarbonIntensity"))
    return value is not None and value > 0


@cache
def _country_codes() -> Callable[[str], str | None]:
    from ..fieldmap.lookup import lookup_table

    return lookup_table("countries/alpha3", "rating")


def _country_code(code: str) -> str | None:
    """The alpha-3 code of a two-letter country code (`schemas/tables/countries.csv`)."""
    return _country_codes()(code)


def _energy_given(measure: dict[str, Any]) -> bool:
    """Whether a measure gives an energy: a measured 0 kWh is one (a short run under a
    meter's resolution) and is rated."""
    energy = energy_kwh(measure)
    return energy is not None and energy >= 0


def _site(f: Facts) -> bool:
    located = f.location or (
        number(f.env.get("latitude")) is not None and number(f.env.get("longitude")) is not None
    )
    return bool(located) and not is_geolocation_fallback(f.env)


def _within_years(f: Facts, years: float) -> bool:
    age = f.years()
    return age is not None and age <= years


RULES: dict[str, Callable[[Facts, str], bool]] = {
    "always": lambda f, a: True,
    "has_energy": lambda f, a: any(_energy_given(m) for m in f.measures),
    "has_hardware": lambda f, a: bool(f.components),
    "band_within": lambda f, a: max(-f.band.low, f.band.high) <= float(a) / 100 + 1e-9,
    "calibrated": lambda f, a: all(
        number(m.get("powerCalibrationMeasurement")) is not None for m in f.measures
    ),
    "gpu_measured": lambda f, a: (
        not any(str(c.get("componentType", "")).lower() == "gpu" for c in f.components)
        or any(p.part in ("gpu", "machine") for p in f.band.parts)
    ),
    "durations": lambda f, a: all(
        number(m.get("measurementDuration")) is not None for m in f.measures
    ),
    "pue_covered": lambda f, a: "noPue" not in f.band.gaps,
    "infra_typed": lambda f, a: (
        f.infra.get("infraType") in ("publicCloud", "privateCloud", "onPremise")
    ),
    "missing_at_most": lambda f, a: len(f.missing_facts) <= int(a),
    "intensity_within_years": lambda f, a: _has_intensity(f) and _within_years(f, float(a)),
    "intensity_dated": lambda f, a: _has_intensity(f) and f.measured_on is not None,
    "has_intensity": lambda f, a: _has_intensity(f),
    "site": lambda f, a: _site(f),
    "country": lambda f, a: bool(f.env.get("country")) and not is_geolocation_fallback(f.env),
    "fallback": lambda f, a: bool(f.env.get("country")),
    "hardware_exact": lambda f, a: (
        bool(f.processors) and all(c.get("componentName") and c.get("series") for c in f.processors)
    ),
    "hardware_named": lambda f, a: (
        bool(f.processors) and all(c.get("componentName") for c in f.processors)
    ),
    "hardware_vendor": lambda f, a: (
        bool(f.processors) and all(c.get("manufacturer") or c.get("family") for c in f.processors)
    ),
}


def _holds(row: RubricRow, facts: Facts) -> bool:
    name, _, argument = row.rule.partition(":")
    return RULES[name](facts, argument)


def _reliability_score(low: float, high: float) -> int:
    for row in rubric():
        name, _, argument = row.rule.partition(":")
        if row.indicator == "reliability" and (
            name == "always"
            or (name == "band_within" and max(-low, high) <= float(argument) / 100 + 1e-9)
        ):
            return int(row.score)
    raise AssertionError("the rubric has no catch-all reliability row")  # pragma: no cover


def _upgrades(band: Uncertainty) -> list[tuple[str, int]]:
    """Better measuring, one part at a time, until the band is good enough or nothing
    better is known: (advice, reliability score after it) for each step."""
    table = method_table()
    parts = [(p.part, p.method, p.weight) for p in band.parts]

    def bounds(current: list[tuple[str, str, float]]) -> tuple[float, float]:
        return (
            sum(w * table[m].low for _, m, w in current),
            sum(w * table[m].high for _, m, w in current),
        )

    base_low, base_high = bounds(parts)
    # the scope gaps stay whatever the meter
    gap_low, gap_high = band.low - base_low, band.high - base_high
    steps: list[tuple[str, int]] = []
    score = _reliability_score(band.low, band.high)
    while score > GOLD_AT_MOST and len(steps) < len(table):
        options = []
        for index, (part, method, _) in enumerate(parts):
            target = table[method].better_for(part)
            if target is None or target not in table:
                continue
            if target == "wattmeter":  # a wall meter measures everything at once
                changed = [("machine", "wattmeter", 1.0)]
            else:
                changed = [*parts]
                changed[index] = (part, target, parts[index][2])
            low, high = bounds(changed)
            new = _reliability_score(low + gap_low, high + gap_high)
            label = {"cpu": "CPU", "gpu": "GPU", "ram": "RAM"}.get(part, "machine")
            options.append(
                (new, target == "wattmeter", table[method].advice.format(part=label), changed)
            )
        better = [o for o in options if o[0] < score]
        if not better:
            break
        # the smallest change that reaches the best score: component meters before a wall meter
        new, _, advice, parts = min(better, key=lambda o: (max(o[0], GOLD_AT_MOST), o[1], o[0]))
        if advice not in (s for s, _ in steps):
            steps.append((advice, new))
        score = new
    return steps


def _age(facts: Facts) -> str:
    years = facts.years()
    if years is None:
        return ""
    return "this year" if years < 1 else f"{int(years)} year{'s' if int(years) > 1 else ''} ago"


def _level(worst: int) -> str:
    for row in rubric():
        if row.indicator == "rating":
            name, _, argument = row.rule.partition(":")
            if name == "always" or worst <= int(argument):
                return row.score
    raise AssertionError("the rubric has no catch-all rating row")  # pragma: no cover


def rate(report: dict[str, Any], today: dt.date | None = None, *, explain: bool = True) -> Rating:
    """The five indicators, the rating and the steps that would raise it. `explain=False`:
    the scores and the rating only, without reasons and steps (a store rates every report it
    takes in)."""
    facts = Facts(report, today or dt.date.today())
    rows = rubric()
    missing = [r.reason for r in rows if r.indicator == "required" and not _holds(r, facts)]
    facts.missing_facts = [
        r
        for r in rows
        if r.indicator == "completeness" and r.score == "fact" and not _holds(r, facts)
    ]
    values = (
        {}
        if not explain
        else {
            "band": facts.band.text,
            "methods": ", ".join(facts.band.methods),
            "missing": "; ".join(r.reason for r in facts.missing_facts),
            "raise": "; ".join(r.raise_ for r in facts.missing_facts),
            "age": _age(facts),
            "place": facts.place(),
            "generic": facts.generic(),
            "advice": "",
        }
    )
    indicators = []
    for name in INDICATORS:
        row = next(
            r for r in rows if r.indicator == name and r.score.isdigit() and _holds(r, facts)
        )
        reason = row.reason.format(**values) if explain else ""
        indicators.append(
            Indicator(name, int(row.score), reason, row.raise_.format(**values) if explain else "")
        )
    if missing:
        return Rating("unrated", indicators, missing, band=facts.band)
    scores = {i.name: i.score for i in indicators}
    rating = _level(max(scores.values()))
    steps: list[Step] = []
    if not explain:
        return Rating(rating, indicators, [], steps, facts.band)

    def step(advice: str, name: str, score: int) -> None:
        before = _level(max(scores.values()))
        scores[name] = score
        steps.append(Step(advice, before, _level(max(scores.values()))))

    for advice, score in _upgrades(facts.band):
        step(advice, "reliability", score)
    for indicator in sorted(indicators, key=lambda i: -i.score):
        if indicator.name != "reliability" and scores[indicator.name] > GOLD_AT_MOST:
            step(indicator.advice, indicator.name, GOLD_AT_MOST)
    return Rating(rating, indicators, [], steps, facts.band)


# ratings remembered by `rating_of`, cleared when full (reports of one import repeat a few)
MEMO_SIZE = 4096
_MEMO: dict[tuple[dt.date, bytes], str] = {}
# what orjson would write for values that are not JSON's own: refused (`_refuse`)
_ORJSON_STRICT = (
    orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_SUBCLASS
)


def rating_of(report: dict[str, Any], today: dt.date | None = None) -> str:
    """`rate(report, today, explain=False).rating`, remembered by what the rating reads (see
    `_rating_key`): a store rates every report it takes in, and those of one import mostly
    differ in names, energies and times, which the rating does not read."""
    day = today or dt.date.today()
    key = _rating_key(report)
    if key is None:
        return rate(report, day, explain=False).rating
    found = _MEMO.get((day, key))
    if found is None:
        found = rate(report, day, explain=False).rating
        if len(_MEMO) >= MEMO_SIZE:
            _MEMO.clear()
        _MEMO[(day, key)] = found
    return found


def _refuse(value: Any) -> Any:
    raise TypeError


def _rating_key(report: dict[str, Any]) -> bytes | None:
    """The JSON text of what the rating reads: the measures, the infrastructure and the
    environment (the only parts `Facts` and `uncertainty` read), each measure's time cut to
    its day (`Facts.measured_on`), and a lone measure's energy to whether it gives one
    (`has_energy`; its share of the energy is the whole whatever it is). None (not
    remembered) for what that text cannot stand for exactly: values JSON has no text of
    its own for (NaN and the infinities come out as null), others."""
    measures = report.get("measures")
    if measures is not None and not isinstance(measures, list):
        return None
    kept = [m for m in measures or () if isinstance(m, dict)]
    lone = len(kept) == 1
    reduced = []
    for measure in kept:
        part = dict(measure)
        if "measurementDateTime" in part:
            part["measurementDateTime"] = str(part["measurementDateTime"])[:10]
        if lone:
            energy = energy_kwh(measure)
            if energy is not None and not math.isfinite(energy):
                return None  # its share of the energy is NaN, not the whole: rated as is
            part["powerConsumption"] = _energy_given(measure)
            part.pop("unit", None)
        reduced.append(part)
    try:
        key = orjson.dumps(
            [reduced, report.get("infrastructure"), report.get("environment")],
            option=_ORJSON_STRICT,
            default=_refuse,
        )
    except (TypeError, orjson.JSONEncodeError):
        return None
    return None if b"null" in key else key
