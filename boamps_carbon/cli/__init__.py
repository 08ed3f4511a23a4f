"""The command line: one module per command. The only place that prints or exits."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Sequence
from typing import Any

from .. import __version__
from ..errors import BoampsError
from ..printable import printable
from . import compare as compare_command
from . import convert as convert_command
from . import dashboard as dashboard_command
from . import init_context as init_context_command
from . import render as render_command
from . import run as run_command
from . import serve as serve_command
from . import statement as statement_command
from . import stdout
from . import store as store_command
from . import summary as summary_command
from . import validate as validate_command

COMMANDS = (
    convert_command,
    validate_command,
    run_command,
    render_command,
    statement_command,
    summary_command,
    init_context_command,
    store_command,
    serve_command,
    compare_command,
    dashboard_command,
)

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="boamps",
        description="Turn energy measurements of AI/ML work into valid BoAmps reports.",
    )
    parser.add_argument("--version", action="version", version=f"boamps_carbon {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        command.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    terminated = _on_sigterm()
    real_stdout = stdout.guard()
    try:
        code: int = args.run(args)
        sys.stdout.flush()  # a full disk shows here, while we can still say so
        return code
    except BoampsError as exc:
        print(f"Error: {printable(exc.message)}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("Error: interrupted.", file=sys.stderr)
        return 130
    except Terminated:
        print("Error: terminated.", file=sys.stderr)
        return 143
    except BrokenPipeError:
        # the reader of our output went away (`| head`): nothing left to say
        sys.stderr.close()
        return EXIT_OK
    except Exception as exc:  # a bug of ours: one line for people, the traceback on request
        if os.environ.get("BOAMPS_DEBUG"):
            raise
        print(
            f"Error: internal error {type(exc).__name__}: {exc}. Set BOAMPS_DEBUG=1 to see "
            "the traceback and please report it.",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
    finally:
        sys.stdout = real_stdout
        if terminated is not None:
            signal.signal(signal.SIGTERM, terminated)


class Terminated(BaseException):
    """SIGTERM, raised where the work is, so that staged outputs are removed on the way out
    (a BaseException: no `except Exception` may swallow it)."""


def _on_sigterm() -> Any:
    """Handle SIGTERM like Ctrl-C while a command runs; returns the handler it replaced."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def stop(signum: int, frame: Any) -> None:
        raise Terminated

    return signal.signal(signal.SIGTERM, stop)
