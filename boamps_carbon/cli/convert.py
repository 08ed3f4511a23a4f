"""`boamps convert`: CodeCarbon emissions CSVs to BoAmps reports."""

from __future__ import annotations

import argparse
import csv
import functools
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..io import check_replaceable, exists_error, make_readable, publish
from ..schema import DEFAULT_VERSION, SchemaVersion
from ..writers import DEFAULT_FOLDER, STDOUT

if TYPE_CHECKING:
    from ..conversion import Conversion, Rejected
    from ..rows import RowRuns
    from ..writers import ReportWriter

HELP = "Convert CodeCarbon emissions CSVs to BoAmps reports."
SHOWN_PER_KIND = 20


def register(commands: Any) -> None:
    parser = commands.add_parser("convert", help=HELP, description=HELP)
    parser.add_argument(
        "inputs", nargs="+", metavar="INPUT", help="CodeCarbon emissions CSV, or a flat BoAmps CSV"
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
        help=f"a folder (default {DEFAULT_FOLDER}/), a .jsonl file, or - for JSON Lines on stdout",
    )
    parser.add_argument(
        "--rejects",
        metavar="FILE",
        help="CSV of the rows not converted: file, row, reason, then the original columns",
    )
    parser.add_argument("--force", action="store_true", help="replace existing report files")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="say which layout and encoding each input has"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..conversion import convert
    from ..writers import ReportWriter, cannot_write

    if args.rejects:
        _check_rejects_path(args)
    # the output first: an existing file stops the run before any input is read
    writer = ReportWriter(args.output, force=args.force)
    rejects: RejectsFile | None = None
    try:
        conversions = [
            convert(
                path,
                args.context,
                args.fieldmap,
                measures=args.measures,
                schema_version=args.schema_version,
                group_by=args.group_by,
            )
            for path in args.inputs
        ]
        rejects = RejectsFile(args.rejects, conversions, args.force) if args.rejects else None
        for conversion in conversions:
            # rejected rows stream to the file (or only the first ones are kept, for
            # stderr): millions of bad rows must not fill the memory
            conversion.on_reject = functools.partial(_reject, rejects, conversion)
        try:
            _write(conversions, writer, args.verbose)
        except BrokenPipeError:
            raise
        except OSError as exc:  # a full disk, a closed output...
            raise cannot_write(args.output, exc) from None
        writer.commit()
    except BaseException:
        writer.abort()
        if rejects:
            rejects.abort()
        raise
    if rejects:
        rejects.commit()
    _summary(conversions, args, writer.count)
    return 1 if any(c.rejected_count for c in conversions) else 0


def _write(conversions: list[Conversion], writer: ReportWriter, verbose: bool) -> None:
    for conversion in conversions:
        if verbose:
            layout = conversion.layout.describe() if conversion.layout else ""
            print(f"{conversion.path}: {layout}, {conversion.encoding}", file=sys.stderr)
        progress = Progress(str(conversion.path))
        if writer.takes_lines:
            for output in conversion.outputs(writer.descriptor()):
                writer.write_output(output)
                progress.tick(output.reports)
        else:
            for converted in conversion:
                writer.write(converted.report)
                progress.tick()
        progress.done()


def _reject(rejects: RejectsFile | None, conversion: Conversion, rejected: Rejected) -> None:
    if rejects is not None:
        rejects.add(conversion, rejected)


class RejectsFile:
    """The rows not converted, as CSV: file, row, reason, then the original columns; written
    as they come to a temporary file that takes its name at the end."""

    def __init__(self, path: str, conversions: list[Conversion], force: bool = False) -> None:
        self.path, self.force = Path(path), force
        self.columns: list[str] = []
        for conversion in conversions:
            self.columns += [c for c in conversion.header if c not in self.columns]
        handle, temp = tempfile.mkstemp(
            dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp"
        )
        self.temp = Path(temp)
        self.file = os.fdopen(handle, "w", encoding="utf-8", newline="")
        self.writer = csv.writer(self.file, lineterminator="\r\n")
        self.writer.writerow(["file", "row", "reason", *self.columns])

    def add(self, conversion: Conversion, rejected: Rejected) -> None:
        by_name = dict(zip(conversion.header, rejected.values, strict=False))
        extra = rejected.values[len(conversion.header) :]
        self.writer.writerow(
            [
                str(conversion.path),
                rejected.row,
                rejected.reason,
                *(by_name.get(c, "") for c in self.columns),
                *extra,
            ]
        )

    def commit(self) -> None:
        self.file.close()
        make_readable(self.temp)
        try:
            publish(self.temp, self.path, replace=self.force)
        except FileExistsError:  # made meanwhile, by another run
            self.temp.unlink(missing_ok=True)
            raise exists_error(self.path, "--rejects", "Rejects file exists") from None

    def abort(self) -> None:
        self.file.close()
        self.temp.unlink(missing_ok=True)


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
    ranges = [str(a) if a == b else f"{a}-{b}" for a, b in rows.runs()]
    shown = ", ".join(ranges[:8])
    return shown + (f" and {len(ranges) - 8} more ranges" if len(ranges) > 8 else "")


def _summary(conversions: list[Conversion], args: argparse.Namespace, reports: int) -> None:
    for conversion in conversions:
        for message, rows in conversion.warning_rows.items():
            word = "row" if len(rows) == 1 else "rows"
            print(f"warning: {conversion.path} {word} {_rows(rows)}: {message}", file=sys.stderr)
        if not args.rejects:
            for rejected in conversion.rejected[:SHOWN_PER_KIND]:
                print(
                    f"rejected: {conversion.path} row {rejected.row}: {rejected.reason}",
                    file=sys.stderr,
                )
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
            + (f", rejects to {args.rejects}" if args.rejects else ""),
            file=sys.stderr,
        )
