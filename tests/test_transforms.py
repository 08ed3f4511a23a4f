"""Each transform's column form against its row form: for every row it does not leave to the
row form (odd), the same value, as the same JSON text; every value the row form refuses is
odd."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boamps_carbon.fast.columns import Columns
from boamps_carbon.fieldmap.parsing import RowError, read_number_array, read_numbers
from boamps_carbon.fieldmap.row import FieldRow
from boamps_carbon.fieldmap.transforms import TRANSFORMS, RunContext
from boamps_carbon.sources.run_ids import UniqueRunIds

NUMBERS = ["", "0", "-0.0", "12.5", "4.56E-07", "-3", "1e400", "nan", "-inf", "abc", "1_0",
           "١٢", "1e308", ".5", "5.", "+2", "0x10", "1 2", "3.000000000000001"]  # fmt: skip
MOMENTS = [
    "",
    "2024-01-01 10:00:00",
    "2024-01-01T10:00:00",
    "2024-01-01T10:00:00.5",
    "2024-01-01T10:00:00.4999999",
    "2024-01-01T10:00:00+02:00",
    "2024-01-01T10:00:00Z",
    "2024-02-30T10:00:00",
    "2024-02-29T23:59:59.999999",
    "0999-12-31T23:59:59",
    "9999-12-31T23:59:59.6",
    "yesterday",
]
IDS = ["", "x", "9F2C1B2A-0D3E-4F5A-8B6C-7D8E9F0A1B2C", "0b5e9c1e-8f6e-4a57-9c43-3a1b2d4e5f60"]
ARGUMENTS = {"scale": ["1000", "-2.5", "1e308"], "ratio": ["", "1000"]}


class Fields:
    def __init__(self, columns: list[list[str]]) -> None:
        self.columns, self.size = columns, len(columns[0])

    def values(self, column: int) -> list[str]:
        return self.columns[column]

    def array(self, column: int) -> pa.ChunkedArray:
        return pa.chunked_array([pa.array(self.columns[column], pa.string())])


def cells(kind: str) -> st.SearchStrategy[str]:
    if kind == "datetime":
        return st.sampled_from(MOMENTS)
    if kind == "report_id":
        return st.sampled_from(IDS)
    return st.one_of(st.sampled_from(NUMBERS), st.floats().map(repr))


@pytest.mark.parametrize("kind", sorted(k for k, t in TRANSFORMS.items() if t.column))
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_the_column_form_is_the_row_form_on_every_row_it_keeps(
    kind: str, data: st.DataObject
) -> None:
    transform = TRANSFORMS[kind]
    assert transform.column is not None and transform.gives in ("number", "datetime", "string")
    width = 2 if kind in ("ratio", "start_time") else 1
    size = data.draw(st.integers(1, 8))
    columns = [
        [data.draw(st.sampled_from(MOMENTS) if (kind, c) == ("start_time", 0) else cells(kind))
         for _ in range(size)]
        for c in range(width)
    ]  # fmt: skip
    argument = data.draw(st.sampled_from(ARGUMENTS.get(kind, [""])))
    row = FieldRow("x", kind, tuple(f"c{i}" for i in range(width)), argument, "", "test:2")
    run = RunContext({}, "hash", UniqueRunIds([c.strip() for c in columns[0]]))
    found = transform.column(row)(Columns(Fields(columns), 10), tuple(range(width)), run)
    apply = transform.row(row)
    for index in range(size):
        run.line = 10 + index + 1
        try:
            value = apply([column[index].strip() for column in columns], run)
        except RowError:
            assert found.odd[index], (columns, index)
            continue
        if found.odd[index]:
            continue
        assert found.present[index] == (value is not None), (columns, index)
        if value is not None:
            assert found.texts[index] == json.dumps(value), (columns, index)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(NUMBERS),
            st.floats().map(repr),
            st.text(alphabet="0123456789.eE+-_ naifINF", max_size=7),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_pyarrow_reads_every_number_it_accepts_as_float_does(texts: list[str]) -> None:
    found = read_number_array(pa.chunked_array([pa.array(texts, pa.string())]))
    if found is None:  # a text pyarrow refuses: the column is read one text at a time
        return
    expected = read_numbers([text.strip() for text in texts])
    assert found.empty.tolist() == expected.empty.tolist(), texts
    assert found.odd.tolist() == expected.odd.tolist(), texts
    kept = ~expected.odd & ~expected.empty
    assert found.values[kept].tobytes() == expected.values[kept].tobytes(), texts
