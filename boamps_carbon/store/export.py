"""Writing stored reports out: JSON Lines, a folder of JSON files, or Parquet.

Streams: reports are read a page at a time and written as they come, into a temporary file or
folder beside the target, which takes its place only when everything is written."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..io import cannot_write, make_readable

if TYPE_CHECKING:
    from .records import Queryable as Store
    from .records import StoredReport

ROW_GROUP = 10_000


def export(store: Store, target: str, *, force: bool, filters: dict[str, Any]) -> int:
    path = Path(target)
    kind = (
        "jsonl"
        if target.endswith(".jsonl")
        else ("parquet" if target.endswith(".parquet") else "folder")
    )
    if kind == "folder" and path.exists() and not path.is_dir():
        raise InputError(
            "Output is not a folder",
            target,
            "an existing file",
            "Give a folder, .jsonl or .parquet.",
        )
    if kind != "folder" and path.is_dir():
        raise InputError("Output is a folder", target, f"not a .{kind} file", "Give a file name.")
    if path.exists() and not force and not (kind == "folder" and not any(path.iterdir())):
        raise InputError("Output exists", target, "already there", "Give --force to replace it.")
    parent = path.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        if kind == "folder":
            staging = Path(tempfile.mkdtemp(dir=parent, prefix=f".{path.name}.", suffix=".tmp"))
        else:
            handle, name = tempfile.mkstemp(dir=parent, prefix=f".{path.name}.", suffix=".tmp")
            os.close(handle)
            staging = Path(name)
    except OSError as exc:
        raise cannot_write(target, exc) from None
    try:
        if kind == "jsonl":
            count = _jsonl(store.query(**filters), staging)
        elif kind == "parquet":
            count = _parquet(store, filters, staging, target)
        else:
            count = _folder(store.query(**filters), staging)
        if kind != "folder":
            make_readable(staging)
            os.replace(staging, path)
        elif not path.exists():
            os.replace(staging, path)
        else:
            # into an existing folder: our files replace those of the same name, and only those
            for name in sorted(os.listdir(staging)):
                os.replace(staging / name, path / name)
            staging.rmdir()
    except BaseException as exc:
        if staging.is_dir():
            shutil.rmtree(staging, ignore_errors=True)
        else:
            staging.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise cannot_write(target, exc) from None
        raise
    return count


def _jsonl(items: Iterator[StoredReport], staging: Path) -> int:
    count = 0
    with open(staging, "w", encoding="utf-8", newline="\n") as out:
        for item in items:
            out.write(item.line + "\n")
            count += 1
    return count


def _folder(items: Iterator[StoredReport], staging: Path) -> int:
    from ..writers import file_name

    os.chmod(staging, 0o777 & ~_umask())
    count = 0
    for item in items:
        name = _free_name(staging, file_name(item.report), item.cursor)
        with open(staging / name, "xb") as out:  # never over a report written before
            out.write(item.text.encode("utf-8"))
        count += 1
    return count


def _free_name(staging: Path, name: str, cursor: str) -> str:
    """`name`, or when a report written before has it (two reports whose names clean up
    alike), the name with this report's cursor, then with a counter too, until no report
    has it: the name with the cursor may itself be another report's own name."""
    stem, candidate, more = name[: -len(".json")], name, 0
    while (staging / candidate).exists():
        candidate = f"{stem}-{cursor}{f'-{more}' if more else ''}.json"
        more += 1
    return candidate


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _parquet(store: Store, filters: dict[str, Any], staging: Path, target: str) -> int:
    """The columns of `render --format tables`'s reports.csv, as text, in its order: a first
    pass finds the columns, a second writes row groups."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError(
            "Parquet needs pyarrow",
            target,
            "not installed",
            "pip install 'boamps-carbon[parquet]'.",
        ) from None

    from ..render.tables import KEY, report_cells
    from ..schema import DEFAULT_VERSION, load_schema

    schema_of_reports = load_schema(DEFAULT_VERSION)
    columns = [KEY]
    known = set(columns)
    for item in store.query(**filters):
        for name in report_cells(item.report, schema_of_reports):
            if name not in known:
                known.add(name)
                columns.append(name)
    schema = pa.schema([(name, pa.string()) for name in columns])
    count = 0
    with pq.ParquetWriter(str(staging), schema) as writer:
        batch: list[dict[str, str]] = []
        for item in store.query(**filters):
            batch.append(report_cells(item.report, schema_of_reports))
            count += 1
            if len(batch) >= ROW_GROUP:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                batch = []
        if batch or count == 0:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
    return count


def documents(store: Store, filters: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The parsed reports matching `filters`, streamed."""
    for item in store.query(**filters):
        value: dict[str, Any] = json.loads(item.text)
        yield value
