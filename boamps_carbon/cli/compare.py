"""`boamps compare`: groups of runs against a baseline, with intervals and a sentence."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..schema import DEFAULT_VERSION
from .reading import add_report_sources, report_source

HELP = "Compare groups of runs (by any report field) against a baseline."
METRIC_NAMES = ("energy", "emissions", "duration", "energy-per-request", "accuracy")


def register(commands: Any) -> None:
    parser = commands.add_parser("compare", help=HELP, description=HELP)
    add_report_sources(parser)
    parser.add_argument(
        "--by",
        required=True,
        metavar="PATH",
        help="the field that names each run's group: task.algorithms[0].quantization",
    )
    parser.add_argument("--baseline", metavar="VALUE", help="the group the others are held to")
    parser.add_argument(
        "--metric",
        action="append",
        choices=METRIC_NAMES,
        help="repeat for several; default energy",
    )
    parser.add_argument("--format", choices=("text", "markdown", "json", "csv"), default="text")
    parser.add_argument("--seed", type=int, default=0, help="of the bootstrap; default 0")
    parser.add_argument("--schema-version", default=DEFAULT_VERSION.value)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..readings import compare

    skipped = []

    def invalid(where: str, problem: str) -> None:
        skipped.append(where)
        print(f"skipped: {where}: invalid report: {problem}", file=sys.stderr)

    frame = compare.compare(
        report_source(args),
        args.by,
        baseline=args.baseline,
        metrics=args.metric,
        seed=args.seed,
        version=args.schema_version,
        on_invalid=invalid,
    )
    writers = {
        "text": lambda: compare.as_text(frame),
        "markdown": lambda: compare.as_text(frame, markdown=True),
        "json": lambda: compare.as_json(frame),
        "csv": lambda: compare.as_csv(frame),
    }
    sys.stdout.write(writers[args.format]())
    return 1 if skipped else 0
