"""`render --format html` and `render --template` show their totals before the reports: the
reports are spooled to disk, not held in memory, and a user's template still leaves no partial
output when it fails."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path

import pytest
from test_streaming import _peak, _Sink, jsonl, three_reports

from boamps_carbon.cli import main
from boamps_carbon.cli.reading import valid_reports
from boamps_carbon.render.figures import figures
from boamps_carbon.render.pages import SpooledItems, write_reports

TWICE = (
    "{{ t.runs }} runs, {{ items | length }} items\n"
    "{% for item in items %}{{ item.f.report_id }} {% endfor %}\n"
    "{% for item in items %}{{ item.report.header.reportId }} {% endfor %}\n"
    "{{ (items | first).f.report_id }} {{ t.energy_kwh | energy }}\n"
)


def many(path: Path, count: int) -> Path:
    base = three_reports()[1]
    return jsonl(
        path,
        (
            {**copy.deepcopy(base), "header": {**base["header"], "reportId": f"r{i}"}}
            for i in range(count)
        ),
    )


def test_html_and_templates_keep_memory_flat(tmp_path: Path) -> None:
    small, large = many(tmp_path / "small.jsonl", 50), many(tmp_path / "large.jsonl", 500)
    template = tmp_path / "mine.txt.j2"
    template.write_text(TWICE, encoding="utf-8")
    work = {
        "html": lambda p: write_reports(valid_reports([str(p)], "1.1"), _Sink(), "html"),
        "template": lambda p: write_reports(
            valid_reports([str(p)], "1.1"), _Sink(), "text", template
        ),
        "html template": lambda p: write_reports(
            valid_reports([str(p)], "1.1"), _Sink(), "html", template
        ),
    }
    for name, function in work.items():
        few = _peak(lambda f=function: f(small))  # type: ignore[misc]
        lots = _peak(lambda f=function: f(large))  # type: ignore[misc]
        # ten times the reports, the same memory (holding 450 more would take megabytes)
        assert lots < few * 1.2 + 100_000, (name, few, lots)


def test_a_template_may_read_the_items_twice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = jsonl(tmp_path / "three.jsonl", three_reports())
    template = tmp_path / "twice.txt.j2"
    template.write_text(TWICE, encoding="utf-8")
    assert main(["render", "--template", str(template), str(source)]) == 0
    assert capsys.readouterr() == (
        "3 runs, 3 items\nr0 r1 r2 \nr0 r1 r2 \nr0 7.00 Wh\n",
        "",
    )


def test_a_failing_template_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = jsonl(tmp_path / "three.jsonl", three_reports())
    template = tmp_path / "late.txt.j2"
    template.write_text(
        "{% for item in items %}{{ item.f.report_id }}\n{% endfor %}{{ 1 / 0 }}\n",
        encoding="utf-8",
    )
    assert main(["render", "--template", str(template), str(source)]) == 2
    assert capsys.readouterr() == (
        "",
        f"Error: Template failed at {template} line 2: ZeroDivisionError: division by zero. "
        "Fix the template.\n",
    )


def test_spooled_items_are_the_reports_and_their_figures_then_go(tmp_path: Path) -> None:
    reports = three_reports()
    with SpooledItems(reports) as items:
        assert len(items) == 3
        assert [item["report"] for item in items] == reports
        assert [item["f"] for item in items] == [figures(r) for r in reports]
        assert items.totals.runs == 3
        folder = Path(items._folder.name)
        assert folder.is_dir()
    assert not folder.exists()


def test_the_html_page_is_the_one_of_reading_every_report_first() -> None:
    reports = three_reports()
    out = io.StringIO()
    write_reports(iter(reports), out, "html")
    page = out.getvalue()
    # the table of reports, after the charts' data tables
    assert page[page.index('<div class="listing">') :].count("<tr>") == 1 + 3
    assert "<title>BoAmps reports: 7.00 Wh</title>" in page
    assert "Energy of 3 AI tasks" in page
    assert json.dumps(reports[0]["header"]["reportId"])[1:-1] in page
