"""Finding and reading BoAmps report documents: files, folders, JSON Lines and stdin."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..io import STAGING_MARK, parse_json_bytes, read_stream, stdin_binary
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


def expand_paths(paths: Iterable[str]) -> list[str]:
    """Files named, plus every *.json and *.jsonl below the folders named, in a stable order."""
    found: list[str] = []
    for name in paths:
        if name == STDIN:
            found.append(name)
            continue
        path = Path(name)
        if path.is_dir():
            # a staging folder left by a killed `convert` holds no finished report
            below = sorted(
                p
                for p in path.rglob("*")
                if p.suffix in (".json", ".jsonl")
                and not any(STAGING_MARK in part for part in p.relative_to(path).parts)
                and p.is_file()
            )
            if not below:
                raise InputError(
                    "No report files",
                    name,
                    "no *.json or *.jsonl below this folder",
                    "Pass report files or a folder that holds some.",
                )
            found += [str(p) for p in below]
        elif path.is_file():
            found.append(name)
        else:
            raise InputError(
                "Cannot read reports", name, "no such file or folder", "Check the path."
            )
    return found


def _read_bytes(name: str) -> bytes:
    if name == STDIN:
        return read_stream(stdin_binary(), "<stdin>", "JSON or JSON Lines")
    try:
        return Path(name).read_bytes()
    except OSError as exc:
        raise InputError(
            "Cannot read report file",
            name,
            exc.strerror or str(exc),
            "Check the file's permissions.",
        ) from None


def read_documents(name: str) -> Iterator[ReportDocument]:
    data = _read_bytes(name)
    label = "<stdin>" if name == STDIN else name
    lines = True if name.endswith(".jsonl") else (None if name == STDIN else False)
    yield from documents_from_bytes(label, data, json_lines=lines)


def documents_from_bytes(
    label: str, data: bytes, *, json_lines: bool | None
) -> Iterator[ReportDocument]:
    """The reports in `data`: one JSON document, or JSON Lines (`json_lines=True`); with None,
    JSON Lines when it holds several JSON values, one per line (as `convert -o -` writes)."""
    if json_lines:
        yield from _json_lines(label, data)
        return
    value, problems = parse_json_bytes(data)
    if json_lines is None and problems and "extra data" in problems[0].message:
        yield from _json_lines(label, data)
        return
    yield ReportDocument(label, None, value, problems, data)


def _json_lines(label: str, data: bytes) -> Iterator[ReportDocument]:
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        value, problems = parse_json_bytes(raw)
        # the document is one line: its place is the file's line, and the column within it
        problems = [replace(p, path=p.path.removeprefix("line 1, ")) for p in problems]
        yield ReportDocument(label, number, value, problems, raw)


def iter_documents(paths: Iterable[str]) -> Iterator[ReportDocument]:
    for name in expand_paths(paths):
        yield from read_documents(name)
