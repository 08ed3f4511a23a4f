"""The rejects CSV, as the library writes it."""

from __future__ import annotations

from pathlib import Path

from boamps_carbon.conversion import Rejected
from boamps_carbon.rejects import RejectsWriter


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
