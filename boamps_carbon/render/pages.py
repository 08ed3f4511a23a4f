"""Reports rendered for people: text, Markdown and HTML from Jinja2 templates."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from .figures import Totals, figures
from .templates import FORMATS, render


def variables(reports: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """What a template sees: `items` (each with figures `f` and the `report`) and totals `t`.

    `items` is read once, one report at a time, and `t` adds each item up as the template
    reaches it: after the loop over `items`, `t` holds the totals of them all (the text and
    Markdown templates print them there)."""
    running = Totals.banded()

    def items() -> Iterator[dict[str, Any]]:
        for report in reports:
            found = figures(report)
            running.add(found)
            yield {"f": found, "report": report}

    return {"items": items(), "t": running}


def _whole(reports: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The page shows its totals first: it reads every report before it starts."""
    found = variables(reports)
    found["items"] = list(found["items"])
    return found


def write_reports(
    reports: Iterable[dict[str, Any]],
    out: TextIO,
    fmt: str = "text",
    template: str | Path | None = None,
) -> None:
    """The reports rendered to `out` as they are read, in flat memory, by the built-in text
    and Markdown templates (they print the totals after the reports). The html page and a
    user's template may print the totals anywhere, before the reports: they read every report
    first, and a user's template is rendered whole before its first byte is written, so that
    its failure leaves no partial output."""
    if template is not None:
        out.write(render(template, _whole(reports), markup=fmt, user_template=True))
    elif fmt == "html":
        out.write(render(FORMATS[fmt], _whole(reports), markup=fmt))
    else:
        render(FORMATS[fmt], variables(reports), markup=fmt, out=out)


def render_reports(
    reports: Iterable[dict[str, Any]], fmt: str = "text", template: str | Path | None = None
) -> str:
    out = io.StringIO()
    write_reports(reports, out, fmt, template)
    return out.getvalue()
