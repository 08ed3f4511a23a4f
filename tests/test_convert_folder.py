"""Folder output and rejected rows the columnar way: the same files, names, rejects and
problems as row by row."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_convert_fast import emissions_csvs, many_rows, ragged_csvs

import boamps_carbon.fast.chunks as chunks
from boamps_carbon import InputError
from boamps_carbon.cli import main
from boamps_carbon.conversion import MissingFieldsError, convert
from boamps_carbon.fast import piece
from boamps_carbon.fast.chunks import Body
from boamps_carbon.writers import ReportWriter

EXAMPLE_CONTEXT = ROOT / "examples" / "context.json"


@pytest.fixture(autouse=True)
def small_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chunks, "PIECE_BYTES", 700)


def folder_files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def row_by_row(data: bytes, out: Path, **options: Any) -> tuple[dict[str, bytes], Any]:
    """The reference: every row the ordinary way, each report given to the writer."""
    with mock.patch.object(Body, "open", return_value=None):
        conversion = convert(data, EXAMPLE_CONTEXT, workers=1, **options)
    writer = ReportWriter(str(out))
    for converted in conversion:
        writer.write(converted.report)
    writer.commit()
    return folder_files(out), accounts(conversion)


def columnar(data: bytes, out: Path, workers: int, **options: Any) -> tuple[dict[str, bytes], Any]:
    conversion = convert(data, EXAMPLE_CONTEXT, workers=workers, **options)
    writer = ReportWriter(str(out))
    assert writer.folder is not None
    for placed in conversion.report_files(writer.folder):
        writer.placed(placed)
    assert writer.count == conversion.converted
    writer.commit()
    return folder_files(out), accounts(conversion)


def accounts(conversion: Any) -> tuple[Any, ...]:
    warnings = [(message, list(rows)) for message, rows in conversion.warning_rows.items()]
    return conversion.rejected, warnings, conversion.converted, conversion.problem_counts


def same_both_ways(data: bytes, tmp_path: Path, workers: int = 1, **options: Any) -> None:
    for old in tmp_path.iterdir():
        for path in old.iterdir():
            path.unlink()
        old.rmdir()
    try:
        expected = row_by_row(data, tmp_path / "a", **options)
    except InputError as exc:  # a file neither way reads: the same error
        with pytest.raises(InputError) as caught:
            columnar(data, tmp_path / "b", workers, **options)
        assert caught.value.message == exc.message
        return
    assert columnar(data, tmp_path / "b", workers, **options) == expected


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=emissions_csvs(), measures=st.sampled_from(["total", "components"]))
def test_tricky_rows_make_the_same_files_and_rejects(
    data: bytes, measures: str, tmp_path: Path
) -> None:
    same_both_ways(data, tmp_path, measures=measures)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=ragged_csvs(), piece_bytes=st.sampled_from([1, 200, 3000]))
def test_ragged_files_make_the_same_files(data: bytes, piece_bytes: int, tmp_path: Path) -> None:
    chunks.PIECE_BYTES = piece_bytes  # the fixture puts it back after the test
    same_both_ways(data, tmp_path)


def test_workers_write_a_folder_of_the_same_files(tmp_path: Path) -> None:
    same_both_ways(many_rows(300), tmp_path, workers=2)
    assert len(list((tmp_path / "b").iterdir())) == 300


def test_a_name_many_reports_want_goes_to_them_in_row_order(tmp_path: Path) -> None:
    """Every report named after one experiment: the first row keeps the name, then -2, -3...
    in row order, whichever worker wrote its files first."""
    fieldmap = tmp_path / "fieldmap.csv"
    fieldmap.write_text(
        "path,transform,source,argument,when\nheader.reportId,text,experiment_id,,\n"
    )
    data = many_rows(200)
    folders = tmp_path / "out"
    folders.mkdir()
    expected = row_by_row(data, folders / "a", fieldmap=fieldmap)
    files = columnar(data, folders / "b", 2, fieldmap=fieldmap)
    assert files == expected
    names = set(expected[0])
    train = "sentiment-train-training-5b0fa12a-3dd7-45bb-9766-cc326314d9f1"
    assert len(names) == 200 and {f"{train}.json", f"{train}-134.json"} <= names
    assert f"{train}-135.json" not in names


MESSAGE = "expected a number JSON can hold in column duration, got '{}'"


def test_rows_rejected_by_kind_have_their_own_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A word for a duration, a number out of range, an energy of letters: the same
    problem (code, column, value, message) as one row at a time, without the rows going
    the ordinary way one by one."""
    ordinary_rows = []
    original = piece.PieceConverter._one

    def one(converter: Any, record: Any, result: Any) -> Any:
        ordinary_rows.append(record.row)
        return original(converter, record, result)

    monkeypatch.setattr(piece.PieceConverter, "_one", one)
    monkeypatch.setattr(chunks, "PIECE_BYTES", 20_000)
    text = many_rows(400).decode()
    header, *lines = text.splitlines()
    column = header.split(",").index("duration")
    bad = ["about 3 s", "1e999", "nan", "x" * 30, "-", "=1+2"]
    rows = []
    for index, line in enumerate(csv.reader(lines)):
        line[column] = bad[index % len(bad)] if index % 10 else line[column]
        rows.append(line)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header.split(","), *rows])
    data = out.getvalue().encode()
    same_both_ways(data, tmp_path)
    assert len(ordinary_rows) < 60  # of 360 rejected rows: a few per kind and piece
    conversion = convert(data, EXAMPLE_CONTEXT, workers=1)
    list(conversion.outputs())
    found = [(r.row, r.line, r.code, r.column, r.value, r.reason) for r in conversion.rejected]
    assert found[:2] == [
        (2, 3, "number-range", "duration", "1e999", MESSAGE.format("1e999")),
        (3, 4, "number-range", "duration", "nan", MESSAGE.format("nan")),
    ]
    assert found[3][2:] == (
        "bad-number",
        "duration",
        "-",
        "expected a number in column duration, got '-'",
    )


def test_a_long_run_of_rejected_rows_still_checks_the_context(tmp_path: Path) -> None:
    """Past the rows tried when the file is opened, the first row that makes a report
    still tells that the context lacks fields: the same error, before any report is out."""
    text = many_rows(300).decode()
    header, *lines = text.splitlines()
    column = header.split(",").index("duration")
    rows = [line.split(",") for line in lines]
    for row in rows[:150]:
        row[column] = "soon"
    data = "\n".join([header, *(",".join(row) for row in rows)]).encode()
    conversion = convert(data, None, workers=1)  # no error yet: 64 rows tried
    with pytest.raises(MissingFieldsError) as caught:
        list(conversion.outputs())
    assert caught.value.message == (
        "Missing required fields at context (converting <bytes>): task, header.publisher.confidentialityLevel. "
        "Add them to the context file (`boamps init-context` writes a starting one)."
    )
    with pytest.raises(MissingFieldsError):
        list(convert(data, None, workers=1))
    source = tmp_path / "emissions.csv"
    source.write_bytes(data)
    for target in ("reports", "out.jsonl"):
        assert main(["convert", str(source), "-o", str(tmp_path / target)]) == 2
        assert not (tmp_path / target).exists()
