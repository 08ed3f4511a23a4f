"""`render --format html`: the dashboard's charts (footprint per model and project, trend) above
the table of reports, and a page that fits 1280 px with 100 reports (at 390 px the table
scrolls in its own box, never the page), in real headless Chromium."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from browser_support import chromium, colour_count, layout, needs_chromium, png_rgb
from readings_data import many_reports
from test_streaming import three_reports

from boamps_carbon import InputError, dashboard
from boamps_carbon.render.pages import render_reports


class _Tables(HTMLParser):
    """The text of every table cell (th and td), row by row, table by table."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("th", "td"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables_of(html: str) -> list[list[list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def sections_of(page: str) -> dict[str, str]:
    return {
        m.group(1): m.group(0)
        for m in re.finditer(r'<section id="([a-z]+)".*?</section>', page, re.DOTALL)
    }


def captions(section: str) -> list[str]:
    return re.findall(r'<p class="caption">(.*?)</p>', section)


def test_the_charts_are_the_dashboards_above_the_table() -> None:
    reports = three_reports()
    page = render_reports(reports, "html")
    mine = sections_of(page)
    assert list(mine) == ["model", "project", "trend", "reports"]
    board = sections_of(dashboard(reports))
    for key in ("model", "project", "trend"):
        assert mine[key] == board[key]  # the same charts, drawn by the same code
    assert [mine[key].count("<svg") for key in ("model", "project", "trend")] == [1, 1, 2]
    header = ["runs", "energy", "emissions"]
    assert tables_of(mine["model"]) == [
        [["model", *header], ["resnet18", "3", "7.00 Wh", "0.300 g CO2e (part)"]]
    ]
    assert tables_of(mine["project"]) == [
        [
            ["project", *header],
            ["a", "2", "5.00 Wh", "0.100 g CO2e (part)"],
            ["b", "1", "2.00 Wh", "0.200 g CO2e"],
        ]
    ]
    assert tables_of(mine["trend"]) == [
        [["day", *header], ["2026-03-02", "3", "7.00 Wh", "0.300 g CO2e (part)"]]
    ]
    assert [captions(mine[key]) for key in ("model", "project", "trend")] == [
        ["1 group, largest energy first"],
        ["2 groups, largest energy first"],
        ["per day, 2026-03-02 to 2026-03-02"],
    ]
    # every mark says what it is
    assert "<title>a: 5.00 Wh</title>" in mine["project"]
    assert "<title>2026-03-02: 0.300 g CO2e</title>" in mine["trend"]
    listing = tables_of(mine["reports"])
    assert [row[0] for row in listing[0]] == [
        "Report",
        "r02026-03-02 10:15:00 · a",
        "r12026-03-02 10:15:00 · b",
        "r22026-03-02 10:15:00 · a",
    ]


def test_a_hundred_reports_top_fifteen_projects_and_weeks() -> None:
    reports = list(many_reports(100))
    mine = sections_of(render_reports(reports, "html"))
    (projects,) = tables_of(mine["project"])
    assert len(projects) == 1 + 15 + 1
    assert projects[-1][0] == "others (7)"
    assert sum(int(row[1]) for row in projects[1:]) == 100
    assert captions(mine["project"]) == [
        "22 groups, largest energy first; the 15 largest, then the 7 others together"
    ]
    (weeks,) = tables_of(mine["trend"])
    assert (weeks[0][0], weeks[1][0], weeks[-1][0]) == ("week", "2026-W01", "2026-W18")
    assert sum(int(row[1]) for row in weeks[1:]) == 100


def test_no_report_no_chart_and_a_users_html_template_has_them(tmp_path: Path) -> None:
    assert "<svg" not in render_reports([], "html")
    template = tmp_path / "mine.html.j2"
    template.write_text(
        "{% for s in sections %}{{ s.id }}: {{ s.rows | length }}; {% endfor %}"
        "{{ (sections | first).charts | first }}",
        encoding="utf-8",
    )
    page = render_reports(three_reports(), "html", template)
    assert page.startswith("model: 1; project: 2; trend: 1; <svg ")  # the SVG, not escaped
    text = tmp_path / "mine.txt.j2"
    text.write_text("{{ sections }}", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        render_reports(three_reports(), "text", text)
    assert caught.value.message == (
        f"Unknown template variable at {text} line 1: 'sections' is undefined. Use the "
        "variables the built-in templates use."
    )


def hundred_reports() -> list[dict[str, Any]]:
    """100 reports, some of them with long names and ids, with and without places to break."""
    reports = list(many_reports(100))
    reports[0]["task"]["taskDescription"] = "x" * 300
    reports[0]["environment"]["country"] = "United Kingdom of Great Britain and Northern Ireland"
    reports[1]["header"]["reportId"] = "r" * 120
    reports[2]["header"]["publisher"]["projectName"] = "a-long-project-name-without-spaces-" * 4
    reports[3]["task"]["algorithms"][0]["algorithmName"] = "model_" * 40
    reports[4]["infrastructure"]["components"][0]["componentName"] = "cpu" * 60
    return reports


@needs_chromium
def test_a_hundred_reports_fit_1280_px_with_their_charts(tmp_path: Path) -> None:
    page = render_reports(hundred_reports(), "html")
    found = layout(tmp_path, page, 1280)
    assert found["viewport"] == 1280
    boxes = found["boxes"]
    assert isinstance(boxes, list) and len(boxes) == 1
    name, scroll_width, client_width, right = boxes[0]
    # the table fills its box (the window less the page's margins and its scroll bar) and
    # has nothing to scroll there
    assert (name, scroll_width) == ("listing", client_width)
    assert client_width > 1200 and right <= 1280
    assert isinstance(found["scroll"], int) and found["scroll"] <= 1280
    assert isinstance(found["right"], int) and found["right"] <= 1280
    file = tmp_path / "report.html"
    file.write_text(page, encoding="utf-8")
    shot = tmp_path / "report-1280.png"
    taken = chromium(
        tmp_path,
        f"--screenshot={shot}",
        "--window-size=1280,2000",
        "--hide-scrollbars",
        file.as_uri(),
    )
    assert taken.returncode == 0 and shot.exists()
    width, height, rows = png_rgb(shot)
    assert (width, height) == (1280, 2000)
    channels = len(rows[0]) // width
    # Okabe-Ito blue (models, energy per week), bluish green (projects), vermilion (emissions)
    for colour in ((0x00, 0x72, 0xB2), (0x00, 0x9E, 0x73), (0xD5, 0x5E, 0x00)):
        assert colour_count(rows, colour, channels) > 2000, colour


@needs_chromium
def test_at_390_px_the_table_scrolls_in_its_box_not_the_page(tmp_path: Path) -> None:
    found = layout(tmp_path, render_reports(hundred_reports(), "html"), 390)
    assert isinstance(found["right"], int) and found["right"] <= 390
    boxes = found["boxes"]
    assert isinstance(boxes, list) and len(boxes) == 1
    name, scroll_width, client_width, right = boxes[0]
    assert (name, client_width, right) == ("listing", 358, 374)
    assert scroll_width > client_width  # 45rem of table, scrolled inside its box
