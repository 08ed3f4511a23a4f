"""`boamps render`: reports as a flat CSV, related tables, text, Markdown or an HTML page."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

from ..errors import InputError
from ..io import atomic_write, check_replaceable
from ..schema import DEFAULT_VERSION
from .reading import add_report_sources, reports_of, started

HELP = "Render BoAmps reports as CSV, related tables, text, Markdown or HTML."
FORMATS = ("csv", "tables", "text", "markdown", "html")
TABLES = ("reports.csv", "measures.csv", "components.csv", "algorithms.csv", "datasets.csv")


def register(commands: Any) -> None:
    parser = commands.add_parser("render", help=HELP, description=HELP)
    add_report_sources(parser)
    parser.add_argument("--format", choices=FORMATS, default="text")
    parser.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        help="file to write (default: stdout); a folder for --format tables",
    )
    parser.add_argument(
        "--template", metavar="FILE", help="your own Jinja2 template for text, markdown or html"
    )
    parser.add_argument("--schema-version", default=DEFAULT_VERSION.value)
    parser.add_argument(
        "--force", action="store_true", help="replace an existing output file (or tables)"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.format == "tables" and not args.output:
        raise InputError(
            "Related tables need a folder", "--format tables", "no -o", "Add -o FOLDER."
        )
    if args.template and args.format in ("csv", "tables"):
        raise InputError(
            "Templates render text, markdown or html",
            "--template",
            args.template,
            "Drop --template or choose one of those formats.",
        )
    # the output first: an existing file stops the command before any report is read
    if args.format == "tables":
        folder = Path(args.output)
        if folder.suffix[1:].isalpha() and not folder.is_dir():  # a file name: no folder of it
            raise InputError(
                "Related tables need a folder",
                args.output,
                f"a {folder.suffix} file",
                "Give a folder name without a file suffix.",
            )
        for name in TABLES:
            check_replaceable(Path(args.output) / name, args.force)
    elif args.output:
        check_replaceable(Path(args.output), args.force)
    reading = reports_of(args)
    reports = started(reading)  # no valid report: an error before any output
    if args.format == "tables":
        _write_tables(reports, Path(args.output), args.schema_version, args.force)
    else:
        _emit(lambda out: _write(reports, args, out), args.output, args.force)
    return 1 if reading.skipped else 0


def _write(reports: Iterator[dict[str, Any]], args: argparse.Namespace, out: TextIO) -> None:
    if args.format == "csv":
        from ..render.flat import write_csv

        write_csv(reports, out, args.schema_version)
        return
    from ..render.pages import write_reports

    write_reports(reports, out, args.format, args.template)


def _emit(write: Callable[[TextIO], None], output: str | None, force: bool) -> None:
    if output:
        atomic_write(output, write, replace=force)
    else:
        write(sys.stdout)


def _write_tables(
    reports: Iterator[dict[str, Any]], folder: Path, version: str, force: bool
) -> None:
    from ..render.tables import write_tables

    # every table is spooled before the first file is written: no half set of files
    write_tables(
        reports,
        lambda name, write: atomic_write(folder / name, write, replace=force),
        version,
    )
