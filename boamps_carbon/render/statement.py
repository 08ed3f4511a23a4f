"""A paper-ready statement of the energy and emissions of a set of reports."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import Any

from ..errors import InputError
from ..resources import templates_dir
from ..version import __version__
from .figures import HardwareMemo, ReportFigures, Totals, figures, selected, totals
from .templates import render

STATEMENT_FORMATS = {
    "text": "statement.txt.j2",
    "markdown": "statement.md.j2",
    "latex": "statement.tex.j2",
}


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def parse_since(text: str) -> str:
    """`text` if it is a real date written YYYY-MM-DD; InputError otherwise."""
    if not _DATE.fullmatch(text):
        raise InputError(
            "Not a date", "--since", repr(text), "Write it YYYY-MM-DD, such as 2026-11-22."
        )
    try:
        date.fromisoformat(text)
    except ValueError as exc:  # 2024-13-45, 2025-02-30
        raise InputError(
            "Not a date", "--since", f"{text!r} ({exc})", "Write a real day as YYYY-MM-DD."
        ) from None
    return text


def select(
    reports: Iterable[dict[str, Any]], project: str | None = None, since: str | None = None
) -> Iterator[ReportFigures]:
    """The figures of the reports of one project (publisher.projectName), dated on or after
    `since`, one at a time."""
    memo = HardwareMemo()
    for report in reports:
        found = figures(report, memo)
        if selected(found, project, since):
            yield found


def bibliography() -> str:
    """The BibTeX entries the LaTeX statement cites: `@misc` entries with an author, a title, a
    URL or publisher, a year and a note, which plain BibTeX reads as well as biblatex."""
    text = (templates_dir() / "references.bib").read_text(encoding="utf-8")
    return text.replace("@VERSION@", __version__)  # the version is written once


def statement(
    reports: Iterable[dict[str, Any]],
    *,
    fmt: str = "text",
    project: str | None = None,
    since: str | None = None,
) -> str:
    """The statement over the selected reports; raises InputError when none is selected."""
    check_options(fmt, since)
    read = 0

    def counted() -> Iterator[dict[str, Any]]:
        nonlocal read
        for report in reports:
            read += 1
            yield report

    summed = totals(select(counted(), project, since), banded=True)
    return written(summed, read, fmt=fmt, project=project, since=since)


def statement_of_pieces(
    names: list[str],
    version: str,
    on_invalid: Callable[[str, str], None],
    *,
    fmt: str = "text",
    project: str | None = None,
    since: str | None = None,
) -> tuple[str, int]:
    """(statement, valid reports) of `statement` for big JSON Lines files `names`, read in
    worker processes (`pieces`); each invalid line goes to `on_invalid(where, problem)`. With
    no valid report at all, the statement is "" (the caller says why)."""
    from .pieces import Tally, add_bands, add_tally, all_spans, tallies

    check_options(fmt, since)
    summed = Totals.banded()
    assert summed.band is not None
    read = 0
    for tally in tallies(Tally(all_spans(names), version, None, project, since), on_invalid):
        read += tally.read
        add_tally([summed], tally)
        add_bands(summed.band, tally)
        assert tally.seen is not None
        summed.add_seen(tally.seen)
    if not read:
        return "", 0
    return written(summed, read, fmt=fmt, project=project, since=since), read


def check_options(fmt: str, since: str | None) -> None:
    if fmt not in STATEMENT_FORMATS:
        raise InputError(
            "Unknown statement format",
            "--format",
            repr(fmt),
            f"Use one of: {', '.join(STATEMENT_FORMATS)}.",
        )
    if since is not None:
        parse_since(since)


def written(summed: Totals, read: int, *, fmt: str, project: str | None, since: str | None) -> str:
    """The statement of the totals of the selected reports, `read` reports in all; raises
    InputError when none is selected."""
    if not summed.runs:
        wanted = [f"of project {project}" if project is not None else ""]
        wanted.append(f"dated on or after {since}" if since is not None else "")
        raise InputError(
            "No report to state",
            "the selection",
            f"none of the {read} reports is {' and '.join(w for w in wanted if w)}",
            "Check --project and --since against the reports.",
        )
    bibtex = bibliography()
    return render(
        STATEMENT_FORMATS[fmt],
        {"t": summed, "bibtex": bibtex, "uncovered": summed.energy_without_intensity_kwh},
        markup="markdown" if fmt == "markdown" else "text",
    )
