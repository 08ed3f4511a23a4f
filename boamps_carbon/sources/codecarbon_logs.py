"""CodeCarbon's logger output: one JSON object of the emissions fields per record (its
LoggerOutput), possibly after a log format's time and level. The fields are the CSV's
columns, so CodeCarbon's own field table maps them."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import IO

from ..errors import InputError
from .codecarbon_csv import Record
from .json_rows import object_lines, records

# keys every record of CodeCarbon's logger holds
MARKS = ('"codecarbon_version"', '"energy_consumed"', '"run_id"')


def looks_like(name: str, head: str) -> bool:
    first = head.lstrip().split("\n", 1)[0]
    return "{" in first and all(mark in first for mark in MARKS)


def read(text: IO[str], label: str) -> tuple[list[str], Iterator[Record]]:
    found = object_lines(text, prefix_allowed=True)
    before = []
    header: list[str] | None = None
    for item in found:
        before.append(item)
        if item[1] is not None:
            header = list(item[1])
            break
    if header is None:
        raise InputError(
            "No CodeCarbon record",
            label,
            "no line holds a JSON object",
            "Pass a log of LoggerOutput.",
        )
    return header, records(header, itertools.chain(before, found))
