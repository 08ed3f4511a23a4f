"""Lamarr Energy Tracker's central `emissions.csv` (`~/.let/` by default): CodeCarbon's
layout, one row per run of every project, `experiment_id` = `<project>___<user>___<host>`.

The project goes to `project_name` (where CodeCarbon's own default, `codecarbon`, stands);
the user and host names are cut from every cell before anything else reads the row, so no
report, warning or rejects file can hold them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO

from .codecarbon_csv import Record, read_records

SEPARATOR = "___"
# a data row whose experiment_id is project___user___host
_FIRST_ROW = re.compile(r"\n[^\n]*,[^,\n]*___[^,\n]*___[^,\n]*(,|\n|$)")
LEADING = "timestamp,project_name,run_id,experiment_id,"


def looks_like(name: str, head: str) -> bool:
    return head.startswith(LEADING) and _FIRST_ROW.search(head) is not None


def project_of(cell: str) -> str:
    return cell.split(SEPARATOR, 1)[0]


def read(text: IO[str], label: str) -> tuple[list[str], Iterator[Record]]:
    header, records = read_records(text, label)
    experiment = header.index("experiment_id") if "experiment_id" in header else -1
    project = header.index("project_name") if "project_name" in header else -1
    return header, _scrubbed(records, experiment, project)


def _scrubbed(records: Iterator[Record], experiment: int, project: int) -> Iterator[Record]:
    for record in records:
        # any cell, not only experiment_id: a shifted row holds it in another column
        values = [project_of(v) if SEPARATOR in v else v for v in record.values]
        whole = not record.reason and max(experiment, project) < len(values)
        if whole and min(experiment, project) >= 0 and SEPARATOR in record.values[experiment]:
            values[project] = values[experiment]
        record.values = values
        yield record
