"""Figures for people: three significant digits, in a unit that suits the size."""

from __future__ import annotations

import math

# the last unit also takes everything smaller: 0.000478 kWh reads 0.478 Wh
ENERGY_UNITS = [(1e3, "MWh"), (1.0, "kWh"), (1e-3, "Wh")]
MASS_UNITS = [(1e3, "t"), (1.0, "kg"), (1e-3, "g")]


def significant(value: float, digits: int = 3) -> str:
    """12345 -> 12300, 0.0012345 -> 0.00123; no exponent, no trailing zeros after a point."""
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else str(value)
    exponent = math.floor(math.log10(abs(value)))
    decimals = max(digits - 1 - exponent, 0)
    rounded = round(value, decimals)
    if decimals == 0:
        return str(int(rounded))
    return f"{rounded:.{decimals}f}"


def _scaled(value: float, units: list[tuple[float, str]]) -> str:
    for size, unit in units:
        if abs(value) >= size:
            return f"{significant(value / size)} {unit}"
    size, unit = units[-1]
    return f"{significant(value / size)} {unit}"


def energy(kwh: float) -> str:
    """0.000478 kWh -> '0.478 Wh'; 1.5 -> '1.50 kWh'."""
    return _scaled(kwh, ENERGY_UNITS)


def mass(kg: float) -> str:
    return _scaled(kg, MASS_UNITS) + " CO2e"


def duration(seconds: float) -> str:
    if seconds < 60:
        return f"{significant(seconds)} s"
    if seconds < 3600:
        return f"{significant(seconds / 60)} min"
    return f"{significant(seconds / 3600)} h"


def power(watts: float) -> str:
    return f"{significant(watts / 1000)} kW" if watts >= 1000 else f"{significant(watts)} W"
