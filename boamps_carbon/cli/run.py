"""`boamps run -- CMD ARGS...`: measure a command with CodeCarbon and write its report."""

from __future__ import annotations

import argparse
import math
import os
import platform
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path
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
    parser.add_argument("--force", action="store_true", help="replace an existing -o FILE.json")
    parser.add_argument(
        "--project",
        metavar="NAME",
        help="the project's name (publisher.projectName; picks the context's projects.NAME)",
    )
    parser.add_argument(
        "--calibrate",
        type=seconds,
        default=0,
        metavar="SECONDS",
        help=f"measure this many idle seconds first, as the baseline (0 to {MAX_CALIBRATION:g})",
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
        "-v", "--verbose", action="store_true", help="show CodeCarbon's own messages"
    )
    parser.add_argument(
        "command",
        nargs=argparse.REMAINDER,
        metavar="-- CMD ARGS...",
        help="the command to measure, after --",
    )
    parser.set_defaults(run=run)


MAX_CALIBRATION = 86400.0  # a day of idleness is already more than a baseline needs


def seconds(text: str) -> float:
    """A calibration time: refused before anything starts when it cannot be one."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 <= value <= MAX_CALIBRATION:  # NaN too
        raise argparse.ArgumentTypeError(
            f"{text}. Give a number of seconds from 0 to {MAX_CALIBRATION:g}"
        )
    return value


def run(args: argparse.Namespace) -> int:
    from ..tracking import track
    from ..writers import check_output

    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        raise BoampsError(
            "No command to run",
            "boamps run",
            "nothing after --",
            "Write the command after --: boamps run -- python train.py",
        )
    # where the report goes is checked now: after the command, it would be lost
    from ..store.location import check_url

    check_url(args.output, "-o")
    check_output(args.output, force=args.force, one_report=True)
    options: dict[str, Any] = {"online": True} if args.online else {}
    if args.country:
        options["country_iso_code"] = args.country
    if args.project:
        options["project_name"] = args.project
    if args.verbose:
        options["log_level"] = "info"
    measured = track(
        args.context,
        None,
        calibrate_seconds=args.calibrate,
        measures=args.measures,
        schema_version=args.schema_version,
        locate=args.locate,
        derive_quality=args.derive_quality,
        replace=args.force,
        software=command_software(command),
        **options,
    )
    measured.output = args.output
    code: int | None = None
    try:
        with warnings.catch_warnings():
            if not args.verbose:
                # what CodeCarbon's modules warn of as they load (pynvml deprecated...)
                warnings.filterwarnings("ignore", module=r"codecarbon(\.|$)")
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


PYTHON = re.compile(r"python(?:\d+(?:\.\d+)*)?(?:\.exe)?", re.IGNORECASE)
VERSION = re.compile(r"\d+\.\d+\.\d+\S*")


def command_software(command: list[str]) -> dict[str, str] | None:
    """BoAmps' `software` of the command, when it is known: a Python interpreter, with its
    version; None (left out of the report) for anything else (`sleep 2`, a shell script)."""
    if not PYTHON.fullmatch(Path(command[0]).name):
        return None
    found = shutil.which(command[0])
    if found is None:
        return None
    if os.path.realpath(found) == os.path.realpath(sys.executable):
        return {"language": "python", "version": platform.python_version()}
    try:
        asked = subprocess.run(
            [found, "-c", "import platform; print(platform.python_version())"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        asked = ""
    return {"language": "python", **({"version": asked} if VERSION.fullmatch(asked) else {})}


def _run(command: list[str]) -> int:
    try:
        code = subprocess.run(command, check=False).returncode
        # killed by signal N: 128 + N, as a shell says (subprocess gives -N)
        return 128 - code if code < 0 else code
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
