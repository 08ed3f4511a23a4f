"""The bytes of a CSV source, read by position: from memory, or from a file by pread (no
mapping, so no page faults; workers read their pieces without sharing a file offset)."""

from __future__ import annotations

import os
from pathlib import Path


class MemoryBytes:
    def __init__(self, data: bytes) -> None:
        self.data, self.size = data, len(data)

    def read(self, start: int, end: int) -> bytes:
        return self.data[start:end]

    def find_newline(self, start: int) -> int:
        return self.data.find(b"\n", start)


class FileBytes:
    BLOCK = 1 << 16

    def __init__(self, path: Path) -> None:
        self.path = path
        self.size = os.stat(path).st_size

    def read(self, start: int, end: int) -> bytes:
        # opened for each read: a run over many files holds no descriptor between reads
        fd = os.open(self.path, os.O_RDONLY)
        try:
            parts, position = [], start
            while position < end:
                part = os.pread(fd, end - position, position)
                if not part:
                    break
                parts.append(part)
                position += len(part)
            return b"".join(parts)
        finally:
            os.close(fd)

    def find_newline(self, start: int) -> int:
        while start < self.size:
            block = self.read(start, min(start + self.BLOCK, self.size))
            found = block.find(b"\n")
            if found >= 0:
                return start + found
            if not block:
                break
            start += len(block)
        return -1


Bytes = MemoryBytes | FileBytes
