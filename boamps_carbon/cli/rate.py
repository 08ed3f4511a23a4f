"""`boamps rate`: the pedigree rating of reports (gold, silver, bronze, unrated)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..printable import printable
from ..schema import DEFAULT_VERSION
from .reading import DB_HELP, source_documents

HELP = "Rate reports: five pedigree indicators, gold/silver/bronze, and what would raise it."


def register(commands: Any) -> None:
    parser = commands.add_parser("rate", help=HELP, description=HELP)
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="REPORT",
        help="a report file, a .jsonl file, a folder (every *.json below it) or - for stdin",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text for people, json (one JSON object per line) for programs",
    )
    parser.add_argument("--db", metavar="URL", help=DB_HELP)
    parser.add_argument(
        "--schema-version",
        default=DEFAULT_VERSION.value,
        help="the BoAmps version reports are checked against before they are rated",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..trust.rating import rate
    from ..validation import SectionMemo

    memo = SectionMemo(args.schema_version)
    unreadable = 0
    for document in source_documents(args.paths, args.db):
        where = printable(document.where)
        # a rating speaks of a report: what is not one (or not a valid one) gets none
        problems = document.problems or memo.errors(document.data)
        if problems:
            unreadable += 1
            print(
                f"{where}: cannot rate: {printable(str(problems[0]))}",
                file=sys.stderr,
            )
            continue
        rating = rate(document.data)
        if args.format == "json":
            header = document.data.get("header")
            report_id = header.get("reportId") if isinstance(header, dict) else None
            record = {"file": document.where, "reportId": report_id, **rating.to_dict()}
            print(json.dumps(record, ensure_ascii=False))
            continue
        print(f"{where}: {rating.rating}")
        for indicator in rating.indicators:
            print(f"  {indicator.name:<13} {indicator.score}  {printable(indicator.reason)}")
        for missing in rating.missing:
            print(f"  required: {printable(missing)}")
        for step in rating.steps:
            print(f"  to raise it: {printable(str(step))}")
    return 1 if unreadable else 0
