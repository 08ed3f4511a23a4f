"""Reports rendered for people: text, Markdown and HTML from Jinja2 templates."""

from __future__ import annotations

import io
import pickle
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from .figures import HardwareMemo, Totals, figures
from .templates import FORMATS, render

if TYPE_CHECKING:
    from ..readings.dashboard import Aggregates

# the dashboard's sections the html page shows above its table: what a listing of reports
# is about (totals are the page's own figures); hardware, country and accuracy stay on the
# dashboard
PAGE_CHARTS = ("model", "project", "trend")


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


class SpooledItems:
    """The items of a page that shows its totals before its reports: every report is read
    first, to add it up, and kept on disk (pickled with its figures, in a temporary file that
    only this process writes and reads), not in memory. Iterated as often as a template
    likes, each time from the first item; `len()` is their number. With `charts`, each
    report is also added to the dashboard's aggregates (sums per group, not the reports)."""

    def __init__(self, reports: Iterable[dict[str, Any]], charts: Aggregates | None = None) -> None:
        self.totals = Totals.banded()
        self.count = 0
        self._folder = tempfile.TemporaryDirectory(prefix="boamps-page-")
        self._path = Path(self._folder.name) / "items.pickle"
        memo = HardwareMemo()
        with self._path.open("wb") as spool:
            for report in reports:
                found = figures(report, memo)
                self.totals.add(found)
                if charts is not None:
                    charts.add_figures(found, report)
                pickle.dump((found, report), spool, protocol=pickle.HIGHEST_PROTOCOL)
                self.count += 1

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[dict[str, Any]]:
        with self._path.open("rb") as spool:
            for _ in range(self.count):
                found, report = pickle.load(spool)
                yield {"f": found, "report": report}

    def close(self) -> None:
        self._folder.cleanup()

    def __enter__(self) -> SpooledItems:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def write_reports(
    reports: Iterable[dict[str, Any]],
    out: TextIO,
    fmt: str = "text",
    template: str | Path | None = None,
) -> None:
    """The reports rendered to `out` in flat memory. The built-in text and Markdown templates
    print the totals after the reports: they are written as the reports are read. The html
    page and a user's template may print the totals anywhere, before the reports: every
    report is read first and spooled to disk (`SpooledItems`), then the page is written as
    the template runs; an html page (ours or a user's) also adds each report to the
    dashboard's aggregates, for its charts (`sections`); a user's template goes to a
    temporary file first, copied to `out` once it has run to its end, so that its failure
    leaves no partial output."""
    if template is None and fmt != "html":
        render(FORMATS[fmt], variables(reports), markup=fmt, out=out)
        return
    from ..readings.dashboard import Aggregates, sections

    charts = Aggregates() if fmt == "html" else None
    with SpooledItems(reports, charts) as items:
        page: dict[str, Any] = {"items": items, "t": items.totals}
        if charts is not None:
            # an html page, ours or a user's, gets the dashboard's charts of its reports
            page["sections"] = sections(charts, PAGE_CHARTS) if len(items) else []
        if template is None:
            render(FORMATS[fmt], page, markup=fmt, out=out)
            return
        with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as rendered:
            render(template, page, markup=fmt, user_template=True, out=rendered)
            rendered.seek(0)
            shutil.copyfileobj(rendered, out)


def render_reports(
    reports: Iterable[dict[str, Any]], fmt: str = "text", template: str | Path | None = None
) -> str:
    out = io.StringIO()
    write_reports(reports, out, fmt, template)
    return out.getvalue()
