"""Sets of row numbers kept as runs: a warning may hold for every one of millions of rows,
and a million Python ints would take 36 MB where one run takes two numbers."""

from __future__ import annotations

from collections.abc import Iterable, Iterator


class RowRuns:
    """Row numbers added in increasing order, stored as (first, last) runs; with a `limit`,
    only the first `limit` runs are kept and the others only counted (rows that alternate
    with others would otherwise make one run each: memory growing with the file)."""

    __slots__ = ("_count", "_dropped", "_last", "_limit", "_runs")

    def __init__(self, rows: Iterable[int] = (), limit: int | None = None) -> None:
        self._runs: list[list[int]] = []
        self._count = 0
        self._dropped = 0  # runs counted but not kept
        self._last = 0
        self._limit = limit
        self.extend(rows)

    def append(self, row: int) -> None:
        if self._count and row <= self._last:
            raise ValueError(f"row {row} is not after row {self._last}")
        if self._count and self._last + 1 == row:
            if not self._dropped:  # once a run is dropped, every later one is
                self._runs[-1][1] = row
        elif self._limit is not None and len(self._runs) >= self._limit:
            self._dropped += 1
        else:
            self._runs.append([row, row])
        self._last = row
        self._count += 1

    def extend(self, rows: Iterable[int]) -> None:
        for row in rows:
            self.append(row)

    def extend_runs(self, other: RowRuns) -> None:
        """Every row of `other` (whole: no run dropped), all after this set's rows."""
        assert not other._dropped
        for first, last in other._runs:
            self.append(first)
            if last > first:
                if not self._dropped:
                    self._runs[-1][1] = last
                self._last = last
                self._count += last - first

    def runs(self) -> list[tuple[int, int]]:
        """The runs kept: all of them, unless `dropped_runs`."""
        return [(first, last) for first, last in self._runs]

    @property
    def dropped_runs(self) -> int:
        return self._dropped

    def __iter__(self) -> Iterator[int]:
        for first, last in self._runs:
            yield from range(first, last + 1)

    def __len__(self) -> int:
        return self._count

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RowRuns):
            return (self._runs, self._dropped, self._count) == (
                other._runs,
                other._dropped,
                other._count,
            )
        if isinstance(other, list):
            return not self._dropped and list(self) == other
        return NotImplemented

    def __repr__(self) -> str:
        return f"RowRuns({self.runs()!r})"
