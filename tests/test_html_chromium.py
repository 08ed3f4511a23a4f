"""The HTML page as a browser shows it: headless Chromium renders it, without network."""

from __future__ import annotations

from pathlib import Path

from browser_support import chromium, needs_chromium, png_rgb
from test_render import example_reports

from boamps_carbon.render.pages import render_reports


@needs_chromium
def test_page_renders_the_figures(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(render_reports(example_reports(), "html"), encoding="utf-8")
    dom = chromium(tmp_path, "--dump-dom", page.as_uri())
    assert dom.returncode == 0
    for figure in (
        "0.0535 Wh",
        "9.02 s",
        "0.00300 g CO2e",
        "56.0 gCO2e/kWh",
        "96f75a4f-a769-47bb-86cf-6130539c8123",
        "AMD EPYC (2 logical CPUs)",
    ):
        assert figure in dom.stdout
    shot = tmp_path / "page.png"
    taken = chromium(
        tmp_path,
        f"--screenshot={shot}",
        "--window-size=1200,800",
        "--hide-scrollbars",
        page.as_uri(),
    )
    assert taken.returncode == 0 and shot.exists()
    width, height, rows = png_rgb(shot)
    assert (width, height) == (1200, 800)
    channels = len(rows[0]) // width
    # a blank page is one colour; text, boxes, charts and the table make many
    assert len({row[i : i + 3] for row in rows for i in range(0, len(row), channels * 7)}) > 20


@needs_chromium
def test_script_in_a_report_is_shown_not_run(tmp_path: Path) -> None:
    reports = example_reports()
    reports[0]["task"]["taskDescription"] = '<script>document.title="pwned"</script>'
    page = tmp_path / "report.html"
    page.write_text(render_reports(reports, "html"), encoding="utf-8")
    dom = chromium(tmp_path, "--dump-dom", page.as_uri())
    assert "pwned</title>" not in dom.stdout
    assert "&lt;script&gt;document.title" in dom.stdout
