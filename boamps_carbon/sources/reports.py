"""Finding and reading BoAmps report documents: files, folders, JSON Lines and stdin."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO

from .. import fastjson
from ..errors import InputError
from ..io import STAGING_MARK, copy_stream, parse_json_bytes, stdin_binary
from ..validation.problems import Problem

STDIN = "-"


@dataclass
class ReportDocument:
    """One report as read from its source, or the problems that kept it from being read."""

    file: str
    line: int | None = None
    data: Any = None
    problems: list[Problem] = field(default_factory=list)
    raw: bytes = b""  # the document's own bytes (a whole file, or one line of JSON Lines)

    @property
    def where(self) -> str:
        return self.file if self.line is None else f"{self.file}:{self.line}"


def expand_paths(paths: Iterable[str]) -> Iterator[str]:
    """Files named, plus every *.json and *.jsonl below the folders named, in a stable order
    (a folder's files by path). Every path is checked at once (it exists; a folder holds
    some report file); the folders are then walked as their files are read, so that memory
    stays flat however many files they hold."""
    names = list(paths)
    for name in names:
        if name == STDIN:
            continue
        path = Path(name)
        if path.is_dir():
            if next(_report_files(name), None) is None:
                raise InputError(
                    "No report files",
                    name,
                    "no *.json or *.jsonl below this folder",
                    "Pass report files or a folder that holds some.",
                )
        elif not path.is_file():
            raise InputError(
                "Cannot read reports", name, "no such file or folder", "Check the path."
            )
    return _expanded(names)


def _expanded(names: list[str]) -> Iterator[str]:
    for name in names:
        if name != STDIN and Path(name).is_dir():
            yield from _report_files(name)
        else:
            yield name


def _report_files(folder: str) -> Iterator[str]:
    """The *.json and *.jsonl files below `folder`, in the order of their sorted paths: one
    folder's names in memory at a time, not the whole tree's. As `Path.rglob` walks: links
    to folders are not followed, unreadable folders are passed over; a staging folder left
    by a killed `convert` holds no finished report."""
    try:
        names = sorted(os.listdir(folder), key=os.path.normcase)
    except PermissionError:
        return
    for name in names:
        if STAGING_MARK in name:
            continue
        path = str(Path(folder, name))  # as rglob names it ("./a" gives "a/...")
        if os.path.isdir(path):
            if not os.path.islink(path):
                yield from _report_files(path)
        elif Path(name).suffix in (".json", ".jsonl") and os.path.isfile(path):
            yield path


def _cannot_read(name: str, exc: OSError) -> InputError:
    return InputError(
        "Cannot read report file",
        name,
        exc.strerror or str(exc),
        "Check the file's permissions.",
    )


def open_report_file(name: str) -> BinaryIO:
    """`name` opened for reading bytes; InputError naming it when it cannot be."""
    try:
        return open(name, "rb")
    except OSError as exc:
        raise _cannot_read(name, exc) from None


def read_documents(name: str) -> Iterator[ReportDocument]:
    """The documents of one file (or stdin), one at a time: a JSON Lines file is read line by
    line, so that memory stays flat with its length."""
    if name == STDIN:
        yield from _stdin()
        return
    with open_report_file(name) as handle:
        try:
            if name.endswith(".jsonl"):
                yield from json_line_documents(name, handle)
                return
            data = handle.read()
        except OSError as exc:
            raise _cannot_read(name, exc) from None
    value, problems = parse_json_bytes(data)
    yield ReportDocument(name, None, value, problems, data)


def documents_from_bytes(
    label: str, data: bytes, *, json_lines: bool | None
) -> Iterator[ReportDocument]:
    """The reports in `data`: one JSON document, or JSON Lines (`json_lines=True`); with None,
    JSON Lines when it holds several JSON values, one per line (as `convert -o -` writes)."""
    if json_lines:
        yield from json_line_documents(label, data.split(b"\n"))
        return
    value, problems = parse_json_bytes(data)
    if json_lines is None and problems and "extra data" in problems[0].message:
        yield from json_line_documents(label, data.split(b"\n"))
        return
    yield ReportDocument(label, None, value, problems, data)


def _stdin() -> Iterator[ReportDocument]:
    """One JSON document, or JSON Lines as `convert -o -` writes them. Standard input is
    spooled to a temporary file, not memory: when its first line is a whole JSON value and
    more follows, it is JSON Lines, read line by line; otherwise it is one document (the
    standard parser's "extra data" then says JSON Lines after all, as before)."""
    label = "<stdin>"
    source = stdin_binary()
    with tempfile.TemporaryFile() as spool:
        # a line without end (`< /dev/zero`) stops the copy: the spool's size is bounded
        copy_stream(source, spool.write, label, "JSON or JSON Lines")
        spool.seek(0)
        first = spool.readline()
        rest = spool.read(1 << 16)
        spool.seek(0)
        if fastjson.parse(first)[1] == [] and rest.strip():
            yield from json_line_documents(label, spool)
            return
        data = spool.read()
        value, problems = parse_json_bytes(data)
        if problems and "extra data" in problems[0].message:
            spool.seek(0)
            del data
            yield from json_line_documents(label, spool)
            return
        yield ReportDocument(label, None, value, problems, data)


def json_line_documents(label: str, lines: Iterable[bytes]) -> Iterator[ReportDocument]:
    """The documents of JSON Lines, numbered from 1 (blank lines count, and are skipped)."""
    for number, raw in enumerate(lines, start=1):
        raw = raw.removesuffix(b"\n")
        if not raw.strip():
            continue
        value, problems = fastjson.parse(raw)
        if problems:
            # the document is one line: its place is the file's line, and the column within it
            problems = [replace(p, path=p.path.removeprefix("line 1, ")) for p in problems]
        yield ReportDocument(label, number, value, problems, raw)


def iter_documents(paths: Iterable[str]) -> Iterator[ReportDocument]:
    for name in expand_paths(paths):
        yield from read_documents(name)
