"""Where converted reports go: a folder of JSON files, a JSON Lines file, or stdout.

Files are written to a staging place first and moved into place only when the whole run
succeeded, so a failed run leaves no partial output, and an existing report is replaced
only with `force`.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import secrets
import shutil
import sys
import tempfile
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .errors import InputError
from .io import (
    STAGING_MARK,
    check_replaceable,
    check_writable_folder,
    exists_error,
    make_readable,
    publish,
    stdout_error,
    write_all,
)
from .io import cannot_write as cannot_write_path

if TYPE_CHECKING:
    from .outcomes import Output

STDOUT = "-"
DEFAULT_FOLDER = "boamps-reports"


def report_json(report: dict[str, Any], indent: int | None = 2) -> str:
    if indent is None:
        return json.dumps(report, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return json.dumps(report, ensure_ascii=False, indent=indent, allow_nan=False)


MAX_NAME = 200  # characters of a report's file name, well under every file system's 255 bytes
MAX_ID = 120  # a longer report id keeps its start and a hash of the whole


def file_name(report: dict[str, Any]) -> str:
    """`PROJECT-STAGE-ID.json`: the id is kept whole (distinct reports, distinct names), the
    project and stage are cut to fit MAX_NAME."""
    header, task = report.get("header") or {}, report.get("task") or {}
    project = _safe((header.get("publisher") or {}).get("projectName") or "report")
    stage = _safe(task.get("taskStage") or "")[:40] if task.get("taskStage") else ""
    report_id = _safe(header.get("reportId")) if header.get("reportId") else ""
    if len(report_id) > MAX_ID:
        digest = hashlib.sha256(str(header.get("reportId")).encode("utf-8")).hexdigest()[:16]
        report_id = f"{report_id[: MAX_ID - 17]}-{digest}"
    tail = "-".join(p for p in (stage, report_id) if p)
    room = MAX_NAME - len(".json") - (len(tail) + 1 if tail else 0)
    return "-".join(p for p in (project[:room].rstrip("._-") or "x", tail) if p) + ".json"


def report_file(report: dict[str, Any]) -> bytes:
    """A report as its own file holds it: indented JSON and a newline, UTF-8."""
    return (report_json(report) + "\n").encode("utf-8")


def write_report_file(folder: Path, name: str, data: bytes) -> str:
    """Writes a report's file in `folder` (a run's staging folder) under `name` when no
    file has it, else under a hidden name of its own: returns where it went. The run's
    writer gives each report its final name, in row order (`ReportWriter.placed`), so that
    files can be written by several processes at once."""
    try:
        fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except FileExistsError:
        name, fd = _hidden_file(folder)
    try:
        write_all(fd, data)
    finally:
        os.close(fd)
    return name


def _hidden_file(folder: Path) -> tuple[str, int]:
    """A new file of `folder` named as no report is (reports' names never start with a
    dot), made as a report's file is."""
    while True:
        name = f".boamps-{secrets.token_hex(8)}.json"
        try:
            return name, os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue


def output_kind(target: str, *, one_report: bool = False) -> str:
    """What `-o` names: `stdout`, `jsonl`, `json` (one report) or `folder`. A name with a
    file suffix is a file, never a folder made for it."""
    if target == STDOUT:
        return "stdout"
    path = Path(target)
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        return "jsonl"
    if suffix == ".json" and one_report:
        return "json"
    if suffix == ".json" or (suffix[1:].isalpha() and not path.is_dir()):
        kinds = (
            "a .json file, a .jsonl file or a folder" if one_report else "a .jsonl file or a folder"
        )
        raise InputError(
            "Not an output for reports" if suffix != ".json" else "One report per .json file",
            target,
            f"a {path.suffix} file" if suffix != ".json" else "several reports to write",
            f"Give {kinds} (a name without a file suffix).",
        )
    return "folder"


def _safe(text: object) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", str(text)).strip("._-")
    return cleaned or "x"


def check_output(target: str, *, force: bool, one_report: bool) -> str:
    """Raise now what writing to `target` later would: before a long run, not after it.
    Returns the output's kind (see output_kind)."""
    kind = output_kind(target, one_report=one_report)
    path = Path(target)
    try:
        if kind == "json":
            check_replaceable(path, force)
            check_writable_folder(path.parent)
        elif kind == "jsonl":  # appended to: an existing file is kept, not replaced
            if path.is_dir():
                raise InputError(
                    "Output is a folder", target, "not a file", "Give a file name to -o."
                )
            if path.exists() and not os.access(path, os.W_OK):
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
            check_writable_folder(path.parent)
        elif kind == "folder":
            if (path.exists() or path.is_symlink()) and not path.is_dir():
                raise InputError(
                    "Output is not a folder",
                    target,
                    "an existing file",
                    "Give a folder, a .json or a .jsonl file.",
                )
            check_writable_folder(path)
    except OSError as exc:
        raise cannot_write(target, exc) from None
    return kind


class ReportWriter:
    """Collects reports for one target and makes them appear all at once in `commit()`."""

    def __init__(self, target: str, *, force: bool = False, stdout: IO[str] | None = None):
        self.target, self.force = target, force
        self.stdout = stdout or sys.stdout
        self.count = 0
        self._names: set[str] = set()
        # report files moved aside, to make room for a report before them: name -> where
        self._moved: dict[str, str] = {}
        self._staging: Path | None = None
        self._handle: IO[str] | None = None
        if target == STDOUT:
            if self.stdout is None:  # started with standard output closed
                raise stdout_error(None)
            return
        try:
            self._open(Path(target))
        except OSError as exc:
            self.abort()
            raise cannot_write(target, exc) from None

    def _open(self, path: Path) -> None:
        target = str(path)
        if output_kind(target) == "jsonl":
            check_replaceable(path, self.force)
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            self._staging = Path(temp)
            self._handle = os.fdopen(fd, "w", encoding="utf-8", newline="\n")
        else:
            if (path.exists() or path.is_symlink()) and not path.is_dir():
                raise InputError(
                    "Output is not a folder",
                    target,
                    "an existing file",
                    "Give a folder, a .jsonl file or - for stdout.",
                )
            self._staging = _staging_folder(path)

    def write(self, report: dict[str, Any]) -> None:
        self.count += 1
        if self.target == STDOUT:
            self.stdout.write(report_json(report, None) + "\n")
        elif self._handle is not None:
            self._handle.write(report_json(report, None) + "\n")
        else:
            assert self._staging is not None
            name = file_name(report)
            self._place(name, write_report_file(self._staging, name, report_file(report)))

    @property
    def folder(self) -> Path | None:
        """The folder (a staging one) where report files go, written there by
        `write_report_file`, then given to `placed`; None for JSON Lines and stdout."""
        return None if self.takes_lines else self._staging

    def placed(self, files: list[tuple[str, str]]) -> None:
        """Report files written in `folder`, in row order: each report's file name (from
        `file_name`), and the name it was written under."""
        self.count += len(files)
        for wanted, written in files:
            self._place(wanted, written)

    def _place(self, wanted: str, written: str) -> None:
        """The report's final name: `wanted`, or with -2, -3... when a report before it took
        that name. A file of a later report (written by another process) that holds it is
        moved aside, to take its own name when its turn comes."""
        final = self._unique(wanted)
        if final == written:
            return
        staging = self._staging
        assert staging is not None
        source = self._moved.pop(written, written)
        while True:
            try:
                publish(staging / source, staging / final, replace=False)
                return
            except FileExistsError:
                aside, fd = _hidden_file(staging)
                os.close(fd)
                os.replace(staging / final, staging / aside)
                self._moved[final] = aside

    def _unique(self, name: str) -> str:
        stem, number = name[:-5], 2
        while name in self._names:
            name, number = f"{stem}-{number}.json", number + 1
        self._names.add(name)
        return name

    @property
    def takes_lines(self) -> bool:
        """Whether reports go out as JSON Lines (a .jsonl file or stdout)."""
        return self.target == STDOUT or self._handle is not None

    def descriptor(self) -> int | None:
        """The file descriptor JSON Lines go to, flushed: workers may write there."""
        if not self.takes_lines:
            return None
        handle = self.stdout if self.target == STDOUT else self._handle
        assert handle is not None
        return _descriptor(handle)

    def write_output(self, output: Output) -> None:
        """Reports already made JSON Lines (UTF-8), or written by the workers already."""
        assert self.takes_lines
        self.count += output.reports
        if output.written:
            return
        handle = self.stdout if self.target == STDOUT else self._handle
        assert handle is not None
        fd = _descriptor(handle)
        if fd is None:
            handle.write(output.data.decode("utf-8"))
        else:
            write_all(fd, output.data)

    def commit(self) -> list[Path]:
        try:
            return self._commit()
        except OSError as exc:
            self.abort()
            raise cannot_write(self.target, exc) from None

    def _commit(self) -> list[Path]:
        if self.target == STDOUT or self._staging is None:
            return []
        if self._handle is not None:
            self._handle.close()
            target = Path(self.target)
            check_replaceable(target, self.force)
            make_readable(self._staging)
            try:
                publish(self._staging, target, replace=self.force)
            except FileExistsError:  # made meanwhile, by another run
                self.abort()
                raise exists_error(target) from None
            return [target]
        return self._commit_folder(Path(self.target), sorted(self._names))

    def _commit_folder(self, folder: Path, names: list[str]) -> list[Path]:
        """All or nothing: every name is checked before the first report moves; a new
        folder is claimed in one rename, so that of two runs racing for it one fails."""
        staging = self._staging
        assert staging is not None
        if not (folder.exists() or folder.is_symlink()) and staging.parent != folder.resolve():
            try:  # a new folder: nothing there to check
                os.rename(staging, folder)
                self._staging = None
                return [folder / n for n in names]
            except OSError as exc:
                if exc.errno not in (errno.EEXIST, errno.ENOTEMPTY):
                    raise
                # another run made the folder meanwhile: checked, then file by file, never
                # over its files
        for name in names:
            if (folder / name).is_dir() and not (folder / name).is_symlink():
                self.abort()
                raise InputError(
                    "Output is a folder",
                    str(folder / name),
                    "where a report's file goes",
                    "Move that folder away, or choose another -o.",
                )
        if not self.force:
            self._check_names_free(folder, names)
        folder.mkdir(parents=True, exist_ok=True)
        placed: list[Path] = []
        for name in names:
            try:
                publish(staging / name, folder / name, replace=self.force)
            except FileExistsError:
                for done in placed:
                    done.unlink(missing_ok=True)
                self._check_names_free(folder, names)
                raise
            placed.append(folder / name)
        shutil.rmtree(staging, ignore_errors=True)
        self._staging = None
        return placed

    def _check_names_free(self, folder: Path, names: list[str]) -> None:
        taken = [n for n in names if (folder / n).exists() or (folder / n).is_symlink()]
        if taken:
            self.abort()
            raise InputError(
                "Output file exists",
                str(folder / taken[0]),
                f"{len(taken)} of {len(names)} reports already there",
                "Use --force to replace them, or choose another -o.",
            )

    def abort(self) -> None:
        if self._handle is not None:
            self._handle.close()
        if self._staging is not None:
            if self._staging.is_dir():
                shutil.rmtree(self._staging, ignore_errors=True)
            else:
                self._staging.unlink(missing_ok=True)


def _staging_folder(target: Path) -> Path:
    """A hidden sibling of the target folder (`.NAME.boamps-staging-` and a random suffix),
    never inside it: after a crash, `validate DIR` sees no half-written report there.
    Beside it, the final move is a rename on the same disk."""
    resolved = target.resolve()
    parent = resolved.parent
    parent.mkdir(parents=True, exist_ok=True)
    prefix = f".{resolved.name}{STAGING_MARK}"
    # a folder that is a mount point: beside it is another disk, where no rename reaches
    if resolved.is_dir() and os.stat(resolved).st_dev != os.stat(parent).st_dev:
        parent = resolved
    try:
        staging = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    except OSError:
        if not resolved.is_dir() or parent == resolved:
            raise
        # a folder we may write in, in a parent we may not (-o ~): inside, hidden
        staging = Path(tempfile.mkdtemp(prefix=prefix, dir=resolved))
    os.chmod(staging, 0o777 & ~_umask())  # the folder itself when it is claimed by a rename
    return staging


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _descriptor(handle: IO[str]) -> int | None:
    """The file descriptor under a text handle, flushed, when it has one."""
    try:
        fd = handle.fileno()
    except (OSError, ValueError, AttributeError):  # io.UnsupportedOperation is an OSError
        return None
    handle.flush()
    return fd


def cannot_write(target: str, exc: OSError) -> InputError:
    if target == STDOUT:
        return stdout_error(exc)
    return cannot_write_path(target, exc, "Check that -o names a folder or file you can write to.")
