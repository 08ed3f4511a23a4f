"""The dashboard: streamed aggregates, SVG charts, the page in real headless Chromium."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import stat
from pathlib import Path

import pytest
from browser_support import chromium, colour_count, needs_chromium, png_rgb, probe
from readings_data import many_reports
from test_render import example_reports

from boamps_carbon import InputError, dashboard
from boamps_carbon.cli import main
from boamps_carbon.readings import svg
from boamps_carbon.readings.dashboard import Sums, aggregate, top, trend
from boamps_carbon.readings.scales import fine_energy


def test_nice_ticks_and_scales() -> None:
    assert svg.nice_ticks(412) == [0.0, 100.0, 200.0, 300.0, 400.0, 500.0]
    assert svg.nice_ticks(2.4) == [0.0, 0.5, 1.0, 1.5, 2.0, 2.5]
    assert svg.nice_ticks(0.00031) == [0.0, 0.0001, 0.0002, 0.0003, 0.0004]
    assert svg.nice_ticks(0) == [0.0, 1.0]
    assert fine_energy(2.96e-11) == "29.6 nWh"
    assert fine_energy(0.0214) == "21.4 Wh"


def test_pareto_front() -> None:
    # (energy, accuracy): the second is beaten by the first (more energy, less accuracy)
    points = [(1.0, 0.90), (2.0, 0.85), (3.0, 0.95), (0.5, 0.80), (3.0, 0.94)]
    assert svg.pareto_front(points) == [True, False, True, True, False]


def test_top_fifteen_and_others() -> None:
    groups = {f"g{i:02d}": Sums(1, float(i)) for i in range(20)}
    shown = top(groups)
    assert [name for name, _ in shown] == [f"g{i:02d}" for i in range(19, 4, -1)] + ["others (5)"]
    assert shown[-1][1] == Sums(5, 0.0 + 1 + 2 + 3 + 4)


@pytest.mark.parametrize(
    ("span", "period", "count", "first"),
    [
        (10, "day", 10, "2026-01-01"),
        (200, "week", 29, "2026-W01"),
        (900, "month", 30, "2026-01"),
        (4000, "year", 11, "2026"),
    ],
)
def test_trend_period_follows_the_span(span: int, period: str, count: int, first: str) -> None:
    start = dt.date(2026, 1, 1)
    days = {start: Sums(1, 1.0), start + dt.timedelta(days=span - 1): Sums(2, 3.0)}
    chosen, buckets = trend(days)
    assert (chosen, len(buckets), buckets[0][0]) == (period, count, first)
    assert sum(s.runs for _, s in buckets) == 3  # empty periods shown, none lost


def test_aggregates_of_the_example() -> None:
    found = aggregate(example_reports())
    assert (found.totals.runs, round(found.totals.energy_kwh * 1000, 4)) == (3, 0.0535)
    html = dashboard(example_reports())
    for text in ("0.0535 Wh", "0.00300 g CO2e", "56.0 gCO2e/kWh", "9.02 s", "<b>3</b>runs"):
        assert text in html
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org", "")


def test_filters_and_their_errors() -> None:
    reports = list(many_reports(300))
    found = aggregate(reports, project="project-3", since="2026-03-01")
    expected = [
        r
        for r in reports
        if r["header"]["publisher"]["projectName"] == "project-3"
        and r["header"]["reportDatetime"] >= "2026-03-01"
    ]
    assert found.totals.runs == len(expected) > 0
    assert found.totals.energy_kwh == pytest.approx(
        sum(r["measures"][0]["powerConsumption"] for r in expected)
    )
    with pytest.raises(InputError) as caught:
        aggregate(reports, since="March")
    assert (
        caught.value.message
        == "Bad date at --since: 'March'. Write it YYYY-MM-DD, such as 2026-01-31."
    )
    with pytest.raises(InputError) as caught:
        dashboard(reports, project="nobody")
    assert caught.value.message == (
        "No report to show at selection: project='nobody', since=None. Check --project and "
        "--since against the reports."
    )


def test_hostile_text_is_escaped_everywhere() -> None:
    reports = list(many_reports(20))
    reports[0]["task"]["algorithms"][0]["algorithmName"] = '<script>alert("x")</script>&'
    reports[1]["header"]["publisher"]["projectName"] = "</svg><img src=x onerror=alert(1)>"
    html = dashboard(reports)
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;" in html  # SVG title
    assert "&lt;/svg&gt;&lt;img src=x onerror=alert(1)&gt;" in html


def test_the_page_does_not_grow_with_the_reports() -> None:
    small = dashboard(many_reports(200, days=120))
    large = dashboard(many_reports(20_000, days=120))
    assert len(large.encode()) < 1_000_000
    # same groups, same periods: the same marks, only the figures differ
    assert large.count("<rect") == small.count("<rect")
    assert abs(len(large) - len(small)) < 2_000


def test_cli_writes_the_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "runs.jsonl"
    reports = list(many_reports(50))
    del reports[7]["measures"]
    source.write_text("".join(json.dumps(r) + "\n" for r in reports), encoding="utf-8")
    out = tmp_path / "site" / "dash.html"
    code = main(["dashboard", str(source), "-o", str(out), "--project", "project-1"])
    _, err = capsys.readouterr()
    assert code == 1
    assert err.splitlines() == [
        f"skipped: {source}:8: invalid report: measures: required field is missing (expected an array)",
        f"wrote {out}",
    ]
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    code = main(["dashboard", str(source), "-o", "-", "--since", "2026-04-01"])
    printed, _ = capsys.readouterr()
    assert code == 1 and printed.startswith("<!DOCTYPE html>")
    assert '<p class="lead">15 runs, 2026-04-03 to 2026-04-26, since 2026-04-01.' in printed
    code = main(["dashboard", str(source), "-o", str(tmp_path / "x.html"), "--since", "2026-13-01"])
    _, err = capsys.readouterr()
    assert (code, err.splitlines()[-1]) == (
        2,
        "Error: Bad date at --since: '2026-13-01'. Write it YYYY-MM-DD, such as 2026-01-31.",
    )
    assert not (tmp_path / "x.html").exists()


@needs_chromium
@pytest.mark.parametrize("width", [1280, 390])
def test_page_in_chromium(tmp_path: Path, width: int) -> None:
    html = dashboard(many_reports(2000))
    page = tmp_path / "dashboard.html"
    page.write_text(html, encoding="utf-8")
    shot = tmp_path / f"dashboard-{width}.png"
    taken = chromium(
        tmp_path,
        f"--screenshot={shot}",
        f"--window-size={width},1400",
        "--hide-scrollbars",
        page.as_uri(),
    )
    assert taken.returncode == 0 and shot.exists()
    png_width, height, rows = png_rgb(shot)
    assert (png_width, height) == (width, 1400)
    channels = len(rows[0]) // width
    # the first charts' bars, in Okabe-Ito blue and orange, are drawn
    assert colour_count(rows, (0x00, 0x72, 0xB2), channels) > 500
    assert colour_count(rows, (0xE6, 0x9F, 0x00), channels) > 500
    checked = tmp_path / "probe.html"
    checked.write_text(probe(html, width), encoding="utf-8")
    dom = chromium(tmp_path, "--window-size=1400,900", "--dump-dom", checked.as_uri())
    right = re.search(r'data-right="(\d+)"', dom.stdout)
    assert right is not None, dom.stderr
    assert int(right.group(1)) <= width


def test_runs_without_a_readable_date_are_counted_and_said() -> None:
    reports = list(many_reports(10, days=5))
    reports[0]["header"]["reportDatetime"] = "yesterday"
    found = aggregate(reports)
    assert (found.totals.runs, found.undated, sum(s.runs for s in found.days.values())) == (
        10,
        1,
        9,
    )
    assert "; 1 run without a readable date is left out</p>" in dashboard(reports)
    reports[1]["header"]["reportDatetime"] = "2026-02-30 10:00:00"
    assert "; 2 runs without a readable date are left out</p>" in dashboard(reports)


def test_reading_memory_does_not_grow_with_the_reports() -> None:
    import tracemalloc

    from boamps_carbon import compare

    def peak(function, count: int) -> int:  # type: ignore[no-untyped-def]
        tracemalloc.start()
        function(many_reports(count, days=30))
        found = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return found

    for function in (aggregate, lambda source: compare(source, "task.algorithms[0].quantization")):
        peak(function, 50)  # caches (schemas, templates) filled once
        few, many = peak(function, 200), peak(function, 1200)
        # a report is read, added and dropped: 1,000 more reports, hardly more memory
        assert many - few < 200_000, (few, many)  # compare keeps 16 bytes a run


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="mknod needs root")
def test_a_device_given_as_output_is_written_into_never_replaced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "r.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in many_reports(2)), encoding="utf-8")
    full, null = tmp_path / "full", tmp_path / "null"
    os.mknod(full, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    assert main(["dashboard", str(source), "-o", str(full)]) == 2
    assert capsys.readouterr().err == (
        f"Error: Cannot write at {full}: No space left on device. "
        "Check that the path names a file in a folder you can write to.\n"
    )
    assert main(["dashboard", str(source), "-o", str(null)]) == 0
    assert stat.S_ISCHR(full.stat().st_mode) and stat.S_ISCHR(null.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["full", "null", "r.jsonl"]
