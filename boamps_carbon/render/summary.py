"""Totals per group of reports: project, model, hardware, country, month or rating."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..printable import printable
from . import units
from .figures import GROUPS, HardwareMemo, Totals, figures
from .flat import cell_text

if TYPE_CHECKING:
    import pandas as pd

COLUMNS = ["group", "runs", "energy_kwh", "emissions_kg", "duration_s", "mean_power_w"]


TOTAL = "(total)"  # the group of the total row, in brackets as "(not stated)" is


def summarise(reports: Iterable[dict[str, Any]], by: str = "project") -> list[dict[str, Any]]:
    """One row per group, in the order of each group's first report; reports are read one at
    a time and only the running totals of each group are kept."""
    if by not in GROUPS:
        raise InputError("Unknown grouping", "--by", repr(by), f"Use one of: {', '.join(GROUPS)}.")
    key = GROUPS[by]
    groups: dict[str, Totals] = {}
    memo = HardwareMemo()
    for report in reports:
        found = figures(report, memo)
        name = key(found) or "(not stated)"
        summed = groups.get(name)
        if summed is None:
            summed = groups[name] = Totals()
        summed.add(found)
    return [_row(name, summed) for name, summed in groups.items()]


def summarise_pieces(
    names: list[str], by: str, version: str, on_invalid: Callable[[str, str], None]
) -> tuple[list[dict[str, Any]], int]:
    """(rows, valid reports) of `summarise` for big JSON Lines files `names`, read in worker
    processes (`pieces`); each invalid line goes to `on_invalid(where, problem)`, in order."""
    from .pieces import Tally, add_tally, all_spans, tallies

    if by not in GROUPS:
        raise InputError("Unknown grouping", "--by", repr(by), f"Use one of: {', '.join(GROUPS)}.")
    groups: dict[str, Totals] = {}
    read = 0
    for tally in tallies(Tally(all_spans(names), version, by), on_invalid):
        read += tally.read
        local = []
        for name in tally.groups:
            summed = groups.get(name)
            if summed is None:
                summed = groups[name] = Totals()
            local.append(summed)
        add_tally(local, tally)
    return [_row(name, summed) for name, summed in groups.items()], read


def _row(name: str, summed: Totals) -> dict[str, Any]:
    covered = summed.energy_without_intensity_kwh <= 0
    return {
        "group": name,
        "runs": summed.runs,
        "energy_kwh": summed.energy_kwh,
        "emissions_kg": summed.emissions_kg if covered else None,
        "duration_s": summed.duration_s,
        "mean_power_w": summed.mean_power_w,
    }


def with_total(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`rows` and a last row, group "(total)", that adds them up: emissions are unknown when
    a group's are, and mean power weighs each group's by its duration. Made from the rows, so
    that a store's sums and a file's get their total the same way."""
    duration = sum(r["duration_s"] for r in rows)
    timed = sum(r["mean_power_w"] * r["duration_s"] for r in rows if r["mean_power_w"] is not None)
    emissions = [r["emissions_kg"] for r in rows]
    total = {
        "group": TOTAL,
        "runs": sum(r["runs"] for r in rows),
        "energy_kwh": sum(r["energy_kwh"] for r in rows),
        "emissions_kg": None if None in emissions else sum(emissions),
        "duration_s": duration,
        "mean_power_w": timed / duration if duration > 0 else None,
    }
    return [*rows, total]


def summary(source: Any, by: str = "project", *, total: bool = True) -> pd.DataFrame:
    """The figures of `boamps summary` as a DataFrame: one row per group (column `group`), in
    the order of each group's first report, then the "(total)" row unless `total` is False.
    `source` is what `to_dataframe` takes; a `Store` adds up in the database, as `boamps
    summary --db` does. Emissions are missing (NaN) for a group where some energy has no
    carbon intensity."""
    import pandas as pd

    from ..sources.given import iter_reports

    store = sys.modules.get("boamps_carbon.store.core")  # a Store's module is loaded already
    if store is not None and isinstance(source, store.Store):
        rows = source.summary(by)
    else:
        rows = summarise(iter_reports(source), by)
    if total:
        rows = with_total(rows)
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["group"] = frame["group"].astype("string")
    frame["runs"] = frame["runs"].astype("int64")
    for name in COLUMNS[2:]:
        frame[name] = frame[name].astype("float64")
    return frame


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
