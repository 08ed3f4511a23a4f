"""The command line: one module per command. The only place that prints or exits."""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import re
import signal
import sys
import threading
from collections.abc import Sequence
from typing import Any, NoReturn, TextIO

from ..errors import BoampsError
from ..io import StdoutError, stdout_error
from ..printable import printable
from ..version import __version__
from . import anonymise as anonymise_command
from . import compare as compare_command
from . import convert as convert_command
from . import dashboard as dashboard_command
from . import init_context as init_context_command
from . import ledger as ledger_command
from . import rate as rate_command
from . import render as render_command
from . import run as run_command
from . import serve as serve_command
from . import statement as statement_command
from . import store as store_command
from . import summary as summary_command
from . import validate as validate_command
from .signals import Terminated

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
    ledger_command,
    rate_command,
    anonymise_command,
)

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class Parser(argparse.ArgumentParser):
    """argparse, with its errors in our one-line form (exit 2): `Error: Invalid value at
    --calibrate: nan. Give a number of seconds from 0 to 86400.`"""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        found = re.fullmatch(r"argument (\S+): (.*)", message, re.DOTALL)
        if found:
            text = f"Invalid value at {found[1].split('/')[-1]}: {found[2]}"
        else:
            text = message[:1].upper() + message[1:]
        self.exit(EXIT_USAGE, f"Error: {text.rstrip('.')}.\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
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
    stdout = sys.stdout
    sys.stdout = GuardedStdout(stdout)
    try:
        code: int = args.run(args)
        sys.stdout.flush()  # a full disk shows now, not at exit
        return code
    except BoampsError as exc:
        if isinstance(exc, StdoutError):
            _drop_pending(stdout)
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
        sys.stdout = stdout
        if terminated is not None:
            signal.signal(signal.SIGTERM, terminated)


class GuardedStdout:
    """Standard output for the commands: what cannot be written there (a closed output, a
    full disk) is a StdoutError, said in one line with exit 2, like any bad -o."""

    def __init__(self, stream: TextIO | None) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        if self._stream is None:
            raise stdout_error(None)
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            raise  # the reader went away (`| head`): not an error
        except OSError as exc:
            raise stdout_error(exc) from None

    def flush(self) -> None:
        if self._stream is None:
            return
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise stdout_error(exc) from None

    def fileno(self) -> int:
        if self._stream is None:
            raise OSError(errno.EBADF, "standard output is closed")
        return self._stream.fileno()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _drop_pending(stream: TextIO | None) -> None:
    """What could not be written stays buffered, and Python would try again at exit (and
    exit 120): the process's own standard output now goes to /dev/null."""
    if stream is None or sys.__stdout__ is None or stream is not sys.__stdout__:
        return
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)


def _on_sigterm() -> Any:
    """Handle SIGTERM like Ctrl-C while a command runs; returns the handler it replaced."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def stop(signum: int, frame: Any) -> None:
        raise Terminated

    return signal.signal(signal.SIGTERM, stop)
