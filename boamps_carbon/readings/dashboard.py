"""The dashboard: one self-contained HTML page (no script, no request) of aggregates drawn as
inline SVG: totals, footprint per model, algorithm type and project, the trend over time,
hardware and countries, accuracy against energy per request.

It aggregates as it reads: each report adds to running sums and is dropped. Memory grows
with the number of distinct groups (models, projects, hardware, countries, days), never with
the number of reports; the page holds the top 15 of each and "others", at most one point
per model and variant in the scatter, at most about 60 periods in the trend: its size does
not grow with the reports either."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, NoReportError
from ..render import units
from ..render.figures import GROUPS, ReportFigures, Totals, figures
from ..render.statement import select
from ..schema import DEFAULT_VERSION, SchemaVersion
from ..validation.semantic import number
from . import svg
from .paths import NOT_STATED, getter, group_label
from .scales import ENERGY_AXIS, MASS_AXIS, fine_energy
from .source import OnInvalid, Source, valid_reports

TOP = 15
MAX_POINTS = 60
# the finest period whose count stays readable on a chart, chosen from the span in days
PERIODS = [(62, "day"), (7 * 60, "week"), (31 * 60, "month"), (math.inf, "year")]
_algorithm_type = getter("task.algorithms[0].algorithmType", "dashboard")
_variant = getter("task.algorithms[0].quantization", "dashboard")


@dataclass
class Sums:
    runs: int = 0
    energy_kwh: float = 0.0
    emissions_kg: float = 0.0
    energy_with_intensity_kwh: float = 0.0

    def add(self, found: ReportFigures) -> None:
        self.runs += 1
        self.energy_kwh += found.energy_kwh
        if found.emissions_kg is not None:
            self.emissions_kg += found.emissions_kg
            self.energy_with_intensity_kwh += found.energy_kwh

    def merge(self, other: Sums) -> None:
        self.runs += other.runs
        self.energy_kwh += other.energy_kwh
        self.emissions_kg += other.emissions_kg
        self.energy_with_intensity_kwh += other.energy_with_intensity_kwh


@dataclass
class Accuracy:
    runs: int = 0
    accuracy: float = 0.0  # sums, divided at the end
    energy_per_request_kwh: float = 0.0


BREAKDOWNS: dict[str, tuple[str, Callable[[ReportFigures, dict[str, Any]], str]]] = {
    "model": ("Footprint per model", lambda f, r: GROUPS["model"](f)),
    "algorithm": (
        "Footprint per algorithm type",
        lambda f, r: group_label(_algorithm_type(r)),
    ),
    "project": ("Footprint per project", lambda f, r: GROUPS["project"](f)),
    "hardware": ("By hardware", lambda f, r: GROUPS["hardware"](f)),
    # "France" and "france" are one country, as in the totals: the first spelling names it
    "country": ("By country", lambda f, r: GROUPS["country"](f).casefold()),
}


@dataclass
class Aggregates:
    project: str | None = None
    since: str | None = None
    totals: Totals = field(default_factory=Totals.banded)
    groups: dict[str, dict[str, Sums]] = field(
        default_factory=lambda: {name: {} for name in BREAKDOWNS}
    )
    days: dict[dt.date, Sums] = field(default_factory=dict)
    undated: int = 0
    points: dict[str, Accuracy] = field(default_factory=dict)
    spelling: dict[str, str] = field(default_factory=dict)  # a casefolded country as first seen
    ratings: dict[str, int] = field(default_factory=dict)  # runs per rating (`boamps rate`)

    @property
    def rating_spread(self) -> str:
        """ "2 gold, 1 silver, 3 bronze", best first."""
        from ..trust.rating import RATINGS

        return ", ".join(f"{self.ratings[r]} {r}" for r in RATINGS if r in self.ratings)

    def add(self, report: dict[str, Any]) -> None:
        if (self.project is not None or self.since is not None) and (
            next(select([report], self.project, self.since), None) is None
        ):
            return
        self.add_figures(figures(report), report)

    def add_figures(self, found: ReportFigures, report: dict[str, Any]) -> None:
        """Add a report whose figures are made already (the html page of `render` makes
        them for its table): no selection by project or date here."""
        summed = self.totals
        summed.runs += 1
        summed.energy_kwh += found.energy_kwh
        if summed.band is not None:
            summed.band.add(found.band.low, found.band.high, found.energy_kwh)
        self.ratings[found.rating] = self.ratings.get(found.rating, 0) + 1
        if found.duration_s is None:
            summed.runs_without_duration += 1
        else:
            summed.duration_s += found.duration_s
            summed.energy_with_duration_kwh += found.energy_kwh
        if found.emissions_kg is not None:
            summed.emissions_kg += found.emissions_kg
            summed.energy_with_intensity_kwh += found.energy_kwh
        for name, (_, key) in BREAKDOWNS.items():
            self.groups[name].setdefault(key(found, report) or NOT_STATED, Sums()).add(found)
        if found.country:
            self.spelling.setdefault(found.country.casefold(), found.country)
        try:
            day = dt.date.fromisoformat(found.date[:10])
        except ValueError:
            self.undated += 1
        else:
            self.days.setdefault(day, Sums()).add(found)
        task = report.get("task") or {}
        accuracy, requests = number(task.get("measuredAccuracy")), number(task.get("nbRequest"))
        if (
            accuracy is not None
            and requests is not None
            and requests > 0
            and math.isfinite(accuracy)
        ):
            variant = _variant(report)
            name = found.model or NOT_STATED
            name += f" {group_label(variant)}" if variant is not None else ""
            point = self.points.setdefault(name, Accuracy())
            point.runs += 1
            point.accuracy += accuracy
            point.energy_per_request_kwh += found.energy_kwh / requests


def check_since(since: str | None) -> None:
    if since is None:
        return
    try:
        dt.date.fromisoformat(since)
    except ValueError:
        raise InputError(
            "Bad date", "--since", repr(since), "Write it YYYY-MM-DD, such as 2026-01-31."
        ) from None
    if len(since) != 10:
        raise InputError(
            "Bad date", "--since", repr(since), "Write it YYYY-MM-DD, such as 2026-01-31."
        )


def aggregate(
    source: Source,
    *,
    project: str | None = None,
    since: str | None = None,
    version: str | SchemaVersion = DEFAULT_VERSION,
    on_invalid: OnInvalid | None = None,
) -> Aggregates:
    check_since(since)
    found = Aggregates(project, since)
    for report in valid_reports(source, version, on_invalid):
        found.add(report)
    return found


def top(groups: dict[str, Sums], count: int = TOP) -> list[tuple[str, Sums]]:
    """The `count` largest by energy (ties by name), then one "others" row for the rest."""
    ranked = sorted(groups.items(), key=lambda item: (-item[1].energy_kwh, item[0]))
    shown = ranked[:count]
    if len(ranked) > count:
        rest = Sums()
        for _, sums in ranked[count:]:
            rest.merge(sums)
        shown.append((f"others ({len(ranked) - count})", rest))
    return shown


def period_of(day: dt.date, period: str) -> str:
    if period == "day":
        return day.isoformat()
    if period == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if period == "month":
        return f"{day.year}-{day.month:02d}"
    return str(day.year)


def trend(days: dict[dt.date, Sums]) -> tuple[str, list[tuple[str, Sums]]]:
    """Periods from the first day to the last, empty ones included, in the finest unit
    (day, week, month, year) that keeps them to about 60."""
    if not days:
        return "day", []
    first, last = min(days), max(days)
    span = (last - first).days + 1
    period = next(name for limit, name in PERIODS if span <= limit)
    buckets: dict[str, Sums] = {}
    if period != "year" or last.year - first.year < 120:
        day = first
        while day <= last:  # every period, even with no run: gaps are part of a trend
            buckets.setdefault(period_of(day, period), Sums())
            day += dt.timedelta(days=1 if period in ("day", "week") else 28)
        buckets.setdefault(period_of(last, period), Sums())
    for when, sums in days.items():
        buckets[period_of(when, period)].merge(sums)
    return period, sorted(buckets.items())


def _emissions(sums: Sums) -> str:
    if sums.runs == 0:
        return units.mass(0)
    if sums.energy_with_intensity_kwh <= 0:
        return "unknown"
    text = units.mass(sums.emissions_kg)
    if sums.energy_with_intensity_kwh < sums.energy_kwh:
        text += " (part)"
    return text


def _sums_section(
    key: str, title: str, rows: list[tuple[str, Sums]], caption: str
) -> dict[str, Any]:
    from markupsafe import Markup

    top_energy = max((s.energy_kwh for _, s in rows), default=0.0)
    chart = svg.bars(
        [(name, s.energy_kwh) for name, s in rows],
        svg.choose_scale(top_energy, ENERGY_AXIS),
        f"{title}: energy",
        units.energy,
        svg.PALETTE[list(BREAKDOWNS).index(key) % len(svg.PALETTE)],
    )
    return {
        "id": key,
        "title": title,
        "caption": caption,
        "charts": [Markup(chart)],
        "columns": [key, "runs", "energy", "emissions"],
        "rows": [[name, s.runs, units.energy(s.energy_kwh), _emissions(s)] for name, s in rows],
    }


def sections(found: Aggregates, keys: Collection[str] | None = None) -> list[dict[str, Any]]:
    """The charts and their data tables in the dashboard's order; with `keys`, only the
    sections of these ids (BREAKDOWNS' names, "trend", "accuracy")."""
    from markupsafe import Markup

    done = []
    for key, (title, _) in BREAKDOWNS.items():
        if keys is not None and key not in keys:
            continue
        groups = found.groups[key]
        if key == "country":
            groups = {found.spelling.get(name, name): sums for name, sums in groups.items()}
        caption = f"{len(groups)} group{'s' if len(groups) != 1 else ''}, largest energy first"
        if len(groups) > TOP:
            caption += f"; the {TOP} largest, then the {len(groups) - TOP} others together"
        done.append(_sums_section(key, title, top(groups), caption))
    period, buckets = trend(found.days) if keys is None or "trend" in keys else ("day", [])
    if buckets:
        energy_top = max(s.energy_kwh for _, s in buckets)
        emission_top = max(s.emissions_kg for _, s in buckets)
        caption = f"per {period}, {buckets[0][0]} to {buckets[-1][0]}"
        if found.undated:
            caption += (
                "; 1 run without a readable date is left out"
                if found.undated == 1
                else f"; {found.undated} runs without a readable date are left out"
            )
        done.append(
            {
                "id": "trend",
                "title": "Trend over time",
                "caption": caption,
                "charts": [
                    Markup(
                        svg.columns(
                            [(name, s.energy_kwh) for name, s in buckets],
                            svg.choose_scale(energy_top, ENERGY_AXIS),
                            f"Energy per {period}",
                            units.energy,
                            svg.PALETTE[0],
                        )
                    ),
                    Markup(
                        svg.columns(
                            [(name, s.emissions_kg) for name, s in buckets],
                            svg.choose_scale(emission_top, MASS_AXIS),
                            f"Emissions per {period}",
                            units.mass,
                            svg.PALETTE[3],
                        )
                    ),
                ],
                "columns": [period, "runs", "energy", "emissions"],
                "rows": [
                    [name, s.runs, units.energy(s.energy_kwh), _emissions(s)] for name, s in buckets
                ],
            }
        )
    # hardware and country after the trend, as the issue orders the page
    names = list(BREAKDOWNS)
    order = [*names[:3], "trend", *names[3:]]
    done.sort(key=lambda section: order.index(section["id"]))
    if found.points and (keys is None or "accuracy" in keys):
        done.append(_accuracy_section(found.points))
    return done


def _accuracy_section(points: dict[str, Accuracy]) -> dict[str, Any]:
    from markupsafe import Markup

    ranked = sorted(points.items(), key=lambda item: (-item[1].runs, item[0]))[:MAX_POINTS]
    means = [
        (name, p.energy_per_request_kwh / p.runs, p.accuracy / p.runs, p.runs) for name, p in ranked
    ]
    front = svg.pareto_front([(x, y) for _, x, y, _ in means])
    shown = [
        svg.Point(name, x, y, runs, on) for (name, x, y, runs), on in zip(means, front, strict=True)
    ]
    shown.sort(key=lambda p: (p.x, -p.y, p.name))
    caption = (
        "mean of each model and variant's runs that state measuredAccuracy and nbRequest; "
        "the line joins the Pareto front (no other is both more accurate and more frugal)"
    )
    if len(points) > MAX_POINTS:
        caption += f"; the {MAX_POINTS} with most runs of {len(points)}"
    top_x = max(p.x for p in shown)
    return {
        "id": "accuracy",
        "title": "Accuracy against energy per request",
        "caption": caption,
        "charts": [
            Markup(
                svg.scatter(
                    shown,
                    svg.choose_scale(top_x, ENERGY_AXIS),
                    "Accuracy against energy per request",
                    fine_energy,
                )
            )
        ],
        "columns": ["model and variant", "runs", "energy per request", "accuracy", "Pareto"],
        "rows": [
            [p.name, p.runs, fine_energy(p.x), f"{p.y:.3g}", "yes" if p.on_front else ""]
            for p in shown
        ],
    }


def page(found: Aggregates) -> str:
    """The HTML page, from our Jinja2 template in a sandbox, every value escaped."""
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    from ..resources import templates_dir

    if found.totals.runs == 0:
        raise NoReportError(
            "No report to show",
            "selection",
            f"project={found.project!r}, since={found.since!r}",
            "Check --project and --since against the reports.",
        )
    env = SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(
        energy=units.energy, mass=units.mass, duration=units.duration, sig=units.significant
    )
    days = sorted(found.days)
    return env.get_template("dashboard.html.j2").render(
        t=found.totals,
        ratings=found.rating_spread,
        first=days[0].isoformat() if days else "",
        last=days[-1].isoformat() if days else "",
        project=found.project,
        since=found.since,
        sections=sections(found),
    )


def dashboard(
    source: Source,
    output: str | Path | None = None,
    *,
    project: str | None = None,
    since: str | None = None,
    version: str | SchemaVersion = DEFAULT_VERSION,
    on_invalid: OnInvalid | None = None,
) -> str:
    """The dashboard's HTML for `source` (paths, folders, `.jsonl`, report dicts, or any
    iterable of them, read once); written atomically to `output` when given."""
    html = page(
        aggregate(source, project=project, since=since, version=version, on_invalid=on_invalid)
    )
    if output is not None:
        from ..io import atomic_write_text

        atomic_write_text(output, html)
    return html
