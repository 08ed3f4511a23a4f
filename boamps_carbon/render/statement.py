"""A paper-ready statement of the energy and emissions of a set of reports."""

from __future__ import annotations

from typing import Any

from .. import __version__
from ..errors import InputError
from ..resources import templates_dir
from .figures import figures, totals
from .templates import render

STATEMENT_FORMATS = {
    "text": "statement.txt.j2",
    "markdown": "statement.md.j2",
    "latex": "statement.tex.j2",
}


def select(
    reports: list[dict[str, Any]], project: str | None = None, since: str | None = None
) -> list[dict[str, Any]]:
    """The reports of one project (publisher.projectName), dated on or after `since`."""
    chosen = []
    for report in reports:
        found = figures(report)
        if project is not None and found.project != project:
            continue
        if since is not None and found.date[:10] < since:
            continue
        chosen.append(report)
    return chosen


def bibliography() -> str:
    """The BibTeX entries the LaTeX statement cites: `@misc` entries with an author, a title, a
    URL or publisher, a year and a note, which plain BibTeX reads as well as biblatex."""
    text = (templates_dir() / "references.bib").read_text(encoding="utf-8")
    return text.replace("@VERSION@", __version__)  # the version is written once


def statement(
    reports: list[dict[str, Any]],
    *,
    fmt: str = "text",
    project: str | None = None,
    since: str | None = None,
) -> str:
    """The statement over the selected reports; raises InputError when none is selected."""
    if fmt not in STATEMENT_FORMATS:
        raise InputError(
            "Unknown statement format",
            "--format",
            repr(fmt),
            f"Use one of: {', '.join(STATEMENT_FORMATS)}.",
        )
    chosen = select(reports, project, since)
    if not chosen:
        raise InputError(
            "No report to state",
            "selection",
            f"project={project!r}, since={since!r}",
            "Check --project and --since against the reports.",
        )
    summed = totals([figures(r) for r in chosen])
    bibtex = bibliography()
    return render(
        STATEMENT_FORMATS[fmt],
        {"t": summed, "bibtex": bibtex, "uncovered": summed.energy_without_intensity_kwh},
    )
