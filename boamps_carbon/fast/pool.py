"""Work on the pieces of a file in worker processes, results in the pieces' order.

Workers are forked, so they start with the parent's state (the conversion, its field
engine and context) already built; only piece numbers go to them and only results come
back. Where forking is not safe (not Linux, or other threads running) the work runs
in-process: the same results, on one core.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from ..errors import BoampsError

Result = TypeVar("Result")

_TASK: Callable[[int], Any] | None = None
# tasks handed out before the oldest result is taken: enough that a worker never idles
# behind a long task (results are small: the reports themselves go to the output)
AHEAD = 64


def default_workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))


def ordered_map(
    task: Callable[[int], Result], items: Iterable[int], workers: int
) -> Iterator[Result]:
    """`task(item)` for each item, in order; at most AHEAD results wait in memory. A worker
    that dies (killed, out of memory) fails the run: BrokenProcessPool, never a hang."""
    global _TASK
    items = list(items)
    if workers <= 1 or len(items) <= 1 or not can_fork():
        for item in items:
            yield _quietly(task, item)
        return
    _TASK = task
    context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_leave_signals)
    try:
        waiting: deque[Future[Result]] = deque()
        for item in items:
            waiting.append(pool.submit(_run, item))
            if len(waiting) >= AHEAD:
                yield _result(waiting.popleft())
        while waiting:
            yield _result(waiting.popleft())
    finally:
        _TASK = None
        _stop(pool)


class WorkerLost(BoampsError):
    """A worker process ended without its result: killed, or out of memory."""


def _result(future: Future[Result]) -> Result:
    try:
        return future.result()
    except BrokenProcessPool:
        raise WorkerLost(
            "A worker process stopped",
            "",
            "killed, or out of memory",
            "Run again with more memory free, or with one process (workers=1).",
        ) from None


def _leave_signals() -> None:
    """Ctrl-C and SIGTERM are the parent's to handle: it stops the workers itself."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _stop(pool: ProcessPoolExecutor) -> None:
    """Workers still busy (the run failed or was interrupted) are killed, not waited for."""
    processes = list(getattr(pool, "_processes", {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.kill()
    for process in processes:
        process.join()


def can_fork() -> bool:
    """Forking is safe on Linux, in a process with one thread (a forked child gets only
    the thread that forked, and locks other threads held stay held)."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


def _run(item: int) -> Any:
    assert _TASK is not None
    return _quietly(_TASK, item)


def _quietly(task: Callable[[int], Result], item: int) -> Result:
    # a piece makes a few hundred thousand short-lived objects and no cycles: the cyclic
    # collector would only slow it down, by half
    enabled = gc.isenabled()
    gc.disable()
    try:
        return task(item)
    finally:
        if enabled:
            gc.enable()
