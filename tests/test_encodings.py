"""A CSV mixing UTF-8 and cp1252: each line read as what it is, and the cp1252 lines named."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from conftest import ROOT

from boamps_carbon.cli import main
from boamps_carbon.sources.encodings import CODEC, cp1252_lines

HEADER = (
    "timestamp,project_name,run_id,duration,emissions,energy_consumed,country_name,"
    "country_iso_code,region,on_cloud,cloud_provider,cloud_region\n"
)


def line(index: int, project: str) -> str:
    return (
        f"2021-11-02T19:2{index}:11,{project},9cb4ecd9-0998-44af-aea6-7c433510800{index},26.1,"
        "0.0001,0.00027,France,FRA,Île-de-France,N,,\n"
    )


def test_the_codec_reads_utf8_where_valid_and_cp1252_where_not() -> None:
    data = "café €\n".encode() + "café €\n".encode("cp1252") + b"\x81\n"
    assert data.decode(CODEC) == "café €\ncafé €\n\ufffd\n"
    # the same whatever the blocks it comes in
    wrapper = io.TextIOWrapper(io.BytesIO(data), encoding=CODEC, newline="")
    assert wrapper.read() == "café €\ncafé €\n\ufffd\n"
    found = cp1252_lines(io.BytesIO(data))
    assert (found.runs, found.count, found.mixed) == ([(2, 3)], 2, True)
    pure = cp1252_lines(io.BytesIO("café\nZürich\n".encode("cp1252")))
    assert (pure.runs, pure.count, pure.mixed) == ([(1, 2)], 2, False)


def test_a_mixed_file_converts_with_a_warning_naming_its_cp1252_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "emissions.csv"
    path.write_bytes(
        HEADER.encode()
        + line(1, "café").encode("utf-8")
        + line(2, "café").encode("cp1252")
        + line(3, "café").encode("cp1252")
        + line(4, "café").encode("utf-8")
    )
    context = tmp_path / "context.json"
    context.write_text(
        json.dumps(
            {
                **json.loads((ROOT / "examples" / "context.json").read_text(encoding="utf-8")),
                "infrastructure": {
                    "infraType": "onPremise",
                    "components": [{"componentType": "cpu", "nbComponent": 1}],
                },
            }
        ),
        encoding="utf-8",
    )
    code = main(["convert", str(path), "--context", str(context), "-o", "-"])
    out, err = capsys.readouterr()
    assert code == 0
    reports = [json.loads(text) for text in out.splitlines()]
    assert [r["header"]["publisher"]["projectName"] for r in reports] == ["café"] * 4
    assert [r["environment"]["location"] for r in reports] == ["Île-de-France"] * 4
    assert err.splitlines() == [
        f"warning: {path} lines 3-4: not UTF-8 like the rest of the file, read as cp1252 "
        "(check the accents there)",
        f"{path}: 4 rows, 4 converted, 0 rejected",
    ]


def test_a_file_wholly_in_cp1252_gets_no_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "emissions.csv"
    path.write_bytes((HEADER + line(1, "café") + line(2, "Zürich")).encode("cp1252"))
    context = tmp_path / "context.json"
    context.write_text(
        json.dumps(
            {
                **json.loads((ROOT / "examples" / "context.json").read_text(encoding="utf-8")),
                "infrastructure": {
                    "infraType": "onPremise",
                    "components": [{"componentType": "cpu", "nbComponent": 1}],
                },
            }
        ),
        encoding="utf-8",
    )
    code = main(["convert", str(path), "--context", str(context), "-o", "-"])
    out, err = capsys.readouterr()
    assert code == 0
    names = [json.loads(text)["header"]["publisher"]["projectName"] for text in out.splitlines()]
    assert names == ["café", "Zürich"]
    assert err == f"{path}: 2 rows, 2 converted, 0 rejected\n"
