"""The tools whose outputs `convert` reads besides CodeCarbon's CSV, each recognised by its
content (or named with `--source`), each with its reader and its field table.

A reader turns a tool's file into rows of named values (the tool's own names, or the ones its
field table reads); the field table (`schemas/fieldmaps/<name>.csv`) makes them reports through
the same engine and assemble step as CodeCarbon's CSVs."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from ..errors import InputError
from .codecarbon_csv import Record

HEAD = 4096  # bytes of a file read to recognise its tool

Builder = Callable[[list[str]], tuple[dict[str, Any], list[str]]]
Reader = Callable[[IO[str], str], tuple[list[str], Iterator[Record]]]


@dataclass(frozen=True)
class Source:
    name: str  # the value of --source, and the field table's file name
    title: str  # what `convert -v` says it recognised
    module: str  # boamps_carbon.sources.<module> has `looks_like(name, head)` and `read`
    id_column: str = ""  # a column whose unique values are report ids
    table_name: str = ""  # the field table, when not <name>.csv

    @property
    def table(self) -> str:
        return self.table_name or f"{self.name}.csv"

    @property
    def builder(self) -> Builder | None:
        """For files that hold reports already: values -> (report, warnings)."""
        found: Builder | None = getattr(self._module(), "build", None)
        return found

    def looks_like(self, name: str, head: str) -> bool:
        found: bool = self._module().looks_like(name, head)
        return found

    def reader(self) -> Reader:
        read: Reader = self._module().read
        return read

    def _module(self):  # type: ignore[no-untyped-def]
        return importlib.import_module(f"{__package__}.{self.module}")


CODECARBON = "codecarbon"  # CodeCarbon's CSV (and flat BoAmps CSVs): the built-in path

SOURCES: tuple[Source, ...] = (
    Source("eco2ai", "an eco2AI emission.csv", "eco2ai", id_column="id"),
    Source(
        "codecarbon-boamps",
        "a BoAmps report written by CodeCarbon's exporter",
        "codecarbon_boamps",
        table_name="codecarbon_boamps.csv",
    ),
    Source(
        "codecarbon-logs",
        "CodeCarbon's logger output (JSON Lines)",
        "codecarbon_logs",
        id_column="run_id",
        table_name="codecarbon.csv",
    ),
)


def source_names() -> list[str]:
    return [CODECARBON] + [s.name for s in SOURCES]


def named(name: str) -> Source | None:
    """The source called `name`; None for CodeCarbon's CSV."""
    if name == CODECARBON:
        return None
    for source in SOURCES:
        if source.name == name:
            return source
    raise InputError(
        "Unknown source", "--source", repr(name), f"Use one of: {', '.join(source_names())}."
    )


def recognise(name: str, head: bytes) -> Source | None:
    """The tool that wrote a file, from its name and first bytes; None: CodeCarbon's CSV (or
    a flat BoAmps CSV), which the built-in path recognises by its header."""
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    for source in SOURCES:
        if source.looks_like(name, text):
            return source
    return None
