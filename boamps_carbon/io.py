"""Reading and writing files safely: atomic writes, one overwrite rule, bounded reads, JSON
with precise error places."""

from __future__ import annotations

import contextlib
import errno
import json
import math
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, TextIO

from .errors import InputError
from .printable import printable
from .validation.problems import Problem, problem

# Every reader of JSON recurses (copies, merges, validation): deeper values are refused where
# they are parsed. A BoAmps report is 5 levels deep.
MAX_JSON_DEPTH = 64
# context and field table files are read whole: `--context /dev/zero` must fail, not fill memory
MAX_FILE_BYTES = 16 * 1024 * 1024
# a CSV read from a pipe or a device is held in memory; a line this long without a line end
# is not a CodeCarbon row (`convert /dev/zero`)
MAX_LINE_BYTES = 16 * 1024 * 1024
_MB = 1024 * 1024
# the hidden sibling a folder output is staged in: `.DIR.boamps-staging-` and mkdtemp's
# random suffix
STAGING_MARK = ".boamps-staging-"


def atomic_write_text(path: str | os.PathLike[str], text: str, *, replace: bool = True) -> None:
    """Write through a temporary file in the same folder, then move it onto the target; with
    `replace=False` an existing file (one that appeared meanwhile too) is never replaced."""
    atomic_write(path, lambda out: out.write(text), replace=replace)


def atomic_write(
    path: str | os.PathLike[str], write: Callable[[TextIO], object], *, replace: bool = True
) -> None:
    """`write(stream)` into a temporary file in the same folder, then move it onto the target:
    a streamed output is whole or absent, never partial; with `replace=False` an existing file
    (one that appeared meanwhile too) is never replaced. A target that is not a regular file
    (`/dev/stdout`, a pipe, a device) is written into, never replaced."""
    target = Path(path)
    if target.exists() and not target.is_file() and not target.is_dir():
        try:
            with open(target, "w", encoding="utf-8", newline="\n") as out:
                write(out)
        except OSError as exc:
            raise cannot_write(target, exc) from None
        return
    if not replace:
        check_replaceable(target, False)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise cannot_write(target, exc) from None
    try:
        make_readable(Path(temp))
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            write(out)
        publish(Path(temp), target, replace=replace)
    except BaseException as exc:
        Path(temp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise cannot_write(target, exc) from None
        raise


def check_replaceable(
    path: Path, force: bool, option: str = "-o", what: str = "Output file exists"
) -> None:
    """The one overwrite rule of every command: an existing file, or a symbolic link even
    dangling, is replaced only with --force; a folder is never replaced by a file."""
    if path.exists() and not path.is_file() and not path.is_dir():
        return  # a device or a pipe (`/dev/stdout`) is written into, never replaced
    if path.is_dir() and not path.is_symlink():
        raise InputError(
            "Output is a folder", str(path), "not a file", f"Give a file name to {option}."
        )
    if not force and (path.is_symlink() or path.exists()):
        raise exists_error(path, option, what)


def exists_error(path: Path, option: str = "-o", what: str = "Output file exists") -> InputError:
    return InputError(
        what,
        str(path),
        "not overwritten",
        f"Use --force to replace it, or choose another {option}.",
    )


def publish(temp: Path, target: Path, *, replace: bool) -> None:
    """Move a finished temporary file onto its target, atomically. Without `replace`, a
    hard link claims the name, so that a file created meanwhile by someone else is kept
    (FileExistsError)."""
    if replace:
        os.replace(temp, target)
        return
    try:
        os.link(temp, target)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
            raise
        # a file system without hard links: checked, then renamed (a narrow race remains)
        if target.is_symlink() or target.exists():
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(target)) from None
        os.replace(temp, target)
        return
    temp.unlink(missing_ok=True)


def check_writable_folder(folder: Path) -> None:
    """Raise OSError unless a file can be made in `folder`, or in its nearest existing
    ancestor when it is still to be made (made nothing: the check leaves no trace)."""
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(existing))
    tempfile.TemporaryFile(dir=existing).close()


def append_line(path: Path, line: str) -> None:
    """Append one line to a text file, after a line end if the file lacks its last one; on
    failure (a full disk) the file is cut back to what it was: no fragment stays."""
    data = line.encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
    except OSError as exc:
        raise cannot_write(path, exc) from None
    try:
        size = os.fstat(fd).st_size
        if size and _last_byte(path, size) != b"\n":
            data = b"\n" + data
        try:
            write_all(fd, data)
        except OSError as exc:
            # not a regular file (/dev/full): nothing was kept there to cut
            with contextlib.suppress(OSError):
                os.ftruncate(fd, size)
            raise cannot_write(path, exc) from None
    finally:
        os.close(fd)


def _last_byte(path: Path, size: int) -> bytes:
    with open(path, "rb") as handle:
        handle.seek(size - 1)
        return handle.read(1)


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


def read_limited(path: Path, what: str, hint: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """A whole file of at most `limit` bytes (devices and pipes included): raises InputError."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise InputError(f"Cannot read {what}", str(path), exc.strerror or str(exc), hint) from None
    if len(data) > limit:
        raise InputError(
            f"{what[0].upper()}{what[1:]} too large",
            str(path),
            f"more than {limit // _MB} MB",
            f"A {what} is small; check the path.",
        )
    return data


def stdin_binary() -> IO[bytes]:
    """Standard input as bytes; raises InputError when it is closed (`<&-`)."""
    stream = sys.stdin
    if stream is None:
        raise InputError(
            "Cannot read",
            "standard input",
            "it is closed",
            "Give a file name, or pipe the data in.",
        )
    return stream.buffer


def read_stream(
    handle: IO[bytes], label: str, kind: str = "a CSV file", max_line: int = MAX_LINE_BYTES
) -> bytes:
    """A pipe, a device or standard input, whole, stopping at a line longer than `max_line`
    (`/dev/zero` never ends a line): raises InputError naming the line."""
    chunks: list[bytes] = []
    copy_stream(handle, chunks.append, label, kind, max_line)
    return b"".join(chunks)


def copy_stream(
    handle: IO[bytes],
    sink: Callable[[bytes], object],
    label: str,
    kind: str,
    max_line: int = MAX_LINE_BYTES,
) -> None:
    """Every chunk of `handle` to `sink`, stopping at a line longer than `max_line`."""
    lines, since_end = 1, 0  # line number, and bytes since the last line end
    try:
        while chunk := handle.read(_MB):
            sink(chunk)
            ends = chunk.count(b"\n")
            if ends:
                lines += ends
                since_end = len(chunk) - chunk.rfind(b"\n") - 1
            else:
                since_end += len(chunk)
            if since_end > max_line:
                raise line_too_long(label, lines, kind, max_line)
    except OSError as exc:
        raise InputError(
            "Cannot read", label, exc.strerror or str(exc), "Check the input."
        ) from None


def line_too_long(label: str, line: int, kind: str, max_line: int) -> InputError:
    return InputError(
        "Line too long",
        f"{label}: line {line}",
        f"more than {max_line // _MB} MB without a line end",
        f"Check that the input is {kind}.",
    )


def bounded_lines(text: IO[str], label: str, max_line: int = MAX_LINE_BYTES) -> Iterator[str]:
    """The lines of a text file, as iterating it gives them, but a line longer than
    `max_line` characters is an error, not read whole into memory."""
    number = 0
    while line := text.readline(max_line + 1):
        number += 1
        if len(line) > max_line and not line.endswith(("\n", "\r")):
            raise line_too_long(label, number, "a CSV file", max_line)
        yield line


class JsonTooDeep(ValueError):
    """JSON nested deeper than MAX_JSON_DEPTH; `offset` is where, in the text."""

    def __init__(self, offset: int) -> None:
        self.offset = offset
        super().__init__(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")


def loads(text: str, **options: Any) -> Any:
    """json.loads, refusing values nested deeper than MAX_JSON_DEPTH (JsonTooDeep)."""
    try:
        value = json.loads(text, **options)
    except RecursionError:
        raise JsonTooDeep(_deep_offset(text)) from None
    if _too_deep(value):
        raise JsonTooDeep(_deep_offset(text))
    return value


def _too_deep(value: Any) -> bool:
    if not isinstance(value, (dict, list)):
        return False
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            return True
        items = node.values() if isinstance(node, dict) else node
        stack += [(item, depth + 1) for item in items if isinstance(item, (dict, list))]
    return False


_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{}]')


def _deep_offset(text: str) -> int:
    """Where the first value one level too deep opens (0 if not found)."""
    depth = 0
    for token in _TOKENS.finditer(text):
        mark = token.group()
        if mark in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return token.start()
        elif mark in "]}":
            depth -= 1
    return 0


class StdoutError(InputError):
    """Standard output cannot take what a command writes: closed, or on a full disk."""


def stdout_error(exc: OSError | None) -> StdoutError:
    reason = "it is closed" if exc is None else (exc.strerror or str(exc))
    return StdoutError(
        "Cannot write",
        "standard output",
        reason,
        "Redirect it to a file you can write to, or give -o FILE where the command has it.",
    )


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
        value = loads(text, parse_constant=_no_constant, parse_float=_finite_float)
    except JsonTooDeep as exc:
        line = text.count("\n", 0, exc.offset) + 1
        col = exc.offset - (text.rfind("\n", 0, exc.offset) + 1) + 1
        found.append(
            problem(
                "too-deep",
                f"line {line}, column {col}",
                f"Nest objects and arrays at most {MAX_JSON_DEPTH} levels deep.",
                line=line,
                column=col,
                expected=MAX_JSON_DEPTH,
                actual=f"level {MAX_JSON_DEPTH + 1}",
            )
        )
        return None, found
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
    except ValueError as exc:  # NaN, Infinity, 1e400, an integer of thousands of digits
        reason = str(exc) if "JSON" in str(exc) else "an integer with more than 4300 digits"
        found.append(problem("not-json", "", actual=reason))
        return None, found
    # only an escape can put a surrogate in the value (strict UTF-8 decoding refuses encoded
    # ones), and orjson refuses lone ones before this parser is asked: the walk runs only here
    if not found and _SURROGATE_ESCAPE.search(text):
        found += lone_surrogates(value)
    return (None if found else value), found


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_HINT = "Replace the character; JSON text must be valid Unicode (RFC 7493)"


def lone_surrogates(value: Any) -> list[Problem]:
    """A `lone-surrogate` problem for each string or key of `value` holding a lone surrogate
    (a text that cannot be written as UTF-8, and that I-JSON forbids), at its JSON path, in
    the document's order."""
    found: list[Problem] = []
    # (value, its path, whether it is a key): a stack, not recursion, as values nest deep
    stack: list[tuple[Any, str, bool]] = [(value, "", False)]
    while stack:
        item, path, is_key = stack.pop()
        if isinstance(item, str):
            if _LONE_SURROGATE.search(item):
                shown = f'the key "{printable(item)}"' if is_key else f'"{printable(item)}"'
                found.append(problem("lone-surrogate", path, _SURROGATE_HINT, actual=shown))
        elif isinstance(item, dict):
            for key, inner in reversed(item.items()):
                shown = printable(key)
                where = f"{path}.{shown}" if path else shown
                stack += [(inner, where, False), (key, where, True)]
        elif isinstance(item, list):
            stack += [
                (inner, f"{path}[{i}]", False) for i, inner in reversed(list(enumerate(item)))
            ]
    return found


def write_all(fd: int, data: bytes) -> None:
    """All of `data` to a file descriptor (os.write may take only part of it)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
