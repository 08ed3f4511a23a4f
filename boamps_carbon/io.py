"""Reading and writing files safely: atomic writes, JSON with precise error places."""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

from .errors import InputError
from .validation.problems import Problem, problem


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write through a temporary file in the same folder, then rename over the target; a
    target that is not a regular file (`/dev/stdout`, a pipe, a device) is written into,
    never replaced."""
    target = Path(path)
    if target.exists() and not target.is_file() and not target.is_dir():
        try:
            with open(target, "w", encoding="utf-8", newline="\n") as out:
                out.write(text)
        except OSError as exc:
            raise cannot_write(target, exc) from None
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise cannot_write(target, exc) from None
    try:
        make_readable(Path(temp))
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.replace(temp, target)
    except BaseException as exc:
        Path(temp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise cannot_write(target, exc) from None
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def make_readable(path: Path) -> None:
    """mkstemp makes files private; ours are reports, readable as the umask allows."""
    os.chmod(path, 0o666 & ~_umask())


def cannot_write(
    target: str | Path,
    exc: OSError,
    hint: str = "Check that the path names a file in a folder you can write to.",
) -> InputError:
    return InputError("Cannot write", str(target), exc.strerror or str(exc), hint)


def _line_col(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    return line, offset - (data.rfind(b"\n", 0, offset) + 1) + 1


def strip_line_comments(data: bytes) -> bytes:
    """JSON with `//` comment lines (what `boamps init-context` writes) -> plain JSON.

    Comment lines are blanked, not removed, so that error positions still match the file."""
    return b"\n".join(
        b"" if line.lstrip().startswith(b"//") else line for line in data.split(b"\n")
    )


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text} is too large for JSON readers")
    return value


def parse_json_bytes(data: bytes) -> tuple[Any, list[Problem]]:
    """Parse JSON from raw bytes. Returns (value, problems); value is None when problems."""
    found: list[Problem] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col(data, exc.start)
        found.append(
            problem(
                "not-utf8",
                f"line {line}, column {col}",
                "Save the file as UTF-8",
                line=line,
                column=col,
                actual=f"the byte 0x{data[exc.start]:02x}",
            )
        )
        text = data.decode("utf-8", errors="replace")
    try:
        value = json.loads(text, parse_constant=_no_constant, parse_float=_finite_float)
    except json.JSONDecodeError as exc:
        found.append(
            problem(
                "not-json",
                f"line {exc.lineno}, column {exc.colno}",
                line=exc.lineno,
                column=exc.colno,
                actual=exc.msg.lower(),
            )
        )
        return None, found
    except RecursionError:
        found.append(problem("not-json", "", actual="nesting too deep"))
        return None, found
    except ValueError as exc:  # NaN, Infinity, 1e400, an integer of thousands of digits
        reason = str(exc) if "JSON" in str(exc) else "an integer with more than 4300 digits"
        found.append(problem("not-json", "", actual=reason))
        return None, found
    return (None if found else value), found


def write_all(fd: int, data: bytes) -> None:
    """All of `data` to a file descriptor (os.write may take only part of it)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
