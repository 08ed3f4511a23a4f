"""Energy shown with its band in renderings, statements and the dashboard, and reports grouped
by rating (`summary --by rating`, a store's rating column, the service, the dashboard's
totals): on recorded machines that carry each measuring method, the example (cpuLoad) and a
live CodeCarbon tracker."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES
from test_enrich import CONTEXT, snap

from boamps_carbon import Store
from boamps_carbon.cli import main
from boamps_carbon.collect import build_report
from boamps_carbon.readings.dashboard import dashboard
from boamps_carbon.render import units
from boamps_carbon.render.pages import render_reports
from boamps_carbon.render.statement import statement
from boamps_carbon.render.summary import summarise
from boamps_carbon.trust.bands import method_table, uncertainty
from boamps_carbon.trust.rating import rate
from tests.store_support import store_url

# (recorded machine, measures layout): the energy line of `render --format text`, the rating
RECORDED = [
    ("linux-2x-v100s-rapl-codecarbon-2.8", "total", "0.478 Wh, -33%/+47%, in 3.51 s", "silver"),
    ("linux-2x-v100s-rapl-codecarbon-2.8", "components", "0.478 Wh, -23%/+22%, in 3.51 s", "gold"),
    (
        "linux-4x-mi250x-fallback-location-codecarbon-3.3",
        "total",
        "0.478 Wh, -47%/+105%, in 3.51 s",
        "bronze",
    ),
    ("linux-unknown-cpu-mode", "total", "0.478 Wh, -60%/+150%, in 3.51 s", "bronze"),
    (
        "macos-m1-powermetrics-codecarbon-3.3",
        "total",
        "0.000359 Wh, -37%/+53%, in 3.68 s",
        "bronze",
    ),
    ("windows-11-emi-codecarbon-3.3", "components", "1.44 Wh, -23%/+31%, in 40.0 s", "silver"),
]


def recorded(name: str, measures: str) -> dict[str, Any]:
    report, _ = build_report(snap(name), CONTEXT, measures=measures)
    # the recorded machines share run ids: one id per machine and layout, for a store
    report["header"]["reportId"] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{name}/{measures}"))
    return report


def example() -> dict[str, Any]:
    return json.loads((EXAMPLES / "report.json").read_text(encoding="utf-8"))


def energy_line(report: dict[str, Any]) -> str:
    text = render_reports([report], "text")
    return next(line for line in text.splitlines() if line.startswith("  Energy:"))[14:]


@pytest.mark.parametrize(("name", "measures", "line", "rating"), RECORDED)
def test_recorded_machines_show_their_band(
    name: str, measures: str, line: str, rating: str
) -> None:
    report = recorded(name, measures)
    assert energy_line(report).split(" (mean")[0] == line
    assert line.split(", in")[0].endswith(uncertainty(report).text)  # the one band
    assert rate(report).rating == rating


def variant(**measure: Any) -> dict[str, Any]:
    report = example()
    report["measures"][0].update(measure)
    return report


@pytest.mark.parametrize(
    ("report", "line", "rating", "reliability"),
    [
        (example(), "0.412 Wh, -40%/+150%, in 1.02 min (mean 24.2 W)", "bronze", 5),  # cpuLoad
        (
            variant(measurementMethod="wattmeter", powerCalibrationMeasurement=0.0001),
            "0.412 Wh, -5%/+5%, in 1.02 min (mean 24.2 W)",
            "gold",
            1,
        ),
        (
            variant(gpuTrackingMode="nvmlPower", cpuEnergy=0.0001, gpuEnergy=0.0003, ramEnergy=0),
            # CPU cpuLoad (-10%/+200%) a quarter, GPU nvmlPower (-10%/+40%) three quarters
            "0.412 Wh, -20%/+80%, in 1.02 min (mean 24.2 W)",
            "bronze",
            4,
        ),
    ],
    ids=["cpuLoad", "wattmeter", "nvmlPower"],
)
def test_other_methods_show_their_band(
    report: dict[str, Any], line: str, rating: str, reliability: int
) -> None:
    assert energy_line(report) == line
    rated = rate(report)
    assert (rated.rating, rated.indicators[0].name, rated.indicators[0].score) == (
        rating,
        "reliability",
        reliability,
    )


def test_markdown_html_and_statements_show_the_band() -> None:
    reports = [recorded(name, measures) for name, measures, _, _ in RECORDED]
    energies = [sum(m["powerConsumption"] for m in r["measures"]) for r in reports]
    bands = [uncertainty(r) for r in reports]
    low = sum(e * b.low for e, b in zip(energies, bands, strict=True)) / sum(energies)
    high = sum(e * b.high for e, b in zip(energies, bands, strict=True)) / sum(energies)
    assert (round(low * 100), round(high * 100)) == (-33, 59)  # each weighed by its energy
    total = f"{units.energy(sum(energies))}, -33%/+59%"
    assert total == "3.36 Wh, -33%/+59%"
    assert (
        render_reports(reports, "text")
        .splitlines()[-1]
        .startswith(f"All 6 reports: {total}, in 57.7 s")
    )
    markdown = render_reports(reports, "markdown")
    assert "| 0.478 Wh, -23%/+22% | 3.51 s |" in markdown
    assert f"**Total:** 6 reports, {total}, in 57.7 s" in markdown
    html = render_reports(reports, "html")
    assert f"<b>{total}</b>energy" in html
    assert '<td class="num">1.44 Wh, -23%/+31%</td>' in html
    assert statement(reports).startswith(
        "The computations reported here (6 runs, 57.7 s in total) consumed 3.36 Wh of "
        "electricity (-33%/+59% at 95% confidence, from the measuring methods), as measured "
    )
    assert "consumed 3.36 Wh of electricity (-33\\%/+59\\% at 95\\% confidence" in statement(
        reports, fmt="latex"
    )


def test_the_dashboard_shows_the_band_and_the_rating_spread() -> None:
    reports = [recorded(name, measures) for name, measures, _, _ in RECORDED]
    page = dashboard(reports)
    assert (
        '<div class="figure"><b>3.36 Wh, -33%/+59%</b>energy<small>and its 95% band, from how '
        "it was measured</small></div>"
    ) in page
    assert (
        '<div class="figure"><b>6</b>runs<small>rated 1 gold, 2 silver, 3 bronze</small></div>'
    ) in page


def test_a_live_tracker_shows_its_band() -> None:
    from test_collect import CPU_METHODS, busy, cpu_mode, new_tracker

    import boamps_carbon

    tracker = new_tracker()
    tracker.start()
    busy(0.3)
    report = boamps_carbon.generate_report(tracker, CONTEXT).to_dict()
    cpu = method_table()[CPU_METHODS[cpu_mode(tracker)]]
    low, high = round(((cpu.low - 0.5) / 2 - 0.1) * 100), round((cpu.high + 1.0) / 2 * 100)
    energy = sum(m["powerConsumption"] for m in report["measures"])
    assert energy_line(report).startswith(f"{units.energy(energy)}, -{-low}%/+{high}%, in ")


def test_summary_by_rating_from_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    reports = [recorded(name, measures) for name, measures, _, _ in RECORDED]
    rows = summarise(reports, "rating")
    assert [(r["group"], r["runs"]) for r in rows] == [("silver", 2), ("gold", 1), ("bronze", 3)]
    path = tmp_path / "reports.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in reports), encoding="utf-8")
    assert main(["summary", str(path), "--by", "rating", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(",")[:2] for line in lines] == [
        ["group", "runs"],
        ["silver", "2"],
        ["gold", "1"],
        ["bronze", "3"],
        ["(total)", "6"],
    ]


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_a_store_keeps_the_rating_and_sums_by_it(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reports = [recorded(name, measures) for name, measures, _, _ in RECORDED]
    url = store_url(kind, tmp_path)
    with Store(url) as store:
        store.add(reports)
        assert [item.columns["rating"] for item in store.query()] == [
            rating for _, _, _, rating in RECORDED
        ]
        assert store.summary("rating") == summarise(reports, "rating")
    assert main(["summary", "--db", url, "--by", "rating", "--format", "csv"]) == 0
    assert [line.split(",")[:2] for line in capsys.readouterr().out.splitlines()][1:4] == [
        ["silver", "2"],
        ["gold", "1"],
        ["bronze", "3"],
    ]


def test_the_service_sums_by_rating(tmp_path: Path) -> None:
    from tests.service_support import serving

    reports = [recorded(name, measures) for name, measures, _, _ in RECORDED]
    url = f"sqlite:///{tmp_path / 'reports.db'}"
    with Store(url) as store:
        store.add(reports)
        secret = store.create_token("reader", read_only=True)
    with serving(url, tmp_path / "server.log") as server, server.client(secret) as client:
        answer = client.get("/summary", params={"by": "rating"})
    assert answer.status_code == 200
    assert [(g["group"], g["runs"]) for g in answer.json()["groups"]] == [
        ("silver", 2),
        ("gold", 1),
        ("bronze", 3),
    ]
