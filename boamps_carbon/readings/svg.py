"""Charts drawn as inline SVG: horizontal bars, columns over time, and a scatter with its
Pareto front. Every mark has a <title> (its label and value, read by screen readers and shown
on hover); axes carry their unit; colours are Okabe and Ito's, safe for colour-blind readers.

The charts scale to their box (viewBox, width 100%): nothing overflows a narrow screen."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape as _escape

# Okabe & Ito (2008), "Color Universal Design": distinct for every common colour blindness
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
INK, GRID, FONT = "#222222", "#d0d0d0", "font-family:system-ui,sans-serif;font-size:12px"
WIDTH = 640


def escape(text: object) -> str:
    return _escape(str(text), {'"': "&quot;"})


def nice_ticks(top: float, count: int = 5) -> list[float]:
    """0 and round steps (1, 2 or 5 times a power of ten) up to at least `top`."""
    if not top > 0 or not math.isfinite(top):
        return [0.0, 1.0]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    ticks = [0.0]
    while ticks[-1] < top * (1 - 1e-12):
        ticks.append(round(ticks[-1] + step, 12))
    return ticks


def tick_text(value: float) -> str:
    return f"{value:.6g}"


@dataclass(frozen=True)
class Scale:
    """Values shown in one unit: `factor` divides them, `unit` names the result."""

    factor: float
    unit: str


def choose_scale(top: float, units: list[tuple[float, str]]) -> Scale:
    """The largest unit in which `top` is 1 or more (units from largest to smallest)."""
    from .scales import unit_for

    return Scale(*unit_for(top, units))


def _svg(height: int, label: str, body: list[str]) -> str:
    return (
        f'<svg viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-label="{escape(label)}" style="{FONT};max-width:{WIDTH}px;height:auto">'
        + "".join(body)
        + "</svg>"
    )


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bars(
    rows: Sequence[tuple[str, float]],
    scale: Scale,
    label: str,
    show: Callable[[float], str],
    colour: str = PALETTE[0],
) -> str:
    """One horizontal bar per row, longest first as given; `show` writes a value for people."""
    left, right, row_height, top_pad = 170, 20, 24, 10
    plot = WIDTH - left - right
    height = top_pad + row_height * len(rows) + 40
    highest = max((v for _, v in rows), default=0.0) / scale.factor
    ticks = nice_ticks(highest)
    span = ticks[-1] or 1.0
    body = []
    for tick in ticks:
        x = left + plot * tick / span
        body.append(
            f'<line x1="{x:.1f}" y1="{top_pad}" x2="{x:.1f}" '
            f'y2="{top_pad + row_height * len(rows)}" stroke="{GRID}"/>'
            f'<text x="{x:.1f}" y="{top_pad + row_height * len(rows) + 16}" '
            f'text-anchor="middle" fill="{INK}">{tick_text(tick)}</text>'
        )
    for index, (name, value) in enumerate(rows):
        y = top_pad + row_height * index
        length = plot * (value / scale.factor) / span
        body.append(
            f'<text x="{left - 6}" y="{y + 16}" text-anchor="end" fill="{INK}">'
            f"{escape(_clip(name, 24))}</text>"
            f'<rect x="{left}" y="{y + 4}" width="{max(length, 0.5):.1f}" '
            f'height="{row_height - 8}" fill="{colour}">'
            f"<title>{escape(name)}: {escape(show(value))}</title></rect>"
        )
    body.append(
        f'<text x="{left + plot / 2:.1f}" y="{height - 4}" text-anchor="middle" '
        f'fill="{INK}">{escape(scale.unit)}</text>'
    )
    return _svg(height, label, body)


def columns(
    rows: Sequence[tuple[str, float]],
    scale: Scale,
    label: str,
    show: Callable[[float], str],
    colour: str = PALETTE[0],
) -> str:
    """One column per period, in time order; the axis names the unit."""
    left, right, top, bottom = 60, 12, 12, 56
    plot_w, plot_h = WIDTH - left - right, 200
    height = top + plot_h + bottom
    highest = max((v for _, v in rows), default=0.0) / scale.factor
    ticks = nice_ticks(highest)
    span = ticks[-1] or 1.0
    body = []
    for tick in ticks:
        y = top + plot_h - plot_h * tick / span
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - right}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{INK}">'
            f"{tick_text(tick)}</text>"
        )
    slot = plot_w / max(len(rows), 1)
    every = max(1, math.ceil(len(rows) / 6))  # at most 6 period labels fit under the axis
    for index, (name, value) in enumerate(rows):
        h = plot_h * (value / scale.factor) / span
        x = left + slot * index
        bar = max(min(slot * 0.8, 48), 0.5)  # one period alone is a column, not a wall
        body.append(
            f'<rect x="{x + (slot - bar) / 2:.1f}" y="{top + plot_h - h:.1f}" '
            f'width="{bar:.1f}" height="{max(h, 0.5):.1f}" fill="{colour}">'
            f"<title>{escape(name)}: {escape(show(value))}</title></rect>"
        )
        if index % every == 0:
            body.append(
                f'<text x="{x + slot / 2:.1f}" y="{top + plot_h + 16}" text-anchor="middle" '
                f'fill="{INK}">{escape(name)}</text>'
            )
    body.append(
        f'<text x="12" y="{top + plot_h / 2:.1f}" text-anchor="middle" fill="{INK}" '
        f'transform="rotate(-90 12 {top + plot_h / 2:.1f})">{escape(scale.unit)}</text>'
    )
    return _svg(height, label, body)


@dataclass(frozen=True)
class Point:
    name: str
    x: float  # energy per request, kWh
    y: float  # accuracy, a fraction
    runs: int
    on_front: bool


def pareto_front(points: Sequence[tuple[float, float]]) -> list[bool]:
    """Which points no other beats: no other has as little x (energy) and as much y
    (accuracy), with one of them strictly better."""
    order = sorted(range(len(points)), key=lambda i: (points[i][0], -points[i][1]))
    front = [False] * len(points)
    best = -math.inf
    for i in order:
        if points[i][1] > best:
            front[i] = True
            best = points[i][1]
    return front


def scatter(points: Sequence[Point], scale: Scale, label: str, show: Callable[[float], str]) -> str:
    """Accuracy (y) against energy per request (x); the Pareto front joined by a line."""
    left, right, top, bottom = 60, 16, 12, 44
    plot_w, plot_h = WIDTH - left - right, 260
    height = top + plot_h + bottom
    x_ticks = nice_ticks(max((p.x for p in points), default=0.0) / scale.factor)
    low = min((p.y for p in points), default=0.0)
    y_low = math.floor(low * 10) / 10 if low < 1 else 0.9
    y_ticks = [round(y_low + (1 - y_low) * i / 5, 6) for i in range(6)]
    x_span = x_ticks[-1] or 1.0

    def at(point: Point) -> tuple[float, float]:
        x = left + plot_w * (point.x / scale.factor) / x_span
        y = top + plot_h - plot_h * (point.y - y_low) / ((1 - y_low) or 1)
        return x, y

    body = []
    for tick in x_ticks:
        x = left + plot_w * tick / x_span
        body.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + plot_h}" stroke="{GRID}"/>'
            f'<text x="{x:.1f}" y="{top + plot_h + 16}" text-anchor="middle" fill="{INK}">'
            f"{tick_text(tick)}</text>"
        )
    for tick in y_ticks:
        y = top + plot_h - plot_h * (tick - y_low) / ((1 - y_low) or 1)
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - right}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{INK}">'
            f"{tick_text(tick)}</text>"
        )
    front = sorted((p for p in points if p.on_front), key=lambda p: p.x)
    if len(front) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in map(at, front))
        body.append(
            f'<polyline points="{path}" fill="none" stroke="{PALETTE[3]}" stroke-width="2">'
            "<title>Pareto front: no other group is both more accurate and more frugal"
            "</title></polyline>"
        )
    for point in points:
        x, y = at(point)
        colour, shape = (PALETTE[3], "front") if point.on_front else (PALETTE[0], "other")
        body.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{6 if shape == "front" else 5}" '
            f'fill="{colour}" fill-opacity="0.85"><title>{escape(point.name)}: accuracy '
            f"{point.y:.3g}, {escape(show(point.x))} per request, {point.runs} runs"
            f"{', on the Pareto front' if point.on_front else ''}</title></circle>"
        )
    body.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 6}" text-anchor="middle" '
        f'fill="{INK}">energy per request ({escape(scale.unit)})</text>'
        f'<text x="12" y="{top + plot_h / 2:.1f}" text-anchor="middle" fill="{INK}" '
        f'transform="rotate(-90 12 {top + plot_h / 2:.1f})">accuracy</text>'
    )
    return _svg(height, label, body)
