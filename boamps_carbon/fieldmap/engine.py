"""The one generic loop that applies a field table to an input row.

Rules, all of them data-driven:
- For each BoAmps path, the first table row whose `when` holds and whose transform gives a
  value wins; later rows for the same path are fallbacks.
- `name[key]` is a list element known by its key (`components[gpu]`); a `require` row on
  such an element makes it exist only when one of its `when` conditions holds.
- `assume` rows give a default only after the context had its say, and are reported.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .table import FieldRow, FieldTable
from .transforms import TRANSFORMS, Apply, RowError, RunContext, parse_number

Steps = tuple[tuple[str, str | None], ...]
Condition = Callable[[Sequence[str], RunContext], bool]
_TERM = re.compile(
    r"^\s*(?P<negate>!)?(?P<name>[\w.-]+)\s*(?:(?P<op>=|!=|>|<)\s*(?P<value>.*?))?\s*$"
)


def _when_columns(row: FieldRow) -> set[str]:
    names = set()
    for text in row.when.split("&"):
        match = _TERM.match(text)
        if text.strip() and match and not match["negate"]:  # an absent column is empty
            names.add(match["name"])
    return names


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


@dataclass
class _Compiled:
    row: FieldRow
    steps: Steps
    apply: Apply
    indexes: tuple[int, ...]
    condition: Condition
    containers: tuple[Steps, ...]  # enclosing elements that have require rows


class FieldEngine:
    def __init__(self, table: FieldTable, columns: Sequence[str], options: dict[str, str]) -> None:
        self.columns = list(columns)
        self.options = options
        self._table = table
        position = {name: i for i, name in enumerate(self.columns)}
        self._position = position
        requires = [r for r in table.rows if r.transform == "require"]
        self._required: dict[Steps, list[Condition]] = {}
        for row in requires:
            self._required.setdefault(row.steps, []).append(self._condition(row))
        self._fields = [
            self._compile(r) for r in table.rows if r.transform not in ("require", "assume")
        ]
        self._assumed = [self._compile(r) for r in table.rows if r.transform == "assume"]

    # building

    def _compile(self, row: FieldRow) -> _Compiled:
        steps = row.steps
        containers = tuple(
            steps[: i + 1] for i in range(len(steps) - 1) if steps[: i + 1] in self._required
        )
        indexes = tuple(self._position.get(source, -1) for source in row.sources)
        return _Compiled(
            row, steps, TRANSFORMS[row.transform](row), indexes, self._condition(row), containers
        )

    def _condition(self, row: FieldRow) -> Condition:
        terms = [self._term(text, row) for text in row.when.split("&") if text.strip()]
        return lambda values, run: all(term(values, run) for term in terms)

    def _term(self, text: str, row: FieldRow) -> Condition:
        match = _TERM.match(text)
        if match is None:
            raise RowError(f"bad condition {text!r} in field table at {row.origin}")
        name, op, expected = match["name"], match["op"], match["value"]
        if name in self.options:  # an option of the run, such as measures or layout
            actual = self.options[name]
            holds = actual == expected if op == "=" else actual != expected
            return lambda values, run: holds
        index = self._position.get(name, -1)

        def value_of(values: Sequence[str]) -> str:
            return values[index].strip() if 0 <= index < len(values) else ""

        if op is None:
            empty_wanted = bool(match["negate"])
            return lambda values, run: (value_of(values) == "") == empty_wanted
        if op in ("=", "!="):
            wanted = expected.lower()
            return lambda values, run: (value_of(values).lower() == wanted) == (op == "=")
        limit = float(expected)

        def compare(values: Sequence[str], run: RunContext) -> bool:
            number = parse_number(value_of(values), name)
            return number is not None and (number > limit if op == ">" else number < limit)

        return compare

    def build(self, values: Sequence[str], run: RunContext) -> dict[str, Any]:
        """The report fields this row gives, with list elements still keyed."""
        report: dict[str, Any] = {}
        done: set[Steps] = set()
        exists: dict[Steps, bool] = {}
        for field in self._fields:
            if field.steps in done or not self._inside(field, values, run, exists):
                continue
            if not field.condition(values, run):
                continue
            sources = [values[i].strip() if 0 <= i < len(values) else "" for i in field.indexes]
            value = field.apply(sources or [""], run)
            if value is not None:
                set_path(report, field.steps, value)
                done.add(field.steps)
        return report

    def _inside(
        self, field: _Compiled, values: Sequence[str], run: RunContext, exists: dict[Steps, bool]
    ) -> bool:
        for container in field.containers:
            if container not in exists:
                exists[container] = any(c(values, run) for c in self._required[container])
            if not exists[container]:
                return False
        return True

    def assume(self, report: dict[str, Any], run: RunContext) -> list[str]:
        """Fill the `assume` defaults still missing; returns the paths it filled."""
        filled = []
        for field in self._assumed:
            if get_path(report, field.steps) is None and field.condition([], run):
                set_path(report, field.steps, field.apply([""], run))
                filled.append(field.row.path)
        return filled

    def possible_paths(self) -> list[str]:
        """Paths some row of this CSV could fill: their columns exist, and so do the columns
        that decide whether their enclosing list elements exist."""
        present = set(self.columns) | set(self.options)

        def usable(row: FieldRow) -> bool:
            return set(row.sources) <= present and _when_columns(row) <= present

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
