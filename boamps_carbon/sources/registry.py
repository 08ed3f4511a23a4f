"""The tools whose outputs `convert` reads besides CodeCarbon's CSV, each recognised by its
content (or named with `--source`), each with its reader and its field table.

A reader turns a tool's file into rows of named values (the tool's own names, or the ones its
field table reads); the field table (`schemas/fieldmaps/<name>.csv`) makes them reports through
the same engine and assemble step as CodeCarbon's CSVs."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import ModuleType
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
    tool: str = ""  # the tool's name in messages ("This eco2AI file..."); default: name

    @property
    def tool_name(self) -> str:
        return self.tool or self.name

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

    def _module(self) -> ModuleType:
        return importlib.import_module(f"{__package__}.{self.module}")


CODECARBON = "codecarbon"  # CodeCarbon's CSV (and flat BoAmps CSVs): the built-in path

SOURCES: tuple[Source, ...] = (
    Source("eco2ai", "an eco2AI emission.csv", "eco2ai", id_column="id", tool="eco2AI"),
    Source(
        "lamarr",
        "Lamarr Energy Tracker's emissions.csv (user and host names left out)",
        "lamarr",
        id_column="run_id",
        table_name="codecarbon.csv",
        tool="Lamarr Energy Tracker",
    ),
    Source("carbontracker", "CarbonTracker's logs of a run", "carbontracker", tool="CarbonTracker"),
    Source("zeus", "a Zeus window log (CSV)", "zeus", tool="Zeus"),
    Source("carbon-ops", "a carbon-ops ledger (NDJSON, hash chain checked)", "carbon_ops"),
    Source(
        "codecarbon-boamps",
        "a BoAmps report written by CodeCarbon's exporter",
        "codecarbon_boamps",
        table_name="codecarbon_boamps.csv",
        tool="CodeCarbon BoAmps",
    ),
    Source(
        "codecarbon-logs",
        "CodeCarbon's logger output (JSON Lines)",
        "codecarbon_logs",
        id_column="run_id",
        table_name="codecarbon.csv",
        tool="CodeCarbon logger",
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


@dataclass
class Inputs:
    files: list[str]
    skipped: list[str]  # files below a folder that no source recognised


def expand(paths: list[str]) -> Inputs:
    """The files to convert: those named, and below each folder named every file a source
    recognises or that ends in .csv (CodeCarbon's); a CarbonTracker run's main log is read
    with its output log, so it is left out when that is an input too."""
    from pathlib import Path

    from .carbontracker import MAIN_SUFFIX, OUTPUT_SUFFIX, run_of

    files: list[str] = []
    skipped: list[str] = []
    for name in paths:
        folder = Path(name)
        if name == "-" or not folder.is_dir():
            files.append(name)
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            if path.suffix.lower() == ".csv" or _recognised(path):
                files.append(str(path))
            else:
                skipped.append(str(path))
    outputs = {run_of(f) for f in files if f.endswith(OUTPUT_SUFFIX)}
    kept = [f for f in files if not (f.endswith(MAIN_SUFFIX) and run_of(f) in outputs)]
    return Inputs(kept, skipped)


def _recognised(path: object) -> bool:
    try:
        with open(str(path), "rb") as handle:
            head = handle.read(HEAD)
    except OSError:
        return True  # named as an input, it says why it cannot be read
    return recognise(str(path), head) is not None
