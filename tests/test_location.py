"""The opt-in online location lookup, against a server of ours on the loopback address."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from test_enrich import CONTEXT, snap

from boamps_carbon.collect import build_report
from boamps_carbon.enrich.location import locate

ANSWER = {
    "status": "success",
    "country": "France",
    "regionName": "Île-de-France",
    "city": "Paris",
    "lat": 48.8566,
    "lon": 2.3522,
    "countryCode": "FR",
}


class Service(BaseHTTPRequestHandler):
    # cleared: every answer is held back until the test is over (a minute at most)
    answering = threading.Event()
    calls = 0

    def do_GET(self) -> None:
        type(self).calls += 1
        self.answering.wait(60)
        body = json.dumps(ANSWER).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def service() -> Iterator[str]:
    Service.calls = 0
    Service.answering.set()
    server = HTTPServer(("127.0.0.1", 0), Service)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/json"
    Service.answering.set()
    server.shutdown()
    server.server_close()


def test_lookup_then_cache(service: str, tmp_path: Path) -> None:
    cache = tmp_path / "location.json"
    expected = {
        "country": "France",
        "latitude": 48.8566,
        "longitude": 2.3522,
        "location": "Paris, Île-de-France",
    }
    assert locate(service, cache=cache) == expected
    assert locate(service, cache=cache) == expected
    assert Service.calls == 1


def test_slow_service_gives_nothing_within_the_timeout(service: str, tmp_path: Path) -> None:
    """The answer would come after a minute: the lookup gives up long before. (The bound
    counts the import of requests too: 1.2 s for a timeout of 0.3 s failed under load.)"""
    Service.answering.clear()
    start = time.perf_counter()
    assert locate(service, cache=tmp_path / "c.json", timeout=0.3) == {}
    assert time.perf_counter() - start < 30


def test_no_service_gives_nothing(tmp_path: Path) -> None:
    assert locate("http://127.0.0.1:9/json", cache=tmp_path / "c.json", timeout=0.5) == {}
    assert not (tmp_path / "c.json").exists()


def test_lookup_replaces_the_canada_fallback(
    service: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    report, notes = build_report(
        snap("linux-4x-mi250x-fallback-location-codecarbon-3.3"), CONTEXT, locate=service
    )
    assert report["environment"] == {
        "country": "France",
        "latitude": 48.8566,
        "longitude": 2.3522,
        "location": "Paris, Île-de-France",
    }
    assert notes[0].startswith("environment left out: CodeCarbon answered Canada")


def test_lookup_details_but_never_contradicts_the_tracker(
    service: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    windows = snap("windows-11-emi-codecarbon-3.3")  # the tracker says Argentina
    report, _ = build_report(windows, CONTEXT, locate=service)
    assert report["environment"] == {"country": "Argentina", "powerSourceCarbonIntensity": 354.103}
    windows["emissions"]["country_name"] = "France"
    report, _ = build_report(windows, CONTEXT, locate=service)
    assert report["environment"]["location"] == "Paris, Île-de-France"
    assert report["environment"]["latitude"] == 48.8566
