"""What keeps a filled template valid: the schema's constraints at each slot, and the
semantic rules (`validation.semantic.RULES`) that read a slot, checked on whole columns.

A template is made only when every rule that can see a slot has a guard here; a row that
fails a guard goes the ordinary way, where the rule speaks for itself. So a row filled from
a template has exactly the problems (none) and warnings of the row it was made from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import numpy as np

from ..fieldmap.transforms import TRANSFORMS, SlotValues
from ..schema import SchemaVersion
from ..validation import compiled_schema
from ..validation.compiler import Constraints
from ..validation.semantic import (
    KWH_PER_UNIT,
    MAX_AVERAGE_POWER_KW,
    MEASURE_POWER_SECONDS,
    MIN_AVERAGE_POWER_W,
    _parse,
    is_codecarbon,
    number,
)

Path = tuple[str | int, ...]
# the rows (of those given) a guard refuses
Guard = Callable[[list[SlotValues], np.ndarray], np.ndarray]

_EPOCH = datetime(1970, 1, 1)

# how each semantic rule is kept when a slot is in what it reads
RULES_GUARDED = {
    "datetime_format": "date slots are always well formed; any other slot there: no template",
    "energy": "guarded: _energy",
    "tracking_modes": "a slot there: no template",
    "geolocation_fallback": "a slot there: no template",
    "measure_after_report": "guarded: _after_report",
    "onpremise_cloud_provider": "a slot there: no template",
    "component_counts": "a slot there: no template",
    "cpu_counts": "a slot there: no template",
    "short_measurement": "guarded: _short; a slot in measurementMethod: no template",
}
# infrastructure fields the rules above read: never per-run values in a CodeCarbon table
_INFRASTRUCTURE_READ = frozenset(
    {"infraType", "cloudProvider", "componentName", "componentType", "nbComponent"}
)


class Marker:
    """Stands for a slot's value while a template is made."""

    __slots__ = ("slot",)

    def __init__(self, slot: int) -> None:
        self.slot = slot


def markers(node: Any, path: Path = ()) -> Iterator[tuple[Path, int]]:
    if isinstance(node, Marker):
        yield path, node.slot
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from markers(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from markers(value, (*path, index))


def make_guards(
    report: dict[str, Any], kinds: list[str], version: SchemaVersion
) -> list[Guard] | None:
    """The guards of a template (a report holding Markers); None when a slot sits where no
    guard can keep it."""
    places = dict(markers(report))
    schema = compiled_schema(version)
    guards: list[Guard] = []
    for path, slot in places.items():
        if _unguardable(path, kinds[slot]):
            return None
        gives = TRANSFORMS[kinds[slot]].gives
        keepable, guard = _schema_guard(schema.at(path), slot, gives)
        if not keepable:
            return None
        if guard is not None:
            guards.append(guard)
    guards += _energy(report)
    guards += _after_report(report)
    guards += _short(report)
    return guards


def _unguardable(path: Path, kind: str) -> bool:
    last = path[-1]
    if path[:1] == ("environment",) and last in ("country", "latitude", "longitude"):
        return True
    if path[:1] == ("measures",) and last in (
        "cpuTrackingMode",
        "gpuTrackingMode",
        "measurementMethod",
    ):
        return True
    if path[:1] == ("infrastructure",) and last in _INFRASTRUCTURE_READ:
        return True
    dated = path == ("header", "reportDatetime") or (
        path[:1] == ("measures",) and last == "measurementDateTime"
    )
    return dated and TRANSFORMS[kind].gives != "datetime"


def _schema_guard(found: Constraints, slot: int, gives: str) -> tuple[bool, Guard | None]:
    """Whether a slot can be kept where the schema checks `found`, and the guard of its
    range (None when nothing needs guarding)."""
    numeric = gives == "number"
    if ("number" if numeric else "string") not in found.types:
        return False, None
    if not numeric:
        return not found.keywords, None
    if not found.keywords <= {"minimum", "maximum"}:
        return False, None
    low, high = found.minimum, found.maximum
    if low is None and high is None:
        return True, None

    def guard(values: list[SlotValues], rows: np.ndarray) -> np.ndarray:
        found = values[slot].numbers
        assert found is not None
        picked = found[rows]
        bad = np.zeros(len(rows), bool)
        if low is not None:
            bad |= picked < low
        if high is not None:
            bad |= picked > high
        return bad

    return True, guard


def _measure_places(report: dict[str, Any]) -> Iterator[dict[str, Any]]:
    measures = report.get("measures")
    if isinstance(measures, list):
        yield from (m for m in measures if isinstance(m, dict))


def _value(values: list[SlotValues], rows: np.ndarray, held: Any, attribute: str) -> Any:
    if isinstance(held, Marker):
        found = getattr(values[held.slot], attribute)
        return found[rows]
    return held


def _energy(report: dict[str, Any]) -> list[Guard]:
    """semantic.energy: an energy above 0, and a mean power it finds plausible."""
    guards: list[Guard] = []
    for measure in _measure_places(report):
        energy, seconds = measure.get("powerConsumption"), measure.get("measurementDuration")
        if not isinstance(energy, Marker) and not isinstance(seconds, Marker):
            continue
        unit = measure.get("unit", "kWh")
        factor = KWH_PER_UNIT.get(unit) if isinstance(unit, str) else None
        if factor is None or (not isinstance(energy, Marker) and number(energy) is None):
            continue
        fixed_energy = energy if isinstance(energy, Marker) else number(energy)
        fixed_seconds = seconds if isinstance(seconds, Marker) else number(seconds)

        def guard(
            values: list[SlotValues],
            rows: np.ndarray,
            e: Any = fixed_energy,
            s: Any = fixed_seconds,
            f: float = factor,
        ) -> np.ndarray:
            kwh = np.asarray(_value(values, rows, e, "numbers"), dtype=np.float64) * f
            bad = ~(kwh > 0)
            if s is None:
                return bad
            length = np.asarray(_value(values, rows, s, "numbers"), dtype=np.float64)
            with np.errstate(all="ignore"):
                return bad | ((length > 0) & (kwh * 3600 / length > MAX_AVERAGE_POWER_KW))

        guards.append(guard)
    return guards


def _after_report(report: dict[str, Any]) -> list[Guard]:
    """semantic.measure_after_report: no measure starts after the report's time."""
    header = report.get("header")
    reported = header.get("reportDatetime") if isinstance(header, dict) else None
    guards: list[Guard] = []
    for measure in _measure_places(report):
        started = measure.get("measurementDateTime")
        if not isinstance(started, Marker) and not isinstance(reported, Marker):
            continue
        fixed = [_seconds(v) for v in (started, reported)]
        if any(v is None for v in fixed):
            continue  # a constant that is no date: the rule says nothing

        def guard(
            values: list[SlotValues], rows: np.ndarray, pair: list[Any] = fixed
        ) -> np.ndarray:
            start = _value(values, rows, pair[0], "seconds")
            end = _value(values, rows, pair[1], "seconds")
            return np.asarray(start > end) & np.ones(len(rows), bool)

        guards.append(guard)
    return guards


def _seconds(value: Any) -> Any:
    if isinstance(value, Marker):
        return value
    moment = _parse(value)
    return None if moment is None else int((moment - _EPOCH).total_seconds())


def _short(report: dict[str, Any]) -> list[Guard]:
    """semantic.short_measurement: a CodeCarbon run shorter than its measurement interval with
    a mean power below any computer's."""
    guards: list[Guard] = []
    for measure in _measure_places(report):
        energy, seconds = measure.get("powerConsumption"), measure.get("measurementDuration")
        if not isinstance(energy, Marker) and not isinstance(seconds, Marker):
            continue
        unit = measure.get("unit", "kWh")
        factor = KWH_PER_UNIT.get(unit) if isinstance(unit, str) else None
        fixed_energy = energy if isinstance(energy, Marker) else number(energy)
        fixed_seconds = seconds if isinstance(seconds, Marker) else number(seconds)
        if (
            factor is None
            or fixed_energy is None
            or fixed_seconds is None
            or not is_codecarbon(measure.get("measurementMethod"))
        ):
            continue  # the rule says nothing of this measure, whatever its values

        def guard(
            values: list[SlotValues],
            rows: np.ndarray,
            e: Any = fixed_energy,
            s: Any = fixed_seconds,
            f: float = factor,
        ) -> np.ndarray:
            kwh = np.asarray(_value(values, rows, e, "numbers"), dtype=np.float64) * f
            length = np.asarray(_value(values, rows, s, "numbers"), dtype=np.float64)
            with np.errstate(all="ignore"):
                short = (length > 0) & (length < MEASURE_POWER_SECONDS) & (kwh > 0)
                return short & (kwh * 3.6e6 / length < MIN_AVERAGE_POWER_W)

        guards.append(guard)
    return guards
