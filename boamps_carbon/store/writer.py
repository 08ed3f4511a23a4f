"""A database as the output of `convert` and `run`: the reports of a run go into the store in
one transaction, committed when the run succeeds, rolled back when it fails."""

from __future__ import annotations

import contextlib
import os
from typing import Any

from .errors import StoreError


class StoreWriter:
    """The `ReportWriter` interface over `Store.adding`. `force` replaces stored reports whose
    content differs (`--replace` of `store import`)."""

    takes_lines = False

    def __init__(self, url: str, *, force: bool = False) -> None:
        from .core import Store

        self.target = url
        self.count = 0
        self._new_file = _new_sqlite_file(url)
        self._stack = contextlib.ExitStack()
        try:
            store = self._stack.enter_context(Store(url))
            self._adding = self._stack.enter_context(store.adding(replace=force, ids=False))
        except BaseException:
            self._stack.close()
            raise

    def write(self, report: dict[str, Any]) -> None:
        self.count += 1
        self._adding.add(report)

    def descriptor(self) -> int | None:
        return None

    def write_output(self, output: Any) -> None:  # only for writers that take lines
        raise TypeError("a store takes reports, not lines")

    def commit(self) -> list[Any]:
        self._stack.close()  # ends the transaction: commits, or raises StoreConflict
        return []

    def abort(self) -> None:
        error = StoreError("Run failed", self.target, None, "Nothing was stored.")
        with contextlib.suppress(Exception):
            self._stack.__exit__(StoreError, error, None)
        if self._new_file is not None:  # a store this run made, empty: not left behind
            for suffix in ("", "-wal", "-shm", "-journal"):
                with contextlib.suppress(OSError):
                    os.unlink(f"{self._new_file}{suffix}")


def _new_sqlite_file(url: str) -> str | None:
    """The SQLite file `url` names when it does not exist yet (this run will make it).
    Raises StoreError for a URL that cannot be read."""
    from .engine import sqlite_file

    database = sqlite_file(url)
    if database is None:
        return None
    return None if os.path.lexists(database) else str(database)
