"""Which run_ids can be report ids: UUIDs seen exactly once, whatever the file's size."""

from __future__ import annotations

import uuid

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boamps_carbon.sources.run_ids import RepeatFinder, UniqueRunIds, uuid_halves

A = "12345678-1234-4234-8234-123456789a00"  # ends in a zero byte, which numpy bytes drop
B = "12345678-1234-4234-8234-1234567890ff"


def test_an_id_seen_twice_in_any_case_is_no_report_id() -> None:
    unique = UniqueRunIds([A, A.upper(), B, "not-a-uuid", "not-a-uuid", ""])
    assert (A in unique, A.upper() in unique, B in unique) == (False, False, True)
    assert ("not-a-uuid" in unique, "" in unique, None in unique) == (False, False, False)
    assert list(unique.unique(uuid_halves([A, B]))) == [False, True]


def test_ids_differing_in_their_last_digit_are_different() -> None:
    ids = [str(uuid.UUID(int=i, version=4)) for i in range(1, 1000)]
    unique = UniqueRunIds(ids)
    assert not unique.any_repeated and all(i in unique for i in ids)


@given(
    st.lists(st.integers(0, 40), max_size=200),
    st.sampled_from([1, 7, 10**9]),
)
def test_spilling_to_disk_finds_the_same_repeats(numbers: list[int], held: int) -> None:
    ids = [str(uuid.UUID(int=n * 0x1000000000001 + 5, version=4)) for n in numbers]
    finder = RepeatFinder()
    finder.IN_MEMORY = held  # type: ignore[misc]
    for start in range(0, len(ids), 3):
        finder.add(uuid_halves(ids[start : start + 3]))
    found = UniqueRunIds.from_finder(finder)
    expected = {i for i in ids if ids.count(i) == 1}
    assert {i for i in ids if i in found} == expected


@pytest.mark.parametrize("held", [1, RepeatFinder.IN_MEMORY])
def test_repeats_come_out_sorted_and_once(held: int) -> None:
    finder = RepeatFinder()
    finder.IN_MEMORY = held  # type: ignore[misc]
    for value in [B, A, B, A, A]:
        finder.add(uuid_halves([value]))
    keys = finder.repeated().view(np.uint8).reshape(-1, 16)
    assert [row.tobytes().hex() for row in keys] == [
        "123456781234423482341234567890ff",
        "12345678123442348234123456789a00",
    ]


@settings(deadline=None)
@given(
    st.lists(
        st.one_of(
            st.uuids().map(str),
            st.uuids().map(lambda u: str(u).upper()),
            st.text(alphabet="0123456789abcdefABCDEF-g ", min_size=36, max_size=36),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_a_column_of_ids_read_from_its_bytes_gives_the_same_halves(ids: list[str]) -> None:
    import pyarrow as pa

    from boamps_carbon.fast.prepass import _ids, _uuids

    found = _uuids(pa.chunked_array([pa.array(ids, pa.string())]))
    expected = _ids(ids)
    if found is None:  # not all UUIDs: read as texts
        assert len(expected[0]) < len(ids)
        return
    assert [h.tolist() for h in found] == [h.tolist() for h in expected]
