"""The rejects CSV, as the library writes it."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from boamps_carbon.conversion import Rejected
from boamps_carbon.rejects import RejectsWriter, safe_csv_text
from boamps_carbon.render.flat import spreadsheet_safe


def test_rejects_are_safe_to_open_in_a_spreadsheet(tmp_path: Path) -> None:
    path = tmp_path / "rejects.csv"
    writer = RejectsWriter(path, [["a", "b"], ["b", "c"]])
    writer.add("e.csv", ["a", "b"], Rejected(1, 2, ["=HYPERLINK(1)", "-5", "x"], "bad"))
    writer.add("f.csv", ["b", "c"], Rejected(7, 8, ["'q", "@SUM(A1)"], "+reason"))
    writer.commit()
    assert path.read_bytes() == (
        b"file,row,reason,a,b,c\r\n"
        b"e.csv,1,bad,'=HYPERLINK(1),'-5,,x\r\n"
        b"f.csv,7,'+reason,,''q,'@SUM(A1)\r\n"
    )
    assert [p.name for p in tmp_path.iterdir()] == ["rejects.csv"]


def test_abort_leaves_nothing(tmp_path: Path) -> None:
    writer = RejectsWriter(tmp_path / "rejects.csv", [["a"]])
    writer.add("e.csv", ["a"], Rejected(1, 2, ["1"], "bad"))
    writer.abort()
    assert list(tmp_path.iterdir()) == []


def test_rows_are_placed_by_their_own_header(tmp_path: Path) -> None:
    """A column named twice keeps its last value, a short row its first ones; a batch
    without any formula is written as it is, the one after it still screened."""
    path = tmp_path / "rejects.csv"
    writer = RejectsWriter(path, [["a", "b", "a"], ["c"]])
    writer.add("e.csv", ["a", "b", "a"], Rejected(1, 2, ["1", "2", "3", "4"], "bad"))
    writer.add("e.csv", ["a", "b", "a"], Rejected(2, 3, ["5"], "bad"))
    writer.add("f.csv", ["c"], Rejected(3, 4, ["x"], "bad"))
    for row in range(4, 4 + 600):
        writer.add("f.csv", ["c"], Rejected(row, row + 1, [f"v{row}"], "bad"))
    writer.add("f.csv", ["c"], Rejected(604, 605, ["=1+1"], "bad"))
    writer.commit()
    lines = path.read_bytes().split(b"\r\n")
    assert lines[:4] == [
        b"file,row,reason,a,b,c",
        b"e.csv,1,bad,3,2,,4",
        b"e.csv,2,bad,5,,",
        b"f.csv,3,bad,,,x",
    ]
    assert lines[-3:] == [b"f.csv,603,bad,,,v603", b"f.csv,604,bad,,,'=1+1", b""]


@settings(max_examples=300, deadline=None)
@given(
    rows=st.integers(1, 3).flatmap(
        lambda width: st.lists(
            st.lists(
                st.one_of(
                    st.integers(0, 10**6), st.text(st.sampled_from("ab ,\"\r\n\t=+-@'é\x00"))
                ),
                min_size=width,
                max_size=width,
            ),
            min_size=1,
            max_size=6,
        )
    )
)
def test_rejects_csv_text_is_what_the_csv_module_writes(rows: list[list[str | int]]) -> None:
    text = io.StringIO()
    safe = [[c if isinstance(c, int) else spreadsheet_safe(c) for c in row] for row in rows]
    csv.writer(text, lineterminator="\r\n").writerows(safe)
    assert safe_csv_text(rows) == text.getvalue()
