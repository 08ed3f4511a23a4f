"""CarbonTracker's logs: per run, `<id>_carbontracker_output.log` (what it printed) and
`<id>_carbontracker.log` (its main log), in its `log_dir`.

A run's report comes from the *actual* consumption blocks of the output log, never from the
predicted one (a forecast). Its energies include the PUE the main log states (1.58 in 2.x),
kept as measured. The main log adds the PUE, the components found, each epoch's duration and
each component's average power per epoch (columns a field table may read)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from ..errors import InputError
from .codecarbon_csv import Record

OUTPUT_SUFFIX = "_carbontracker_output.log"
MAIN_SUFFIX = "_carbontracker.log"

COLUMNS = [
    "end_time",
    "duration_s",
    "energy_kwh",
    "co2eq_g",
    "epochs",
    "pue",
    "carbon_intensity",
    "carbontracker_version",
    "cpu_devices",
    "cpu_count",
    "gpu_devices",
    "gpu_count",
    "epoch_durations_s",
    "cpu_power_w",
    "gpu_power_w",
]

_STAMP = r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)"
# "<stamp> - CarbonTracker: " on its own line, then the block's title and tab-indented values
_ACTUAL = re.compile(
    _STAMP + r" - CarbonTracker: *\n"
    r"Actual consumption(?: for (\d+) epoch\(s\))?:\n"
    r"\tTime:\t(-?\d+):(\d\d):(\d\d(?:\.\d+)?)\n"
    r"\tEnergy:\t(\S+) kWh\n"
    r"\tCO2eq:\t(\S+) g\n"
)
_PUE = re.compile(r"PUE coefficient of (\d+(?:\.\d+)?)")
_VERSION = re.compile(r" - carbontracker version (\S+)")
_FOUND = re.compile(r"The following components were found: (.*)")
_COMPONENT = re.compile(r"(\w+) with device\(s\) (.*?)\.(?= \w+ with device\(s\) |\s*$)")
_DURATION = re.compile(r" - Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)")
_POWER = re.compile(r" - Average power usage \(W\) for (\w+): \[?([0-9.]+|None)\]?")
_INTENSITY = re.compile(r"Average carbon intensity during training was (\d+(?:\.\d+)?) gCO2eq/kWh")


def looks_like(name: str, head: str) -> bool:
    if name.endswith((OUTPUT_SUFFIX, MAIN_SUFFIX)):
        return True
    return " - CarbonTracker: " in head or " - carbontracker version " in head


def run_of(name: str) -> str | None:
    """The run's id (the files' shared prefix), for a file of a run."""
    for suffix in (OUTPUT_SUFFIX, MAIN_SUFFIX):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return None


def read(text: IO[str], label: str) -> tuple[list[str], Iterator[Record]]:
    prefix = run_of(label)
    if label.endswith(MAIN_SUFFIX) and prefix is not None:
        main = text.read()
        output = _sibling(prefix + OUTPUT_SUFFIX, label, required=True)
    else:
        output = text.read()
        main = _sibling(prefix + MAIN_SUFFIX, label) if prefix else ""
    return COLUMNS, _records(output, main)


def _sibling(name: str, label: str, required: bool = False) -> str:
    try:
        return Path(name).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        if not required:
            return ""  # the output log alone gives energy, time and start
        raise InputError(
            "CarbonTracker's output log is missing",
            label,
            f"{name}: {exc.strerror or exc}",
            "Its actual consumption is there: keep the run's files together.",
        ) from None


def _seconds(hours: str, minutes: str, seconds: str) -> float:
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def _number(text: str) -> str:
    return f"{float(text):g}" if text else ""


def _records(output: str, main: str) -> Iterator[Record]:
    facts = _main_facts(main)
    line, counted = 1, 0
    for row, match in enumerate(_ACTUAL.finditer(output), start=1):
        line += output.count("\n", counted, match.start())  # from the last block on: linear
        counted = match.start()
        duration = _seconds(match[3], match[4], match[5])
        values = {
            **facts,
            "end_time": match[1],
            "duration_s": f"{duration:g}",
            "energy_kwh": match[6],
            "co2eq_g": match[7],
            "epochs": match[2] or "",
        }
        yield Record(row, line, [values.get(column, "") for column in COLUMNS])


def _main_facts(main: str) -> dict[str, str]:
    facts: dict[str, str] = {}
    for pattern, column in ((_PUE, "pue"), (_VERSION, "carbontracker_version")):
        found = pattern.search(main)
        if found:
            facts[column] = found[1]
    intensities = _INTENSITY.findall(main)
    if intensities:
        facts["carbon_intensity"] = _number(intensities[-1])
    components = _FOUND.search(main)
    for kind, devices in _COMPONENT.findall(components[1] if components else ""):
        names = [name.strip() for name in devices.split(", ") if name.strip()]
        key = kind.lower()
        if key in ("cpu", "gpu"):
            # one name when every device has it; else the names as listed
            facts[f"{key}_devices"] = names[0] if len(set(names)) == 1 else ", ".join(names)
            facts[f"{key}_count"] = str(len(names))
    durations = [f"{_seconds(*d):g}" for d in _DURATION.findall(main)]
    facts["epoch_durations_s"] = " ".join(durations)
    powers: dict[str, list[str]] = {}
    for component, watts in _POWER.findall(main):
        powers.setdefault(component.lower(), []).append(watts)
    for component in ("cpu", "gpu"):
        facts[f"{component}_power_w"] = " ".join(powers.get(component, []))
    return facts
