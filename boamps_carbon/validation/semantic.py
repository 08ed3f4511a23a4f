"""Rules about meaning that a JSON Schema cannot express. They give warnings, not errors.

Each rule is a `SemanticRule`: its check of a report, the fields it reads, and its column
form for the fast path's templates (reports with holes that whole columns of values fill):
the guards that find, among a template's rows, those the rule would warn about, or None
when a hole in what the rule reads means no template (those rows go the ordinary way).
The two forms share their conditions (`too_powerful`, `too_little_power`...), written for
a number and for an array of numbers alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # numpy is imported where a column is checked: `validate` needs none
    import numpy as np

from .describe import quote
from .problems import Problem, problem

_DATETIME = re.compile(r"(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})", re.ASCII)
MAX_AVERAGE_POWER_KW = 100.0
SCOPES = ("machine", "process")
# CodeCarbon's geolocation answers Quebec City when it cannot reach its geolocation service.
FALLBACK_COUNTRIES = {"canada", "can", "ca"}
FALLBACK_LAT_LON = (46.8, -71.2)
# 1.0 reports name their unit; 1.1 reports are always kWh.
KWH_PER_UNIT = {
    "mWh": 1e-6,
    "Wh": 1e-3,
    "kWh": 1.0,
    "MWh": 1e3,
    "GWh": 1e6,
    "kJoule": 1 / 3600,
    "MJoule": 1000 / 3600,
    "GJoule": 1e6 / 3600,
    "TJoule": 1e9 / 3600,
    "PJoule": 1e12 / 3600,
    "BTU": 0.000293071,
}

# infraType onPremise with one of these as cloudProvider says nothing contradictory
NO_PROVIDER = {"", "none", "n/a", "na", "no", "null", "-", "onpremise", "on-premise"}
# "2 x Tesla V100S-PCIE-32GB": CodeCarbon's GPU names start with their count
NAMED_COUNT = re.compile(r"\s*([1-9]\d{0,5})\s*x\s", re.ASCII | re.IGNORECASE)
# the largest common servers have 8 processor sockets: more CPUs are logical CPUs
MAX_CPU_SOCKETS = 8
# CodeCarbon measures power every measure_power_secs (15 s by default): a shorter run can
# miss every measurement and record almost no energy (1.46e-09 kWh for 63 ms); no computer
# draws less than 1 W on average, so a short run below that is such a miss
MEASURE_POWER_SECONDS = 15.0
MIN_AVERAGE_POWER_W = 1.0
CODECARBON = "codecarbon"

Check = Callable[[dict[str, Any]], Iterator[Problem]]
# the rows (indexes into a piece, of those given) a rule warns about, from the slots' values
Guard = Callable[[list[Any], "np.ndarray"], "np.ndarray"]
# a rule's column form: the guards of a template, or None when the rule cannot keep it
ColumnForm = Callable[[dict[str, Any]], "list[Guard] | None"]


class Hole:
    """Stands, in a template's report, for the values of one of its slots."""

    __slots__ = ("gives", "slot")

    def __init__(self, slot: int, gives: str) -> None:
        self.slot, self.gives = slot, gives  # gives: "number", "datetime" or "string"


@dataclass(frozen=True)
class SemanticRule:
    check: Check
    reads: tuple[str, ...]  # the fields it reads: "measures[].unit" (any measure)
    column: ColumnForm | None  # None: a hole in what it reads means no template

    @property
    def name(self) -> str:
        return self.check.__name__

    def __call__(self, report: dict[str, Any]) -> Iterator[Problem]:
        return self.check(report)


def too_powerful(kwh: Any, seconds: Any) -> Any:
    """A mean power no computer draws (seconds > 0); numbers or arrays."""
    return kwh * 3600 / seconds > MAX_AVERAGE_POWER_KW


def too_little_power(kwh: Any, seconds: Any) -> Any:
    """A mean power below any computer's (seconds > 0); numbers or arrays."""
    return kwh * 3.6e6 / seconds < MIN_AVERAGE_POWER_W


def within_interval(seconds: Any) -> Any:
    """Shorter than CodeCarbon's measurement interval; numbers or arrays."""
    return (seconds > 0) & (seconds < MEASURE_POWER_SECONDS)


def number(value: Any) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return float(value)
        except OverflowError:  # an integer beyond any float: no rule can use it
            return None
    return None


def _parse(value: Any) -> datetime | None:
    # a regular expression, not strptime: this runs for every report and strptime is slow
    match = _DATETIME.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        return None
    try:
        year, month, day, hour, minute, second = map(int, match.groups())
        return datetime(year, month, day, hour, minute, second)
    except ValueError:  # 2025-02-30 and the like
        return None


def _measures(report: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    measures = report.get("measures")
    if isinstance(measures, list):
        for index, measure in enumerate(measures):
            if isinstance(measure, dict):
                yield f"measures[{index}]", measure


def _header(report: dict[str, Any]) -> dict[str, Any]:
    header = report.get("header")
    return header if isinstance(header, dict) else {}


def datetime_format(report: dict[str, Any]) -> Iterator[Problem]:
    places = [("header.reportDatetime", _header(report).get("reportDatetime"))]
    places += [
        (f"{path}.measurementDateTime", m.get("measurementDateTime"))
        for path, m in _measures(report)
    ]
    for path, value in places:
        if isinstance(value, str) and _parse(value) is None:
            yield problem(
                "datetime-format", path, "Example: 2025-02-26 16:57:00", actual=quote(value)
            )


def energy(report: dict[str, Any]) -> Iterator[Problem]:
    for path, measure in _measures(report):
        kwh = energy_kwh(measure)
        if kwh is None:
            continue
        if kwh <= 0:
            yield problem(
                "non-positive-energy",
                f"{path}.powerConsumption",
                actual=measure["powerConsumption"],
            )
            continue
        seconds = number(measure.get("measurementDuration"))
        if seconds and seconds > 0 and too_powerful(kwh, seconds):
            power = kwh * 3600 / seconds
            yield problem(
                "implausible-power",
                f"{path}.powerConsumption",
                "powerConsumption is an energy in kWh and measurementDuration is in "
                "seconds: check both units",
                expected=f"{MAX_AVERAGE_POWER_KW:g} kW",
                actual=f"{power:.4g} kW",
            )


def energy_kwh(measure: dict[str, Any]) -> float | None:
    """A measure's energy in kWh: 1.0 reports name their unit, 1.1 reports are in kWh; None
    when missing or not an energy (FLOPS)."""
    value = number(measure.get("powerConsumption"))
    unit = measure.get("unit", "kWh")
    factor = KWH_PER_UNIT.get(unit) if isinstance(unit, str) else None
    return None if value is None or factor is None else value * factor


def tracking_modes(report: dict[str, Any]) -> Iterator[Problem]:
    for path, measure in _measures(report):
        for key in ("cpuTrackingMode", "gpuTrackingMode"):
            value = measure.get(key)
            if isinstance(value, str) and value.strip().lower() in SCOPES:
                yield problem(
                    "tracking-mode-is-scope",
                    f"{path}.{key}",
                    "CodeCarbon's tracking_mode column is the scope; leave this out "
                    "or give the method",
                    actual=quote(value),
                )


def is_geolocation_fallback(env: Any) -> bool:
    """CodeCarbon's answer when it cannot geolocate: Canada at 46.8, -71.2 (Quebec City)."""
    if not isinstance(env, dict) or not isinstance(env.get("country"), str):
        return False
    lat, lon = number(env.get("latitude")), number(env.get("longitude"))
    return (
        env["country"].strip().lower() in FALLBACK_COUNTRIES
        and lat is not None
        and lon is not None
        and (round(lat, 1), round(lon, 1)) == FALLBACK_LAT_LON
    )


def geolocation_fallback(report: dict[str, Any]) -> Iterator[Problem]:
    env: Any = report.get("environment")
    if is_geolocation_fallback(env):
        yield problem(
            "geolocation-fallback",
            "environment",
            "Run CodeCarbon offline with country_iso_code, or correct the location",
            actual=f"{env['country']} at latitude {env['latitude']:g}, "
            f"longitude {env['longitude']:g}",
        )


def measure_after_report(report: dict[str, Any]) -> Iterator[Problem]:
    reported = _parse(_header(report).get("reportDatetime"))
    if reported is None:
        return
    for path, measure in _measures(report):
        started = _parse(measure.get("measurementDateTime"))
        if started is not None and started > reported:
            yield problem(
                "measure-after-report",
                f"{path}.measurementDateTime",
                expected=quote(_header(report)["reportDatetime"]),
                actual=quote(measure["measurementDateTime"]),
            )


def _infrastructure(report: dict[str, Any]) -> dict[str, Any]:
    found = report.get("infrastructure")
    return found if isinstance(found, dict) else {}


def _components(report: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    components = _infrastructure(report).get("components")
    if isinstance(components, list):
        for index, component in enumerate(components):
            if isinstance(component, dict):
                yield f"infrastructure.components[{index}]", component


def onpremise_cloud_provider(report: dict[str, Any]) -> Iterator[Problem]:
    infrastructure = _infrastructure(report)
    provider = infrastructure.get("cloudProvider")
    if (
        infrastructure.get("infraType") == "onPremise"
        and isinstance(provider, str)
        and provider.strip().lower() not in NO_PROVIDER
    ):
        yield problem(
            "onpremise-with-cloud-provider",
            "infrastructure.cloudProvider",
            "Set infraType to publicCloud or privateCloud, or remove cloudProvider",
            expected=quote("onPremise"),
            actual=quote(provider),
        )


def named_count(component: dict[str, Any]) -> int | None:
    """The count a component's name starts with ("8 x NVIDIA H800"), or None."""
    name = component.get("componentName")
    match = NAMED_COUNT.match(name) if isinstance(name, str) else None
    return int(match[1]) if match else None


def component_counts(report: dict[str, Any]) -> Iterator[Problem]:
    for path, component in _components(report):
        said, count = named_count(component), component.get("nbComponent")
        counted = isinstance(count, int) and not isinstance(count, bool)
        if said is not None and counted and count != said:
            yield problem(
                "component-count-mismatch",
                f"{path}.nbComponent",
                "Correct nbComponent or the name",
                expected=said,
                name=quote(component["componentName"]),
                actual=count,
            )


def _is_cpu(component: dict[str, Any]) -> bool:
    kind = component.get("componentType")
    return isinstance(kind, str) and kind.strip().lower() == "cpu"


def cpu_count_beyond_sockets(component: dict[str, Any]) -> bool:
    count = component.get("nbComponent")
    return _is_cpu(component) and isinstance(count, int) and count > MAX_CPU_SOCKETS


def measured_by_codecarbon(report: dict[str, Any]) -> bool:
    """Some measures, all by CodeCarbon (a loop, not generators: every stored report asks)."""
    measures = report.get("measures")
    found = False
    for measure in measures if isinstance(measures, list) else ():
        if isinstance(measure, dict):
            if not is_codecarbon(measure.get("measurementMethod")):
                return False
            found = True
    return found


def counts_logical_cpus(component: dict[str, Any], report: dict[str, Any]) -> bool:
    """A cpu component whose nbComponent counts logical CPUs, not processors: more than any
    server has sockets, or measured by CodeCarbon, whose cpu_count is logical CPUs (the
    field table and live trackers take the count from it)."""
    if not _is_cpu(component):
        return False
    count = component.get("nbComponent")
    beyond_sockets = isinstance(count, int) and count > MAX_CPU_SOCKETS
    return beyond_sockets or measured_by_codecarbon(report)


def cpu_counts(report: dict[str, Any]) -> Iterator[Problem]:
    # only the sure cases warn: a count of 2 may be 2 processors or 2 logical CPUs
    for path, component in _components(report):
        if cpu_count_beyond_sockets(component):
            yield problem(
                "cpu-count-is-logical",
                f"{path}.nbComponent",
                "BoAmps counts parts: give the number of processors in the context's cpu component",
                expected=MAX_CPU_SOCKETS,
                actual=component["nbComponent"],
            )


def is_codecarbon(method: Any) -> bool:
    return isinstance(method, str) and method.strip().lower() == CODECARBON


def is_short_measurement(method: Any, kwh: float | None, seconds: float | None) -> bool:
    """A CodeCarbon run shorter than its measurement interval whose mean power is below any
    computer's: CodeCarbon missed it."""
    if not is_codecarbon(method):
        return False
    if kwh is None or kwh <= 0 or seconds is None or not within_interval(seconds):
        return False  # no energy at all is non-positive-energy's
    return bool(too_little_power(kwh, seconds))


def short_measurement(report: dict[str, Any]) -> Iterator[Problem]:
    for path, measure in _measures(report):
        kwh = energy_kwh(measure)
        seconds = number(measure.get("measurementDuration"))
        if is_short_measurement(measure.get("measurementMethod"), kwh, seconds):
            assert kwh is not None and seconds is not None
            yield problem(
                "short-measurement",
                f"{path}.powerConsumption",
                f"CodeCarbon measures power every {MEASURE_POWER_SECONDS:g} s by default "
                "(measure_power_secs): a shorter run can record almost no energy. Measure "
                "a longer run, or several runs in one tracker",
                expected=f"{MEASURE_POWER_SECONDS:g} s",
                power=f"{MIN_AVERAGE_POWER_W:g} W",
                actual=f"{seconds:.3g} s at {kwh * 3.6e6 / seconds:.3g} W",
            )


# the column forms: each one the guards of the rule above it, reading the slots' values
# (`numbers`, `seconds`) for the rows it is given


def _column(value: Any, attribute: str, read: Callable[[Any], Any]) -> Any:
    """A hole's values, or a plain value read once; None when that reading has none."""
    if isinstance(value, Hole):
        return lambda values, rows: getattr(values[value.slot], attribute)[rows]
    found = read(value)
    return None if found is None else lambda values, rows: found


def _holed(*values: Any) -> bool:
    return any(isinstance(value, Hole) for value in values)


def _energy_guards(report: dict[str, Any], warns: Callable[..., Any]) -> list[Guard] | None:
    """A guard per measure with a hole in its energy or duration: `warns(measure, kwh,
    seconds)`, kwh and seconds as per-row values (seconds None when there are none)."""

    guards: list[Guard] = []
    for _, measure in _measures(report):
        if not _holed(measure.get("powerConsumption"), measure.get("measurementDuration")):
            continue
        unit = measure.get("unit", "kWh")
        if _holed(unit, measure.get("measurementMethod")):
            return None
        factor = KWH_PER_UNIT.get(unit) if isinstance(unit, str) else None
        energy = _column(measure.get("powerConsumption"), "numbers", number)
        seconds = _column(measure.get("measurementDuration"), "numbers", number)
        if factor is None or energy is None:
            continue  # not an energy: the rules say nothing

        guards.append(_energy_guard(energy, seconds, factor, partial(warns, measure)))
    return guards


def _energy_guard(energy: Any, seconds: Any, factor: float, warns: Callable[..., Any]) -> Guard:
    import numpy as np

    def guard(values: list[Any], rows: np.ndarray) -> np.ndarray:
        kwh = np.asarray(energy(values, rows), np.float64) * factor
        length = None if seconds is None else np.asarray(seconds(values, rows), np.float64)
        with np.errstate(all="ignore"):
            return np.broadcast_to(warns(kwh, length), len(rows))

    return guard


def energy_guards(report: dict[str, Any]) -> list[Guard] | None:
    def warns(measure: dict[str, Any], kwh: Any, seconds: Any) -> Any:
        bad = ~(kwh > 0)
        return bad if seconds is None else bad | ((seconds > 0) & too_powerful(kwh, seconds))

    return _energy_guards(report, warns)


def short_guards(report: dict[str, Any]) -> list[Guard] | None:
    def warns(measure: dict[str, Any], kwh: Any, seconds: Any) -> Any:
        if seconds is None or not is_codecarbon(measure.get("measurementMethod")):
            return False  # the rule says nothing of this measure, whatever its values
        return within_interval(seconds) & (kwh > 0) & too_little_power(kwh, seconds)

    return _energy_guards(report, warns)


def _seconds(value: Any) -> int | None:
    moment = _parse(value)
    return None if moment is None else int((moment - datetime(1970, 1, 1)).total_seconds())


def after_report_guards(report: dict[str, Any]) -> list[Guard] | None:
    reported = _header(report).get("reportDatetime")
    guards: list[Guard] = []
    for _, measure in _measures(report):
        started = measure.get("measurementDateTime")
        pair = [_column(value, "seconds", _seconds) for value in (started, reported)]
        if _holed(started, reported) and None not in pair:  # else the rule says nothing

            def guard(values: list[Any], rows: np.ndarray, pair: list[Any] = pair) -> np.ndarray:
                return pair[0](values, rows) > pair[1](values, rows)  # type: ignore[no-any-return]

            guards.append(guard)
    return guards


def dated_holes(report: dict[str, Any]) -> list[Guard] | None:
    """A hole that gives datetimes is always well formed; any other there: no template."""
    places = [_header(report).get("reportDatetime")]
    places += [m.get("measurementDateTime") for _, m in _measures(report)]
    return None if any(isinstance(v, Hole) and v.gives != "datetime" for v in places) else []


_ENERGY_READS = ("measures[].powerConsumption", "measures[].measurementDuration", "measures[].unit")
_DATES = ("header.reportDatetime", "measures[].measurementDateTime")
_COMPONENTS = "infrastructure.components[]"

RULES: tuple[SemanticRule, ...] = (
    SemanticRule(datetime_format, _DATES, dated_holes),
    SemanticRule(energy, _ENERGY_READS, energy_guards),
    SemanticRule(
        tracking_modes, ("measures[].cpuTrackingMode", "measures[].gpuTrackingMode"), None
    ),
    SemanticRule(
        geolocation_fallback,
        ("environment.country", "environment.latitude", "environment.longitude"),
        None,
    ),
    SemanticRule(measure_after_report, _DATES, after_report_guards),
    SemanticRule(
        onpremise_cloud_provider,
        ("infrastructure.infraType", "infrastructure.cloudProvider"),
        None,
    ),
    SemanticRule(
        component_counts,
        (f"{_COMPONENTS}.componentName", f"{_COMPONENTS}.nbComponent"),
        None,
    ),
    SemanticRule(cpu_counts, (f"{_COMPONENTS}.componentType", f"{_COMPONENTS}.nbComponent"), None),
    SemanticRule(short_measurement, (*_ENERGY_READS, "measures[].measurementMethod"), short_guards),
)


def semantic_problems(report: dict[str, Any]) -> list[Problem]:
    return [found for rule in RULES for found in rule.check(report)]
