"""Work on the pieces of a file in worker processes, results in the pieces' order.

Workers come from a fork server (spawned where there is none: Windows): a fresh process that
has never run a thread of the caller's, so that a CodeCarbon tracker's thread or Jupyter's
cannot leave a lock held in a worker, and parallelism never has to be turned off for them.
The task (the conversion, its pieces) is pickled to each worker once, when it starts. A
worker dies with the process that asked for it, even one killed outright (SIGKILL, the
out-of-memory killer): it asks Linux for SIGKILL when its parent goes, and checks that the
caller is still there.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.context import BaseContext
from typing import Any, TypeVar

from ..errors import BoampsError
from .memory import keep_freed_memory

Result = TypeVar("Result")

_TASK: Callable[[int], Any] | None = None
# tasks handed out before the oldest result is taken: enough that a worker never idles
# behind a long task (results are small: the reports themselves go to the output)
AHEAD = 64
# modules a worker needs, imported once in the fork server rather than in every worker
# (pyarrow: a tenth of a second each time)
PRELOAD = ["boamps_carbon.fast.stream", "boamps_carbon.conversion", "pyarrow.csv"]
PR_SET_PDEATHSIG = 1
# a CSV bigger than this has several pieces (chunks.PIECE_BYTES): worth starting early
EARLY_START_BYTES = 2 << 20


def default_workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))


def worker_context() -> BaseContext:
    """Where workers come from: a fork server (Linux, macOS), else fresh interpreters."""
    if _CONTEXT is None:
        return multiprocessing.get_context("spawn")
    _CONTEXT.set_forkserver_preload(PRELOAD)
    return _CONTEXT


_CONTEXT: BaseContext | None = None

if "forkserver" in multiprocessing.get_all_start_methods():
    from multiprocessing import context as _context
    from multiprocessing import popen_forkserver, spawn

    class _Popen(popen_forkserver.Popen):
        """The fork server's way, except that a worker does not run the caller's main
        module again (multiprocessing's way, so that a worker can run a script's functions):
        ours run only boamps_carbon's code, and a script without `if __name__ ==
        "__main__"` must not start again in each of them."""

        def _launch(self, process_obj: Any) -> None:
            prepare = spawn.get_preparation_data

            def without_main(name: str) -> dict[str, Any]:
                found = prepare(name)
                found.pop("init_main_from_path", None)
                found.pop("init_main_from_name", None)
                return found

            spawn.get_preparation_data = without_main  # for this launch only
            try:
                super()._launch(process_obj)  # type: ignore[misc]
            finally:
                spawn.get_preparation_data = prepare

    class _WorkerProcess(_context.ForkServerProcess):
        @staticmethod
        def _Popen(process_obj: Any) -> Any:
            return _Popen(process_obj)

    class _WorkerContext(_context.ForkServerContext):
        Process = _WorkerProcess

    _CONTEXT = _WorkerContext()


def start_early() -> None:
    """Starts the fork server now rather than with the first pool: its imports (a quarter of
    a second) then overlap the caller's own first work."""
    if _CONTEXT is not None:
        from multiprocessing import forkserver

        worker_context()
        forkserver.ensure_running()


class WorkerLost(BoampsError):
    """A worker process ended without its result: killed, or out of memory."""


def _lost() -> WorkerLost:
    return WorkerLost(
        "A worker process stopped",
        "",
        "killed, or out of memory",
        "Run again with more memory free, or with one process (workers=1).",
    )


def ordered_map(
    task: Callable[[int], Result], items: Iterable[int], workers: int
) -> Generator[Result, None, None]:
    """`task(item)` for each item, in order; at most AHEAD results wait in memory. With
    more than one worker, `task` must pickle (a module-level function or an object). A
    worker that dies (killed, out of memory) fails the run: WorkerLost, never a hang."""
    items = list(items)
    if workers <= 1 or len(items) <= 1:
        for item in items:
            yield _quietly(task, item)
        return
    pool = ProcessPoolExecutor(
        workers,
        mp_context=worker_context(),
        initializer=_start_worker,
        initargs=(task, os.getpid()),
    )
    try:
        waiting: deque[Future[Result]] = deque()
        for item in items:
            waiting.append(_submit(pool, item))
            if len(waiting) >= AHEAD:
                yield _result(waiting.popleft())
        while waiting:
            yield _result(waiting.popleft())
    finally:
        _stop(pool)


def _submit(pool: ProcessPoolExecutor, item: int) -> Future[Any]:
    # a worker that died before this call breaks the pool here, not in a result
    try:
        return pool.submit(_run, item)
    except BrokenProcessPool:
        raise _lost() from None


def _result(future: Future[Result]) -> Result:
    try:
        return future.result()
    except BrokenProcessPool:
        raise _lost() from None


def _start_worker(task: Callable[[int], Any], caller: int) -> None:
    """In each worker, once: its task and allocator; Ctrl-C and SIGTERM are the caller's to
    handle (it stops the workers itself); death with the caller."""
    global _TASK
    _TASK = task
    keep_freed_memory()  # a worker's own allocator; the caller's is never touched
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent()
    if not _alive(caller):  # gone before the request above took effect
        os._exit(1)


def _die_with_parent() -> None:
    """SIGKILL when the parent (the fork server) ends: on Linux. The fork server ends when
    no process holds its pipe of life any more: each worker gets one end, so that it may
    start workers of its own; ours never do, and let it go."""
    from multiprocessing import forkserver

    server: Any = forkserver._forkserver
    if getattr(server, "_forkserver_alive_fd", None) is not None:
        os.close(server._forkserver_alive_fd)
        server._forkserver_alive_fd = None
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not glibc or musl: the check of the caller stays
        return


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # there, but someone else's: a pid used again
        return False
    return True


def _stop(pool: ProcessPoolExecutor) -> None:
    """Workers still busy (the run failed or was interrupted) are killed, not waited for."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.kill()
    for process in processes:
        process.join()


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
