"""`boamps summary`: totals per project, model, hardware, country or month."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..schema import DEFAULT_VERSION
from .reading import valid_reports

HELP = "Total runs, energy, emissions, duration and mean power per group of reports."


def register(commands: Any) -> None:
    parser = commands.add_parser("summary", help=HELP, description=HELP)
    parser.add_argument("reports", nargs="+", metavar="REPORT")
    parser.add_argument(
        "--by", choices=("project", "model", "hardware", "country", "month"), default="project"
    )
    parser.add_argument("--format", choices=("text", "csv", "json"), default="text")
    parser.add_argument("--schema-version", default=DEFAULT_VERSION.value)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..render import summary

    reports, skipped = valid_reports(args.reports, args.schema_version)
    rows = summary.summarise(reports, args.by)
    writers = {
        "text": lambda: summary.as_text(rows, args.by),
        "csv": lambda: summary.as_csv(rows),
        "json": lambda: summary.as_json(rows),
    }
    sys.stdout.write(writers[args.format]())
    return 1 if skipped else 0
