"""Loading field tables: ours (path, transform, source, argument, when) and the official
BoAmps bash tool's mapping tables (ID, Context, Category, Name, ..., Type, ..., CMD ...)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..io import read_limited
from ..resources import schemas_dir
from .row import FieldRow

OUR_COLUMNS = ["path", "transform", "source", "argument", "when"]
BASH_COLUMNS = {"Context", "Category", "Name", "Type", "CMD"}
BUILTIN = "codecarbon.csv"


@dataclass
class FieldTable:
    rows: list[FieldRow]
    complete: bool = False  # a whole mapping that replaces the built-in one

    def extended_by(self, other: FieldTable) -> FieldTable:
        """`other`'s rows replace ours for the paths it names; its new paths come last."""
        replaced = {row.path for row in other.rows}
        return FieldTable([r for r in self.rows if r.path not in replaced] + other.rows)

    @property
    def sources(self) -> set[str]:
        return {source for row in self.rows for source in row.sources}


def load_field_table(path: str | Path | None = None) -> FieldTable:
    """Our built-in table, or a user's file in either format."""
    target = Path(path) if path is not None else schemas_dir() / "fieldmaps" / BUILTIN
    hint = "Pass a UTF-8 CSV file to --fieldmap."
    try:
        text = read_limited(target, "field table", hint).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError("Cannot read field table", str(target), str(exc), hint) from None
    reader = csv.DictReader(io.StringIO(text))
    try:
        header = set(reader.fieldnames or [])
        if set(OUR_COLUMNS) <= header:
            return FieldTable([_our_row(r, f"{target}:{reader.line_num}") for r in reader])
        if header >= BASH_COLUMNS:
            from .bash_table import rows_from_bash_table

            return FieldTable(rows_from_bash_table(reader, str(target)), complete=True)
    except csv.Error as exc:  # a cell over the csv module's limit, a stray NUL...
        raise InputError(
            "Unreadable field table", f"{target}:{reader.reader.line_num}", str(exc), hint
        ) from None
    raise InputError(
        "Unknown field table format",
        str(target),
        ",".join(reader.fieldnames or []),
        f"Use the columns {','.join(OUR_COLUMNS)} or a BoAmps bash mapping table.",
    )


def _our_row(record: dict[str, str], origin: str) -> FieldRow:
    from .transforms import TRANSFORMS

    row = FieldRow(
        path=(record["path"] or "").strip(),
        transform=(record["transform"] or "").strip(),
        sources=tuple((record["source"] or "").split()),
        argument=(record["argument"] or "").strip(),
        when=(record["when"] or "").strip(),
        origin=origin,
    )
    row.steps  # noqa: B018 - fails early on a bad path
    if row.transform not in TRANSFORMS:
        raise InputError(
            "Unknown transform",
            origin,
            repr(row.transform),
            f"Use one of: {', '.join(sorted(TRANSFORMS))}.",
        )
    return row


@dataclass(frozen=True)
class UnknownSource:
    """A source column of a field table row that no CodeCarbon layout has and the file lacks:
    the row can never give a value (a typo, most often)."""

    column: str
    row: FieldRow
    closest: str | None  # the nearest known or present column name

    def message(self, file: str) -> str:
        text = (
            f"{self.row.origin}: source column {self.column!r} of {self.row.path} is in no "
            f"CodeCarbon layout and not in {file}: the field stays empty"
        )
        return text + (f". Did you mean {self.closest!r}?" if self.closest else "")


def unknown_sources(table: FieldTable, header: list[str]) -> list[UnknownSource]:
    """The source columns of `table` that the file (`header`) lacks and no known layout has,
    each with the closest name (difflib) among those."""
    import difflib

    from ..sources.layouts import known_layouts

    known = {c for layout in known_layouts() for c in layout.columns} | set(header)
    names = sorted(known)
    found = []
    for row in table.rows:
        for column in row.sources:
            if column not in known:
                close = difflib.get_close_matches(column, names, n=1, cutoff=0.6)
                found.append(UnknownSource(column, row, close[0] if close else None))
    return found
