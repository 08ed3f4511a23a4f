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
from typing import TYPE_CHECKING, Any

from .. import fastjson
from ..sources.reports import STDIN, expand_paths, json_line_documents, open_report_file
from .figures import GROUPS, HardwareMemo, ReportFigures, Totals, figures, selected

if TYPE_CHECKING:
    from ..trust.bands import BandTotal

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
    """What a worker sends back for one piece: per selected valid report, in order, the few
    numbers the sums need (numpy arrays)."""

    lines: int = 0  # line ends in the piece: the next piece's first line is this many on
    read: int = 0  # valid reports, selected or not
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (line in piece, problem)
    groups: list[str] = field(default_factory=list)  # group names, first seen first
    group: Any = None  # per selected report: its group's number (a summary's)
    energy: Any = None
    duration: Any = None  # 0.0 when unknown
    emissions: Any = None  # 0.0 when unknown
    known: Any = None  # 1 duration known, 2 emissions known
    # a statement's: the bounds of each selected report's energy band (`trust.bands`)
    band_low: Any = None
    band_high: Any = None
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
    for a statement); `project` and `since`: a statement's selection. Reports are read as
    typed records (`typed`) where the schema takes them, else the ordinary way."""

    def __init__(
        self,
        pieces: list[Span],
        version: str,
        by: str | None,
        project: str | None = None,
        since: str | None = None,
        records: bool = True,
    ) -> None:
        self.pieces, self.version, self.by = pieces, version, by
        self.project, self.since = project, since
        self.records = records  # False: every report the ordinary way (the reference)
        self._memo: Any = None

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_memo": None}  # each worker makes its own

    def __call__(self, index: int) -> PieceTally:
        from ..validation import SectionMemo
        from .typed import decoder

        piece = self.pieces[index]
        with open_report_file(piece.path) as handle:
            handle.seek(piece.start)
            data = handle.read(piece.end - piece.start)
        if self._memo is None:  # kept from piece to piece
            self._memo = (SectionMemo(self.version), HardwareMemo(), {})
        rows = _Rows(self)
        # a rating reads the whole report: the ordinary way
        typed = decoder(self.version) if self.records and self.by != "rating" else None
        if typed is None:
            for document in json_line_documents(piece.path, data.split(b"\n")):
                rows.one(document)
            return rows.tally(data.count(b"\n"))
        return rows.tally(len(rows.typed(piece.path, data, typed)) - 1)


INFINITY = float("inf")
# at most this many distinct hardware, methods and band combinations are kept per worker
MEMO_SIZE = 4096


class _Rows:
    """A piece's reports as a tally, in the rows' order: each read as a typed record
    (`typed`), or the ordinary way when the record reader refuses it."""

    def __init__(self, task: Tally) -> None:
        self.task = task
        self.energy = array("d")
        self.duration = array("d")
        self.emissions = array("d")
        self.known = bytearray()
        self.low = array("d")
        self.high = array("d")
        self.names: list[str] = []
        self.read = 0
        self.skipped: list[tuple[int, str]] = []
        self.seen: list[ReportFigures] = []  # a statement's, first seen first

    def _add(self, energy: float, duration: float | None, emissions: float | None) -> None:
        self.energy.append(energy)
        self.duration.append(duration or 0.0)
        self.emissions.append(0.0 if emissions is None else emissions)
        self.known.append((duration is not None) | (emissions is not None) << 1)

    def one(self, document: Any) -> None:
        """One report read the ordinary way."""
        memo, hardware, _ = self.task._memo
        problems = document.problems or memo.errors(document.data)
        if problems:
            self.skipped.append((document.line, str(problems[0])))
            return
        self.read += 1
        found = figures(document.data, hardware)
        if self.task.by is None:
            if not selected(found, self.task.project, self.task.since):
                return
            self.seen.append(found)
            self.low.append(found.band.low)
            self.high.append(found.band.high)
        else:
            self.names.append(GROUPS[self.task.by](found) or "(not stated)")
        self._add(found.energy_kwh, found.duration_s, found.emissions_kg)

    def typed(self, path: str, data: bytes, decoder: Any) -> list[bytes]:
        """The lines of a piece, each decoded as a typed record when the schema takes it;
        returns the lines."""
        from msgspec import UNSET

        from ..validation.semantic import is_codecarbon
        from .figures import measured
        from .typed import fields, getter, model, refused

        decode, refusals = decoder.decode, refused()
        by, project, since = self.task.by, self.task.project, self.task.since
        statement, selecting = by is None, project is not None or since is not None
        # key -> [figures, band's low, band's high, stamp of the last piece that saw it]
        memo: dict[Any, list[Any]] = self.task._memo[2]
        stamp = object()  # marks the memo's entries seen in this piece
        seen, low, high, names = self.seen, self.low, self.high, self.names
        energies, durations = self.energy.append, self.duration.append
        emitted, known = self.emissions.append, self.known.append
        get = getattr
        measure_fields: tuple[str, ...] | None = None  # those of _NUMBERS its records have
        read = 0
        lines = data.split(b"\n")
        for number, raw in enumerate(lines, start=1):
            try:
                report = decode(raw)
            except refusals:
                for document in json_line_documents(path, [raw]):  # none for a blank line
                    document.line = number
                    self.one(document)
                continue
            read += 1
            # any part may be absent (UNSET), and so lack the fields below
            measures: Any = get(report, "measures", UNSET) or ()
            header = get(report, "header", UNSET)
            environment = get(report, "environment", UNSET)
            if selecting:
                name = get(get(header, "publisher", UNSET), "projectName", "")
                if project is not None and (name if name is not UNSET else "") != project:
                    continue
                date = get(header, "reportDatetime", "")
                if since is not None and (date if date is not UNSET else "")[:10] < since:
                    continue
            if measure_fields is None and measures:
                measure_fields = fields(measures[0], _NUMBERS)
                measure_key = getter(measures[0], _MEASURE_KEY)
            energy, duration = measured(
                [
                    {name: v for name in measure_fields or () if (v := get(m, name)) is not UNSET}
                    for m in measures
                ]
            )
            intensity = get(environment, "powerSourceCarbonIntensity", UNSET)
            energies(energy)
            durations(duration or 0.0)
            if intensity is UNSET:
                emitted(0.0)
                known(duration is not None)
            else:
                emitted(energy * intensity / 1000)
                known((duration is not None) | 2)
            if statement or by == "hardware":
                infrastructure = get(report, "infrastructure", UNSET)
                components = get(infrastructure, "components", UNSET)
                key: Any
                if not statement:
                    key = (
                        components,
                        bool(measures)
                        and all(
                            is_codecarbon(get(m, "measurementMethod", UNSET)) for m in measures
                        ),
                    )
                elif len(measures) == 1:  # more: the band depends on how energy splits
                    measure = measures[0]
                    key = (
                        components,
                        get(infrastructure, "infraType", UNSET),
                        get(environment, "country", UNSET),
                        measure_key(measure),
                        get(measure, "powerCalibrationMeasurement", UNSET) is UNSET,
                        energy == INFINITY,  # its share of the energy is then NaN, not 1
                    )
                else:
                    key = None
                entry = memo.get(key) if key is not None else None
                if entry is None:
                    found = _figures_of(raw, statement)
                    band = found.band if statement else None
                    entry = [found, band.low if band else 0.0, band.high if band else 0.0, None]
                    if key is not None:
                        if len(memo) >= MEMO_SIZE:
                            memo.clear()
                        memo[key] = entry
                found = entry[0]
                if statement:
                    if entry[3] is not stamp:  # first seen in this piece
                        entry[3] = stamp
                        seen.append(found)
                    low.append(entry[1])
                    high.append(entry[2])
                    continue
                name = GROUPS["hardware"](found)
            elif by == "project":
                name = get(get(header, "publisher", UNSET), "projectName", UNSET)
            elif by == "model":
                name = model(get(report, "task", UNSET))
            elif by == "country":
                name = get(environment, "country", UNSET)
            else:  # month
                name = get(header, "reportDatetime", UNSET)
                name = name[:7] if name is not UNSET else ""
            names.append(name if name and name is not UNSET else "(not stated)")
        self.read += read
        return lines

    def tally(self, lines: int) -> PieceTally:
        import numpy as np

        tally = PieceTally(lines=lines, read=self.read, skipped=self.skipped)
        tally.energy = np.frombuffer(self.energy, np.float64)
        tally.duration = np.frombuffer(self.duration, np.float64)
        tally.emissions = np.frombuffer(self.emissions, np.float64)
        tally.known = np.frombuffer(bytes(self.known), np.uint8)
        if self.task.by is None:
            tally.band_low = np.frombuffer(self.low, np.float64)
            tally.band_high = np.frombuffer(self.high, np.float64)
            tally.seen = Totals()
            for found in self.seen:
                tally.seen.add_seen(found)
        else:
            numbers: dict[str, int] = {}
            group = array("q")
            for name in self.names:
                number = numbers.get(name)
                if number is None:
                    number = numbers[name] = len(tally.groups)
                    tally.groups.append(name)
                group.append(number)
            tally.group = np.frombuffer(group, np.int64)
        return tally


def _figures_of(raw: bytes, band: bool) -> ReportFigures:
    """The figures of a valid report's line, parsed the ordinary way; kept in a memo, so
    without the report itself (its band made first, when it is wanted)."""
    value, problems = fastjson.parse(raw)
    assert not problems, problems
    found = figures(value)
    if band:
        found.band  # noqa: B018 (a cached property: made now, while the report is there)
    found.source = {}
    return found


# what of a measure the energy and the duration read
_NUMBERS = ("powerConsumption", "unit", "measurementDuration", "measurementDateTime")
# what of a measure its methods, tracking modes and energy band read (besides its energy,
# which weighs nothing when it is the only one, and whether it gives a calibration)
_MEASURE_KEY = (
    "measurementMethod",
    "version",
    "cpuTrackingMode",
    "gpuTrackingMode",
    "cpuEnergy",
    "gpuEnergy",
    "ramEnergy",
)


def add_tally(targets: list[Totals], tally: PieceTally) -> None:
    """A piece's numbers added to the totals of its groups (`targets`, by number), in the
    reports' order: the same sums, to the last bit, as adding them one at a time."""
    import numpy as np

    if len(targets) == 1:
        targets[0].add_arrays(tally.energy, tally.duration, tally.emissions, tally.known)
        return
    if len(targets) * 16 > len(tally.energy):  # many small groups: one report at a time
        for number, energy, duration, emissions, flags in zip(
            tally.group.tolist(),
            tally.energy.tolist(),
            tally.duration.tolist(),
            tally.emissions.tolist(),
            tally.known.tolist(),
            strict=True,
        ):
            targets[number].add_numbers(
                energy, duration if flags & 1 else None, emissions if flags & 2 else None
            )
        return
    for number, target in enumerate(targets):
        chosen = np.flatnonzero(tally.group == number)
        target.add_arrays(
            tally.energy[chosen],
            tally.duration[chosen],
            tally.emissions[chosen],
            tally.known[chosen],
        )


def add_bands(band: BandTotal, tally: PieceTally) -> None:
    """`BandTotal.add` for each report of a piece, in order (the same sums to the last bit)."""
    import numpy as np

    from .figures import running

    weight = np.maximum(tally.energy, 0.0)  # max(kwh, 0.0); a -0.0 weight adds nothing
    band.energy_kwh = running(band.energy_kwh, weight)
    with np.errstate(all="ignore"):  # inf and NaN as Python's floats make them
        low, high = weight * tally.band_low, weight * tally.band_high
    band.low_kwh = running(band.low_kwh, low)
    band.high_kwh = running(band.high_kwh, high)
    band.runs += len(weight)
    band.low_sum = running(band.low_sum, tally.band_low)
    band.high_sum = running(band.high_sum, tally.band_high)


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
