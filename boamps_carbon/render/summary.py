"""Totals per group of reports: project, model, hardware, country or month."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

from ..errors import InputError
from ..printable import printable
from . import units
from .figures import ReportFigures, figures, totals
from .flat import cell_text

GROUPS: dict[str, Callable[[ReportFigures], str]] = {
    "project": lambda f: f.project,
    "model": lambda f: f.model,
    "hardware": lambda f: ", ".join(f.hardware),
    "country": lambda f: f.country,
    "month": lambda f: f.date[:7],
}
COLUMNS = ["group", "runs", "energy_kwh", "emissions_kg", "duration_s", "mean_power_w"]


def summarise(reports: list[dict[str, Any]], by: str = "project") -> list[dict[str, Any]]:
    if by not in GROUPS:
        raise InputError("Unknown grouping", "--by", repr(by), f"Use one of: {', '.join(GROUPS)}.")
    groups: dict[str, list[ReportFigures]] = {}
    for report in reports:
        found = figures(report)
        groups.setdefault(GROUPS[by](found) or "(not stated)", []).append(found)
    rows = []
    for name, members in groups.items():
        summed = totals(members)
        covered = summed.energy_without_intensity_kwh <= 0
        rows.append(
            {
                "group": name,
                "runs": summed.runs,
                "energy_kwh": summed.energy_kwh,
                "emissions_kg": summed.emissions_kg if covered else None,
                "duration_s": summed.duration_s,
                "mean_power_w": summed.mean_power_w,
            }
        )
    return rows


def as_text(rows: list[dict[str, Any]], by: str) -> str:
    header = [by, "runs", "energy", "emissions", "duration", "mean power"]
    body = [
        [
            printable(str(r["group"])),
            str(r["runs"]),
            units.energy(r["energy_kwh"]),
            units.mass(r["emissions_kg"]) if r["emissions_kg"] is not None else "unknown",
            units.duration(r["duration_s"]),
            units.power(r["mean_power_w"]) if r["mean_power_w"] is not None else "unknown",
        ]
        for r in rows
    ]
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
    lines = [
        "  ".join(
            cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
            for i, cell in enumerate(line)
        ).rstrip()
        for line in [header, *body]
    ]
    return "\n".join(lines) + "\n"


def as_csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(
        {k: ("" if v is None else cell_text(v) if k == "group" else v) for k, v in r.items()}
        for r in rows
    )
    return out.getvalue()


def as_json(rows: list[dict[str, Any]]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
