"""`boamps summary`: totals per project, model, hardware, country, month or rating."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..schema import DEFAULT_VERSION
from .reading import Skips, add_report_sources, big_files, no_valid_report, reports_of

HELP = "Total runs, energy, emissions, duration and mean power per group of reports."


def register(commands: Any) -> None:
    parser = commands.add_parser("summary", help=HELP, description=HELP)
    add_report_sources(parser)
    parser.add_argument(
        "--by",
        choices=("project", "model", "hardware", "country", "month", "rating"),
        default="project",
    )
    parser.add_argument("--format", choices=("text", "csv", "json"), default="text")
    parser.add_argument("--schema-version", default=DEFAULT_VERSION.value)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..render import summary

    if args.db is not None and not args.reports:
        # the database adds up: the same rows as reading every report, without reading them
        from ..store import Store

        with Store(args.db, create=False) as store:
            rows, skipped = store.summary(args.by), 0
    elif (names := big_files(args)) is not None:
        skips = Skips()
        rows, read = summary.summarise_pieces(names, args.by, args.schema_version, skips)
        if not read:
            raise no_valid_report(args.reports, skips.count)
        skipped = skips.count
    else:
        reading = reports_of(args)
        rows, skipped = summary.summarise(reading, args.by), reading.skipped
    rows = summary.with_total(rows)
    writers = {
        "text": lambda: summary.as_text(rows, args.by),
        "csv": lambda: summary.as_csv(rows),
        "json": lambda: summary.as_json(rows),
    }
    sys.stdout.write(writers[args.format]())
    return 1 if skipped else 0
