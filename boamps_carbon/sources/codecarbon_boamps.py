"""The BoAmps reports CodeCarbon 3.3 writes itself (`boamps_report_<run_id>.json`).

Its exporter gets some facts wrong (field notes, section 5). What the report holds the facts
for is fixed, each fix a warning naming the field; what it does not is named, never guessed:
- `measurementDateTime` is the end of the run: the start is that minus `measurementDuration`;
- `formatVersion` is "0.1", no BoAmps version: the version being written replaces it;
- `system.os` is the raw platform string: read through the same pattern table as CSVs;
- the CPU's `nbComponent` is half the logical CPU count, wrong on machines without SMT, and
  the report does not hold the true count.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import IO, Any

from ..fieldmap.lookup import lookup_table
from ..fieldmap.parsing import RowError, parse_timestamp, to_second
from .codecarbon_csv import Record

EXPORTER_VERSION = "0.1"  # what CodeCarbon's exporter writes as formatVersion
NAME = re.compile(r"boamps_report_[^/\\]*\.json$")


def looks_like(name: str, head: str) -> bool:
    start = head.lstrip()
    exporter = '"formatVersion": "0.1"' in start and '"measurementMethod"' in start
    return start.startswith("{") and (NAME.search(name) is not None or exporter)


def read(text: IO[str], label: str) -> tuple[list[str], Iterator[Record]]:
    return ["report"], iter([Record(1, 1, [text.read()])])


def build(values: list[str]) -> tuple[dict[str, Any], list[str]]:
    """The report a file holds, fixed where it can be, and the warnings that say so."""
    try:
        report = json.loads(values[0])
    except ValueError as exc:
        raise RowError("bad-value", actual=f"the file is not JSON: {exc}") from None
    if not isinstance(report, dict):
        raise RowError(
            "bad-value", actual=f"the file holds a JSON {type(report).__name__}, not a report"
        )
    notes: list[str] = []
    header = report.get("header")
    version = header.pop("formatVersion", None) if isinstance(header, dict) else None
    if version != EXPORTER_VERSION:
        if version is not None:
            header["formatVersion"] = version  # type: ignore[index]
        return report, notes  # not the exporter's doing: nothing to fix
    notes.append(
        f"header.formatVersion: {EXPORTER_VERSION!r} (CodeCarbon's exporter) is no BoAmps "
        "version: the version written replaces it"
    )
    measures = report.get("measures")
    for index, measure in enumerate(measures if isinstance(measures, list) else []):
        if isinstance(measure, dict):
            notes += _start_time(measure, f"measures[{index}]")
    notes += _os(report)
    notes += _cpu_count(report)
    return report, notes


def _start_time(measure: dict[str, Any], where: str) -> list[str]:
    end, seconds = measure.get("measurementDateTime"), measure.get("measurementDuration")
    if not isinstance(end, str) or not isinstance(seconds, (int, float)):
        return []
    moment = parse_timestamp(end, f"{where}.measurementDateTime")
    if moment is None:
        return []
    start = to_second(moment - timedelta(seconds=seconds), f"{where}.measurementDateTime")
    measure["measurementDateTime"] = start
    return [
        f"{where}.measurementDateTime: CodeCarbon's exporter wrote the end of the run "
        f"({end}); the start ({start}, measurementDuration earlier) is written"
    ]


def _os(report: dict[str, Any]) -> list[str]:
    system = report.get("system")
    raw = system.get("os") if isinstance(system, dict) else None
    if not isinstance(raw, str):
        return []
    assert isinstance(system, dict)
    found = {
        field: lookup_table(f"os-patterns/{field}", "system.os")(raw)
        for field in ("os", "distribution", "distributionVersion")
    }
    if found["os"] is None or found["os"] == raw:
        return []
    system.update({field: value for field, value in found.items() if value is not None})
    return [f"system.os: the platform string {raw!r} is read as {found['os']!r}"]


def _cpu_count(report: dict[str, Any]) -> list[str]:
    infrastructure = report.get("infrastructure")
    components = infrastructure.get("components") if isinstance(infrastructure, dict) else None
    notes = []
    for index, component in enumerate(components if isinstance(components, list) else []):
        if isinstance(component, dict) and component.get("componentType") == "cpu":
            count = component.get("nbComponent")
            notes.append(
                f"infrastructure.components[{index}].nbComponent: CodeCarbon's exporter writes "
                f"half the logical CPU count ({count!r} here), wrong on machines without SMT; "
                "the report does not hold the true count: check it"
            )
    return notes
