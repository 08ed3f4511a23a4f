"""The bytes of a CSV source, read by position: from memory, or from a file by pread (no
mapping, so no page faults, and forked workers share the descriptor without sharing a file
offset)."""

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
        self.fd = os.open(path, os.O_RDONLY)
        self.size = os.fstat(self.fd).st_size

    def __del__(self) -> None:
        os.close(self.fd)

    def read(self, start: int, end: int) -> bytes:
        parts, position = [], start
        while position < end:
            part = os.pread(self.fd, end - position, position)
            if not part:
                break
            parts.append(part)
            position += len(part)
        return b"".join(parts)

    def find_newline(self, start: int) -> int:
        while start < self.size:
            block = os.pread(self.fd, self.BLOCK, start)
            found = block.find(b"\n")
            if found >= 0:
                return start + found
            start += len(block)
        return -1


Bytes = MemoryBytes | FileBytes
