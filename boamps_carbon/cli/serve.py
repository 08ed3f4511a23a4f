"""`boamps serve`: the store over HTTP (FastAPI on uvicorn, the `[server]` extra).

Thin: the service is `boamps_carbon.service.create_app`; this module reads options, checks
that the address can be listened on, and runs uvicorn. FastAPI is imported only here, when
serving."""

from __future__ import annotations

import argparse
import contextlib
import socket
import sys
from typing import Any

from ..errors import InputError
from .store import DB_HELP, add_db_option

HELP = "Serve a store over HTTP: post reports and CSVs, query, summarise (needs [server])."
DEFAULT_MAX_BODY_MB = 50


def register(commands: Any) -> None:
    parser = commands.add_parser("serve", help=HELP, description=HELP)
    add_db_option(parser, DB_HELP)
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only; 0.0.0.0: every "
        "interface)",
    )
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    parser.add_argument(
        "--private", action="store_true", help="reads need a token too (writes always do)"
    )
    parser.add_argument(
        "--max-body",
        type=float,
        default=DEFAULT_MAX_BODY_MB,
        metavar="MB",
        help=f"largest request body in MB (default {DEFAULT_MAX_BODY_MB}); larger: 413",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if not 0 < args.port < 65536:
        raise InputError("Not a port", "--port", args.port, "Give a number from 1 to 65535.")
    if not args.max_body > 0:
        raise InputError("Not a size", "--max-body", args.max_body, "Give a number of MB above 0.")
    try:
        import uvicorn

        from ..service import create_app
    except ImportError as error:
        raise InputError(
            "The service needs FastAPI and uvicorn",
            "boamps serve",
            str(error),
            "Install them: pip install 'boamps-carbon[server]'.",
        ) from None
    _check_address(args.host, args.port)
    app = create_app(args.db, private=args.private, max_body=int(args.max_body * 1024 * 1024))
    store = app.state.store
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(
        f"serving {store.where} at http://{shown}:{args.port} (API docs at /docs; "
        f"{'reads and writes need' if args.private else 'writes need'} a token)",
        file=sys.stderr,
        flush=True,
    )
    from .signals import Terminated

    # on Ctrl-C or SIGTERM uvicorn finishes the requests under way and stops: the normal end
    with contextlib.suppress(KeyboardInterrupt, Terminated):
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)
    print("stopped", file=sys.stderr)
    return 0


def _check_address(host: str, port: int) -> None:
    """A taken port or an unknown host is an error of ours (exit 2), before uvicorn starts."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        family, kind, proto, _, address = infos[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as error:
        raise InputError(
            "Cannot listen",
            f"{host}:{port}",
            error.strerror or str(error),
            "Choose another --port, or a --host of this machine.",
        ) from None
