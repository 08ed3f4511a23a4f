"""One piece of a CSV to JSON Lines: rows of a known kind filled into their template, whole
columns at a time; every other row through the ordinary path, one by one."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..outcomes import Rejected, RejectedRows, RowConverter
from ..rows import RowRuns
from ..sources.codecarbon_csv import Record
from ..validation.problems import Problem
from ..writers import report_json
from .cells import PieceFields
from .columns import Columns, SlotValues
from .output import OutputTable
from .plan import Plan, make_plan
from .prepass import PlacedPieces
from .rejection import known_rejections
from .template import Template, make_template

CANDIDATES = 4  # rows tried, per kind of row and piece, to make a template from
MAX_TEMPLATES = 4096


class FastPathMismatch(AssertionError):
    """A filled template differs from the ordinary path's report: a bug, never a user error."""


@dataclass
class PieceResult:
    data: bytes = b""  # the JSON Lines of the piece's reports, in row order, as UTF-8
    converted: int = 0
    rejected: list[Rejected] = field(default_factory=RejectedRows)
    warnings: dict[str, RowRuns] = field(default_factory=dict)  # ordered by first row
    notes: dict[str, Problem] = field(default_factory=dict)  # each warning as a problem
    # each warning's first row and place among that row's warnings, while the piece is made
    first: dict[str, tuple[int, int]] = field(default_factory=dict)
    spill: str | None = None  # where `data` went, from a worker process


class PieceConverter:
    # the reports' JSON indentation: None, JSON Lines; 2, a folder's files (`fast.folder`)
    indent: int | None = None

    def __init__(self, conversion: RowConverter, plan: Plan | None, layout: PlacedPieces) -> None:
        self.conversion, self.plan, self.layout = conversion, plan, layout
        self.templates: dict[Any, Template] = {}
        self.checked: dict[Any, int] = {}  # kind -> pieces its template was checked in
        self.run = conversion.run_context()
        # the columns a piece's rows are read by: the others only in a row read whole
        self.columns = (
            {c for slot in plan.slots for c in slot.columns}
            | set(plan.key_columns)
            | {atom.column for atom in plan.atoms}
            if plan
            else set()
        )

    def __getstate__(self) -> dict[str, Any]:
        # what a worker starts from; the plan holds compiled conditions: made there again
        return {"conversion": self.conversion, "layout": self.layout}

    def __setstate__(self, state: dict[str, Any]) -> None:
        conversion = state["conversion"]
        plan = make_plan(conversion.field_engine, conversion.project_column)
        self.__init__(conversion, plan, state["layout"])  # type: ignore[misc]

    def __call__(self, index: int) -> PieceResult:
        placed = self.layout.pieces[index]
        body = self.layout.body
        raw = body.read(placed.piece)
        fields = body.fields(raw, self.columns) if placed.plain and self.plan else None
        if fields is None:
            text = raw.decode(body.encoding, body.errors)
            records = body.records(text, placed.first_row, placed.first_line)
            return self._ordinary(records)
        return self._fast(fields, placed.first_row, placed.first_line)

    def _ordinary(self, records: Iterable[Record]) -> PieceResult:
        result, lines = PieceResult(), []
        for record in records:
            line = self._one(record, result)
            if line is not None:
                lines.append(line)
        result.data = "".join(lines).encode("utf-8")
        return result

    def _one(self, record: Record, result: PieceResult) -> str | None:
        outcome = self.conversion.outcome(record, self.run)
        for place, (message, note) in enumerate(zip(outcome.warnings, outcome.notes, strict=True)):
            result.warnings.setdefault(message, RowRuns()).append(record.row)
            result.first.setdefault(message, (record.row, place))
            result.notes.setdefault(message, note)
        if outcome.rejected is not None:
            result.rejected.append(outcome.rejected)
            return None
        assert outcome.report is not None
        result.converted += 1
        return report_json(outcome.report, self.indent) + "\n"

    def _fast(self, rows: PieceFields, first_row: int, first_line: int) -> PieceResult:
        assert self.plan is not None
        columns = Columns(rows, first_row)
        values = [columns.slot(slot, self.run) for slot in self.plan.slots]
        odd, bits = self._kinds(columns, values)
        filled: list[tuple[Template, np.ndarray]] = []
        key_of: dict[int, Any] = {}
        for key, members in self._groups(rows, bits, odd):
            template = self._template(key, members, rows, values, first_row, first_line)
            if template is None:
                continue
            bad = np.zeros(len(members), bool)
            for guard in template.guards:
                bad |= np.broadcast_to(guard(values, members), bad.shape)
            if not bad.all():
                filled.append((template, members[~bad]))
                key_of[id(template)] = key
        cells = OutputTable(rows.size, filled, values)
        result = PieceResult()
        known = known_rejections(self, columns, values, odd, bits, rows, first_row, first_line)
        for index in np.flatnonzero(~cells.done).tolist():
            if index in known:
                result.rejected.append(known[index])
                continue
            record = Record(first_row + index + 1, first_line + index + 1, rows.row(index))
            cells.put(index, self._one(record, result) or "")
        for template, members in filled:
            for index in self._to_check(key_of[id(template)], members):
                self._check(template, index, cells, rows, first_row, first_line)
        result.converted += int(cells.done.sum())
        result.data = cells.text().encode("utf-8")
        for template, _ in filled:
            for message, note in zip(template.warnings, template.notes, strict=True):
                result.notes.setdefault(message, note)
        found = [(t.warnings, members + first_row + 1) for t, members in filled]
        result.warnings = _ordered(result.warnings, result.first, found)
        result.first = {}
        return result

    def _kinds(self, columns: Columns, values: list[SlotValues]) -> tuple[np.ndarray, np.ndarray]:
        """Per row: whether it is odd (the ordinary path's), and its kind as bits: the
        truth of each varying condition, then whether each slot has a value."""
        assert self.plan is not None
        odd, bits = np.zeros(columns.size, bool), np.zeros(columns.size, np.int64)
        for bit, atom in enumerate(self.plan.atoms):
            truth, unknown = columns.atom(atom, self.run)
            odd |= unknown
            bits |= truth.astype(np.int64) << bit
        for bit, slot_values in enumerate(values, start=len(self.plan.atoms)):
            odd |= slot_values.odd
            bits |= slot_values.present.astype(np.int64) << bit
        return odd, bits

    def _to_check(self, key: Any, members: np.ndarray) -> list[int]:
        """A kind's first and last rows when its template is new here, then one row a piece,
        first or last in turn: a template wrong for some rows shows up."""
        checked = self.checked.get(key, 0) if key in self.templates else 0
        if key in self.templates:
            self.checked[key] = checked + 1
        ends = [int(members[0]), int(members[-1])]
        return sorted(set(ends)) if checked == 0 else [ends[checked % 2]]

    def _groups(
        self, rows: PieceFields, bits: np.ndarray, odd: np.ndarray
    ) -> Iterator[tuple[Any, np.ndarray]]:
        """Rows by key values and kind bits, each group in row order; odd rows in none."""
        size = rows.size
        keys = self.plan.key_columns if self.plan else ()
        codes = np.zeros(size, np.int64)
        varying = [rows.values(column) for column in rows.varying(keys)]
        if varying:  # the kinds of key among the rows, numbered
            found = varying[0] if len(varying) == 1 else list(zip(*varying, strict=True))
            number = {key: i for i, key in enumerate(dict.fromkeys(found))}
            codes = np.fromiter(map(number.__getitem__, found), np.int64, size)
        kinds, kind_of_row = np.unique(bits, return_inverse=True)
        combined = codes * len(kinds) + kind_of_row
        combined[odd] = -1
        order = np.argsort(combined, kind="stable")
        ordered = combined[order]
        for members in np.split(order, np.flatnonzero(np.diff(ordered)) + 1):
            group = int(combined[members[0]])
            if group >= 0:
                first = rows.row(int(members[0]))
                key = tuple(first[c] for c in self.plan.key_columns) if self.plan else ()
                yield (key, int(kinds[group % len(kinds)])), members

    def _template(
        self,
        key: Any,
        members: np.ndarray,
        rows: PieceFields,
        values: list[SlotValues],
        first_row: int,
        first_line: int,
    ) -> Template | None:
        """The kind's template, made from one of its rows that passes the guards."""
        template = self.templates.get(key)
        if template is not None:
            return template
        for index in members[:CANDIDATES].tolist():
            record = Record(first_row + index + 1, first_line + index + 1, rows.row(index))
            texts = [found.texts[index] for found in values]
            made = make_template(
                self.conversion,
                self.plan,  # type: ignore[arg-type]
                record,
                self.run,
                texts,
                self.indent,
            )
            one = np.array([index])
            if made is not None and not any(
                np.broadcast_to(guard(values, one), (1,))[0] for guard in made.guards
            ):
                if len(self.templates) < MAX_TEMPLATES:
                    self.templates[key] = made
                return made
        return None

    def _check(
        self,
        template: Template,
        index: int,
        cells: OutputTable,
        rows: PieceFields,
        first_row: int,
        first_line: int,
    ) -> None:
        """One row of each group also goes the ordinary way: both must agree."""
        record = Record(first_row + index + 1, first_line + index + 1, rows.row(index))
        outcome = self.conversion.outcome(record, self.run)
        expected = (
            None if outcome.report is None else report_json(outcome.report, self.indent) + "\n"
        )
        written = cells.line(index)
        if expected != written or tuple(outcome.warnings) != template.warnings:
            raise FastPathMismatch(
                f"row {record.row}: the fast path wrote {written!r}, "
                f"the ordinary path {expected!r} with warnings {outcome.warnings!r}"
            )


def _ordered(
    ordinary: dict[str, RowRuns],
    first: dict[str, tuple[int, int]],
    fast: list[tuple[tuple[str, ...], np.ndarray]],
) -> dict[str, RowRuns]:
    """The piece's warnings with their rows, in the order the ordinary path, row after row,
    would have met them: by first row, then by place among that row's warnings."""
    rows: dict[str, list[int]] = {message: list(found) for message, found in ordinary.items()}
    first = dict(first)
    for messages, members in fast:
        for place, message in enumerate(messages):
            rows.setdefault(message, []).extend(members.tolist())
            here = (int(members[0]), place)
            first[message] = min(first.get(message, here), here)
    ordered = sorted(rows, key=first.__getitem__)
    return {message: RowRuns(sorted(rows[message])) for message in ordered}
