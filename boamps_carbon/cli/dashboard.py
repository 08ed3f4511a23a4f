"""`boamps dashboard`: one self-contained HTML page of charts over many reports."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..schema import DEFAULT_VERSION
from .reading import add_report_sources, report_source

HELP = "Write a one-file HTML dashboard (inline SVG charts, no script) of many reports."


def register(commands: Any) -> None:
    parser = commands.add_parser("dashboard", help=HELP, description=HELP)
    add_report_sources(parser)
    parser.add_argument(
        "-o",
        "--output",
        default="dashboard.html",
        metavar="FILE",
        help="default dashboard.html; - for standard output",
    )
    parser.add_argument("--project", metavar="P", help="only reports of this projectName")
    parser.add_argument(
        "--since", metavar="DATE", help="only reports dated on or after, YYYY-MM-DD"
    )
    parser.add_argument("--schema-version", default=DEFAULT_VERSION.value)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..readings.dashboard import dashboard

    skipped = []

    def invalid(where: str, problem: str) -> None:
        skipped.append(where)
        print(f"skipped: {where}: invalid report: {problem}", file=sys.stderr)

    to_stdout = args.output == "-"
    html = dashboard(
        report_source(args),
        None if to_stdout else args.output,
        project=args.project,
        since=args.since,
        version=args.schema_version,
        on_invalid=invalid,
    )
    if to_stdout:
        sys.stdout.write(html)
    else:
        print(f"wrote {args.output}", file=sys.stderr)
    return 1 if skipped else 0
