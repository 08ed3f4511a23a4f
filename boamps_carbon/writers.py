"""Where converted reports go: a folder of JSON files, a JSON Lines file, or stdout.

Files are written to a staging place first and moved into place only when the whole run
succeeded, so a failed run leaves no partial output, and an existing report is replaced
only with `force`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .errors import InputError
from .io import cannot_write as cannot_write_path
from .io import make_readable, write_all

if TYPE_CHECKING:
    from .outcomes import Output

STDOUT = "-"
DEFAULT_FOLDER = "boamps-reports"


def report_json(report: dict[str, Any], indent: int | None = 2) -> str:
    if indent is None:
        return json.dumps(report, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return json.dumps(report, ensure_ascii=False, indent=indent, allow_nan=False)


def file_name(report: dict[str, Any]) -> str:
    header, task = report.get("header") or {}, report.get("task") or {}
    project = (header.get("publisher") or {}).get("projectName") or "report"
    parts = [project, task.get("taskStage") or "", header.get("reportId") or ""]
    name = "-".join(_safe(p) for p in parts if p)
    return f"{name[:200]}.json"


def _safe(text: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", str(text)).strip("._-")
    return cleaned or "x"


class ReportWriter:
    """Collects reports for one target and makes them appear all at once in `commit()`."""

    def __init__(self, target: str, *, force: bool = False, stdout: IO[str] | None = None):
        self.target, self.force = target, force
        self.stdout = stdout or sys.stdout
        self.count = 0
        self._names: set[str] = set()
        self._staging: Path | None = None
        self._handle: IO[str] | None = None
        if target == STDOUT:
            if self.stdout is None:  # started with standard output closed
                raise cannot_write(STDOUT, OSError(0, "standard output is closed"))
            return
        try:
            self._open(Path(target))
        except OSError as exc:
            self.abort()
            raise cannot_write(target, exc) from None

    def _open(self, path: Path) -> None:
        target = str(path)
        if target.endswith(".jsonl"):
            if path.is_dir():
                raise InputError(
                    "Output is a folder",
                    target,
                    "not a .jsonl file",
                    "Give a file name ending in .jsonl.",
                )
            self._check_free(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            self._staging = Path(temp)
            self._handle = os.fdopen(fd, "w", encoding="utf-8", newline="\n")
        else:
            if path.exists() and not path.is_dir():
                raise InputError(
                    "Output is not a folder",
                    target,
                    "an existing file",
                    "Give a folder, a .jsonl file or - for stdout.",
                )
            self._staging = Path(
                tempfile.mkdtemp(prefix=".boamps-staging-", dir=self._staging_parent(path))
            )

    @staticmethod
    def _staging_parent(path: Path) -> Path:
        # next to the target so that the final move is a rename on the same disk
        parent = path if path.is_dir() else path.parent
        parent.mkdir(parents=True, exist_ok=True)
        return parent

    def _check_free(self, path: Path) -> None:
        if path.exists() and not self.force:
            raise InputError(
                "Output file exists",
                str(path),
                "not overwritten",
                "Use --force to replace it, or choose another -o.",
            )

    def write(self, report: dict[str, Any]) -> None:
        self.count += 1
        if self.target == STDOUT:
            self.stdout.write(report_json(report, None) + "\n")
        elif self._handle is not None:
            self._handle.write(report_json(report, None) + "\n")
        else:
            assert self._staging is not None
            name = self._unique(file_name(report))
            (self._staging / name).write_text(report_json(report) + "\n", encoding="utf-8")

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

    def _unique(self, name: str) -> str:
        stem, number = name[:-5], 2
        while name in self._names:
            name, number = f"{stem}-{number}.json", number + 1
        self._names.add(name)
        return name

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
            self._check_free(Path(self.target))
            make_readable(self._staging)
            os.replace(self._staging, self.target)
            return [Path(self.target)]
        folder = Path(self.target)
        names = sorted(self._names)
        if not self.force:
            taken = [n for n in names if (folder / n).exists()]
            if taken:
                self.abort()
                raise InputError(
                    "Output file exists",
                    str(folder / taken[0]),
                    f"{len(taken)} of {len(names)} reports already there",
                    "Use --force to replace them, or choose another -o.",
                )
        folder.mkdir(parents=True, exist_ok=True)
        for name in names:
            os.replace(self._staging / name, folder / name)
        shutil.rmtree(self._staging, ignore_errors=True)
        return [folder / n for n in names]

    def abort(self) -> None:
        if self._handle is not None:
            self._handle.close()
        if self._staging is not None:
            if self._staging.is_dir():
                shutil.rmtree(self._staging, ignore_errors=True)
            else:
                self._staging.unlink(missing_ok=True)


def _descriptor(handle: IO[str]) -> int | None:
    """The file descriptor under a text handle, flushed, when it has one."""
    try:
        fd = handle.fileno()
    except (OSError, ValueError, AttributeError):  # io.UnsupportedOperation is an OSError
        return None
    handle.flush()
    return fd


def cannot_write(target: str, exc: OSError) -> InputError:
    return cannot_write_path(target, exc, "Check that -o names a folder or file you can write to.")
