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
from typing import Any, Literal

from ..errors import InputError
from .table import FieldRow, FieldTable
from .transforms import TRANSFORMS, Apply, RunContext, compile_pattern, parse_number

Steps = tuple[tuple[str, str | None], ...]
Condition = Callable[[Sequence[str], RunContext], bool]
_TERM = re.compile(
    r"^\s*(?P<negate>!)?(?P<name>[\w.-]+)\s*(?:(?P<op>=|!=|>|<|~)\s*(?P<value>.*?))?\s*$"
)


def _when_columns(row: FieldRow) -> set[str]:
    names = set()
    for text in row.when.split("&"):
        match = _TERM.match(text)
        if text.strip() and match and not match["negate"]:  # an absent column is empty
            names.add(match["name"])
    return names


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
class _Compiled:
    row: FieldRow
    steps: Steps
    apply: Apply
    indexes: tuple[int, ...]
    condition: Condition | None  # None: always
    containers: tuple[Steps, ...]  # enclosing elements that have require rows
    put: Callable[[dict[str, Any], Any], None]
    fallback: bool = False  # another row may fill the same path: the first value wins


# transforms that give nothing for an empty source: with their column absent, never a value
_EMPTY_GIVES_NOTHING = {
    "text",
    "number",
    "integer",
    "energy",
    "duration",
    "scale",
    "round",
    "datetime",
    "start_time",
    "extract",
    "lookup",
    "ratio",
}


class FieldEngine:
    """A field table compiled for one header and one set of options: rows that can never
    apply (an option that rules them out, a column the file lacks) are dropped once here."""

    def __init__(self, table: FieldTable, columns: Sequence[str], options: dict[str, str]) -> None:
        self.columns = list(columns)
        self.options = options
        self._table = table
        self._position = {name: i for i, name in enumerate(self.columns)}
        self._containers: dict[Steps, list[Condition] | bool] = {}
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
        condition = self._condition(row)
        current = self._containers.setdefault(row.steps, [])
        if current is True or condition is False:
            return
        if condition is None:
            self._containers[row.steps] = True
        else:
            assert isinstance(current, list)
            current.append(condition)

    def _compile(self, row: FieldRow) -> _Compiled | None:
        condition = self._condition(row)
        steps = row.steps
        containers = tuple(
            steps[: i + 1] for i in range(len(steps) - 1) if steps[: i + 1] in self._containers
        )
        indexes = tuple(self._position.get(source, -1) for source in row.sources)
        never = (
            condition is False
            or any(self._containers[c] == [] for c in containers)
            or (row.transform in _EMPTY_GIVES_NOTHING and indexes and all(i < 0 for i in indexes))
        )
        if never:
            return None
        dynamic = condition if callable(condition) else None
        apply = TRANSFORMS[row.transform](row)
        return _Compiled(row, steps, apply, indexes, dynamic, containers, setter(steps))

    def _condition(self, row: FieldRow) -> Condition | Literal[False] | None:
        """None when the row always applies, False when it never can, else a test."""
        terms = [self._term(text, row) for text in row.when.split("&") if text.strip()]
        if any(term is False for term in terms):
            return False
        tests = [term for term in terms if callable(term)]
        if not tests:
            return None
        if len(tests) == 1:
            return tests[0]
        return lambda values, run: all(test(values, run) for test in tests)

    def _term(self, text: str, row: FieldRow) -> Condition | bool:  # bool: settled already
        match = _TERM.match(text)
        if match is None:
            raise InputError(
                "Bad condition in field table",
                row.origin,
                repr(text),
                "Write column, !column, column=value, column>number...",
            )
        name, op, expected = match["name"], match["op"], match["value"]
        negate = bool(match["negate"])
        if name in self.options:  # an option of the run: settled once for the whole file
            return self._option_term(name, op, expected, row) != negate
        test = self._column_test(self._position.get(name, -1), name, op, expected, row)
        if negate:
            return lambda values, run: not test(values, run)
        return test

    def _option_term(self, name: str, op: str | None, expected: str, row: FieldRow) -> bool:
        actual = self.options[name]
        if op is None:
            return actual != ""
        if op not in ("=", "!="):
            raise InputError(
                "Options compare with = or != only",
                row.origin,
                f"{name}{op}{expected}",
                f"Write {name}=VALUE or {name}!=VALUE.",
            )
        return (actual == expected) == (op == "=")

    def _column_test(
        self, index: int, name: str, op: str | None, expected: str, row: FieldRow
    ) -> Condition:
        def value_of(values: Sequence[str]) -> str:
            return values[index].strip() if 0 <= index < len(values) else ""

        if op is None:
            return lambda values, run: value_of(values) != ""
        if op == "~":
            pattern = compile_pattern(expected, row.origin)
            return lambda values, run: pattern.search(value_of(values)) is not None
        if op in ("=", "!="):
            wanted = expected.lower()
            return lambda values, run: (value_of(values).lower() == wanted) == (op == "=")
        try:
            limit = float(expected)
        except ValueError:
            raise InputError(
                "Expected a number to compare with",
                row.origin,
                f"{name}{op}{expected}",
                "Write column>0 or column<100.",
            ) from None

        def compare(values: Sequence[str], run: RunContext) -> bool:
            number = parse_number(value_of(values), name)
            return number is not None and (number > limit if op == ">" else number < limit)

        return compare

    def build(self, values: Sequence[str], run: RunContext) -> dict[str, Any]:
        """The report fields this row gives, with list elements still keyed."""
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
            value = field.apply(sources or [""], run)
            if value is not None:
                field.put(report, value)
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
