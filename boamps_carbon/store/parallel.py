"""Worker processes that make the rows of a big add (`incoming.derive`) while the store
writes the batches before, in order.

The workers are those of the conversion (`fast.pool`): they die with the caller and never
handle its Ctrl-C. A process running one thread forks them (nothing a thread holds can be
copied held, and a fork takes milliseconds where the fork server takes a second to start);
one running several (a service, a live tracker) asks the fork server. A worker only reads
the texts it is given: the database is written by the caller alone.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import sys
import threading
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, cast

from ..fast import pool
from .incoming import Pending, derive, text_of

# batches handed to the workers before the oldest is written: the workers never wait for
# the writer, and memory stays bounded (a few batches of texts and rows)
AHEAD = 4
TEXT = Pending._fields.index("text")


def workers_wanted() -> int:
    """Workers for a big add by default: the conversion's number (one per core, at most
    two) where they can be forked; none where the fork server would have to start them (a
    second or so, longer than most adds: an add names its workers to have them anyway)."""
    return pool.default_workers() if _forks() else 1


def _forks() -> bool:
    return sys.platform.startswith("linux") and threading.active_count() == 1


def derive_batch(task: tuple[int, list[Any]]) -> bytes | None:
    """The rows of a batch of texts (str or bytes) starting at a position, each a `Pending`
    without its text (the caller has it: plain tuples pickle in half the time); None when
    one of them cannot be stored: the caller then makes the batch itself, and raises the
    error exactly as it would have without workers."""
    start, items = task
    try:
        rows = [
            (*pending[:TEXT], *pending[TEXT + 1 :])
            for pending in (derive(item, start + offset) for offset, item in enumerate(items))
        ]
    except Exception:
        return None
    # pickled here, read by the caller's own thread: the pool's thread would otherwise make
    # the rows in its own allocator arena, which the caller's frees leave fragmented
    return pickle.dumps(rows, pickle.HIGHEST_PROTOCOL)


def _context() -> Any:
    if _forks():
        return multiprocessing.get_context("fork")
    return pool.worker_context()


class Derivers:
    """Batches of texts handed to worker processes, their rows given back in order."""

    def __init__(self, workers: int) -> None:
        self.pool = ProcessPoolExecutor(
            workers,
            mp_context=_context(),
            initializer=pool._start_worker,
            # the pool's tasks are typed as taking an int; ours takes a batch
            initargs=(cast(Any, derive_batch), os.getpid()),
        )
        self.waiting: deque[tuple[Future[Any], int, list[Any]]] = deque()

    def submit(self, start: int, items: list[Any]) -> None:
        """Hands a batch (texts only: str or bytes) to a worker."""
        task: Any = (start, items)
        self.waiting.append((pool._submit(self.pool, task), start, items))

    def full(self) -> bool:
        return len(self.waiting) >= AHEAD

    def __len__(self) -> int:
        return len(self.waiting)

    def oldest(self) -> list[Pending]:
        """The rows of the oldest batch handed out: the worker's, or made here when the
        worker found a report it could not store (here it raises what it is)."""
        future, start, items = self.waiting.popleft()
        pickled: bytes | None = pool._result(future)
        if pickled is None:
            return [derive(item, start + offset) for offset, item in enumerate(items)]
        found: list[tuple[Any, ...]] = pickle.loads(pickled)
        return [
            Pending._make((*rows[:TEXT], text_of(item, start + offset), *rows[TEXT:]))
            for offset, (item, rows) in enumerate(zip(items, found, strict=True))
        ]

    def close(self) -> None:
        """Stops the workers (killed if still busy: the add failed or was interrupted)."""
        self.waiting.clear()
        pool._stop(self.pool)
