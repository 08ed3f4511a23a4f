"""eco2AI's `emission.csv`: one row per run (or per epoch), read as the CSV it is.

Its columns are mapped by `schemas/fieldmaps/eco2ai.csv`; what the reader adds is only the
recognition: eco2AI's header, whatever the file is called."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from .codecarbon_csv import Record, read_records

# the columns eco2AI 0.3 writes first, in this order
LEADING = "id,project_name,experiment_description,epoch,start_time,duration(s)"


def looks_like(name: str, head: str) -> bool:
    return head.startswith(LEADING)


def read(text: IO[str], label: str) -> tuple[list[str], Iterator[Record]]:
    return read_records(text, label)
