"""The one generic loop that applies a field table to an input row.

Rules, all of them data-driven:
- For each BoAmps path, the first table row whose `when` holds and whose transform gives a
  value wins; later rows for the same path are fallbacks.
- `name[key]` is a list element known by its key (`components[gpu]`); a `require` row on
  such an element (or on an object) makes it exist only when one of its `when` conditions
  holds (`conditions.py`).
- `assume` rows give a default only after the context had its say, and are reported.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import InputError
from .conditions import Condition, Conditions, when_columns
from .parsing import RowError
from .row import FieldRow
from .table import FieldTable
from .transforms import TRANSFORMS, Apply, RunContext

Steps = tuple[tuple[str, str | None], ...]


def _check_paths(table: FieldTable) -> None:
    """A value cannot also hold fields: `system.os` and `system.os.name` cannot both be."""
    values = {row.steps: row for row in table.rows if row.transform != "require"}
    for steps, row in values.items():
        for end in range(1, len(steps)):
            other = values.get(steps[:end])
            if other is not None:
                raise InputError(
                    "Field path inside a value",
                    row.origin,
                    repr(row.path),
                    f"{other.path} (at {other.origin}) is a value, not an object.",
                )


class KeyedList(dict[str, Any]):
    """List elements by key while a report is built; becomes a JSON list at the end."""


def to_plain(node: Any) -> Any:
    if isinstance(node, KeyedList):
        return [to_plain(item) for item in node.values()]
    if isinstance(node, dict):
        return {key: to_plain(value) for key, value in node.items()}
    return node


def set_path(report: dict[str, Any], steps: Steps, value: Any) -> None:
    node = report
    for index, (name, key) in enumerate(steps):
        last = index == len(steps) - 1
        if key is None:
            if last:
                node[name] = value
                return
            node = node.setdefault(name, {})
        else:
            holder = node.setdefault(name, KeyedList())
            node = holder.setdefault(key, {})


def get_path(report: dict[str, Any], steps: Steps) -> Any:
    node: Any = report
    for name, key in steps:
        if not isinstance(node, dict) or name not in node:
            return None
        node = node[name]
        if key is not None:
            if not isinstance(node, dict) or key not in node:
                return None
            node = node[key]
    return node


def setter(steps: Steps) -> Callable[[dict[str, Any], Any], None]:
    """set_path for one path, with the walk decided once (it runs for every field of every
    row)."""
    *parents, (last, last_key) = steps
    if last_key is not None:
        return lambda report, value: set_path(report, steps, value)
    if not parents:
        return lambda report, value: report.__setitem__(last, value)

    def put(report: dict[str, Any], value: Any) -> None:
        node = report
        for name, key in parents:
            if key is None:
                node = node.setdefault(name, {})
            else:
                node = node.setdefault(name, KeyedList()).setdefault(key, {})
        node[last] = value

    return put


@dataclass
class CompiledField:
    row: FieldRow
    steps: Steps
    apply: Apply
    indexes: tuple[int, ...]
    condition: Condition | None  # None: always
    containers: tuple[Steps, ...]  # enclosing elements that have require rows
    put: Callable[[dict[str, Any], Any], None]
    fallback: bool = False  # another row may fill the same path: the first value wins


Mark = Callable[["CompiledField", Any], Any]


class FieldEngine:
    """A field table compiled for one header and one set of options: rows that can never
    apply (an option that rules them out, a column the file lacks) are dropped once here."""

    def __init__(self, table: FieldTable, columns: Sequence[str], options: dict[str, str]) -> None:
        self.columns = list(columns)
        self.options = options
        self._table = table
        self._position = {name: i for i, name in enumerate(self.columns)}
        self.conditions = Conditions(options, self._position)
        self._containers: dict[Steps, list[Condition] | bool] = {}
        self.requirement_rows: list[FieldRow] = []  # the ones decided row by row
        for row in table.rows:
            if row.transform == "require":
                self._add_requirement(row)
        _check_paths(table)
        compiled = [self._compile(r) for r in table.rows if r.transform != "require"]
        usable = [c for c in compiled if c is not None]
        self._fields = [c for c in usable if c.row.transform != "assume"]
        paths = [f.steps for f in self._fields]
        for field in self._fields:
            field.fallback = paths.count(field.steps) > 1
        self._assumed = [c for c in usable if c.row.transform == "assume"]

    def _add_requirement(self, row: FieldRow) -> None:
        condition = self.conditions.compile(row)
        current = self._containers.setdefault(row.steps, [])
        if current is True or condition is False:
            return
        if condition is None:
            self._containers[row.steps] = True
        else:
            assert isinstance(current, list)
            current.append(condition)
            self.requirement_rows.append(row)

    def _compile(self, row: FieldRow) -> CompiledField | None:
        condition = self.conditions.compile(row)
        steps = row.steps
        containers = tuple(
            steps[: i + 1] for i in range(len(steps) - 1) if steps[: i + 1] in self._containers
        )
        indexes = tuple(self._position.get(source, -1) for source in row.sources)
        transform = TRANSFORMS[row.transform]
        never = (
            condition is False
            or any(self._containers[c] == [] for c in containers)
            or (transform.sourced and indexes and all(i < 0 for i in indexes))
        )
        if never:
            return None
        dynamic = condition if callable(condition) else None
        apply = transform.row(row)
        return CompiledField(row, steps, apply, indexes, dynamic, containers, setter(steps))

    @property
    def fields(self) -> list[CompiledField]:
        """The rows that can give a value in this file, in the order they are tried."""
        return self._fields

    def build(
        self, values: Sequence[str], run: RunContext, mark: Mark | None = None
    ) -> dict[str, Any]:
        """The report fields this row gives, with list elements still keyed. `mark`, when
        given, may replace a field's value (the fast path puts placeholders there)."""
        report: dict[str, Any] = {}
        done: set[Steps] = set()
        width = len(values)
        exists = {
            container: tests is True or any(test(values, run) for test in tests)  # type: ignore[union-attr]
            for container, tests in self._containers.items()
        }
        for field in self._fields:
            if field.fallback and field.steps in done:
                continue
            if field.containers and not all(exists[c] for c in field.containers):
                continue
            if field.condition is not None and not field.condition(values, run):
                continue
            sources = [values[i].strip() if 0 <= i < width else "" for i in field.indexes]
            try:
                value = field.apply(sources or [""], run)
            except RowError as exc:
                exc.field = field  # which field refused the row: the fast path asks
                raise
            if value is not None:
                field.put(report, value if mark is None else mark(field, value))
                if field.fallback:
                    done.add(field.steps)
        return report

    def assume(self, report: dict[str, Any], run: RunContext) -> list[str]:
        """Fill the `assume` defaults still missing; returns the paths it filled."""
        filled = []
        for field in self._assumed:
            holds = field.condition is None or field.condition([], run)
            if get_path(report, field.steps) is None and holds:
                set_path(report, field.steps, field.apply([""], run))
                filled.append(field.row.path)
        return filled

    def possible_paths(self) -> list[str]:
        """Paths some row of this CSV could fill: their columns exist, and so do the columns
        that decide whether their enclosing list elements exist."""
        present = set(self.columns) | set(self.options)

        def usable(row: FieldRow) -> bool:
            return set(row.sources) <= present and when_columns(row) <= present

        requires: dict[Steps, list[FieldRow]] = {}
        for row in self._table.rows:
            if row.transform == "require":
                requires.setdefault(row.steps, []).append(row)
        paths = []
        for field in self._fields + self._assumed:
            containers_ok = all(any(usable(r) for r in requires[c]) for c in field.containers)
            if containers_ok and usable(field.row):
                paths.append(field.row.path)
        return paths
