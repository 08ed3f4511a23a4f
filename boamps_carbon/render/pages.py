"""Reports rendered for people: text, Markdown and HTML from Jinja2 templates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .figures import figures, totals
from .templates import FORMATS, render


def variables(reports: list[dict[str, Any]]) -> dict[str, Any]:
    """What a template sees: `items` (each with figures `f` and the `report`) and totals `t`."""
    found = [figures(report) for report in reports]
    items = [{"f": f, "report": report} for f, report in zip(found, reports, strict=True)]
    return {"items": items, "t": totals(found)}


def render_reports(
    reports: list[dict[str, Any]], fmt: str = "text", template: str | Path | None = None
) -> str:
    if template is not None:
        return render(template, variables(reports), markup=fmt, user_template=True)
    return render(FORMATS[fmt], variables(reports), markup=fmt)
