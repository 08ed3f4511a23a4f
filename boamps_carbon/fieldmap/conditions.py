"""The `when` column of a field table: conditions on a row's columns and on the run's options.

`column` (not empty), `!column` (empty), `column=value`, `column!=value`, `column>number`,
`column<number`, `column~regex`, joined by `&`; any term may be negated with `!`. Terms on an
option of the run (measures, layout, schema_version) are settled once per file.

A term on a column is one test of the column's (stripped) value, applied to a row's value
or mapped over a whole column (`term_column`); a comparison reads its column with
parse_number's column form, and cannot tell the rows that reading leaves odd.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Literal

from ..errors import InputError
from .parsing import compile_pattern, matched_part, parse_number
from .row import FieldRow
from .transforms import Cells, RunContext

if TYPE_CHECKING:
    import numpy as np

Condition = Callable[[Sequence[str], RunContext], bool]
# a term for every row of a piece: its truth, and the rows where it cannot be told
TermColumn = Callable[[Cells, RunContext], "tuple[np.ndarray, np.ndarray]"]

_TERM = re.compile(
    r"^\s*(?P<negate>!)?(?P<name>[\w.-]+)\s*(?:(?P<op>=|!=|>|<|~)\s*(?P<value>.*?))?\s*$"
)


def when_columns(row: FieldRow) -> set[str]:
    names = set()
    for text in row.when.split("&"):
        match = _TERM.match(text)
        if text.strip() and match and not match["negate"]:  # an absent column is empty
            names.add(match["name"])
    return names


def column_terms(row: FieldRow, options: dict[str, str]) -> list[tuple[str, str | None, str]]:
    """The (column, operator, value) terms of a `when`, leaving out those on run options;
    a negation is left out too: it tells the same thing about the row."""
    found = []
    for text in row.when.split("&"):
        match = _TERM.match(text)
        if text.strip() and match and match["name"] not in options:
            found.append((match["name"], match["op"], match["value"]))
    return found


class Conditions:
    """Compiles `when` texts for one file: its columns' positions and the run's options."""

    def __init__(self, options: dict[str, str], position: dict[str, int]) -> None:
        self.options = options
        self._position = position

    def compile(self, row: FieldRow) -> Condition | Literal[False] | None:
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
        index, holds = self._position.get(name, -1), self._value_test(name, op, expected, row)
        return lambda values, run: (
            holds(values[index].strip() if 0 <= index < len(values) else "") != negate
        )

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

    def term_column(self, name: str, op: str | None, expected: str, row: FieldRow) -> TermColumn:
        """One term on a column, without negation, for every row of a piece at once."""
        import numpy as np

        index = self._position.get(name, -1)
        holds = self._value_test(name, op, expected, row)
        if op not in (">", "<"):
            return lambda cells, run: (
                np.fromiter(map(holds, cells.text(index)), bool, cells.size),
                np.zeros(cells.size, bool),
            )
        limit = float(expected)

        def compare(cells: Cells, run: RunContext) -> tuple[np.ndarray, np.ndarray]:
            numbers = cells.numbers(index)
            with np.errstate(invalid="ignore"):
                truth = numbers.values > limit if op == ">" else numbers.values < limit
            return truth & ~numbers.empty & ~numbers.odd, numbers.odd

        return compare

    def _value_test(
        self, name: str, op: str | None, expected: str, row: FieldRow
    ) -> Callable[[str], bool]:
        """The term as a test of the column's stripped value."""
        if op is None:
            return bool  # not empty
        if op == "~":
            pattern = compile_pattern(expected, row.origin)
            return lambda value: pattern.search(matched_part(value)) is not None
        if op in ("=", "!="):
            wanted = expected.lower()
            return lambda value: (value.lower() == wanted) == (op == "=")
        try:
            limit = float(expected)
        except ValueError:
            raise InputError(
                "Expected a number to compare with",
                row.origin,
                f"{name}{op}{expected}",
                "Write column>0 or column<100.",
            ) from None

        def compare(value: str) -> bool:
            number = parse_number(value, name)
            return number is not None and (number > limit if op == ">" else number < limit)

        return compare
