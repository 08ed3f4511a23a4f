"""CodeCarbon CSV -> BoAmps reports: the pipeline that ties sources, field table, context and
validation together. Every input row ends converted or rejected, never lost."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .assemble import Assembled, assemble
from .context import Context, load_context, merge
from .errors import InputError
from .fast.chunks import Body
from .fast.piece import PieceConverter, PieceResult
from .fast.plan import make_plan
from .fast.pool import default_workers
from .fast.prepass import PlacedPieces, prepass
from .fast.stream import piece_outputs
from .fieldmap import FieldEngine, FieldTable, load_field_table
from .fieldmap.engine import Mark, to_plain
from .fieldmap.parsing import RowError
from .fieldmap.transforms import REPORT_ID_NAMESPACE, RunContext
from .grouping import (
    by_setting,
    group_report_id,
    mixed_intensity,
    part_label,
    setting,
    split_warning,
)
from .outcomes import Outcome, Output, Rejected
from .preflight import CODECARBON_CSV, missing_hint, structural_gaps
from .render.flat import unflatten
from .rows import RowRuns
from .schema import DEFAULT_VERSION, SchemaVersion, parse_version
from .sources.codecarbon_csv import CsvSource, Record, Scan, check_header, read_records
from .sources.layouts import FLAT, Detected, detect
from .sources.parquet import open_source
from .sources.registry import HEAD, Source, named, recognise
from .sources.run_ids import UniqueRunIds
from .trust.bands import uncertainty
from .validation import Problem
from .validation.problems import problem
from .writers import report_json

MEASURE_MODES = ("total", "components")
GROUP_COLUMNS = ("run_id", "project_name", "experiment_id")
KEPT_WHEN_STREAMED = 20
# runs of rows kept per warning: past them rows are only counted, so that a warning on every
# other row of a huge file does not fill the memory
KEPT_RUNS = 1000
# rows tried the ordinary way when a conversion starts, for the first one that makes a report
FIRST_ROWS_TRIED = 64


@dataclass
class RowWarning:
    row: int
    message: str


class MissingFieldsError(InputError):
    """The reports would miss required fields that no CSV row can give."""


@dataclass
class ConvertedRow:
    row: int
    report: dict[str, Any]


@dataclass
class Conversion:
    """A CSV being converted: iterate it for reports; rejects and warnings fill as it goes."""

    source: CsvSource
    context: Context
    table: FieldTable
    measures: str = "total"
    version: SchemaVersion = DEFAULT_VERSION
    group_by: str | None = None
    header: list[str] = field(default_factory=list)
    layout: Detected | None = None
    rejected: list[Rejected] = field(default_factory=list)
    # warning text -> the rows it is about; grouped as they come, since one warning can hold
    # for each of millions of rows (the first KEPT_RUNS runs of them, all counted)
    warning_rows: dict[str, RowRuns] = field(default_factory=dict)
    # warning text -> the warning as a problem of the catalogue (code, path, hint)
    warning_notes: dict[str, Problem] = field(default_factory=dict)
    converted: int = 0
    rejected_count: int = 0
    # rows rejected and rows warned, by problem code
    problem_counts: dict[str, int] = field(default_factory=dict)
    # when set, rejected rows go there instead of staying in `rejected` (all but the first few)
    on_reject: Callable[[Rejected], None] | None = None
    # when set, each warning as it comes: the problem, and the rows it holds for
    on_warning: Callable[[Problem, RowRuns], None] | None = None
    # processes for big files (JSON Lines output); None: as many as useful, up to 2
    workers: int | None = None
    # another tool's output (eco2AI, CarbonTracker...): read row by row by its reader
    kind: Source | None = None
    # a `quality` the context does not set comes from the measuring methods' band
    derive_quality: bool = True

    def __post_init__(self) -> None:
        if self.measures not in MEASURE_MODES:
            raise InputError(
                "Unknown measures mode",
                "--measures",
                repr(self.measures),
                f"Use one of: {', '.join(MEASURE_MODES)}.",
            )
        if self.group_by is not None and self.group_by not in GROUP_COLUMNS:
            raise InputError(
                "Unknown grouping",
                "--group-by",
                repr(self.group_by),
                f"Use one of: {', '.join(GROUP_COLUMNS)}.",
            )
        self._values: dict[int, list[str]] = {}  # rows kept for grouping
        if self.workers is None:
            self.workers = default_workers()
        if not isinstance(self.workers, int) or self.workers < 1:
            raise InputError(
                "Expected a number of worker processes",
                "workers",
                repr(self.workers),
                "Give 1 or more (None: up to 2, as the machine allows).",
            )
        self._pieces: PlacedPieces | None = None
        body = Body.open(self.source) if self.kind is None else None
        if body is not None:  # the header is the plain first line: the pieces' way
            self.header = body.header
            check_header(self.header, self.path)
            self.layout = detect(self.header)
            self._check_layout()
            self._pieces = prepass(body, self.workers)
            self._unique_ids = self._pieces.unique_run_ids
        else:
            with self.source.open() as text:
                self.header, records = self._read(text)
                self.layout = detect(self.header) if self.kind is None else Detected(None)
                self._check_layout()
                id_column = self.kind.id_column if self.kind else "run_id"
                self._unique_ids = _unique_run_ids(self.header, records, id_column)
        if self.group_by is not None and self.group_by not in self.header:
            raise InputError(
                "No such column to group by",
                self.path,
                self.group_by,
                "Choose a column the CSV has.",
            )
        # everything that can stop the whole file is found now, before any output
        self._field_engine = self._engine()
        self._check_first_row()

    def __getstate__(self) -> dict[str, Any]:
        """What a worker process gets: no accounts, no callback; the field engine, whose
        transforms are closures, is made again."""
        state = dict(self.__dict__)
        state.update(rejected=[], warning_rows={}, on_reject=None, on_warning=None, _values={})
        del state["_field_engine"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._field_engine = self._engine()

    @property
    def warnings(self) -> list[RowWarning]:
        """Every warning with its row, in row order (of each warning, the rows of its first
        KEPT_RUNS runs: `warning_rows[message].dropped_runs` says how many more)."""
        found = [
            RowWarning(row, message) for message, rows in self.warning_rows.items() for row in rows
        ]
        return sorted(found, key=lambda w: w.row)

    @property
    def path(self) -> str:
        return self.source.label

    @property
    def _scan(self) -> Scan:
        return self.source.scan

    @property
    def encoding(self) -> str:
        return self._scan.encoding

    def _read(self, text: Any) -> tuple[list[str], Iterator[Record]]:
        if self.kind is None:
            return read_records(text, self.source.label)
        return self.kind.reader()(text, self.source.label)

    def describe(self) -> str:
        """What the input was recognised as, for `convert -v`."""
        if self.kind is not None:
            return self.kind.title
        return self.layout.describe() if self.layout else ""

    def _check_layout(self) -> None:
        assert self.layout is not None
        if self.kind is None and self.layout.layout is not FLAT and self.layout.missing_essential:
            raise InputError(
                "Not a CodeCarbon emissions CSV",
                str(self.path),
                "no column " + ", ".join(self.layout.missing_essential),
                "Pass an emissions.csv written by CodeCarbon.",
            )

    def _engine(self) -> FieldEngine:
        options = {
            "measures": self.measures,
            "layout": self.layout.name if self.layout else "",
            "schema_version": self.version.value,
        }
        # a flat CSV holds whole reports (`render --format csv`): they come back as they were
        flat = self.layout is not None and self.layout.layout is FLAT
        if self.derive_quality and not flat:
            options["quality"] = "derive"
        return FieldEngine(self.table, self.header, options)

    def __iter__(self) -> Iterator[ConvertedRow]:
        self._start_accounts()
        rows = self._rows()
        yield from rows if self.group_by is None else self._groups(rows)

    def _start_accounts(self) -> None:
        # each pass reads the file again: its accounts start again too
        self.rejected, self.warning_rows, self.warning_notes = [], {}, {}
        self.problem_counts = {}
        self.converted = self.rejected_count = 0

    def _groups(self, rows: Iterator[ConvertedRow]) -> Iterator[ConvertedRow]:
        """One report per group of rows: the first row's report with every row's measures."""
        assert self.group_by is not None
        column = _index(self.header, self.group_by)
        groups: dict[str, list[ConvertedRow]] = {}
        for converted in rows:
            # rows without a key are runs of their own, not one group of strangers
            key = self._values[converted.row][column].strip() or f"\0row {converted.row}"
            groups.setdefault(key, []).append(converted)
        for key, group in groups.items():
            parts = by_setting((member, member.report) for member in group)
            if len(parts) > 1:
                tasks_only = len({setting(p[0].report)[1:] for p in parts}) == 1
                labels = [part_label(p[0].report, tasks_only) for p in parts]
                warned = self.warning_rows.setdefault(
                    split_warning(self.group_by, key, labels, tasks_only), RowRuns()
                )
                warned.extend(member.row for member in group)
            for part, members in enumerate(parts):
                report = members[0].report
                derived = self._quality_derived(report, members[0].row)
                intensity = mixed_intensity([member.report for member in members])
                report["measures"] = [m for member in members for m in member.report["measures"]]
                if intensity is not None and isinstance(report.get("environment"), dict):
                    if math.isnan(intensity):  # unknown for some runs: no emissions, not wrong ones
                        report["environment"].pop("powerSourceCarbonIntensity", None)
                    else:
                        report["environment"]["powerSourceCarbonIntensity"] = intensity
                if derived:  # the group's measures together have their own band
                    report["quality"] = uncertainty(report).quality
                header = report.setdefault("header", {})
                header["reportId"] = group_report_id(
                    REPORT_ID_NAMESPACE, self._scan.sha256, self.group_by, key, part
                )
                header["reportDatetime"] = max(
                    m.report.get("header", {}).get("reportDatetime", "") for m in members
                ) or header.get("reportDatetime")
                yield ConvertedRow(members[0].row, report)

    def _quality_derived(self, report: dict[str, Any], row: int) -> bool:
        """Whether the row's `quality` came from its band, not from the context."""
        if not self.derive_quality or report.get("quality") != uncertainty(report).quality:
            return False
        column = self.project_column
        project = self._values[row][column].strip() if column >= 0 else None
        return not any("quality" in layer for layer in self.context.for_project(project))

    @property
    def field_engine(self) -> FieldEngine:
        return self._field_engine

    def run_context(self) -> RunContext:
        return RunContext(self._field_engine.options, self._scan.sha256, self._unique_ids)

    def json_lines(self) -> Iterator[tuple[str, int]]:
        """The reports as JSON Lines text, a piece of the file at a time, with how many
        reports each piece holds; big files are converted whole columns at a time, in
        `workers` processes. Rejects and warnings fill as with iteration."""
        for output in self.outputs():
            yield output.data.decode("utf-8"), output.reports

    def outputs(self, fd: int | None = None) -> Iterator[Output]:
        """`json_lines` as UTF-8; with `fd`, the workers write their pieces there
        themselves, in order, and each Output only counts them."""
        self._start_accounts()
        self.source.check_unchanged()
        flat = self.layout is not None and self.layout.layout is FLAT
        if self._pieces is None or self.group_by is not None or flat:
            for converted in self._rows() if self.group_by is None else self:
                yield Output(1, (report_json(converted.report, None) + "\n").encode("utf-8"))
            return
        plan = make_plan(self._field_engine, self.project_column)
        converter = PieceConverter(self, plan, self._pieces)
        assert self.workers is not None
        pieces = len(self._pieces.pieces)
        for index, (result, output) in enumerate(
            piece_outputs(converter, pieces, self.workers, fd)
        ):
            if self._preflight_due:
                self._preflight_piece(index, result)
            self._absorb(result)
            yield output
        self.source.check_unchanged()

    def report_files(self, folder: Path) -> Iterator[list[tuple[str, str]]]:
        """The reports written to `folder` (a run's staging folder), one file each; yields,
        a piece of the file at a time, each report's file name (`writers.file_name`) and
        the name it was written under (`writers.write_report_file`), for the run's
        `ReportWriter.placed` to settle. Big files are converted whole columns at a time,
        in `workers` processes, which write the files themselves. Rejects and warnings
        fill as with iteration."""
        from .fast.folder import FilePieces, piece_files
        from .writers import file_name, report_file, write_report_file

        self._start_accounts()
        self.source.check_unchanged()
        flat = self.layout is not None and self.layout.layout is FLAT
        if self._pieces is None or self.group_by is not None or flat:
            for converted in self._rows() if self.group_by is None else self:
                name = file_name(converted.report)
                yield [(name, write_report_file(folder, name, report_file(converted.report)))]
            return
        plan = make_plan(self._field_engine, self.project_column)
        converter = FilePieces(self, plan, self._pieces)
        assert self.workers is not None
        pieces = len(self._pieces.pieces)
        for index, (result, placed) in enumerate(
            piece_files(converter, pieces, self.workers, folder)
        ):
            if self._preflight_due:
                self._preflight_piece(index, result)
            self._absorb(result)
            yield placed
        self.source.check_unchanged()

    def _absorb(self, result: PieceResult) -> None:
        """A piece's accounts; its rejects and warnings reach the callbacks in row order,
        as from the ordinary path."""
        self.converted += result.converted
        if not result.warnings:  # rejects only, in row order already
            for rejected in result.rejected:
                self._reject_row(rejected)
            return
        events: list[tuple[int, int, Rejected | Problem]] = []
        for message, rows in result.warnings.items():
            note = result.notes[message]
            self._warned(message, note).extend_runs(rows)
            self._count(note.code, len(rows))
            if self.on_warning is not None:
                events += [(row, 0, note) for row in rows]
        events += [(rejected.row, 1, rejected) for rejected in result.rejected]
        events.sort(key=lambda event: event[:2])
        for row, _, event in events:
            if isinstance(event, Rejected):
                self._reject_row(event)
            elif self.on_warning is not None:
                self.on_warning(event, RowRuns([row]))

    def _warned(self, message: str, note: Problem) -> RowRuns:
        self.warning_notes.setdefault(message, note)
        return self.warning_rows.setdefault(message, RowRuns(limit=KEPT_RUNS))

    def _count(self, code: str, rows: int) -> None:
        self.problem_counts[code] = self.problem_counts.get(code, 0) + rows

    def report(self) -> dict[str, Any]:
        """The conversion report of the rows read so far: `{"problems": [...], "files":
        [...], "counts": {...}}`, as `convert --report FILE` writes it. Its problems are the
        ones kept in memory: all of them, unless rejected rows were streamed (`on_reject`)
        or a warning held for more than KEPT_RUNS runs of rows; `complete` says so. The
        counts are always whole."""
        from .conversion_report import rejected_entry, summary, totals, warning_entry

        entries = [rejected_entry(self.path, r) for r in self.rejected]
        for message, rows in self.warning_rows.items():
            note = self.warning_notes[message]
            entries += [warning_entry(self.path, note, row) for row in rows]
        entries.sort(key=lambda entry: entry["row"])
        complete = len(self.rejected) == self.rejected_count and not any(
            rows.dropped_runs for rows in self.warning_rows.values()
        )
        return {
            "problems": entries,
            "files": [summary(self)],
            "counts": totals([self]),
            "complete": complete,
        }

    def _check_first_row(self) -> None:
        """The first row that makes a report (valid or not) tells whether the context and
        table can give every required field. Past a long run of rejected rows, the rest of
        the file is checked as its rows are converted: the rows are not run twice."""
        engine = self._field_engine
        run = self.run_context()
        self._preflight_due = False
        with self.source.open() as text:
            _, records = self._read(text)
            for tried, record in enumerate(records):
                if tried >= FIRST_ROWS_TRIED:
                    self._preflight_due = True
                    return
                if record.reason:
                    continue
                try:
                    done = self.assembled(record, engine, run)
                except ValueError:
                    continue  # that row will be rejected; the next one tells about the file
                self._preflight(done.report, done.errors, engine)
                return

    def _preflight_row(self, record: Record) -> None:
        """The check of `_check_first_row`, on the first row that makes a report."""
        done = self.assembled(record, self._field_engine, self.run_context())
        self._preflight(done.report, done.errors, self._field_engine)
        self._preflight_due = False

    def _preflight_piece(self, index: int, result: PieceResult) -> None:
        """The check on the piece's first row that makes a report, if it has one."""
        assert self._pieces is not None
        placed = self._pieces.pieces[index]
        refused = {r.row for r in result.rejected if r.code != "invalid-report"}
        rows = range(
            placed.first_row + 1, placed.first_row + 1 + result.converted + len(result.rejected)
        )
        first = next((row for row in rows if row not in refused), None)
        if first is None:
            return
        body = self._pieces.body
        text = body.read(placed.piece).decode(body.encoding, body.errors)
        for record in body.records(text, placed.first_row, placed.first_line):
            if record.row == first:
                self._preflight_row(record)
                return

    def _rows(self) -> Iterator[ConvertedRow]:
        self.source.check_unchanged()
        run = self.run_context()
        with self.source.open() as text:
            _, records = self._read(text)
            for record in records:
                outcome = self.outcome(record, run)
                if self._preflight_due and _made(outcome):
                    self._preflight_row(record)
                for message, note in zip(outcome.warnings, outcome.notes, strict=True):
                    self._warned(message, note).append(record.row)
                    self._count(note.code, 1)
                    if self.on_warning is not None:
                        self.on_warning(note, RowRuns([record.row]))
                if outcome.rejected is not None:
                    self._reject_row(outcome.rejected)
                    continue
                assert outcome.report is not None
                self.converted += 1
                if self.group_by is not None:
                    self._values[record.row] = record.values
                yield ConvertedRow(record.row, outcome.report)
        self.source.check_unchanged()

    def assembled(
        self, record: Record, engine: FieldEngine, run: RunContext, mark: Mark | None = None
    ) -> Assembled:
        """The report of one row; raises ValueError (a RowError) for values it cannot take."""
        run.line = record.row
        notes: list[str] = []
        builder = self.kind.builder if self.kind is not None else None
        if self.layout is not None and self.layout.layout is FLAT:
            built = unflatten(dict(zip(self.header, record.values, strict=True)), self.version)
        elif builder is not None:  # a file of reports: the table only adds to them
            built, notes = builder(record.values)
            merge(built, to_plain(engine.build(record.values, run, mark)))
        else:
            built = engine.build(record.values, run, mark)
        column = self.project_column
        project = record.values[column].strip() if column >= 0 else None
        done = assemble(built, self.context, project, engine, run, self.version)
        done.warnings[:0] = notes
        # what a tool's reader fixed or named, as problems of the catalogue too
        done.warning_problems[:0] = [problem("source-note", "", actual=note) for note in notes]
        return done

    def outcome(self, record: Record, run: RunContext) -> Outcome:
        """One record through the ordinary path, leaving the accounts alone."""
        if record.reason:
            width = str(len(record.values))
            return Outcome(None, _rejected(record, record.reason, "row-width", "", width), [])
        try:
            done = self.assembled(record, self._field_engine, run)
        except ValueError as exc:
            code, column, value = (
                (exc.code, exc.column, exc.value)
                if isinstance(exc, RowError)
                else ("bad-value", "", "")
            )
            return Outcome(None, _rejected(record, str(exc), code, column, value), [])
        if done.errors:
            first = done.errors[0]
            reason = f"the report would be invalid: {first}"
            rejected = _rejected(record, reason, "invalid-report", first.path)
            return Outcome(None, rejected, done.warnings, done.warning_problems)
        return Outcome(done.report, None, done.warnings, done.warning_problems)

    @property
    def project_column(self) -> int:
        return _index(self.header, "project_name")

    def _reject_row(self, rejected: Rejected) -> None:
        self.rejected_count += 1
        self._count(rejected.code, 1)
        if self.on_reject is None:
            self.rejected.append(rejected)
            return
        self.on_reject(rejected)
        if len(self.rejected) < KEPT_WHEN_STREAMED:
            self.rejected.append(rejected)

    def _preflight(
        self, report: dict[str, Any], problems: list[Problem], engine: FieldEngine
    ) -> None:
        flat = self.layout is not None and self.layout.layout is FLAT
        missing = structural_gaps(report, problems, engine, self.header if flat else None)
        if missing:
            if self.kind is not None:
                no_hardware = f"This {self.kind.tool_name} file names no hardware"
            elif flat:
                no_hardware = "This BoAmps CSV names no hardware"
            else:
                no_hardware = CODECARBON_CSV
            raise MissingFieldsError(
                "Missing required fields",
                # several inputs share one context: which one lacks what
                f"context (converting {self.source.label})",
                ", ".join(missing),
                missing_hint(missing, self.version, no_hardware),
            )


def _rejected(
    record: Record, reason: str, code: str, column: str = "", value: str = ""
) -> Rejected:
    return Rejected(record.row, record.line, record.values, reason, code, column, value)


def _made(outcome: Outcome) -> bool:
    """Whether the row made a report, valid or not (not refused by the field table)."""
    return outcome.rejected is None or outcome.rejected.code == "invalid-report"


def _index(header: list[str], name: str) -> int:
    return header.index(name) if name in header else -1


def _unique_run_ids(
    header: list[str], records: Iterator[Record], id_column: str = "run_id"
) -> UniqueRunIds:
    """Reads every record even without a run_id column: this first pass is also where a
    broken quote stops the file, before any report is written."""
    column = _index(header, id_column)
    return UniqueRunIds(
        record.values[column].strip() for record in records if column >= 0 and not record.reason
    )


def field_table(fieldmap: str | Path | None = None, base: Path | None = None) -> FieldTable:
    """The built-in field table (CodeCarbon's, or `base`: another tool's), extended or
    replaced by a user's."""
    table = load_field_table(base)
    if fieldmap is not None:
        user = load_field_table(fieldmap)
        # a bash tool table is a whole mapping of its own; ours extend the built-in one
        table = user if user.complete else table.extended_by(user)
    return table


def convert(
    source: Any,
    context: str | Path | dict[str, Any] | None = None,
    fieldmap: str | Path | None = None,
    *,
    measures: str = "total",
    schema_version: str | SchemaVersion = DEFAULT_VERSION,
    group_by: str | None = None,
    workers: int | None = None,
    source_kind: str | None = None,
    derive_quality: bool = True,
) -> Conversion:
    """A Conversion of a CodeCarbon CSV (a path, file object, bytes or pandas DataFrame) or
    Parquet file (a path, or its bytes); iterate it for reports, or call `.json_lines()`
    for their JSON text (the fast way, in `workers` processes on Linux: default up to 2),
    then read `.rejected` for the rows it could not convert. `derive_quality`: a `quality`
    the context does not set comes from the measuring methods (`boamps_carbon.uncertainty`)."""
    version = parse_version(schema_version)
    csv_source = open_source(source)
    kind = named(source_kind) if source_kind is not None else recognise_source(csv_source)
    return Conversion(
        csv_source,
        load_context(context, version),
        field_table(fieldmap, None if kind is None else builtin_table(kind.table)),
        measures,
        version,
        group_by,
        workers=workers,
        kind=kind,
        derive_quality=derive_quality,
    )


def builtin_table(name: str) -> Path:
    from .resources import schemas_dir

    return schemas_dir() / "fieldmaps" / name


def recognise_source(source: CsvSource) -> Source | None:
    """The tool that wrote a file, from its name and first bytes (None: CodeCarbon's CSV)."""
    if source.data is not None:
        head = source.data[:HEAD]
    else:
        assert source.path is not None
        try:
            with open(source.path, "rb") as handle:
                head = handle.read(HEAD)
        except OSError:
            return None  # the CSV path says why it cannot be read
    return recognise(source.label, head)
