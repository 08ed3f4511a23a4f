"""RowRuns: row numbers kept as runs, whatever their count."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from boamps_carbon.rows import RowRuns


def test_contiguous_rows_make_one_run() -> None:
    rows = RowRuns([1, 2, 3, 7, 9, 10])
    assert (rows.runs(), len(rows), list(rows)) == (
        [(1, 3), (7, 7), (9, 10)],
        6,
        [1, 2, 3, 7, 9, 10],
    )


def test_a_million_rows_take_one_run() -> None:
    rows = RowRuns()
    rows.extend_runs(RowRuns(range(1, 500_001)))
    rows.extend_runs(RowRuns(range(500_001, 1_000_001)))
    assert (rows.runs(), len(rows)) == ([(1, 1_000_000)], 1_000_000)


def test_rows_must_come_in_order() -> None:
    rows = RowRuns([4])
    with pytest.raises(ValueError) as caught:
        rows.append(4)
    assert str(caught.value) == "row 4 is not after row 4"


@given(st.lists(st.integers(1, 10_000), unique=True), st.integers(0, 50))
def test_runs_hold_exactly_the_rows_given(rows: list[int], cut: int) -> None:
    rows.sort()
    whole = RowRuns(rows)
    joined = RowRuns(rows[:cut])
    joined.extend_runs(RowRuns(rows[cut:]))
    assert list(whole) == list(joined) == rows
    assert whole == joined == rows and len(whole) == len(rows)


def test_a_limit_keeps_the_first_runs_and_counts_the_others() -> None:
    rows = RowRuns(range(1, 20, 2), limit=3)
    rows.extend_runs(RowRuns([21, 22, 23]))
    assert (rows.runs(), rows.dropped_runs, len(rows)) == ([(1, 1), (3, 3), (5, 5)], 8, 13)
    with pytest.raises(ValueError) as caught:
        rows.append(23)
    assert str(caught.value) == "row 23 is not after row 23"
    joined = RowRuns([1, 2, 3], limit=1)
    joined.extend([4, 6])
    assert (joined.runs(), joined.dropped_runs, len(joined)) == ([(1, 4)], 1, 5)
