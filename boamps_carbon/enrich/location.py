"""Where the machine is, looked up online: only when asked, with a short timeout, cached.

Never invented: a failed lookup gives nothing, and the report says nothing of the place."""

from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path
from typing import Any

log = logging.getLogger("boamps_carbon")

# answers {"status": "success", "country": ..., "regionName": ..., "city": ..., "lat", "lon"}
DEFAULT_URL = "http://ip-api.com/json/"
TIMEOUT_SECONDS = 2.0
CACHE_SECONDS = 24 * 3600


def cache_file() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "boamps_carbon" / "location.json"


def locate(
    url: str | None = None, *, cache: Path | None = None, timeout: float = TIMEOUT_SECONDS
) -> dict[str, Any]:
    """BoAmps `environment` fields for this machine, or {} when the lookup fails."""
    url = url or os.environ.get("BOAMPS_GEOLOCATION_URL") or DEFAULT_URL
    cache = cache or cache_file()
    cached = _read_cache(cache, url)
    if cached is not None:
        return cached
    try:
        import requests

        answer = requests.get(url, timeout=timeout).json()
    except Exception as exc:  # offline, refused, not JSON: the place stays unknown
        log.warning("boamps location lookup failed (%s): location left out", exc)
        return {}
    found = _environment(answer)
    if found:
        _write_cache(cache, url, found)
    return found


def _environment(answer: Any) -> dict[str, Any]:
    if not isinstance(answer, dict) or answer.get("status", "success") != "success":
        return {}
    found: dict[str, Any] = {}
    if isinstance(answer.get("country"), str) and answer["country"]:
        found["country"] = answer["country"]
    for ours, theirs in (("latitude", "lat"), ("longitude", "lon")):
        if isinstance(answer.get(theirs), (int, float)) and not isinstance(answer[theirs], bool):
            found[ours] = answer[theirs]
    place = ", ".join(
        p for p in (answer.get("city"), answer.get("regionName")) if isinstance(p, str) and p
    )
    if place:
        found["location"] = place
    return found if "country" in found else {}


def _read_cache(cache: Path, url: str) -> dict[str, Any] | None:
    try:
        data = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    fresh = time.time() - float(data.get("at", 0)) < CACHE_SECONDS
    return data.get("environment") if fresh and data.get("url") == url else None


def _write_cache(cache: Path, url: str, environment: dict[str, Any]) -> None:
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(
            json.dumps({"url": url, "at": time.time(), "environment": environment}),
            encoding="utf-8",
        )
    except OSError:
        log.debug("location cache not written")  # a cache is a convenience, not a need
