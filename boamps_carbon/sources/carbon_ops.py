"""carbon-ops ledgers: NDJSON records of carbon estimates, each signed and chained to the one
before by `prev_hash`, the SHA-256 of that record without its signature fields, as JSON with
sorted keys and compact separators.

The chain is checked while reading: a record whose `prev_hash` is not the hash of the record
before it (one edited, inserted or removed) is rejected with the reason. Signatures are not
checked: the key that would check them is inside the record itself, so it proves nothing
about who wrote it. Records cut from the end leave no trace in a chain: nothing can see that.
`quality_flag` and `uncertainty_pct` are about the carbon intensity, not the energy."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import datetime
from typing import IO, Any

from .codecarbon_csv import Record
from .json_rows import cell, object_lines

SIGNATURE_FIELDS = ("signature", "signing_key", "signature_algorithm")

COLUMNS = [
    "region",
    "source",
    "project_name",
    "grams",
    "energy_kwh",
    "total_energy_with_pue_kwh",
    "pue_used",
    "intensity_g_per_kwh",
    "quality_flag",
    "uncertainty_pct",
    "start_ts",
    "end_ts",
    "duration_s",
]


def looks_like(name: str, head: str) -> bool:
    first = head.lstrip().split("\n", 1)[0]
    return first.startswith("{") and '"kind": "carbon_ops"' in first


def chain_hash(record: dict[str, Any]) -> str:
    kept = {key: value for key, value in record.items() if key not in SIGNATURE_FIELDS}
    text = json.dumps(kept, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read(text: IO[str], label: str) -> tuple[list[str], Iterator[Record]]:
    return COLUMNS, _records(text)


def _records(text: IO[str]) -> Iterator[Record]:
    previous: tuple[int, str] | None = None  # line and hash of the record before
    for row, (line, record, raw, reason) in enumerate(object_lines(text), start=1):
        if record is None:
            previous = None  # the chain cannot be followed across a line that is no record
            yield Record(row, line, [raw], f"line {line} {reason}")
            continue
        broken = _broken_link(record, previous)
        previous = (line, chain_hash(record))
        if broken:
            yield Record(row, line, [raw], broken)
            continue
        yield Record(row, line, _values(record))


def _broken_link(record: dict[str, Any], previous: tuple[int, str] | None) -> str:
    link = record.get("prev_hash")
    if previous is None:
        return ""  # the first record (or the first after an unreadable line) has no link to check
    line, expected = previous
    if link is None:
        return (
            f"has no prev_hash, but follows the record of line {line}: the hash chain breaks here"
        )
    if link != expected:
        return (
            f"prev_hash {cell(link)[:16]}... is not the hash of the record of line {line} "
            f"({expected[:16]}...): a record was edited, inserted or removed"
        )
    return ""


def _values(record: dict[str, Any]) -> list[str]:
    values = {column: cell(record.get(column)) for column in COLUMNS}
    labels = record.get("labels")
    if isinstance(labels, dict):
        values["project_name"] = cell(labels.get("project"))
    values["duration_s"] = _duration(values["start_ts"], values["end_ts"])
    return [values[column] for column in COLUMNS]


def _duration(start: str, end: str) -> str:
    try:
        seconds = (_moment(end) - _moment(start)).total_seconds()
    except ValueError:
        return ""  # the start or end is then rejected by the field table, with its column
    return f"{seconds:g}"


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
