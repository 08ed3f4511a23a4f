"""Figures for people: three significant digits, in a unit that suits the size."""

from __future__ import annotations

import functools
import math

# the last unit also takes everything smaller: 0.000478 kWh reads 0.478 Wh
ENERGY_UNITS = [(1e3, "MWh"), (1.0, "kWh"), (1e-3, "Wh")]
MASS_UNITS = [(1e3, "t"), (1.0, "kg"), (1e-3, "g")]


@functools.lru_cache(maxsize=4096)  # the same sizes come again and again (16 GB RAM...)
def significant(value: float, digits: int = 3) -> str:
    """12345 -> 12300, 0.0012345 -> 0.00123, 0.9996 -> 1.00; beyond 1e15, an exponent."""
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else str(value)
    rounded = float(f"{value:.{digits}g}")  # round first: 0.9996 becomes 1.00, not 1.000
    if abs(rounded) >= 1e15 or abs(rounded) < 1e-12:
        return f"{rounded:.{digits - 1}e}"
    decimals = max(digits - 1 - math.floor(math.log10(abs(rounded))), 0)
    return f"{rounded:.{decimals}f}"


def _scaled(value: float, units: list[tuple[float, str]]) -> str:
    rounded = float(f"{value:.3g}") if math.isfinite(value) else value
    for size, unit in units:
        if abs(rounded) >= size:
            return f"{significant(value / size)} {unit}"
    size, unit = units[-1]
    return f"{significant(value / size)} {unit}"


def energy(kwh: float) -> str:
    """0.000478 kWh -> '0.478 Wh'; 1.5 -> '1.50 kWh'."""
    return _scaled(kwh, ENERGY_UNITS)


def mass(kg: float) -> str:
    return _scaled(kg, MASS_UNITS) + " CO2e"


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "a time not stated"
    # the unit is chosen on the rounded figure: 59.99 s reads 1.00 min, not 60.0 s
    rounded = float(f"{seconds:.3g}") if math.isfinite(seconds) else seconds
    if rounded < 60:
        return f"{significant(seconds)} s"
    if float(f"{seconds / 60:.3g}") < 60:
        return f"{significant(seconds / 60)} min"
    return f"{significant(seconds / 3600)} h"


def power(watts: float) -> str:
    rounded = float(f"{watts:.3g}") if math.isfinite(watts) else watts
    return f"{significant(watts / 1000)} kW" if rounded >= 1000 else f"{significant(watts)} W"
