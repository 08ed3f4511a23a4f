"""`boamps validate`: outputs, exit codes, every kind of path, and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, shared
from factories import make_report

from boamps_carbon.cli import main


def write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_valid_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "ok.json", make_report())
    assert run(capsys, "validate", str(path)) == (0, "1 valid, 0 invalid\n", "")


def test_text_output_one_line_per_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = make_report()
    bad["measures"][0]["powerConsumption"] = "0.35"
    bad["measures"][0]["cpuTrackingMode"] = "machine"
    good = write(tmp_path / "a.json", make_report())
    wrong = write(tmp_path / "b.json", bad)
    code, out, err = run(capsys, "validate", str(good), str(wrong))
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        f'{wrong}: measures[0].powerConsumption: expected a number, got the string "0.35". '
        "Remove the quotes around the number",
        f"{wrong}: measures[0].cpuTrackingMode: warning: expected how power was measured "
        "(rapl, constant, nvml...), got CodeCarbon's scope \"machine\". CodeCarbon's "
        "tracking_mode column is the scope; leave this out or give the method",
        "1 valid, 1 invalid",
    ]


def test_strict_turns_warnings_into_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = make_report()
    report["extra"] = 1
    path = write(tmp_path / "r.json", report)
    assert run(capsys, "validate", str(path))[0] == 0
    code, out, _ = run(capsys, "validate", "--strict", str(path))
    assert code == 1
    assert out.splitlines()[-1] == "0 valid, 1 invalid"


def test_json_lines_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = make_report()
    del bad["task"]
    path = write(tmp_path / "r.json", bad)
    code, out, _ = run(capsys, "validate", "--format", "json", str(path))
    assert code == 1
    assert [json.loads(line) for line in out.splitlines()] == [
        {
            "file": str(path),
            "valid": False,
            "version": "1.1",
            "errors": [
                {
                    "path": "task",
                    "code": "required",
                    "message": "required field is missing (expected an object)",
                    "hint": None,
                }
            ],
            "warnings": [],
        }
    ]


def test_jsonl_input_one_report_per_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = make_report()
    bad["quality"] = "excellent"
    path = tmp_path / "many.jsonl"
    path.write_text(
        "\n".join([json.dumps(make_report()), json.dumps(bad), "{oops", ""]), encoding="utf-8"
    )
    code, out, _ = run(capsys, "validate", "--format", "json", str(path))
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 1
    assert [(r["line"], r["valid"]) for r in records] == [(1, True), (2, False), (3, False)]
    assert records[1]["errors"][0]["message"] == (
        'expected one of "high", "medium", "low", got "excellent"'
    )
    assert records[2]["errors"] == [
        {
            "path": "column 2",
            "code": "not-json",
            "message": "expected JSON, got a syntax error: expecting property name enclosed in "
            "double quotes",
            "hint": None,
        }
    ]
    code, out, _ = run(capsys, "validate", str(path))
    assert out.splitlines()[0].startswith(f"{path}:2: quality: expected one of")
    assert out.splitlines()[-1] == "1 valid, 2 invalid"


def test_github_annotations(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = make_report()
    bad["infrastructure"]["infraType"] = "cloud, public"
    path = write(tmp_path / "r.json", bad)
    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "task": 1,\n}', encoding="utf-8")
    code, out, _ = run(capsys, "validate", "--format", "github", str(path), str(broken))
    assert code == 1
    assert out.splitlines() == [
        f"::error file={path},title=Value not allowed::infrastructure.infraType: expected one "
        'of "publicCloud", "privateCloud", "onPremise", "other", got "cloud, public"',
        f"::error file={broken},line=3,col=1,title=Not JSON::line 3, column 1: expected JSON, "
        "got a syntax error: expecting property name enclosed in double quotes",
        "0 valid, 2 invalid",
    ]


def test_folder_finds_every_report_below(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "sub").mkdir()
    write(tmp_path / "a.json", make_report())
    write(tmp_path / "sub" / "b.json", make_report())
    (tmp_path / "notes.txt").write_text("not a report", encoding="utf-8")
    assert run(capsys, "validate", str(tmp_path)) == (0, "2 valid, 0 invalid\n", "")


def test_not_an_object_and_not_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    listing = write(tmp_path / "list.json", [make_report()])
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'{"environment": {"country": "\xeele"}}')
    code, out, _ = run(capsys, "validate", str(listing), str(latin))
    assert code == 1
    assert out.splitlines() == [
        f"{listing}: (root): expected a JSON object, got an array of 1 item",
        f"{latin}: line 1, column 30: expected UTF-8 text, got the byte 0xee. "
        "Save the file as UTF-8",
        "0 valid, 2 invalid",
    ]


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "validate", str(tmp_path / "nope.json")) == (
        2,
        "",
        f"Error: Cannot read reports at {tmp_path / 'nope.json'}: no such file or "
        "folder. Check the path.\n",
    )
    assert run(capsys, "validate", str(tmp_path)) == (
        2,
        "",
        f"Error: No report files at {tmp_path}: no *.json or *.jsonl below this folder. "
        "Pass report files or a folder that holds some.\n",
    )
    path = write(tmp_path / "r.json", make_report())
    assert run(capsys, "validate", "--schema-version", "0.9", str(path)) == (
        2,
        "",
        "Error: Unknown BoAmps schema version at --schema-version: '0.9'. Use one of: 1.1, 1.0.\n",
    )


def test_schema_version_1_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from boamps_carbon.schema import SchemaVersion

    path = write(tmp_path / "old.json", make_report(SchemaVersion.V1_0, full=True))
    assert run(capsys, "validate", "--schema-version", "1.0", str(path))[0] == 0
    assert run(capsys, "validate", str(path))[0] == 1


def test_public_excel_tool_file_says_where_it_breaks(capsys: pytest.CaptureFixture[str]) -> None:
    path = shared("boamps-reports", "boamps-1.0.x-excel-tool-placeholders-INVALID-JSON.json")
    code, out, _ = run(capsys, "validate", str(path))
    assert code == 1
    assert out.splitlines() == [
        f"{path}: line 155, column 4: expected UTF-8 text, got the byte 0xa0. "
        "Save the file as UTF-8",
        f"{path}: line 49, column 7: expected JSON, got a syntax error: expecting property "
        "name enclosed in double quotes",
        "0 valid, 1 invalid",
    ]


def test_stdin_and_exit_code_in_a_real_process(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "boamps_carbon", "validate", "-"],
        input=json.dumps(make_report()),
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "1 valid, 0 invalid\n", "")
    done = subprocess.run(
        [sys.executable, "-m", "boamps_carbon", "validate", "-"],
        input="[]",
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout) == (
        1,
        "<stdin>: (root): expected a JSON object, got an empty array\n0 valid, 1 invalid\n",
    )


def test_bundled_example_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "validate", str(ROOT / "examples" / "report.json")) == (
        0,
        "1 valid, 0 invalid\n",
        "",
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"task": NaN}', "NaN is not a JSON number"),
        ('{"task": -Infinity}', "-Infinity is not a JSON number"),
        ('{"task": 1e400}', "the number 1e400 is too large for JSON readers"),
        ('{"task": ' + "9" * 5000 + "}", "an integer with more than 4300 digits"),
    ],
)
def test_numbers_json_cannot_carry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, reason: str
) -> None:
    path = tmp_path / "r.json"
    path.write_text(text, encoding="utf-8")
    code, out, _ = run(capsys, "validate", str(path))
    assert code == 1
    assert out.splitlines()[0] == f"{path}: (root): expected JSON, got a syntax error: {reason}"


def test_huge_integers_do_not_crash(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = make_report()
    report["measures"][0]["powerConsumption"] = 10**400
    path = write(tmp_path / "r.json", report)
    assert run(capsys, "validate", str(path))[:2] == (0, "1 valid, 0 invalid\n")


def test_json_lines_on_stdin() -> None:
    lines = "\n".join(json.dumps(make_report()) for _ in range(3)) + "\n"
    done = subprocess.run(
        [sys.executable, "-m", "boamps_carbon", "validate", "-"],
        input=lines,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout) == (0, "3 valid, 0 invalid\n")


def test_reports_of_another_version_get_one_hint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from boamps_carbon.schema import SchemaVersion

    old = make_report(SchemaVersion.V1_0, full=True)
    paths = [str(write(tmp_path / f"{name}.json", old)) for name in ("a", "b")]
    code, out, err = run(capsys, "validate", *paths, str(ROOT / "examples" / "report.json"))
    assert code == 1
    assert out.count("is not part of BoAmps 1.1") == 20
    assert err == (
        "hint: 2 reports look like BoAmps 1.0: their fields not part of 1.1 are 1.0's. Check "
        "them with --schema-version 1.0.\n"
    )
    code, _, err = run(capsys, "validate", "--format", "json", paths[0])
    assert err == (
        "hint: 1 report looks like BoAmps 1.0: its fields not part of 1.1 are 1.0's. Check it "
        "with --schema-version 1.0.\n"
    )
    assert run(capsys, "validate", "--schema-version", "1.0", *paths) == (
        0,
        "2 valid, 0 invalid\n",
        "",
    )


def test_a_stray_field_gets_no_version_hint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = make_report()
    report["task"]["mine"] = 1
    code, out, err = run(capsys, "validate", str(write(tmp_path / "a.json", report)))
    assert (code, err) == (0, "")
    assert 'warning: field "mine" is not part of BoAmps 1.1' in out


def test_text_and_github_outputs_neutralise_terminal_escapes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "evil\x1b[2J.json"
    path.write_text("[]", encoding="utf-8")
    code, out, _ = run(capsys, "validate", str(path))
    assert code == 1 and "\x1b" not in out
    assert out.splitlines()[0] == (
        f"{tmp_path}/evil\\x1b[2J.json: (root): expected a JSON object, got an empty array"
    )
    code, out, _ = run(capsys, "validate", "--format", "github", str(path))
    assert code == 1 and "\x1b" not in out and "evil\\x1b[2J.json" in out
