"""The service as a real process: `python -m boamps_carbon serve` on a free loopback port,
driven over HTTP; reports with ids of their own for each test, so that tests share a server."""

from __future__ import annotations

import itertools
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.store_support import report

ROOT = Path(__file__).resolve().parent.parent
_numbers = itertools.count(10_000)


def fresh(project: str, **fields: Any) -> dict[str, Any]:
    """A valid report with an id no other test uses, in `project`."""
    return report(next(_numbers), project=project, **fields)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Server:
    url: str
    db: str
    process: subprocess.Popen[bytes]
    log: Path

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=60)


@contextmanager
def serving(db: str, log: Path, *options: str) -> Iterator[Server]:
    """The service over the store `db`, until the block ends; then stopped with SIGTERM, which
    must end it cleanly (exit 0, `stopped`)."""
    port = free_port()
    command = [sys.executable, "-m", "boamps_carbon", "serve", "--db", db, "--port", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*command, *options], cwd=ROOT, stdout=out, stderr=subprocess.STDOUT
        )
    server = Server(f"http://127.0.0.1:{port}", db, process, log)
    try:
        _wait_until_up(server)
        yield server
    finally:
        process.terminate()
        try:
            code = process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    output = log.read_text(encoding="utf-8")
    assert code == 0, output
    assert output.splitlines()[-1] == "stopped", output


def _wait_until_up(server: Server) -> None:
    deadline = time.monotonic() + 60
    while True:
        if server.process.poll() is not None:
            raise RuntimeError(f"the service ended: {server.log.read_text(encoding='utf-8')}")
        try:
            if httpx.get(f"{server.url}/health", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"the service did not start: {server.log.read_text()}")
        time.sleep(0.1)
