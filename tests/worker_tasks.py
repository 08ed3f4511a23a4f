"""Tasks for worker processes in tests: module-level, so that they pickle."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def dies_at_1(item: int) -> int:
    if item == 1:
        os._exit(9)  # as the kernel's out-of-memory killer would
    return item


def says_where_then_sleeps(item: int) -> int:
    """Leaves its pid in the folder named by the first argument of the caller's command."""
    folder = Path(os.environ["BOAMPS_TEST_PIDS"])
    # written aside, then renamed: the test never reads a file made but not yet written
    partial = folder / f"{os.getpid()}.part"
    partial.write_text(str(os.getpid()), encoding="utf-8")
    partial.rename(folder / f"{os.getpid()}.pid")
    time.sleep(120)
    return item


if __name__ == "__main__":  # the caller killed by the test: two workers, forever asleep
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from worker_tasks import says_where_then_sleeps as task  # importable by the workers

    from boamps_carbon.fast.pool import ordered_map

    list(ordered_map(task, range(2), 2))
