"""`boamps render`: reports as a flat CSV, related tables, text, Markdown or an HTML page."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..io import atomic_write_text
from ..schema import DEFAULT_VERSION
from .reading import add_report_sources, reports_of

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
    reports, skipped = reports_of(args)
    if args.format == "tables":
        _write_tables(reports, Path(args.output), args.schema_version)
    else:
        _emit(_text(reports, args), args.output)
    return 1 if skipped else 0


def _text(reports: list[dict[str, Any]], args: argparse.Namespace) -> str:
    if args.format == "csv":
        from ..render.flat import to_csv_text

        return to_csv_text(reports, args.schema_version)
    from ..render.pages import render_reports

    return render_reports(reports, args.format, args.template)


def _emit(text: str, output: str | None) -> None:
    if output:
        atomic_write_text(output, text)
    else:
        sys.stdout.write(text)


def _write_tables(reports: list[dict[str, Any]], folder: Path, version: str) -> None:
    from ..render.tables import tables

    contents = tables(reports, version)  # all computed before the first file is written
    for name, text in contents.items():
        atomic_write_text(folder / name, text)
