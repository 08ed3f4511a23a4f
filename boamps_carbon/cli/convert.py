"""`boamps convert`: CodeCarbon emissions CSVs to BoAmps reports."""

from __future__ import annotations

import argparse
import functools
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import BoampsError, InputError
from ..io import check_replaceable
from ..printable import printable
from ..schema import DEFAULT_VERSION, SchemaVersion
from ..writers import DEFAULT_FOLDER, STDOUT

if TYPE_CHECKING:
    from ..conversion import Conversion
    from ..conversion_report import ConversionReportWriter
    from ..outcomes import Rejected
    from ..rejects import RejectsNotWritten, RejectsWriter
    from ..rows import RowRuns
    from ..validation.problems import Problem
    from ..writers import ReportWriter

HELP = "Convert CodeCarbon emissions CSVs to BoAmps reports."
SHOWN_PER_KIND = 20
# the values of --source (sources/registry.py), written here to keep it off the start-up path
SOURCE_NAMES = (
    "codecarbon",
    "eco2ai",
    "lamarr",
    "carbontracker",
    "carbon-ops",
    "zeus",
    "codecarbon-boamps",
    "codecarbon-logs",
)
REJECTS_ON_STDERR = "Free some space or choose another --rejects; the rejected rows are above."
STREAMED_NOTE = (
    " Standard output already holds the reports written before this error: discard them."
)


def register(commands: Any) -> None:
    parser = commands.add_parser("convert", help=HELP, description=HELP)
    parser.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="CodeCarbon emissions CSV or Parquet file, flat BoAmps CSV, another tool's output "
        "(see --source), or a folder of them",
    )
    parser.add_argument(
        "--context",
        metavar="FILE",
        help="partial BoAmps report (JSON) with what a CSV cannot know: task, "
        "publisher... (`boamps init-context` writes one)",
    )
    parser.add_argument(
        "--fieldmap",
        metavar="FILE",
        help="field table extending or overriding the built-in one (ours or a "
        "BoAmps bash tool mapping table)",
    )
    parser.add_argument(
        "--source",
        choices=SOURCE_NAMES,
        help="the tool that wrote the inputs (default: recognised from each file's content)",
    )
    parser.add_argument(
        "--measures",
        choices=("total", "components"),
        default="total",
        help="one measure with the total energy, or one per component",
    )
    parser.add_argument(
        "--group-by",
        choices=("run_id", "project_name", "experiment_id"),
        help="one report per group of rows, whose measures are the group's rows",
    )
    parser.add_argument(
        "--schema-version",
        default=DEFAULT_VERSION.value,
        help=f"BoAmps version to write: {', '.join(v.value for v in SchemaVersion)}",
    )
    parser.add_argument(
        "-o",
        "--output",
        default=DEFAULT_FOLDER,
        metavar="OUT",
        help=f"a folder (default {DEFAULT_FOLDER}/), a .jsonl file, - for JSON Lines on stdout, "
        "or a database URL (sqlite:///PATH, postgresql://...)",
    )
    parser.add_argument(
        "--rejects",
        metavar="FILE",
        help="CSV of the rows not converted: file, row, reason, then the original columns",
    )
    parser.add_argument(
        "--report",
        metavar="FILE",
        help="JSON conversion report: every rejected or warned row as a problem (code, row, "
        "line, column, value, message, hint), counts per code",
    )
    parser.add_argument("--force", action="store_true", help="replace existing report files")
    parser.add_argument(
        "--no-derive-quality",
        dest="derive_quality",
        action="store_false",
        help="leave quality out when the context does not set it (by default it comes from "
        "the measuring methods' uncertainty band)",
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="say which layout and encoding each input has"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    _start_workers_early(args.inputs)
    from ..conversion import convert
    from ..sources.registry import expand
    from ..writers import cannot_write

    if args.rejects:
        _check_rejects_path(args)
    if args.report:
        _check_report_path(args)
    # the output first: an existing file stops the run before any input is read
    writer = open_writer(args.output, force=args.force)
    rejects: Rejects | None = None
    report: ConversionReportWriter | None = None
    inputs = expand(args.inputs)
    if inputs.skipped:
        shown = ", ".join(inputs.skipped[:SHOWN_PER_KIND])
        more = len(inputs.skipped) - SHOWN_PER_KIND
        shown += f" and {more} more" if more > 0 else ""
        print(printable(f"skipped (no known tool's output): {shown}"), file=sys.stderr)
    try:
        conversions = [
            convert(
                path,
                args.context,
                args.fieldmap,
                measures=args.measures,
                schema_version=args.schema_version,
                group_by=args.group_by,
                source_kind=args.source,
                derive_quality=args.derive_quality,
            )
            for path in inputs.files
        ]
        if args.fieldmap:
            _warn_unknown_sources(args.fieldmap, conversions)
        _warn_mixed_encodings(conversions)
        rejects = Rejects(args.rejects, conversions, args.force) if args.rejects else None
        if args.report:
            from ..conversion_report import ConversionReportWriter

            report = ConversionReportWriter(args.report)
        for conversion in conversions:
            # rejected rows stream to the file (or only the first ones are kept, for
            # stderr): millions of bad rows must not fill the memory
            conversion.on_reject = functools.partial(_reject, rejects, report, conversion)
            if report is not None:
                conversion.on_warning = functools.partial(_warn, report, conversion)
        try:
            _write(conversions, writer, args.verbose)
        except BrokenPipeError:
            raise
        except OSError as exc:  # a full disk, a closed output...
            raise cannot_write(args.output, exc) from None
        except BoampsError as exc:
            # stdout streams: what went out cannot be taken back (a CSV changed under us is
            # only seen at its end), so the message says so rather than hold every report back
            from ..io import StdoutError

            # (standard output itself failing took none of them)
            if args.output == STDOUT and writer.count and not isinstance(exc, StdoutError):
                exc.hint += STREAMED_NOTE
            raise
        writer.commit()
    except BaseException:
        writer.abort()
        if rejects:
            rejects.abort()
        if report:
            report.abort()
        raise
    if rejects:
        rejects.commit()
    if report:
        report.commit(conversions)
    _summary(conversions, args, writer.count, rejects is not None and rejects.failure is None)
    if rejects and rejects.failure:
        raise rejects.failure
    return 1 if any(c.rejected_count for c in conversions) else 0


def _warn_unknown_sources(fieldmap: str, conversions: list[Conversion]) -> None:
    from ..fieldmap.table import load_field_table, unknown_sources

    table = load_field_table(fieldmap)
    for conversion in conversions:
        for unknown in unknown_sources(table, conversion.header):
            line = f"warning: {unknown.message(str(conversion.path))}"
            print(printable(line), file=sys.stderr)


def _warn_mixed_encodings(conversions: list[Conversion]) -> None:
    from ..sources.codecarbon_csv import mixed_encoding

    for conversion in conversions:
        found = mixed_encoding(conversion.source)
        if found is not None:
            shown = ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in found.runs)
            more = sum(b - a + 1 for a, b in found.runs)
            if found.count > more:
                shown += f" and {found.count - more} more"
            word = "line" if found.count == 1 else "lines"
            print(
                printable(
                    f"warning: {conversion.path} {word} {shown}: not UTF-8 like the rest of "
                    "the file, read as cp1252 (check the accents there)"
                ),
                file=sys.stderr,
            )


def _write(conversions: list[Conversion], writer: ReportWriter, verbose: bool) -> None:
    for conversion in conversions:
        if verbose:
            line = f"{conversion.path}: {conversion.describe()}, {conversion.encoding}"
            print(printable(line), file=sys.stderr)  # the layout names the CSV's columns
        progress = Progress(str(conversion.path))
        if writer.takes_lines:
            for output in conversion.outputs(writer.descriptor()):
                writer.write_output(output)
                progress.tick(output.reports)
        elif (folder := getattr(writer, "folder", None)) is not None:  # not a store
            for placed in conversion.report_files(folder):
                writer.placed(placed)
                progress.tick(len(placed))
        else:
            for converted in conversion:
                writer.write(converted.report)
                progress.tick()
        progress.done()


def _reject(
    rejects: Rejects | None,
    report: ConversionReportWriter | None,
    conversion: Conversion,
    rejected: Rejected,
) -> None:
    if rejects is not None:
        rejects.add(conversion, rejected)
    if report is not None:
        from ..conversion_report import rejected_entry

        report.add(rejected_entry(conversion.path, rejected))


def _warn(
    report: ConversionReportWriter, conversion: Conversion, note: Problem, rows: RowRuns
) -> None:
    from ..conversion_report import warning_entry

    for row in rows:
        report.add(warning_entry(conversion.path, note, row))


class Rejects:
    """`--rejects FILE`; when the file cannot be written (a full disk), every rejected row
    goes to stderr instead, and the run ends with the error (exit 2)."""

    def __init__(self, path: str, conversions: list[Conversion], force: bool = False) -> None:
        from ..rejects import RejectsNotWritten, RejectsWriter

        self.writer: RejectsWriter | None = RejectsWriter(
            path, [c.header for c in conversions], replace=force
        )
        self.failure: RejectsNotWritten | None = None
        self._not_written = RejectsNotWritten  # caught on each row: imported once

    def add(self, conversion: Conversion, rejected: Rejected) -> None:
        if self.writer is None:
            _print_rejected(str(conversion.path), rejected.row, rejected.reason)
            return
        try:
            self.writer.add(conversion.path, conversion.header, rejected)
        except self._not_written as exc:
            self._failed(exc)

    def _attempt(self, action: Callable[[RejectsWriter], None]) -> None:
        assert self.writer is not None
        try:
            action(self.writer)
        except self._not_written as exc:
            self._failed(exc)

    def _failed(self, exc: RejectsNotWritten) -> None:
        self.writer, self.failure = None, exc
        exc.hint = REJECTS_ON_STDERR
        for label, row, reason in exc.rows:
            _print_rejected(label, row, reason)

    def commit(self) -> None:
        if self.writer is not None:
            self._attempt(lambda writer: writer.commit())

    def abort(self) -> None:
        if self.writer is not None:
            self.writer.abort()


def _print_rejected(label: str, row: int, reason: str) -> None:
    print(printable(f"rejected: {label} row {row}: {reason}"), file=sys.stderr)


def _check_report_path(args: argparse.Namespace) -> None:
    """--report is checked before any work, as --rejects is."""
    report = Path(args.report)
    if any(report.resolve() == Path(p).resolve() for p in [*args.inputs, args.rejects or ""]):
        raise InputError(
            "--report is an input or the rejects file",
            "--report",
            args.report,
            "Give the report its own file.",
        )
    if report.is_dir():
        raise InputError(
            "--report is a folder", "--report", args.report, "Give a file name: report.json."
        )
    if report.exists() and not args.force:
        raise InputError(
            "Report file exists",
            args.report,
            "not overwritten",
            "Use --force to replace it, or choose another --report.",
        )


def _check_rejects_path(args: argparse.Namespace) -> None:
    """--rejects is checked before any work, so that it cannot fail after the reports."""
    rejects = Path(args.rejects)
    if any(rejects.resolve() == Path(source).resolve() for source in args.inputs):
        raise InputError(
            "--rejects is an input",
            "--rejects",
            args.rejects,
            "Give the rejects their own file: this one would be overwritten.",
        )
    if args.output != STDOUT and rejects.resolve() == Path(args.output).resolve():
        raise InputError(
            "--rejects and -o are the same file",
            "--rejects",
            args.rejects,
            "Give the rejects their own file.",
        )
    from ..rejects import is_stream

    if is_stream(rejects):  # a device or a pipe is written to, never replaced
        return
    if rejects.is_dir():
        raise InputError(
            "--rejects is a folder",
            "--rejects",
            args.rejects,
            "Give a file name, such as rejects.csv.",
        )
    check_replaceable(rejects, args.force, "--rejects", "Rejects file exists")
    try:
        rejects.parent.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=rejects.parent).close()
    except OSError as exc:
        raise InputError(
            "Cannot write",
            args.rejects,
            exc.strerror or str(exc),
            "Check that --rejects names a file in a folder you can write to.",
        ) from None


class Progress:
    """A line on stderr that counts rows, for long runs in a terminal only."""

    EVERY = 0.5  # seconds

    def __init__(self, label: str) -> None:
        self.label, self.count = label, 0
        self.shown = sys.stderr.isatty()
        self.next = time.monotonic() + self.EVERY

    def tick(self, reports: int = 1) -> None:
        before, self.count = self.count, self.count + reports
        if self.shown and (before >> 10) != (self.count >> 10) and time.monotonic() >= self.next:
            self.next = time.monotonic() + self.EVERY
            sys.stderr.write(f"\r{self.label}: {self.count:,} reports...")
            sys.stderr.flush()

    def done(self) -> None:
        if self.shown and self.count >= 1024:
            sys.stderr.write("\r\033[K")  # clear the line for the summary


def _rows(rows: RowRuns) -> str:
    ranges = [str(a) if a == b else f"{a}-{b}" for a, b in rows.runs()[:8]]
    more = len(rows.runs()) + rows.dropped_runs - len(ranges)
    return ", ".join(ranges) + (f" and {more} more ranges" if more else "")


def _summary(
    conversions: list[Conversion], args: argparse.Namespace, reports: int, rejects_written: bool
) -> None:
    for conversion in conversions:
        for message, rows in conversion.warning_rows.items():
            word = "row" if len(rows) == 1 else "rows"
            line = f"warning: {conversion.path} {word} {_rows(rows)}: {message}"
            print(printable(line), file=sys.stderr)
        if not args.rejects:
            for rejected in conversion.rejected[:SHOWN_PER_KIND]:
                _print_rejected(str(conversion.path), rejected.row, rejected.reason)
            hidden = conversion.rejected_count - SHOWN_PER_KIND
            if hidden > 0:
                print(
                    f"rejected: {hidden} more rows of {conversion.path}; "
                    "write them all with --rejects FILE",
                    file=sys.stderr,
                )
        total = conversion.converted + conversion.rejected_count
        print(
            f"{conversion.path}: {total} rows, {conversion.converted} converted, "
            f"{conversion.rejected_count} rejected",
            file=sys.stderr,
        )
    if args.output != STDOUT:
        print(
            f"wrote {reports} reports to {args.output}"
            + (f", rejects to {args.rejects}" if rejects_written else ""),
            file=sys.stderr,
        )


def open_writer(target: str, *, force: bool = False) -> Any:
    """The writer for `-o`: a store for a database URL (`sqlite:///x.db`, `postgresql://...`),
    else a `ReportWriter`."""
    from ..store.location import check_url, is_url

    check_url(target, "-o")  # `mysql://...` is no folder to make
    if is_url(target):
        from ..store.writer import StoreWriter

        return StoreWriter(target, force=force)
    from ..writers import ReportWriter

    return ReportWriter(target, force=force)


def _start_workers_early(inputs: list[str]) -> None:
    """The fork server of the worker processes, started before this process imports the
    conversion: its own imports (a quarter of a second) overlap ours. Only for a file of
    more than one piece, where the workers will be used."""
    import os

    from ..fast.pool import EARLY_START_BYTES, default_workers, start_early

    if default_workers() > 1 and any(
        os.path.isfile(path) and os.path.getsize(path) > EARLY_START_BYTES for path in inputs
    ):
        start_early()
