"""CodeCarbon rows held in data frames (pandas, and through it Spark and Dask) or as dicts,
to BoAmps reports: one result per row, in order, with ids that do not depend on how the
rows are split into partitions or batches.

A batch of rows is written as the CSV CodeCarbon would have written (typed values as in
`sources/typed.py`) and converted by the ordinary `convert`, so every rule of a CSV holds
here too, written once. Only the report id differs, because a partition cannot know the
whole input (the local rule needs the file's content and which run_ids repeat in it):

- a row whose run_id is a UUID: the run_id, in lower case (the local rule gives the same
  whenever that run_id is unique in the file);
- any other row: a UUID5 (namespace `REPORT_ID_NAMESPACE`) of `row:` and the row's own
  non-empty values as JSON, `[[column, text], ...]` sorted by column name, so that neither
  the order of the columns nor an empty column changes it.

So two rows with the same UUID run_id, or two identical rows without one, get the same
id: deduplicate first where that matters. When the context sets `header.reportId`, or a
field table maps it otherwise than by the `report_id` transform, the reports keep that id.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import uuid5

from .context import load_context
from .conversion import Conversion, field_table
from .errors import InputError
from .fieldmap.transforms import REPORT_ID_NAMESPACE
from .schema import DEFAULT_VERSION, SchemaVersion, parse_version
from .sources.codecarbon_csv import CsvSource, clean_name
from .sources.run_ids import is_uuid
from .sources.typed import UnsupportedValue, cell_text, float_text, int_text, pandas_texts
from .writers import report_json

if TYPE_CHECKING:
    import pandas as pd

COLUMNS = ("report_id", "report", "problem")
BATCH_ROWS = 10_000  # rows converted at a time within a frame: memory stays bounded
LABEL = "<rows>"


@dataclass(frozen=True)
class RowResult:
    """What became of one row: its report as one line of JSON, or the problem that stopped
    it (the reason `convert` gives for a rejected row). `report_id` is set either way."""

    report_id: str
    report: str | None
    problem: str | None


def row_report_id(header: Sequence[str], values: Sequence[str]) -> str:
    """The report id of a row, from the row alone (see the module's docstring)."""
    by_name = dict(zip(header, values, strict=True))
    run_id = by_name.get("run_id", "").strip()
    if is_uuid(run_id):
        return run_id.lower()
    content = sorted([name, text] for name, text in by_name.items() if text != "")
    key = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    return str(uuid5(REPORT_ID_NAMESPACE, f"row:{key}"))


class FrameConverter:
    """Converts batches of CodeCarbon rows with one context, field table and set of options;
    picklable, so a cluster can send it to its workers."""

    def __init__(
        self,
        context: str | Path | dict[str, Any] | None = None,
        fieldmap: str | Path | None = None,
        *,
        measures: str = "total",
        schema_version: str | SchemaVersion = DEFAULT_VERSION,
        integer_columns: Iterable[str] = (),
    ) -> None:
        self.version = parse_version(schema_version)
        self.context = load_context(context, self.version)
        self.table = field_table(fieldmap)
        self.measures = measures
        # columns typed as integers at the source, which pandas turns into floats when a
        # value is missing: their values are written as integers again
        self.integer_columns = frozenset(integer_columns)
        by_id = [row for row in self.table.rows if row.path == "header.reportId"]
        self._ids_by_rule = bool(by_id) and all(row.transform == "report_id" for row in by_id)

    def check(self, columns: Sequence[str]) -> None:
        """Everything that would stop any batch of these columns, raised now (on a cluster's
        driver, before any work): options, a column named twice, not CodeCarbon's columns."""
        self._conversion([clean_name(str(c)) for c in columns], [])

    def convert_rows(self, rows: Iterable[Mapping[str, Any]]) -> Iterator[RowResult]:
        """One result per dict, in order; dicts with the same keys are converted together."""
        batch: list[list[str]] = []
        keys: tuple[str, ...] = ()
        for row in rows:
            names = tuple(str(name) for name in row)
            if batch and (names != keys or len(batch) == BATCH_ROWS):
                yield from self._convert(list(keys), batch)
                batch = []
            keys = names
            batch.append([_text(value, name) for name, value in row.items()])
        if batch:
            yield from self._convert(list(keys), batch)

    def convert_frame(self, frame: pd.DataFrame) -> list[RowResult]:
        """One result per row of a pandas DataFrame of CodeCarbon columns, in order."""
        header = [str(name) for name in frame.columns]
        texts = [self._column_texts(name, frame.iloc[:, i]) for i, name in enumerate(header)]
        rows = [list(row) for row in zip(*texts, strict=True)] if texts else []
        results: list[RowResult] = []
        for start in range(0, len(rows), BATCH_ROWS):
            results += self._convert(header, rows[start : start + BATCH_ROWS])
        return results

    def results_frame(self, frame: pd.DataFrame) -> pd.DataFrame:
        """`convert_frame` as a DataFrame with the columns `report_id`, `report` and
        `problem`, on the input's index (so that it joins back to the rows)."""
        import pandas as pd

        results = self.convert_frame(frame)
        return pd.DataFrame(
            {name: pd.Series([getattr(r, name) for r in results], dtype=object) for name in COLUMNS}
        ).set_axis(frame.index)

    def _column_texts(self, name: str, column: pd.Series) -> list[str]:
        values = column.tolist()
        if name in self.integer_columns:
            return [_integer_text(value, name) for value in values]
        text = pandas_texts(column.dtype)
        try:
            return list(map(text, values))
        except UnsupportedValue as exc:
            raise unsupported(name, str(exc)) from None

    def _conversion(self, header: list[str], rows: list[list[str]]) -> Conversion:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        source = CsvSource(LABEL, data=out.getvalue().encode("utf-8"))
        return Conversion(source, self.context, self.table, self.measures, self.version, workers=1)

    def _convert(self, header: list[str], rows: list[list[str]]) -> list[RowResult]:
        if not rows:
            return []
        header = [clean_name(name) for name in header]
        conversion = self._conversion(header, rows)
        lines = "".join(text for text, _ in conversion.json_lines()).split("\n")[:-1]
        problems = {rejected.row: rejected.reason for rejected in conversion.rejected}
        if len(lines) + len(problems) != len(rows) or conversion.rejected_count != len(problems):
            raise AssertionError("every row must be converted or rejected, once")
        project = header.index("project_name") if "project_name" in header else -1
        results, reports = [], iter(lines)
        for number, values in enumerate(rows, start=1):
            report_id = row_report_id(header, values)
            if number in problems:
                results.append(RowResult(report_id, None, problems[number]))
                continue
            line = next(reports)
            name = values[project].strip() if project >= 0 else None
            if self._ids_by_rule and not self._context_names_id(name):
                report = json.loads(line)
                report["header"]["reportId"] = report_id
                line = report_json(report, None)
            else:
                report_id = json.loads(line).get("header", {}).get("reportId", report_id)
            results.append(RowResult(report_id, line, None))
        return results

    def _context_names_id(self, project: str | None) -> bool:
        layers = self.context.for_project(project)
        return any("reportId" in (layer.get("header") or {}) for layer in layers)


def _text(value: Any, column: str) -> str:
    try:
        return cell_text(value)
    except UnsupportedValue as exc:
        raise unsupported(column, str(exc)) from None


def _integer_text(value: Any, column: str) -> str:
    if isinstance(value, float) and value.is_integer():
        return int_text(int(value))
    return float_text(value) if isinstance(value, float) else _text(value, column)


def unsupported(column: str, kind: str) -> InputError:
    return InputError(
        "Unsupported column type",
        f"column {column}",
        kind,
        "CodeCarbon's columns are text, numbers, booleans or timestamps.",
    )
