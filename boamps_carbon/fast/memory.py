"""glibc's malloc hands big freed blocks back to the kernel at once, so each piece of a
file page-faults its way through fresh memory again: that was half the time of a first pass
(`benchmarks/convert_speed.py`). Blocks of a piece's size stay in the heap instead: in
worker processes only, which end with the conversion. The caller's process is a host
(a notebook, a service) whose allocator is its own business."""

from __future__ import annotations

import ctypes
import sys

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
MMAP_FROM = 16 << 20  # a piece's arrays are a few MB
TRIM_FROM = 32 << 20

_done = False


def keep_freed_memory() -> None:
    """Once per worker process, on Linux with glibc; elsewhere nothing changes."""
    global _done
    if _done or not sys.platform.startswith("linux"):
        return
    _done = True
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):  # musl and other C libraries
        return
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    mallopt(M_MMAP_THRESHOLD, MMAP_FROM)
    mallopt(M_TRIM_THRESHOLD, TRIM_FROM)
