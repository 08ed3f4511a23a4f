"""Reading CodeCarbon emissions CSVs whatever their age, encoding and line ends.

Every data row comes out either as values aligned with the header or as a rejection with
its line number and reason: a row is never read shifted and never dropped silently.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import stat
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ..errors import InputError
from ..io import bounded_lines, read_stream, stdin_binary
from .encodings import CODEC, Cp1252Lines, cp1252_lines

CHUNK = 1 << 20


@dataclass(frozen=True)
class Scan:
    encoding: str
    sha256: str


@dataclass
class Record:
    row: int  # 1 for the first data row after the header; blank lines do not count
    line: int  # the line where the row starts, as the csv module counts them
    values: list[str]
    reason: str = ""  # set when the row is rejected


def scan_bytes(chunks: Iterator[bytes], label: str) -> Scan:
    """One pass over the raw bytes: content hash and encoding (UTF-8, with BOM, or cp1252)."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8, first = True, b""
    for chunk in chunks:
        digest.update(chunk)
        first = first or chunk[:3]
        # ASCII is UTF-8 as it is: no need to decode it (a quarter of the time of a pass)
        if utf8 and not (chunk.isascii() and not decoder.getstate()[0]):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                utf8 = False
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    encoding = ("utf-8-sig" if first.startswith(codecs.BOM_UTF8) else "utf-8") if utf8 else "cp1252"
    return Scan(encoding, digest.hexdigest())


def _chunks(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk


def scan_file(path: Path) -> Scan:
    try:
        return scan_bytes(_chunks(path), str(path))
    except OSError as exc:
        raise _cannot_read(path, exc) from None


def _is_stream(path: Path) -> bool:
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False  # the error comes, with its words, when the file is opened
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _read_stream(path: Path) -> bytes:
    try:
        with open(path, "rb") as handle:
            return read_stream(handle, str(path))
    except OSError as exc:
        raise _cannot_read(path, exc) from None


def _signature(path: Path) -> tuple[int, int, int]:
    found = os.stat(path)
    return found.st_size, found.st_mtime_ns, found.st_ino


def _cannot_read(path: Path, exc: OSError) -> InputError:
    return InputError(
        "Cannot read CSV file", str(path), exc.strerror or str(exc), "Check the path."
    )


def codec(scan: Scan) -> str:
    """The codec that reads the file: UTF-8, or for any other file UTF-8 where valid and
    cp1252 where not (`encodings`), whose five undefined bytes read as U+FFFD: a stray one
    costs one character, not the file."""
    return scan.encoding if scan.encoding.startswith("utf-8") else CODEC


def open_text(path: Path, scan: Scan) -> IO[str]:
    return open(path, encoding=codec(scan), newline="")


def read_records(text: IO[str], label: str) -> tuple[list[str], Iterator[Record]]:
    """The header, then every data row in order (blank lines are not rows)."""
    # strict: an unterminated quote is an error at its line, not the rest of the file read
    # as one field
    reader = csv.reader(bounded_lines(text, label), strict=True)
    header: list[str] | None = None
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                header = [clean_name(cell) for cell in row]
                break
    except (csv.Error, UnicodeDecodeError) as exc:
        raise InputError(
            "Not a readable CSV file",
            f"{label} line {reader.line_num}",
            str(exc),
            "Check that the file is a CodeCarbon emissions.csv.",
        ) from None
    if header is None:
        raise InputError(
            "Empty CSV file", label, "no header row", "Pass a CodeCarbon emissions.csv."
        )
    check_header(header, label)
    return header, rows_of(reader, header, label)


def check_header(header: list[str], label: str) -> None:
    counts = Counter(header)  # one pass: a header may have tens of thousands of columns
    repeated = sorted(name for name, count in counts.items() if count > 1 and name)
    if repeated:
        raise InputError(
            "Column named twice",
            f"{label} header",
            ", ".join(repeated),
            "Rename or remove the copy: which one holds the value is unknown.",
        )


def clean_name(name: str) -> str:
    # a UTF-8 byte order mark, read as such or (in a file that is otherwise cp1252) as text
    return name.strip().lstrip("\ufeff").removeprefix("\u00ef\u00bb\u00bf")


def rows_of(reader: Any, header: list[str], label: str, lines_before: int = 0) -> Iterator[Record]:
    """The data rows a csv reader gives; `lines_before` counts the lines of the file before
    the reader's first one (a reader may start part way through)."""
    width = len(header)
    previous_end, number = reader.line_num, 0
    try:
        for row in reader:
            line, previous_end = lines_before + previous_end + 1, reader.line_num
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            number += 1
            if len(row) != width:
                yield Record(
                    number,
                    line,
                    row,
                    f"has {len(row)} fields where the header has {width}; "
                    "the row would be read shifted (CodeCarbon up to 3.3.0 appends "
                    "rows without their empty columns)",
                )
            else:
                yield Record(number, line, row)
    except csv.Error as exc:
        raise unreadable(label, lines_before + reader.line_num, str(exc)) from None


class UnreadableCsv(InputError):
    """A CSV whose quoting breaks at a line."""

    def __init__(self, label: str, line: int, reason: str) -> None:
        super().__init__("Not a readable CSV file", f"{label} line {line}", reason, _QUOTING)
        self.label, self.line, self.reason = label, line, reason

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        return type(self), (self.label, self.line, self.reason)


_QUOTING = "Check the file's quoting."


def unreadable(label: str, line: int, reason: str) -> UnreadableCsv:
    return UnreadableCsv(label, line, reason)


class CsvSource:
    """A CSV that can be read more than once: a file on disk, or bytes held in memory."""

    def __init__(self, label: str, path: Path | None = None, data: bytes | None = None):
        self.label, self.path, self.data = label, path, data
        self._scan: Scan | None = None
        self._signature: tuple[int, int, int] | None = None
        if path is not None:
            try:
                open(path, "rb").close()
                self._signature = _signature(path)
            except OSError as exc:
                raise _cannot_read(path, exc) from None

    def check_unchanged(self) -> None:
        """A file read more than once must stay what it was: a file still being written, or
        replaced, would mix two contents in one conversion."""
        if self.path is None:
            return
        try:
            now = _signature(self.path)
        except OSError as exc:
            raise _cannot_read(self.path, exc) from None
        if now != self._signature:
            raise InputError(
                "CSV file changed while being converted",
                str(self.path),
                "its size, time or inode differs",
                "Convert it again once it is complete.",
            )

    @property
    def scan(self) -> Scan:
        """Encoding and content hash: a whole pass over the bytes, made when first asked
        for (the fast path of `convert` finds them in its own, parallel, pass)."""
        if self._scan is None:
            if self.data is not None:
                self._scan = scan_bytes(iter([self.data]), self.label)
            else:
                assert self.path is not None
                self._scan = scan_file(self.path)
        return self._scan

    @scan.setter
    def scan(self, found: Scan) -> None:
        self._scan = found

    @classmethod
    def from_any(cls, source: Any) -> CsvSource:
        """A path (`-`: standard input), a file object (text or binary), bytes, or a pandas
        DataFrame."""
        if str(source) == "-":
            return cls("<stdin>", data=read_stream(stdin_binary(), "<stdin>"))
        if isinstance(source, (str, Path)):
            if _is_stream(Path(source)):  # a pipe or a device can be read only once
                return cls(str(source), data=_read_stream(Path(source)))
            return cls(str(source), path=Path(source))
        if isinstance(source, bytes):
            return cls("<bytes>", data=source)
        if hasattr(source, "to_csv") and hasattr(source, "columns"):
            text = source.fillna("").astype(str).to_csv(index=False, lineterminator="\n")
            return cls("<DataFrame>", data=text.encode("utf-8"))
        if hasattr(source, "read"):
            content = source.read()
            data = content.encode("utf-8") if isinstance(content, str) else content
            return cls(str(getattr(source, "name", "<stream>")), data=data)
        raise InputError(
            "Unsupported CSV source",
            "source",
            type(source).__name__,
            "Pass a path, a file object, bytes or a pandas DataFrame.",
        )

    def open(self) -> IO[str]:
        if self.data is not None:
            return io.StringIO(self.data.decode(codec(self.scan)), newline="")
        assert self.path is not None
        return open_text(self.path, self.scan)


def mixed_encoding(source: CsvSource) -> Cp1252Lines | None:
    """For a file that is not wholly UTF-8, its lines in cp1252 when others are UTF-8 (a
    mixed file, which deserves a warning), else None. Reads the file again, a line at a
    time."""
    if source.scan.encoding.startswith("utf-8"):
        return None
    if source.data is not None:
        found = cp1252_lines(io.BytesIO(source.data))
    else:
        assert source.path is not None
        try:
            with open(source.path, "rb") as handle:
                found = cp1252_lines(handle)
        except OSError as exc:
            raise _cannot_read(source.path, exc) from None
    return found if found.mixed else None
