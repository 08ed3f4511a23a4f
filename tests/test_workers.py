"""The worker processes of `convert`: never silently one process, never orphans, a dead one
a clear error, and the caller's allocator left alone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import TESTS
from test_convert_fast import EXAMPLE_CONTEXT, many_rows, ordinary
from worker_tasks import dies_at_1

from boamps_carbon.conversion import convert
from boamps_carbon.fast import chunks, memory, pool


def test_workers_work_while_another_thread_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A CodeCarbon tracker's thread, or Jupyter's, used to turn two workers into one
    process without a word (forking is unsafe then): the workers come from a fork server."""
    monkeypatch.setattr(chunks, "PIECE_BYTES", 700)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        conversion = convert(many_rows(300), EXAMPLE_CONTEXT, workers=2)
        path = tmp_path / "out.jsonl"
        with path.open("wb") as handle:
            outputs = list(conversion.outputs(handle.fileno()))
    finally:
        stop.set()
        thread.join()
    assert len(outputs) > 1 and all(o.written for o in outputs)  # written by workers
    assert path.read_text(encoding="utf-8") == ordinary(many_rows(300), EXAMPLE_CONTEXT)[0]


def test_a_pool_broken_between_two_submissions_is_a_lost_worker() -> None:
    results = pool.ordered_map(dies_at_1, range(pool.AHEAD + 10), 2)
    seen = []
    with pytest.raises(pool.WorkerLost) as caught:
        for value in results:
            seen.append(value)
            # the worker given item 1 dies meanwhile: a later submission finds the pool broken
            time.sleep(2)
    # the first submissions may already meet the broken pool when item 1's worker is quick
    assert seen in ([], [0])
    assert caught.value.message == (
        "A worker process stopped: killed, or out of memory. Run again with more memory free, "
        "or with one process (workers=1)."
    )


def gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().split(") ")[-1].startswith("Z")  # dead, not yet reaped
    except FileNotFoundError:
        return True


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent death signal: Linux")
def test_workers_die_with_a_caller_killed_outright(tmp_path: Path) -> None:
    caller = subprocess.Popen(
        [sys.executable, str(TESTS / "worker_tasks.py")],
        env={**os.environ, "BOAMPS_TEST_PIDS": str(tmp_path)},
    )
    deadline = time.monotonic() + 60
    while len(list(tmp_path.glob("*.pid"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = [int(p.read_text(encoding="utf-8")) for p in tmp_path.glob("*.pid")]
    assert len(workers) == 2 and not any(gone(pid) for pid in workers)
    caller.send_signal(signal.SIGKILL)
    caller.wait()
    deadline = time.monotonic() + 20
    while not all(gone(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [gone(pid) for pid in workers] == [True, True]


def test_the_callers_allocator_is_left_alone() -> None:
    """glibc's settings for keeping freed memory are a worker's own: a conversion in the
    caller's process (a notebook, a service) changes nothing there."""
    conversion = convert(many_rows(300), EXAMPLE_CONTEXT, workers=2)
    assert sum(n for _, n in conversion.json_lines()) == 300
    assert sum(n for _, n in convert(many_rows(300), EXAMPLE_CONTEXT, workers=1).json_lines())
    assert memory._done is False
