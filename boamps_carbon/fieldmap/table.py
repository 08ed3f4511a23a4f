"""Loading field tables: ours (path, transform, source, argument, when) and the official
BoAmps bash tool's mapping tables (ID, Context, Category, Name, ..., Type, ..., CMD ...)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
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
    try:
        text = target.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            "Cannot read field table", str(target), str(exc), "Pass a UTF-8 CSV file to --fieldmap."
        ) from None
    reader = csv.DictReader(io.StringIO(text))
    header = set(reader.fieldnames or [])
    if set(OUR_COLUMNS) <= header:
        return FieldTable([_our_row(r, f"{target}:{reader.line_num}") for r in reader])
    if header >= BASH_COLUMNS:
        from .bash_table import rows_from_bash_table

        return FieldTable(rows_from_bash_table(reader, str(target)), complete=True)
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
