"""The HTML page as a browser shows it: headless Chromium renders it, without network."""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from test_render import example_reports

from boamps_carbon.render.pages import render_reports

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium is not installed (Debian package chromium; .ci/run installs it)",
)


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    return subprocess.run(
        [CHROMIUM, *flags, *args], capture_output=True, text=True, timeout=120, check=False
    )


def png_pixels(path: Path) -> tuple[int, int, bytes]:
    """Width, height and the raw (filtered) scanlines of a PNG, with the standard library."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, width, height, chunks = 8, 0, 0, []
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        body = data[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            chunks.append(body)
        position += 12 + length
    return width, height, zlib.decompress(b"".join(chunks))


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
    width, height, pixels = png_pixels(shot)
    assert (width, height) == (1200, 800)
    # a blank page is one colour; text, boxes and the table make many
    assert len(set(pixels[::7])) > 20


@needs_chromium
def test_script_in_a_report_is_shown_not_run(tmp_path: Path) -> None:
    reports = example_reports()
    reports[0]["task"]["taskDescription"] = '<script>document.title="pwned"</script>'
    page = tmp_path / "report.html"
    page.write_text(render_reports(reports, "html"), encoding="utf-8")
    dom = chromium(tmp_path, "--dump-dom", page.as_uri())
    assert "pwned</title>" not in dom.stdout
    assert "&lt;script&gt;document.title" in dom.stdout
