"""`boamps anonymise`: copies of reports fit for open data."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..printable import printable

HELP = "Copy reports for open data: keyed pseudonyms, coarse places and times, no free text."
DEFAULT_KEY = "anonymise.key"


def register(commands: Any) -> None:
    parser = commands.add_parser("anonymise", help=HELP, description=HELP)
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="REPORT",
        help="a report file, a .jsonl file, a folder (every *.json below it) or - for stdin",
    )
    parser.add_argument(
        "-o", "--output", required=True, metavar="OUT", help="the folder to write the copies in"
    )
    parser.add_argument(
        "--level",
        choices=("share", "strict"),
        default="share",
        help="share: coordinates to 1 degree, days; strict: no coordinates, months, no free text",
    )
    parser.add_argument(
        "--key-file",
        metavar="F",
        default=DEFAULT_KEY,
        help=f"the secret key of the pseudonyms (default {DEFAULT_KEY})",
    )
    parser.add_argument(
        "--new-key", action="store_true", help="make the key file (mode 0600); it must not exist"
    )
    parser.add_argument("--force", action="store_true", help="write into an existing OUT")
    parser.set_defaults(run=run)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def run(args: argparse.Namespace) -> int:
    from ..io import atomic_write_text
    from ..sources.reports import iter_documents
    from ..trust.anonymise import anonymise, new_key, read_key
    from ..validation import validate

    out = Path(args.output)
    if out.exists() and not (out.is_dir() and args.force):
        raise InputError(
            "Output exists",
            str(out),
            None,
            "Give --force to write into that folder." if out.is_dir() else "Choose a folder.",
        )
    key = new_key(args.key_file) if args.new_key else read_key(args.key_file)
    parent = out.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    # everything goes to a staging folder first: a failure leaves no half-written OUT
    staging = Path(tempfile.mkdtemp(dir=parent, prefix=f".{out.name}."))
    staging.chmod(0o777 & ~_umask())  # mkdtemp makes it private; OUT is an ordinary folder
    changes: Counter[tuple[str, str]] = Counter()
    written = refused = 0
    try:
        for document in iter_documents(args.paths):
            where = printable(document.where)
            if document.problems or not isinstance(document.data, dict):
                why = document.problems[0] if document.problems else "not a JSON object"
                print(f"{where}: not anonymised: {printable(str(why))}", file=sys.stderr)
                refused += 1
                continue
            errors = validate(document.data).errors
            if errors:
                print(
                    f"{where}: not anonymised: invalid: {printable(str(errors[0]))}",
                    file=sys.stderr,
                )
                refused += 1
                continue
            done = anonymise(document.data, key, args.level)
            left = validate(done.report).errors
            if left:  # a rule of ours broke a valid report: say so, write nothing of it
                print(
                    f"{where}: not anonymised: the copy would be invalid: {left[0]}",
                    file=sys.stderr,
                )
                refused += 1
                continue
            changes.update(done.changes)
            header = done.report.get("header") or {}
            name = str(header.get("reportId") or f"report-{written + 1}")
            target = staging / f"{name}.json"
            suffix = 1
            while target.exists():
                suffix += 1
                target = staging / f"{name}-{suffix}.json"
            atomic_write_text(target, json.dumps(done.report, ensure_ascii=False, indent=2) + "\n")
            written += 1
        if not written:  # nothing to share: no empty OUT either
            raise InputError(
                "No report anonymised",
                " ".join(printable(str(p)) for p in args.paths)[:200],
                f"{refused} not valid",
                "Fix the reports named above.",
            )
        if out.is_dir():
            for item in staging.iterdir():
                item.replace(out / item.name)
            staging.rmdir()
        else:
            staging.rename(out)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    print(
        f"anonymised {written} report{'s' if written != 1 else ''} into {printable(str(out))} "
        f"({args.level})",
        file=sys.stderr,
    )
    for (path, action), count in changes.items():
        print(f"  {path}: {action} ({count})", file=sys.stderr)
    return 1 if refused else 0
