"""`summary` and `statement` over big JSON Lines files in worker processes.

Parsing, validating and reading the figures of a report is the cost of these commands (the
sums themselves are cheap): a file is cut into pieces of whole lines, each piece is read by
one of the workers of `fast.pool` (the conversion's fork server, workers that die with the
caller), and each sends back, per valid report, only the few numbers the sums need and its
group, plus the invalid lines by their number within the piece. The caller adds the numbers
up in the reports' order, exactly as reading them one at a time does (float sums depend on
their order: the totals are the same to the last bit), and names each invalid line by its
line number in the file, in order. Memory stays flat: a piece at a time per worker, a few
pieces' numbers waiting in the caller.
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..sources.reports import STDIN, expand_paths, json_line_documents, open_report_file
from .figures import GROUPS, HardwareMemo, ReportFigures, Totals, figures, selected

PIECE_BYTES = 4 << 20
# below this many bytes of JSON Lines, starting workers costs more than they save
PARALLEL_BYTES = 32 << 20
_SCAN = 1 << 16


@dataclass(frozen=True)
class Span:
    """Whole lines of a file: bytes [start, end); `file`: the file's place among those read
    (a file named twice is read twice, its lines numbered from 1 each time)."""

    path: str
    start: int
    end: int
    file: int = 0


@dataclass
class PieceTally:
    """What a worker sends back for one piece."""

    lines: int = 0  # line ends in the piece: the next piece's first line is this many on
    read: int = 0  # valid reports, selected or not
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (line in piece, problem)
    groups: list[str] = field(default_factory=list)  # group names, first seen first
    group: array[int] = field(default_factory=lambda: array("i"))  # per selected report
    energy: array[float] = field(default_factory=lambda: array("d"))
    duration: array[float] = field(default_factory=lambda: array("d"))  # 0.0 when unknown
    emissions: array[float] = field(default_factory=lambda: array("d"))  # 0.0 when unknown
    known: bytearray = field(default_factory=bytearray)  # 1 duration known, 2 emissions known
    # a statement's: the bounds of each selected report's energy band (`trust.bands`)
    band_low: array[float] = field(default_factory=lambda: array("d"))
    band_high: array[float] = field(default_factory=lambda: array("d"))
    seen: Totals | None = None  # hardware, methods, tracking, countries first seen


def big_json_lines(paths: list[str]) -> list[str] | None:
    """The files of `paths` when they are all JSON Lines files big enough together for
    workers to pay, else None (read them one report at a time)."""
    if (os.cpu_count() or 1) < 2 or STDIN in paths:
        return None
    names: list[str] = []
    for name in expand_paths(paths):  # stops at the first other file: no list of a big folder
        if not name.endswith(".jsonl"):
            return None
        names.append(name)
    try:
        size = sum(Path(name).stat().st_size for name in names)
    except OSError:
        return None  # the reading one at a time says what is wrong with it
    return names if size >= PARALLEL_BYTES else None


def spans(path: str, piece_bytes: int | None = None, file: int = 0) -> list[Span]:
    """`path` cut into pieces of about `piece_bytes`, each after a line end."""
    piece_bytes = piece_bytes or PIECE_BYTES
    found: list[Span] = []
    with open_report_file(path) as handle:
        size = os.fstat(handle.fileno()).st_size
        start = 0
        while start < size:
            end = min(start + piece_bytes, size)
            handle.seek(end)
            while end < size:
                block = handle.read(_SCAN)
                if not block:
                    end = size
                    break
                cut = block.find(b"\n")
                if cut >= 0:
                    end += cut + 1
                    break
                end += len(block)
            found.append(Span(path, start, end, file))
            start = end
    return found


class Tally:
    """The task of a worker: read piece `index` of `spans`. `by`: a summary's grouping (None
    for a statement); `project` and `since`: a statement's selection."""

    def __init__(
        self,
        pieces: list[Span],
        version: str,
        by: str | None,
        project: str | None = None,
        since: str | None = None,
    ) -> None:
        self.pieces, self.version, self.by = pieces, version, by
        self.project, self.since = project, since
        self._memo: Any = None

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_memo": None}  # each worker makes its own

    def __call__(self, index: int) -> PieceTally:
        from ..validation import SectionMemo

        piece = self.pieces[index]
        with open_report_file(piece.path) as handle:
            handle.seek(piece.start)
            data = handle.read(piece.end - piece.start)
        tally = PieceTally(lines=data.count(b"\n"))
        key = GROUPS[self.by] if self.by is not None else None
        numbers: dict[str, int] = {}
        if key is None:
            tally.seen = Totals()
        if self._memo is None:  # kept from piece to piece
            self._memo = (SectionMemo(self.version), HardwareMemo())
        memo, hardware = self._memo
        for document in json_line_documents(piece.path, data.split(b"\n")):
            problems = document.problems or memo.errors(document.data)
            if problems:
                assert document.line is not None
                tally.skipped.append((document.line, str(problems[0])))
                continue
            tally.read += 1
            found = figures(document.data, hardware)
            if key is None:
                if not selected(found, self.project, self.since):
                    continue
                assert tally.seen is not None
                tally.seen.add_seen(found)
                tally.band_low.append(found.band.low)
                tally.band_high.append(found.band.high)
            else:
                name = key(found) or "(not stated)"
                number = numbers.get(name)
                if number is None:
                    number = numbers[name] = len(tally.groups)
                    tally.groups.append(name)
                tally.group.append(number)
            _add_numbers(tally, found)
        return tally


def _add_numbers(tally: PieceTally, found: ReportFigures) -> None:
    emissions = found.emissions_kg
    tally.energy.append(found.energy_kwh)
    tally.duration.append(found.duration_s or 0.0)
    tally.emissions.append(0.0 if emissions is None else emissions)
    tally.known.append((found.duration_s is not None) | (emissions is not None) << 1)


@dataclass
class Merged:
    """A piece's numbers in the caller, as Totals.add_numbers takes them."""

    tally: PieceTally

    def __iter__(self) -> Iterator[tuple[int, float, float | None, float | None]]:
        tally = self.tally
        group = tally.group if tally.group else [0] * len(tally.energy)
        for number, energy, duration, emissions, known in zip(
            group, tally.energy, tally.duration, tally.emissions, tally.known, strict=True
        ):
            yield (
                number,
                energy,
                duration if known & 1 else None,
                emissions if known & 2 else None,
            )


def tallies(task: Tally, on_invalid: Any, workers: int = 2) -> Iterator[PieceTally]:
    """Each piece's tally, in order; each invalid line goes to `on_invalid(where, problem)`
    with its line number in its file, in order."""
    from ..fast.pool import ordered_map

    line_of: dict[int, int] = {}
    for index, tally in enumerate(ordered_map(task, range(len(task.pieces)), workers)):
        piece = task.pieces[index]
        first = line_of.get(piece.file, 0)
        for line, problem in tally.skipped:
            on_invalid(f"{piece.path}:{first + line}", problem)
        line_of[piece.file] = first + tally.lines
        yield tally


def all_spans(names: list[str]) -> list[Span]:
    return [span for file, name in enumerate(names) for span in spans(name, file=file)]
