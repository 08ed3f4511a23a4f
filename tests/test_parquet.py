"""Parquet input: the same rows give the same reports as the CSV they came from, typed
values read back as the text CodeCarbon writes, and bad files fail cleanly."""

from __future__ import annotations

import datetime as dt
import decimal
import gc
import json
import math
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from cluster_cases import missing
from conftest import ROOT, shared
from test_convert import CONTEXT, NEEDS_HARDWARE, PUBLIC_CSVS, WITH_HARDWARE

from boamps_carbon import InputError
from boamps_carbon.cli import main
from boamps_carbon.conversion import convert
from boamps_carbon.sources import parquet as parquet_source
from boamps_carbon.sources.typed import UnsupportedValue, cell_text
from boamps_carbon.writers import report_json

try:
    import pyarrow as pa
    import pyarrow.csv as pa_csv
    import pyarrow.parquet as pq
except ImportError:
    missing("parquet", "pyarrow is not installed (extra [parquet])")

EXAMPLE = ROOT / "examples" / "emissions.csv"
EXAMPLE_CONTEXT = ROOT / "examples" / "context.json"
# public files not in CodeCarbon's own form (CRLF, cp1252, hand-edited): their content hash,
# and so the ids of rows without a unique UUID run_id, cannot survive the trip to Parquet
NOT_CODECARBON_FORM = {
    "codecarbon-1.2.0dev-2021-07-power-cols-hold-kwh.csv",
    "codecarbon-1.x-2021-cp1252-crcrlf.csv",
    "codecarbon-1.x-pinned-2025-crlf-mixed-countries.csv",
    "codecarbon-2.2.5-macos-hand-edited-crlf-empty-tail-fields.csv",
}


def to_parquet(csv_path: Path, out: Path, **options: Any) -> Path:
    """The CSV as a data lake keeps it: read by pyarrow, types inferred (float64, int64,
    timestamps...), written as Parquet."""
    encoding = "cp1252" if "cp1252" in csv_path.name else "utf8"
    table = pa_csv.read_csv(csv_path, read_options=pa_csv.ReadOptions(encoding=encoding))
    pq.write_table(table, out, **options)
    return out


def converted(source: Any, context: Any) -> tuple[list[str], list[tuple[int, str]], Any]:
    conversion = convert(source, context)
    lines = [report_json(c.report, None) for c in conversion]
    rejected = [(r.row, r.reason) for r in conversion.rejected]
    warnings = {message: list(rows) for message, rows in conversion.warning_rows.items()}
    return lines, rejected, warnings


def without_id(line: str) -> dict[str, Any]:
    report = json.loads(line)
    report["header"].pop("reportId")
    return report


def test_the_example_as_parquet_gives_the_same_bytes_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = to_parquet(EXAMPLE, tmp_path / "emissions.parquet")
    from_csv, from_parquet = tmp_path / "csv.jsonl", tmp_path / "parquet.jsonl"
    assert (
        main(["convert", str(EXAMPLE), "--context", str(EXAMPLE_CONTEXT), "-o", str(from_csv)]) == 0
    )
    capsys.readouterr()
    code = main(
        ["convert", str(source), "--context", str(EXAMPLE_CONTEXT), "-o", str(from_parquet)]
    )
    assert code == 0
    assert capsys.readouterr().err.splitlines() == [
        f"{source}: 3 rows, 3 converted, 0 rejected",
        f"wrote 3 reports to {from_parquet}",
    ]
    assert from_parquet.read_bytes() == from_csv.read_bytes()
    assert len(from_csv.read_bytes().splitlines()) == 3


@pytest.mark.parametrize("name", sorted(PUBLIC_CSVS))
def test_every_public_file_as_parquet_gives_the_same_reports(name: str, tmp_path: Path) -> None:
    path = shared("codecarbon-emissions", name)
    context = WITH_HARDWARE if name in NEEDS_HARDWARE else CONTEXT
    source = to_parquet(path, tmp_path / "emissions.parquet")
    expected, got = converted(path, context), converted(source, context)
    assert got[1:] == expected[1:]  # rejects and warnings, row for row
    if name not in NOT_CODECARBON_FORM:
        assert got[0] == expected[0]
        return
    # everything but the ids of rows without a unique UUID run_id
    assert [without_id(line) for line in got[0]] == [without_id(line) for line in expected[0]]
    # the ids that differ are exactly the UUID5s of the content hash (CodeCarbon's run_ids
    # are UUID4s), and they differ in both files
    ids = [(id_of(mine), id_of(theirs)) for mine, theirs in zip(got[0], expected[0], strict=True)]
    assert [a != b for a, b in ids] == [uuid.UUID(b).version == 5 for a, b in ids]
    assert all(uuid.UUID(a).version == 5 for a, b in ids if a != b)
    assert any(a != b for a, b in ids)


def id_of(line: str) -> str:
    return str(json.loads(line)["header"]["reportId"])


def test_ids_from_the_content_hash_follow_the_rows_not_the_parquet_bytes(tmp_path: Path) -> None:
    """A file without run_ids: its reports are named by the content of the CSV CodeCarbon
    would have written, so two Parquet encodings of the same rows name them alike."""
    csv_path = tmp_path / "emissions.csv"
    rows = EXAMPLE.read_text(encoding="utf-8").splitlines()
    header = rows[0].split(",")
    drop = header.index("run_id")
    csv_path.write_text(
        "\n".join(",".join(v for i, v in enumerate(r.split(",")) if i != drop) for r in rows)
        + "\n",
        encoding="utf-8",
    )
    plain = to_parquet(csv_path, tmp_path / "plain.parquet")
    packed = to_parquet(csv_path, tmp_path / "packed.parquet", compression="zstd", row_group_size=1)
    assert plain.read_bytes() != packed.read_bytes()
    expected = converted(csv_path, EXAMPLE_CONTEXT)
    assert converted(plain, EXAMPLE_CONTEXT) == expected
    assert converted(packed, EXAMPLE_CONTEXT) == expected
    assert uuid.UUID(json.loads(expected[0][0])["header"]["reportId"]).version == 5


def test_batches_are_read_one_at_a_time_with_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = to_parquet(EXAMPLE, tmp_path / "e.parquet", row_group_size=1)
    expected = converted(source, EXAMPLE_CONTEXT)
    seen: list[int] = []
    original = pq.ParquetFile.iter_batches

    def iter_batches(self: Any, **options: Any) -> Any:
        for batch in original(self, **options):
            seen.append(batch.num_rows)
            yield batch

    monkeypatch.setattr(parquet_source, "BATCH_ROWS", 1)
    monkeypatch.setattr(pq.ParquetFile, "iter_batches", iter_batches)
    assert converted(source, EXAMPLE_CONTEXT) == expected
    assert seen == [1, 1, 1]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (5.0, "5.0"),
        (4.56e-07, "4.56e-07"),
        (0.1, "0.1"),
        (1e16, "1e+16"),
        (-0.0, "-0.0"),
        (math.nan, ""),
        (math.inf, "inf"),
        (-math.inf, "-inf"),
        (8, "8"),
        (np.float32(0.1), "0.1"),
        (np.float64(0.1), "0.1"),
        (np.int64(-3), "-3"),
        (np.bool_(True), "True"),
        (pd.NA, ""),
        (pd.NaT, ""),
        (pd.Timestamp("2024-05-29T16:02:32"), "2024-05-29T16:02:32"),
        (True, "True"),
        (False, "False"),
        (None, ""),
        ("3.10", "3.10"),
        (dt.datetime(2024, 5, 29, 16, 2, 32), "2024-05-29T16:02:32"),
        (dt.datetime(2024, 5, 29, 16, 2, 32, 500000), "2024-05-29T16:02:32.500000"),
        (dt.datetime(2024, 5, 29, 16, 2, 32, tzinfo=dt.timezone.utc), "2024-05-29T16:02:32+00:00"),
        (dt.date(2024, 5, 29), "2024-05-29"),
        (decimal.Decimal("0.00120"), "0.00120"),
    ],
)
def test_typed_values_read_as_codecarbon_writes_them(value: Any, text: str) -> None:
    assert cell_text(value) == text


def test_every_arrow_type_of_a_codecarbon_column_reads_as_its_text(tmp_path: Path) -> None:
    table = pa.table(
        {
            "f64": pa.array([5.0, 4.56e-07, None, math.nan], pa.float64()),
            "f32": pa.array([0.1, None, 1.0, 2.0], pa.float32()),
            "i64": pa.array([8, None, 0, -1], pa.int64()),
            "u8": pa.array([1, 2, None, 3], pa.uint8()),
            "flag": pa.array([True, False, None, True]),
            "text": pa.array(["a,b", 'say "hi"', None, ""]),
            "cat": pa.array(["N", "Y", None, "N"]).dictionary_encode(),
            "ts": pa.array(
                [dt.datetime(2024, 5, 29, 16, 2, 32), None, None, None], pa.timestamp("s")
            ),
            "tz": pa.array(
                [dt.datetime(2024, 5, 29, 16, 2, 32, 250000), None, None, None],
                pa.timestamp("us", tz="UTC"),
            ),
            "day": pa.array([dt.date(2024, 5, 29), None, None, None], pa.date32()),
            "dec": pa.array([decimal.Decimal("1.50"), None, None, None], pa.decimal128(5, 2)),
            "nothing": pa.array([None, None, None, None], pa.null()),
        }
    )
    pq.write_table(table, tmp_path / "t.parquet")
    source = parquet_source.ParquetSource(tmp_path / "t.parquet")
    assert source.path is not None
    assert source.path.read_text(encoding="utf-8") == (
        "f64,f32,i64,u8,flag,text,cat,ts,tz,day,dec,nothing\n"
        '5.0,0.1,8,1,True,"a,b",N,2024-05-29T16:02:32,2024-05-29T16:02:32.250000+00:00,2024-05-29,1.50,\n'
        '4.56e-07,,,2,False,"say ""hi""",Y,,,,,\n'
        ",1.0,0,,,,,,,,,\n"
        ",2.0,-1,3,True,,N,,,,,\n"
    )


def test_the_temporary_csv_goes_with_the_conversion(tmp_path: Path) -> None:
    conversion = convert(to_parquet(EXAMPLE, tmp_path / "e.parquet"), EXAMPLE_CONTEXT)
    temp = conversion.source.path
    assert temp is not None and temp.exists() and temp.suffix == ".csv"
    del conversion
    gc.collect()
    assert not temp.exists()


def test_parquet_bytes_and_standard_input_are_recognised(tmp_path: Path) -> None:
    data = to_parquet(EXAMPLE, tmp_path / "e.parquet").read_bytes()
    expected = converted(EXAMPLE, EXAMPLE_CONTEXT)
    assert converted(data, EXAMPLE_CONTEXT) == expected
    # any name: the magic bytes tell
    renamed = tmp_path / "emissions.data"
    renamed.write_bytes(data)
    assert converted(renamed, EXAMPLE_CONTEXT) == expected


def test_a_truncated_parquet_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = to_parquet(EXAMPLE, tmp_path / "e.parquet").read_bytes()
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(data[: len(data) // 2])
    out = tmp_path / "out.jsonl"
    code = main(["convert", str(broken), "--context", str(EXAMPLE_CONTEXT), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"Error: Not a readable Parquet file at {broken}: ")
    assert err.rstrip().endswith(
        "Check that the file is a complete Parquet file of CodeCarbon's columns."
    )
    assert not out.exists()


def test_a_column_of_lists_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "lists.parquet"
    pq.write_table(pa.table({"timestamp": ["2024-01-01T00:00:00"], "tags": [["a", "b"]]}), path)
    with pytest.raises(InputError) as caught:
        convert(path, EXAMPLE_CONTEXT)
    assert caught.value.message == (
        f"Unsupported Parquet column type at {path} column tags: list<element: string>. "
        "CodeCarbon's columns are text, numbers, booleans or timestamps."
    )


def test_a_parquet_file_without_codecarbon_columns_is_refused_like_a_csv(tmp_path: Path) -> None:
    path = tmp_path / "other.parquet"
    pq.write_table(pa.table({"a": [1.5], "b": ["x"]}), path)
    with pytest.raises(InputError) as caught:
        convert(path, EXAMPLE_CONTEXT)
    assert caught.value.message == (
        f"Not a CodeCarbon emissions CSV at {path}: no column timestamp, duration, "
        "energy_consumed. Pass an emissions.csv written by CodeCarbon."
    )


def test_a_value_no_column_holds_is_refused() -> None:
    with pytest.raises(UnsupportedValue, match=r"^list$"):
        cell_text(["a"])


def test_big_files_go_the_fast_way_in_worker_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import boamps_carbon.fast.chunks as chunks

    monkeypatch.setattr(chunks, "PIECE_BYTES", 700)  # many pieces, so the pool is used
    path = shared("codecarbon-emissions", "codecarbon-2.4.2-aws-linux-4xL4-pue1.22.csv")
    source = to_parquet(path, tmp_path / "e.parquet")
    expected = "".join(text for text, _ in convert(path, CONTEXT, workers=1).json_lines())
    conversion = convert(source, CONTEXT, workers=2)
    assert "".join(text for text, _ in conversion.json_lines()) == expected
    assert conversion.converted == 28


def test_a_parquet_file_changed_during_the_conversion_stops_it(tmp_path: Path) -> None:
    source = to_parquet(EXAMPLE, tmp_path / "e.parquet")
    conversion = convert(source, EXAMPLE_CONTEXT)
    to_parquet(EXAMPLE, source, compression="gzip")
    with pytest.raises(InputError) as caught:
        list(conversion)
    assert caught.value.message == (
        f"Parquet file changed while being converted at {source}: its size, time or inode "
        "differs. Convert it again once it is complete."
    )


def test_parquet_on_standard_input_with_rejects(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    import sys

    import pandas as pd

    frame = pd.read_csv(EXAMPLE)
    frame.loc[1, "energy_consumed"] = -1.0
    data = io.BytesIO()
    frame.to_parquet(data)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data.getvalue())))
    rejects = tmp_path / "rejects.csv"
    code = main(
        ["convert", "-", "--context", str(EXAMPLE_CONTEXT), "-o", "-", "--rejects", str(rejects)]
    )
    out, err = capsys.readouterr()
    assert code == 1
    assert len(out.splitlines()) == 2
    assert err.splitlines() == ["<stdin>: 3 rows, 2 converted, 1 rejected"]
    lines = rejects.read_text(encoding="utf-8").splitlines()
    assert lines[1].startswith(
        "<stdin>,2,\"expected an energy of 0 or more in column energy_consumed, got '-1.0'\","
        "2026-11-22T06:52:23,sentiment-train,e8d49d0a-bbdd-4669-91a4-8c365e3eab84,"
    )


def test_without_pyarrow_parquet_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    source = to_parquet(EXAMPLE, tmp_path / "e.parquet")
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)  # import fails as if absent
    with pytest.raises(InputError) as caught:
        convert(source, EXAMPLE_CONTEXT)
    assert caught.value.message == (
        f"Reading Parquet needs pyarrow at {source}: pyarrow is not installed. "
        "Install it: pip install 'boamps-carbon[parquet]'."
    )
