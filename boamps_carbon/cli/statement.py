"""`boamps statement`: a paper-ready paragraph on the energy and emissions of reports."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..schema import DEFAULT_VERSION
from .reading import Skips, add_report_sources, big_files, no_valid_report, reports_of

HELP = "Write a paper-ready statement of the energy and emissions of reports."


def register(commands: Any) -> None:
    parser = commands.add_parser("statement", help=HELP, description=HELP)
    add_report_sources(parser)
    parser.add_argument(
        "--format",
        choices=("text", "markdown", "latex"),
        default="text",
        help="latex adds \\cite keys and prints their BibTeX entries",
    )
    parser.add_argument("--project", metavar="P", help="only reports of this projectName")
    parser.add_argument(
        "--since",
        metavar="DATE",
        type=_since,
        help="only reports dated on or after, YYYY-MM-DD",
    )
    parser.add_argument("--schema-version", default=DEFAULT_VERSION.value)
    parser.set_defaults(run=run)


def _since(text: str) -> str:
    from ..errors import InputError
    from ..render.statement import parse_since

    try:
        return parse_since(text)
    except InputError as exc:  # argparse says "argument --since: " first
        raise argparse.ArgumentTypeError(f"not a date: {exc.value}. {exc.hint}") from None


def run(args: argparse.Namespace) -> int:
    from ..render.statement import statement, statement_of_pieces

    names = big_files(args)
    if names is not None:
        skips = Skips()
        text, read = statement_of_pieces(
            names,
            args.schema_version,
            skips,
            fmt=args.format,
            project=args.project,
            since=args.since,
        )
        if not read:
            raise no_valid_report(args.reports, skips.count)
        sys.stdout.write(text)
        return 1 if skips.count else 0
    reading = reports_of(args)
    sys.stdout.write(statement(reading, fmt=args.format, project=args.project, since=args.since))
    return 1 if reading.skipped else 0
