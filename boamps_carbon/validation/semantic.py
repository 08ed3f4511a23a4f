"""Rules about meaning that a JSON Schema cannot express. They give warnings, not errors."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

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

Rule = Callable[[dict[str, Any]], Iterator[Problem]]


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
        if seconds and seconds > 0 and kwh * 3600 / seconds > MAX_AVERAGE_POWER_KW:
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


RULES: tuple[Rule, ...] = (
    datetime_format,
    energy,
    tracking_modes,
    geolocation_fallback,
    measure_after_report,
)


def semantic_problems(report: dict[str, Any]) -> list[Problem]:
    return [found for rule in RULES for found in rule(report)]
