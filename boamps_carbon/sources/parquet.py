"""Parquet files of CodeCarbon rows, read as the CSV CodeCarbon would have written.

A Parquet file is read a batch of rows at a time and written out, as CodeCarbon writes its
CSV (UTF-8, `\\n` line ends, minimal quoting, typed values as in `typed.py`), to a temporary
file that the ordinary CSV path then converts, pieces, workers and all: every rule of a CSV
holds for a Parquet file without being written twice, and memory stays flat (one batch).
The temporary CSV is also the file whose content hash names the reports of rows without a
unique UUID run_id, so a Parquet file made from a CSV in CodeCarbon's own form gives the
very bytes that CSV gives.
"""

from __future__ import annotations

import csv
import os
import tempfile
import weakref
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..io import cannot_write
from .codecarbon_csv import CsvSource, _signature
from .typed import arrow_texts

MAGIC = b"PAR1"
BATCH_ROWS = 16_384
TEMP_HINT = "Free some space in the temporary folder (TMPDIR), or point TMPDIR elsewhere."


def is_parquet(path: Path) -> bool:
    """A regular file that starts with Parquet's magic bytes (whatever its name)."""
    try:
        if not path.is_file():
            return False
        with open(path, "rb") as handle:
            return handle.read(4) == MAGIC
    except OSError:
        return False  # the error comes, with its words, when the file is opened as a CSV


def open_source(source: Any) -> CsvSource:
    """What `convert` reads: a Parquet file (a path, or bytes/stdin that are Parquet), or
    anything `CsvSource.from_any` takes."""
    if isinstance(source, (str, Path)) and str(source) != "-" and is_parquet(Path(source)):
        return ParquetSource(Path(source))
    found = CsvSource.from_any(source)
    if found.data is not None and found.data[:4] == MAGIC:
        return ParquetSource.from_bytes(found.data, found.label)
    return found


class ParquetSource(CsvSource):
    """A Parquet file as a CsvSource: its rows as CodeCarbon's CSV text in a temporary file,
    removed when the source is no longer used."""

    def __init__(self, path: Path, label: str | None = None, owned: bool = False) -> None:
        self.parquet = path
        try:
            self._parquet_signature = _signature(path)
        except OSError as exc:
            raise _unreadable(label or str(path), exc.strerror or str(exc)) from None
        temp = _write_csv(path, label or str(path))
        super().__init__(label or str(path), path=temp)
        # the temporary CSV (and a Parquet copy of bytes from stdin) go with the source
        weakref.finalize(self, _remove, [temp, path] if owned else [temp])

    @classmethod
    def from_bytes(cls, data: bytes, label: str) -> ParquetSource:
        handle, name = tempfile.mkstemp(prefix="boamps-parquet-", suffix=".parquet")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
        except OSError as exc:
            Path(name).unlink(missing_ok=True)
            raise cannot_write(name, exc, TEMP_HINT) from None
        try:
            return cls(Path(name), label, owned=True)
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise

    def check_unchanged(self) -> None:
        try:
            now = _signature(self.parquet)
        except OSError as exc:
            raise _unreadable(self.label, exc.strerror or str(exc)) from None
        if now != self._parquet_signature:
            raise InputError(
                "Parquet file changed while being converted",
                self.label,
                "its size, time or inode differs",
                "Convert it again once it is complete.",
            )
        super().check_unchanged()


def _remove(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def _unreadable(label: str, reason: str) -> InputError:
    return InputError(
        "Not a readable Parquet file",
        label,
        reason,
        "Check that the file is a complete Parquet file of CodeCarbon's columns.",
    )


def _write_csv(path: Path, label: str) -> Path:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError(
            "Reading Parquet needs pyarrow",
            label,
            "pyarrow is not installed",
            "Install it: pip install 'boamps-carbon[parquet]'.",
        ) from None
    try:
        parquet = pq.ParquetFile(path)
        schema = parquet.schema_arrow
    except Exception as exc:  # pyarrow raises its own ArrowInvalid, OSError...
        raise _unreadable(label, str(exc)) from None
    texts = []
    for field in schema:
        text = arrow_texts(field.type)
        if text is None:
            raise InputError(
                "Unsupported Parquet column type",
                f"{label} column {field.name}",
                str(field.type),
                "CodeCarbon's columns are text, numbers, booleans or timestamps.",
            )
        texts.append(text)
    handle, name = tempfile.mkstemp(prefix="boamps-parquet-", suffix=".csv")
    temp = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(schema.names)
            batches = parquet.iter_batches(batch_size=BATCH_ROWS)
            while True:
                try:
                    batch = next(batches, None)
                    if batch is None:
                        break
                    columns = [
                        list(map(text, column.to_pylist()))
                        for text, column in zip(texts, batch.columns, strict=True)
                    ]
                except Exception as exc:  # a broken page, a value the rule cannot take
                    raise _unreadable(label, str(exc)) from None
                writer.writerows(zip(*columns, strict=True))
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise cannot_write(name, exc, TEMP_HINT) from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp
