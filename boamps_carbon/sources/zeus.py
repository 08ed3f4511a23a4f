"""Zeus: the CSV log of a `ZeusMonitor(log_file=...)` (`start_time` in seconds since the epoch,
`window_name`, `elapsed_time` in seconds, then `gpu<index>_energy` in joules, one row per
measurement window ended) and its `Measurement` objects (`from_zeus`).

Zeus reads GPU energy from NVML (and, in a Measurement, CPU and DRAM energy from RAPL): one
measure per GPU. The field table turns joules into kWh; the reader only names the columns
the table reads, fixed ones whatever GPUs the file has."""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterator, Mapping
from datetime import datetime, timezone
from typing import IO, Any

from ..errors import InputError
from .codecarbon_csv import Record, read_records

MAX_GPUS = 16  # the field table has a measure for GPU indexes 0 to 15
LEADING = "start_time,window_name,elapsed_time"
_GPU = re.compile(r"gpu(\d+)_energy")

COLUMNS = [
    "start_time",
    "window_name",
    "elapsed_time",
    "project_name",
    "gpu_count",
    "gpu_model",
    "cpu_energy",
    "dram_energy",
    *(f"gpu{i}_energy" for i in range(MAX_GPUS)),
]


def looks_like(name: str, head: str) -> bool:
    return head.startswith(LEADING)


def read(text: IO[str], label: str) -> tuple[list[str], Iterator[Record]]:
    header, records = read_records(text, label)
    gpus = {}
    for position, name in enumerate(header):
        match = _GPU.fullmatch(name)
        if match:
            index = int(match[1])
            if index >= MAX_GPUS:
                raise InputError(
                    "Too many GPUs for the Zeus field table",
                    f"{label} header",
                    name,
                    f"Indexes 0 to {MAX_GPUS - 1} are read: extend schemas/fieldmaps/zeus.csv.",
                )
            gpus[index] = position
    place = {name: i for i, name in enumerate(header)}
    return COLUMNS, _records(records, place, gpus)


def _records(
    records: Iterator[Record], place: dict[str, int], gpus: dict[int, int]
) -> Iterator[Record]:
    for record in records:
        if record.reason:
            yield record
            continue
        values = dict.fromkeys(COLUMNS, "")
        for name in ("window_name", "elapsed_time", "project_name", "gpu_model"):
            if name in place:
                values[name] = record.values[place[name]]
        for name in ("cpu_energy", "dram_energy"):
            if name in place:
                values[name] = record.values[place[name]]
        try:
            values["start_time"] = _moment(record.values[place["start_time"]])
        except (KeyError, ValueError):
            found = record.values[place["start_time"]] if "start_time" in place else ""
            record.reason = f"expected seconds since 1970 in column start_time, got {found!r}"
            yield record
            continue
        for index, position in gpus.items():
            values[f"gpu{index}_energy"] = record.values[position]
        values["gpu_count"] = str(len(gpus))
        yield Record(record.row, record.line, [values[c] for c in COLUMNS])


def _moment(text: str) -> str:
    """Seconds since the epoch as a UTC date and time (BoAmps datetimes carry no zone)."""
    seconds = float(text)
    if not math.isfinite(seconds):
        raise ValueError(text)
    moment = datetime.fromtimestamp(seconds, tz=timezone.utc).replace(tzinfo=None)
    return moment.isoformat()


def measurement_csv(
    measurement: Any,
    start: float | datetime,
    window_name: str = "",
    project_name: str = "",
    gpu_model: str = "",
) -> bytes:
    """One Zeus Measurement (time, gpu_energy, cpu_energy, dram_energy) as the CSV the reader
    takes, with the columns a Measurement adds to the log's (CPU and DRAM energies, summed
    over CPUs, and what the caller knows)."""
    if isinstance(start, datetime):
        start = start.timestamp()
    gpu_energy: Mapping[int, float] = getattr(measurement, "gpu_energy", None) or {}
    header = [
        "start_time",
        "window_name",
        "elapsed_time",
        *(f"gpu{i}_energy" for i in gpu_energy),
        "cpu_energy",
        "dram_energy",
        "project_name",
        "gpu_model",
    ]
    row = [
        repr(float(start)),
        window_name,
        repr(float(measurement.time)),
        *(repr(float(e)) for e in gpu_energy.values()),
        _total(getattr(measurement, "cpu_energy", None)),
        _total(getattr(measurement, "dram_energy", None)),
        project_name,
        gpu_model,
    ]
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerows([header, row])
    return text.getvalue().encode("utf-8")


def _total(energies: Mapping[int, float] | None) -> str:
    return repr(float(sum(energies.values()))) if energies else ""


def from_zeus(
    measurement: Any,
    start: float | datetime,
    context: Any = None,
    *,
    window_name: str = "",
    project_name: str = "",
    gpu_model: str = "",
    schema_version: str = "1.1",
) -> dict[str, Any]:
    """The BoAmps report of one Zeus `Measurement` (what `ZeusMonitor.end_window` returns),
    whose window began at `start` (seconds since the epoch, as Zeus's `time()`, or a
    datetime): one measure per GPU, joules as kWh, through the same field table as Zeus's
    CSV logs. Raises InputError when the measurement cannot make a valid report."""
    from ..conversion import convert

    data = measurement_csv(measurement, start, window_name, project_name, gpu_model)
    conversion = convert(data, context, schema_version=schema_version, source_kind="zeus")
    reports = [converted.report for converted in conversion]
    if conversion.rejected:
        raise InputError(
            "Zeus measurement not converted",
            "measurement",
            conversion.rejected[0].reason,
            "Check the measurement's values and the context.",
        )
    return reports[0]
