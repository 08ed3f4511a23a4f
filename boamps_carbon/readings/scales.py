"""Units for axes and small figures: energies per request run to nanowatt-hours, well below
the Wh that `render.units` stops at."""

from __future__ import annotations

from ..render import units

ENERGY_AXIS = [
    (1e3, "MWh"),
    (1.0, "kWh"),
    (1e-3, "Wh"),
    (1e-6, "mWh"),
    (1e-9, "µWh"),
    (1e-12, "nWh"),
]
MASS_AXIS = [(1e3, "t CO2e"), (1.0, "kg CO2e"), (1e-3, "g CO2e"), (1e-6, "mg CO2e")]


def unit_for(value: float, scale: list[tuple[float, str]]) -> tuple[float, str]:
    """The largest unit in which `value` is 1 or more (the smallest for smaller values)."""
    for size, unit in scale:
        if abs(value) >= size:
            return size, unit
    return scale[-1]


def fine_energy(kwh: float) -> str:
    """As `render.units.energy` from 1 Wh up; below, mWh to nWh: 29.6 nWh, not 0.0000000296 Wh."""
    if abs(kwh) >= 1e-3 or kwh == 0:
        return units.energy(kwh)
    size, unit = unit_for(kwh, ENERGY_AXIS)
    return f"{units.significant(kwh / size)} {unit}"
