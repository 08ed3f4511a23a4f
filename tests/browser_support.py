"""Pages as a browser shows them: headless Chromium (offline, its profile in the test's
folder), its screenshots read back as pixels, and the layout measured in the DOM."""

from __future__ import annotations

import html
import json
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

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


def png_rgb(path: Path) -> tuple[int, int, list[bytes]]:
    """Width, height and the unfiltered RGB(A) rows of an 8-bit PNG, by the specification."""
    data = path.read_bytes()
    position, chunks = 8, []
    width = height = channels = 0
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        body = data[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8
            channels = {2: 3, 6: 4}[colour]
        elif kind == b"IDAT":
            chunks.append(body)
        position += 12 + length
    raw = zlib.decompress(b"".join(chunks))
    stride, rows, previous = width * channels, [], bytearray(width * channels)
    for y in range(height):
        kind, line = (
            raw[y * (stride + 1)],
            bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)]),
        )
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b, c = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, rows


def colour_count(rows: list[bytes], rgb: tuple[int, int, int], channels: int) -> int:
    wanted = bytes(rgb)
    return sum(1 for row in rows for i in range(0, len(row), channels) if row[i : i + 3] == wanted)


def probe(page: str, width: int) -> str:
    """The page at `width` px with a script (in this copy only) that writes the rightmost
    edge of any element into the DOM."""
    return page.replace("</head>", f"<style>html{{width:{width}px}}</style></head>").replace(
        "</body>",
        "<script>document.body.setAttribute('data-right', Math.ceil(Math.max(...Array.from("
        "document.querySelectorAll('body *'), e => e.getBoundingClientRect().right))))"
        "</script></body>",
    )


# Chromium's headless window is never narrower than this: a narrower page is laid out by
# giving its root element the width (the way test_dashboard's probe does)
NARROWEST_WINDOW = 500

_LAYOUT = (
    "<script>(() => {"
    "const all = Array.from(document.querySelectorAll('body *'));"
    "const boxes = all.filter(e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX));"
    "const outside = all.filter(e => !boxes.some(b => b !== e && b.contains(e)));"
    "document.body.setAttribute('data-layout', JSON.stringify({"
    "viewport: window.innerWidth,"
    "scroll: document.documentElement.scrollWidth,"
    "right: Math.ceil(Math.max(...outside.map(e => e.getBoundingClientRect().right))),"
    "boxes: boxes.map(b => [b.className, b.scrollWidth, b.clientWidth,"
    " Math.ceil(b.getBoundingClientRect().right)])}));"
    "})()</script>"
)


def layout(tmp_path: Path, page: str, width: int) -> dict[str, object]:
    """How `page` lays out `width` px wide, measured by a script in a copy of it: `viewport`
    (the window's width), `scroll` (document.documentElement.scrollWidth: more than the
    window is a page that scrolls sideways), `right` (the rightmost edge of any element but
    those inside a box that scrolls on its own), and `boxes`: each such box's class,
    scrollWidth, clientWidth and right edge."""
    measured = page.replace("</body>", _LAYOUT + "</body>")
    if width < NARROWEST_WINDOW:
        measured = measured.replace("</head>", f"<style>html{{width:{width}px}}</style></head>")
    copy = tmp_path / f"layout-{width}.html"
    copy.write_text(measured, encoding="utf-8")
    dom = chromium(
        tmp_path, f"--window-size={max(width, NARROWEST_WINDOW)},900", "--dump-dom", copy.as_uri()
    )
    found = re.search(r'data-layout="([^"]*)"', dom.stdout)
    assert found is not None, dom.stderr
    return dict(json.loads(html.unescape(found.group(1))))
