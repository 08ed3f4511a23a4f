"""`boamps run -- CMD ARGS...`: measure a command with CodeCarbon and write its report."""

from __future__ import annotations

import argparse
import subprocess
import sys
from typing import Any

from ..errors import BoampsError
from ..schema import DEFAULT_VERSION

HELP = "Run a command under a CodeCarbon tracker and write its BoAmps report."


def register(commands: Any) -> None:
    parser = commands.add_parser("run", help=HELP, description=HELP)
    parser.add_argument("--context", metavar="FILE", help="partial BoAmps report (JSON)")
    parser.add_argument(
        "-o",
        "--output",
        default="boamps-reports",
        metavar="OUT",
        help="a .json file, a folder (default boamps-reports/), a .jsonl to append to, "
        "or a database URL (sqlite:///PATH, postgresql://...)",
    )
    parser.add_argument(
        "--calibrate",
        type=float,
        default=0,
        metavar="SECONDS",
        help="measure this many idle seconds first, as the baseline",
    )
    parser.add_argument(
        "--country",
        metavar="ISO3",
        help="country of the machine, ISO alpha-3 (for the offline tracker)",
    )
    parser.add_argument(
        "--online",
        action="store_true",
        help="let CodeCarbon look up the location and carbon intensity online",
    )
    parser.add_argument(
        "--locate",
        nargs="?",
        const=True,
        default=False,
        metavar="URL",
        help="look the machine's place up online (2 s at most, cached for a day); "
        "optionally the service's URL",
    )
    parser.add_argument("--measures", choices=("total", "components"), default="total")
    parser.add_argument(
        "--derive-quality",
        action="store_true",
        help="fill quality from the measuring methods when the context does not set it",
    )
    parser.add_argument("--schema-version", default=DEFAULT_VERSION.value)
    parser.add_argument(
        "command",
        nargs=argparse.REMAINDER,
        metavar="-- CMD ARGS...",
        help="the command to measure, after --",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..tracking import track

    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        raise BoampsError(
            "No command to run",
            "boamps run",
            "nothing after --",
            "Write the command after --: boamps run -- python train.py",
        )
    options: dict[str, Any] = {"online": True} if args.online else {}
    if args.country:
        options["country_iso_code"] = args.country
    measured = track(
        args.context,
        None,
        calibrate_seconds=args.calibrate,
        measures=args.measures,
        schema_version=args.schema_version,
        locate=args.locate,
        derive_quality=args.derive_quality,
        **options,
    )
    measured.output = args.output
    code: int | None = None
    try:
        with measured:
            code = _run(command)
    except BoampsError as exc:
        if code is None:
            raise  # found before the command ran: a usage error
        # the command ran: its exit code still wins; ours says only that the report failed
        print(f"Error: {exc.message}", file=sys.stderr)
        return code or 2
    print(f"wrote {measured.path}", file=sys.stderr)
    return code


def _run(command: list[str]) -> int:
    try:
        return subprocess.run(command, check=False).returncode
    except FileNotFoundError:
        print(
            f"Error: Command not found at boamps run: {command[0]}. Check its name and PATH.",
            file=sys.stderr,
        )
        return 127
    except OSError as exc:  # found but not runnable, as a shell says with 126
        print(
            f"Error: Cannot run the command at boamps run: {command[0]}: "
            f"{exc.strerror or exc}. Check that it is an executable file.",
            file=sys.stderr,
        )
        return 126
    except KeyboardInterrupt:
        return 130
