"""The conversion report: rejects and warnings as problems of the catalogue, the same from
the library and from `convert --report FILE`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_cli_convert import CONTEXT, HEADER, example_rows, run, write_csv

from boamps_carbon.conversion import convert
from boamps_carbon.validation.problems import CATALOGUE


def bad_file(tmp_path: Path) -> Path:
    good = example_rows()[0]
    rows = [
        good,
        {**good, "run_id": "", "duration": "abc"},
        {**good, "run_id": "", "cpu_count": "2.5"},
        {**good, "run_id": "", "latitude": "46.8", "longitude": "-71.2", "country_name": "Canada"},
    ]
    path = write_csv(tmp_path / "e.csv", rows)
    with open(path, "a", encoding="utf-8") as handle:  # a row CodeCarbon's append mode cut
        handle.write(",".join(good[c] for c in HEADER[:30]) + "\n")
    return path


GEOLOCATION = (
    "expected the real location, got Canada at latitude 46.8, longitude -71.2, which "
    "CodeCarbon reports when it cannot geolocate"
)


def expected(path: Path) -> dict[str, object]:
    file = str(path)
    return {
        "problems": [
            {
                "file": file,
                "code": "bad-number",
                "severity": "error",
                "row": 2,
                "line": 3,
                "column": "duration",
                "value": "abc",
                "message": "expected a number in column duration, got 'abc'",
                "hint": "Write a number with digits and a dot, or leave the cell empty.",
            },
            {
                "file": file,
                "code": "not-whole",
                "severity": "error",
                "row": 3,
                "line": 4,
                "column": "cpu_count",
                "value": "2.5",
                "message": "expected a whole number in column cpu_count, got '2.5'",
                "hint": "Write a whole number.",
            },
            {
                "file": file,
                "code": "geolocation-fallback",
                "severity": "warning",
                "row": 4,
                "line": None,
                "column": "environment",
                "value": "",
                "message": GEOLOCATION,
                "hint": "Run CodeCarbon offline with country_iso_code, or correct the location",
            },
            {
                "file": file,
                "code": "row-width",
                "severity": "error",
                "row": 5,
                "line": 6,
                "column": "",
                "value": "30",
                "message": "has 30 fields where the header has 38; the row would be read "
                "shifted (CodeCarbon up to 3.3.0 appends rows without their empty columns)",
                "hint": "Rewrite the row with every column of the header, empty ones included.",
            },
        ],
        "files": [
            {
                "file": file,
                "rows": 5,
                "converted": 2,
                "rejected": 3,
                "counts": {
                    "bad-number": 1,
                    "geolocation-fallback": 1,
                    "not-whole": 1,
                    "row-width": 1,
                },
            }
        ],
        "counts": {"bad-number": 1, "geolocation-fallback": 1, "not-whole": 1, "row-width": 1},
        "complete": True,
    }


def test_the_library_gives_the_conversion_report(tmp_path: Path) -> None:
    path = bad_file(tmp_path)
    conversion = convert(path, CONTEXT)
    assert len(list(conversion)) == 2
    assert conversion.report() == expected(path)
    assert all(p["code"] in CATALOGUE for p in conversion.report()["problems"])


@pytest.mark.parametrize("output", ["-", "out.jsonl", "folder"])
def test_convert_writes_the_same_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], output: str
) -> None:
    path = bad_file(tmp_path)
    report = tmp_path / "report.json"
    target = output if output == "-" else str(tmp_path / output)
    args = ["convert", str(path), "--context", str(CONTEXT), "-o", target, "--report", str(report)]
    code, _, err = run(capsys, *args)
    assert code == 1
    assert json.loads(report.read_text(encoding="utf-8")) == expected(path)
    # stderr says what it said before
    assert f"rejected: {path} row 2: expected a number in column duration, got 'abc'" in err
    assert run(capsys, *args)[:2] == (2, "")  # an existing report is kept without --force
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
