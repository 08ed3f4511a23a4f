"""Operating system facts: `os`, `distribution`, `distributionVersion`.

Read from what the machine says about itself (/etc/os-release, macOS and Windows versions),
captured once in a snapshot so that other machines can be tested from recorded data."""

from __future__ import annotations

import platform
from pathlib import Path
from typing import Any

OS_NAMES = {"linux": "linux", "darwin": "macos", "windows": "windows", "freebsd": "freebsd"}
OS_RELEASE_FILES = ("/etc/os-release", "/usr/lib/os-release")


def capture() -> dict[str, Any]:
    """This machine's platform facts, as plain data."""
    os_release = ""
    for name in OS_RELEASE_FILES:
        try:
            os_release = Path(name).read_text(encoding="utf-8", errors="replace")
            break
        except OSError:
            continue
    return {
        "cpu_vendor": _cpu_vendor(),
        "system": platform.system(),
        "release": platform.release(),
        "os_release": os_release,
        "mac_ver": platform.mac_ver()[0],
        "win_ver": list(platform.win32_ver()[:2]),
    }


def _cpu_vendor() -> str:
    """The processor's vendor string, cheaply: /proc/cpuinfo on Linux, else what Python says
    (Windows names the vendor there). py-cpuinfo would take a second; CodeCarbon already used
    it for the model name."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as handle:
            for line in handle:
                key, _, value = line.partition(":")
                if key.strip() in ("vendor_id", "CPU implementer"):
                    return value.strip()
    except OSError:
        pass
    return platform.processor()


def parse_os_release(text: str) -> dict[str, str]:
    values = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip() and not key.lstrip().startswith("#"):
            values[key.strip()] = value.strip().strip("\"'")
    return values


def os_facts(facts: dict[str, Any]) -> dict[str, str]:
    """The BoAmps `system` object for captured platform facts; only what is known."""
    system = str(facts.get("system") or "").lower()
    result = {"os": OS_NAMES.get(system, system)} if system else {}
    if system == "linux":
        release = parse_os_release(str(facts.get("os_release") or ""))
        if release.get("ID"):
            result["distribution"] = release["ID"]
        if release.get("VERSION_ID"):
            result["distributionVersion"] = release["VERSION_ID"]
    elif system == "darwin" and facts.get("mac_ver"):
        result.update(distribution="macos", distributionVersion=str(facts["mac_ver"]))
    elif system == "windows":
        name, version = [*list(facts.get("win_ver") or []), "", ""][:2]
        if name:
            result["distribution"] = f"windows {str(name).lower()}"
        if version:
            result["distributionVersion"] = str(version)
    return result
