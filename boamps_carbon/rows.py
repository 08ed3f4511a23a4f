"""Sets of row numbers kept as runs: a warning may hold for every one of millions of rows,
and a million Python ints would take 36 MB where one run takes two numbers."""

from __future__ import annotations

from collections.abc import Iterable, Iterator


class RowRuns:
    """Row numbers added in increasing order, stored as (first, last) runs."""

    __slots__ = ("_count", "_runs")

    def __init__(self, rows: Iterable[int] = ()) -> None:
        self._runs: list[list[int]] = []
        self._count = 0
        self.extend(rows)

    def append(self, row: int) -> None:
        if self._runs and self._runs[-1][1] + 1 == row:
            self._runs[-1][1] = row
        else:
            if self._runs and row <= self._runs[-1][1]:
                raise ValueError(f"row {row} is not after row {self._runs[-1][1]}")
            self._runs.append([row, row])
        self._count += 1

    def extend(self, rows: Iterable[int]) -> None:
        for row in rows:
            self.append(row)

    def extend_runs(self, other: RowRuns) -> None:
        """Every row of `other`, all after this set's rows."""
        for first, last in other._runs:
            self.append(first)
            if last > first:
                self._runs[-1][1] = last
                self._count += last - first

    def runs(self) -> list[tuple[int, int]]:
        return [(first, last) for first, last in self._runs]

    def __iter__(self) -> Iterator[int]:
        for first, last in self._runs:
            yield from range(first, last + 1)

    def __len__(self) -> int:
        return self._count

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RowRuns):
            return self._runs == other._runs
        if isinstance(other, list):
            return list(self) == other
        return NotImplemented

    def __repr__(self) -> str:
        return f"RowRuns({self.runs()!r})"
