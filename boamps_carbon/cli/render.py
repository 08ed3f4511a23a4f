"""`boamps render`: reports as a flat CSV, related tables, text, Markdown or an HTML page."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

from ..errors import InputError
from ..io import atomic_write
from ..schema import DEFAULT_VERSION
from .reading import add_report_sources, reports_of, started

HELP = "Render BoAmps reports as CSV, related tables, text, Markdown or HTML."
FORMATS = ("csv", "tables", "text", "markdown", "html")


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
    reading = reports_of(args)
    reports = started(reading)  # no valid report: an error before any output
    if args.format == "tables":
        _write_tables(reports, Path(args.output), args.schema_version)
    else:
        _emit(lambda out: _write(reports, args, out), args.output)
    return 1 if reading.skipped else 0


def _write(reports: Iterator[dict[str, Any]], args: argparse.Namespace, out: TextIO) -> None:
    if args.format == "csv":
        from ..render.flat import write_csv

        write_csv(reports, out, args.schema_version)
        return
    from ..render.pages import write_reports

    write_reports(reports, out, args.format, args.template)


def _emit(write: Callable[[TextIO], None], output: str | None) -> None:
    if output:
        atomic_write(output, write)
    else:
        write(sys.stdout)


def _write_tables(reports: Iterator[dict[str, Any]], folder: Path, version: str) -> None:
    from ..render.tables import write_tables

    # every table is spooled before the first file is written: no half set of files
    write_tables(reports, lambda name, write: atomic_write(folder / name, write), version)
