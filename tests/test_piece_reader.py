"""A piece of a CSV read by pyarrow's parser (fast.cells) holds exactly what the csv module
reads from it, or is left to the csv module; through `convert`, rows and lines keep their
numbers either way."""

from __future__ import annotations

import codecs
import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_convert_fast import EXAMPLE_CONTEXT, example, fast, ordinary

import boamps_carbon.fast.chunks as chunks
from boamps_carbon.fast.cells import PieceFields, read_fields
from boamps_carbon.fast.chunks import Body
from boamps_carbon.sources.codecarbon_csv import CsvSource


@pytest.fixture(autouse=True)
def small_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chunks, "PIECE_BYTES", 700)  # a row or two a piece


def rows_text(*changes: dict[str, str]) -> str:
    """The example's first row once per change, with its own run_id, written by the csv
    module (which quotes what needs it)."""
    header, samples = example()
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, header, lineterminator="\n")
    writer.writeheader()
    for index, change in enumerate(changes):
        writer.writerow(
            {**samples[0], "run_id": f"{index:08x}-8f6e-4a57-9c43-3a1b2d4e5f60", **change}
        )
    return out.getvalue()


def read(data: bytes, width: int = 3) -> PieceFields | None:
    return read_fields(data, width, range(width))


def table(fields: PieceFields) -> list[list[str]]:
    columns = [fields.values(c) for c in range(fields.width)]
    return [list(row) for row in zip(*columns, strict=True)]


def test_quoted_commas_and_doubled_quotes() -> None:
    data = b'a,"sentiment, ""v2""",c\n"",x,""""\n'
    fields = read(data)
    assert fields is not None
    assert table(fields) == [["a", 'sentiment, "v2"', "c"], ["", "x", '"']]
    assert fields.row(0) == ["a", 'sentiment, "v2"', "c"]
    assert fields.row(1) == ["", "x", '"']


def test_empty_cells_crlf_and_a_last_line_without_its_end() -> None:
    data = b",,\r\na,,b\r\n ,x , y"
    fields = read(data)
    assert fields is not None
    assert table(fields) == [["", "", ""], ["a", "", "b"], [" ", "x ", " y"]]
    assert [fields.row(i) for i in range(3)] == table(fields)
    assert fields.varying((0, 1, 2)) == [0, 1, 2]
    assert read(b"a,b,c\na,b,d\n") is not None
    assert read(b"a,b,c\na,b,d\n").varying((0, 1, 2)) == [2]  # type: ignore[union-attr]


def test_columns_not_asked_for_are_read_when_wanted() -> None:
    fields = read_fields(b"a,b,c\nd,e,f\n", 3, [1])
    assert fields is not None and fields.table.column_names == ["1"]
    assert (fields.values(2), fields.values(1)) == (["c", "f"], ["b", "e"])
    assert fields.rows == [["a", "b", "c"], ["d", "e", "f"]]


def test_pieces_the_csv_module_reads_otherwise_are_left_to_it() -> None:
    for data in [
        b'a,"x\ny",c\n',  # a quoted line end: the row spans two lines
        b"a,b,c\n\nd,e,f\n",  # a blank line, which is no row
        b"a,b,c\nd,e\n",  # a ragged row
        b"a,b,c,d\n",
        b'"ab"c,d,e\n',  # an error to the csv module, `abc` to pyarrow
        b'ab"c,d,e\n',  # text to the csv module, its quote seen as a closing one
        b'a, "b",c\n',
        b'a,"b,c\n',  # unterminated
        b"a,b\rc,d\n",  # a lone CR ends a line
        b"a,\x00,c\n",
        codecs.BOM_UTF8 + b"a,b,c\n",  # a BOM at a piece's start: pyarrow would drop it
        b"a,b,\xff\n",  # not UTF-8
    ]:
        assert read(data) is None, data
    assert read_fields(b"a\n \n", 1, [0]) is None  # one column: blank rows are skipped


def test_a_cp1252_piece_is_read_in_the_files_codec() -> None:
    data = "timestamp,project_name\n2024-01-01,caf\u00e9\n".encode("cp1252")
    body = Body.open(CsvSource("<bytes>", data=data))
    assert body is not None
    body.settle(utf8=False)
    raw = data[body.start :]
    fields = body.fields(raw, [0, 1])
    assert fields is not None and fields.values(1) == ["caf\u00e9"]
    assert fields.row(0) == ["2024-01-01", "caf\u00e9"]


def test_rows_after_a_quoted_line_end_keep_their_line_numbers() -> None:
    data = rows_text(
        {"project_name": 'sentiment, "v2"'},
        {"project_name": "two\nlines"},
        {"duration": "abc"},
        {"project_name": 'a "quote" inside'},
    ).encode()
    expected = ordinary(data, EXAMPLE_CONTEXT)
    assert fast(data, EXAMPLE_CONTEXT, 2) == expected
    rejected = expected[1][0]
    assert [(row, line) for row, line, *_ in rejected] == [(3, 5)]


def test_a_ragged_row_after_quoted_ones_is_rejected_at_its_line() -> None:
    lines = rows_text({"project_name": 'x, "y"'}, {}, {}).splitlines(keepends=True)
    lines[3] = lines[3].replace(",", "", 1)
    data = "".join(lines).encode()
    expected = ordinary(data, EXAMPLE_CONTEXT)
    assert fast(data, EXAMPLE_CONTEXT, 1) == expected
    rejected = expected[1][0]
    assert [(row, line, len(values)) for row, line, values, _ in rejected] == [(3, 4, 37)]


def test_a_bom_before_the_header_is_not_a_column_name() -> None:
    text = rows_text({"project_name": 'x, "y"'}, {})
    data = codecs.BOM_UTF8 + text.encode()
    assert fast(data, EXAMPLE_CONTEXT, 1) == ordinary(data, EXAMPLE_CONTEXT)
    assert fast(data, EXAMPLE_CONTEXT, 1)[0] == fast(text.encode(), EXAMPLE_CONTEXT, 1)[0]


CELLS = st.text(alphabet='ab ,"\r\n\u00e9', max_size=5)


@st.composite
def pieces(draw: st.DrawFn) -> tuple[bytes, int]:
    """Rows written by the csv module (any quoting, any line end), or cut and joined by
    hand, then perhaps damaged at one byte."""
    width = draw(st.integers(2, 4))
    rows = draw(st.lists(st.lists(CELLS, min_size=width, max_size=width), min_size=1))
    if draw(st.booleans()):
        out = io.StringIO(newline="")
        quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
        end = draw(st.sampled_from(["\n", "\r\n"]))
        csv.writer(out, quoting=quoting, lineterminator=end).writerows(rows)
        text = out.getvalue()
    else:
        text = "".join(",".join(row) + "\n" for row in rows)
    data = text.encode()
    if data and draw(st.booleans()):
        at = draw(st.integers(0, len(data) - 1))
        data = data[:at] + draw(st.sampled_from([b'"', b",", b"\n", b""])) + data[at + 1 :]
    return data, width


@settings(max_examples=400, deadline=None)
@given(pieces())
def test_what_pyarrow_reads_is_what_the_csv_module_reads(piece: tuple[bytes, int]) -> None:
    data, width = piece
    fields = read(data, width)
    if fields is None:
        return
    expected = list(csv.reader(io.StringIO(data.decode(), newline=""), strict=True))
    assert table(fields) == expected
    assert [fields.row(i) for i in range(fields.size)] == expected
    assert fields.rows == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.text(alphabet='ab ,"\u00e9', max_size=5), min_size=3, max_size=3)))
def test_rows_the_csv_module_writes_are_read_by_pyarrow(rows: list[list[str]]) -> None:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerows(rows)
    data = out.getvalue().encode()
    fields = read(data) if data else None
    if data:
        assert fields is not None
        assert table(fields) == rows
