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


# what CodeCarbon writes as cpu_model when it knows none
NO_CPU_MODEL = {"", "unknown"}


def has_cpu_model(name: Any) -> bool:
    return str(name or "").strip().lower() not in NO_CPU_MODEL


def describe_cpu() -> str:
    """This machine's CPU as py-cpuinfo sees it (see `cpu_description`); "" when it cannot
    tell. About a second (py-cpuinfo probes in a child process): asked for only when CodeCarbon
    gave no model name, and imported here so that no command pays for it at start-up."""
    try:
        import cpuinfo

        info = cpuinfo.get_cpu_info()
    except Exception:  # another package probing the hardware: any failure means unknown
        return ""
    return cpu_description(info if isinstance(info, dict) else {})


def cpu_description(info: dict[str, Any]) -> str:
    """A CPU's name from py-cpuinfo's facts: its brand string, else its vendor, family, model
    and stepping, as the processor reports them ("AuthenticAMD family 25 model 17 stepping 1");
    the vendor then gives the manufacturer (schemas/tables/cpu-vendors.csv)."""
    brand = str(info.get("brand_raw") or "").strip()
    if has_cpu_model(brand):
        return brand
    parts = [str(info.get("vendor_id_raw") or "").strip()]
    parts += [
        f"{key} {info[key]}"
        for key in ("family", "model", "stepping")
        if isinstance(info.get(key), int) and not isinstance(info.get(key), bool)
    ]
    return " ".join(part for part in parts if part) if len(parts) > 1 else ""


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
