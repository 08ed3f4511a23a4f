"""`boamps convert` as a user runs it: outputs, exit codes, rejects, and nothing half-written."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from conftest import ROOT, shared

from boamps_carbon.cli import main

EXAMPLE = ROOT / "examples" / "emissions.csv"
CONTEXT = ROOT / "examples" / "context.json"
HEADER = EXAMPLE.read_text(encoding="utf-8").splitlines()[0].split(",")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def example_rows() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(EXAMPLE.read_text(encoding="utf-8"))))


def write_csv(
    path: Path, rows: list[dict[str, str]], *, newline: str = "\n", encoding: str = "utf-8"
) -> Path:
    out = io.StringIO()
    writer = csv.DictWriter(out, HEADER, lineterminator=newline)
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def test_example_to_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "reports"
    code, stdout, stderr = run(
        capsys, "convert", str(EXAMPLE), "--context", str(CONTEXT), "-o", str(out)
    )
    assert (code, stdout) == (0, "")
    assert stderr.splitlines() == [
        f"{EXAMPLE}: 3 rows, 3 converted, 0 rejected",
        f"wrote 3 reports to {out}",
    ]
    assert sorted(p.name for p in out.iterdir()) == [
        "sentiment-eval-inference-2071ab09-6bbf-4972-91f1-966a596d293b.json",
        "sentiment-train-training-96f75a4f-a769-47bb-86cf-6130539c8123.json",
        "sentiment-train-training-e8d49d0a-bbdd-4669-91a4-8c365e3eab84.json",
    ]
    assert run(capsys, "validate", "--strict", str(out))[:2] == (0, "3 valid, 0 invalid\n")


def test_same_input_gives_byte_identical_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("a.jsonl", "b.jsonl"):
        run(capsys, "convert", str(EXAMPLE), "--context", str(CONTEXT), "-o", str(tmp_path / name))
    first = (tmp_path / "a.jsonl").read_bytes()
    assert first == (tmp_path / "b.jsonl").read_bytes()
    assert len(first.splitlines()) == 3


def test_stdout_json_lines(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "convert", str(EXAMPLE), "--context", str(CONTEXT), "-o", "-")
    reports = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert [r["task"]["taskStage"] for r in reports] == ["training", "training", "inference"]
    assert err == f"{EXAMPLE}: 3 rows, 3 converted, 0 rejected\n"


def test_existing_files_are_kept_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "reports"
    run(capsys, "convert", str(EXAMPLE), "--context", str(CONTEXT), "-o", str(out))
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    code, _, err = run(capsys, "convert", str(EXAMPLE), "--context", str(CONTEXT), "-o", str(out))
    first = sorted(before)[0]
    assert code == 2
    assert err == (
        f"Error: Output file exists at {out / first}: 3 of 3 reports already "
        "there. Use --force to replace them, or choose another -o.\n"
    )
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["reports"]  # no staging left behind
    assert (
        run(capsys, "convert", str(EXAMPLE), "--context", str(CONTEXT), "-o", str(out), "--force")[
            0
        ]
        == 0
    )


def test_bad_rows_are_rejected_with_reasons(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good, rows = example_rows()[0], []
    rows.append(good)
    rows.append({**good, "run_id": "", "duration": "abc"})
    rows.append({**good, "run_id": "", "energy_consumed": "-0.5"})
    rows.append({**good, "run_id": "", "timestamp": "yesterday"})
    path = write_csv(tmp_path / "emissions.csv", rows)
    # a row that CodeCarbon's append mode shortened: its fields would shift
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(",".join(good[c] for c in HEADER[:30]) + "\n")
    rejects = tmp_path / "rejects.csv"
    code, _, err = run(
        capsys,
        "convert",
        str(path),
        "--context",
        str(CONTEXT),
        "-o",
        str(tmp_path / "out.jsonl"),
        "--rejects",
        str(rejects),
    )
    assert code == 1
    assert err.splitlines()[-2:] == [
        f"{path}: 5 rows, 1 converted, 4 rejected",
        f"wrote 1 reports to {tmp_path / 'out.jsonl'}, rejects to {rejects}",
    ]
    table = list(csv.DictReader(rejects.open(encoding="utf-8")))
    assert [(r["file"], r["row"], r["reason"]) for r in table] == [
        (str(path), "2", "expected a number in column duration, got 'abc'"),
        (str(path), "3", "expected an energy of 0 or more in column energy_consumed, got '-0.5'"),
        (str(path), "4", "expected a date and time in column timestamp, got 'yesterday'"),
        (
            str(path),
            "5",
            "has 30 fields where the header has 38; the row would be read shifted "
            "(CodeCarbon up to 3.3.0 appends rows without their empty columns)",
        ),
    ]
    assert table[0]["duration"] == "abc" and table[3]["project_name"] == "sentiment-train"
    assert len((tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()) == 1


def test_rejections_listed_on_stderr_without_rejects_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = example_rows()[0]
    path = write_csv(tmp_path / "e.csv", [good, {**good, "run_id": "", "cpu_count": "2.5"}])
    code, _, err = run(capsys, "convert", str(path), "--context", str(CONTEXT), "-o", "-")
    assert code == 1
    assert (
        f"rejected: {path} row 2: expected a whole number in column cpu_count, got '2.5'"
        in err.splitlines()
    )


def test_missing_context_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    code, stdout, err = run(capsys, "convert", str(EXAMPLE), "-o", str(out))
    assert (code, stdout) == (2, "")
    assert err == (
        f"Error: Missing required fields at context (converting {EXAMPLE}): task, "
        "header.publisher.confidentialityLevel. Add them to the context file "
        "(`boamps init-context` writes a starting one).\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_unusable_inputs_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "convert", str(tmp_path / "none.csv"), "--context", str(CONTEXT)) == (
        2,
        "",
        f"Error: Cannot read CSV file at {tmp_path / 'none.csv'}: No such file or "
        "directory. Check the path.\n",
    )
    report = ROOT / "examples" / "report.json"
    code, _, err = run(capsys, "convert", str(report), "--context", str(CONTEXT))
    assert code == 2
    assert err.startswith(f"Error: Not a CodeCarbon emissions CSV at {report}: no column ")
    bad_context = tmp_path / "ctx.json"
    bad_context.write_text('{"task": {"taskStage": 3}}', encoding="utf-8")
    assert run(capsys, "convert", str(EXAMPLE), "--context", str(bad_context)) == (
        2,
        "",
        f"Error: Invalid context at {bad_context}: task.taskStage: expected a string, "
        "got the integer 3. Fix the context file.\n",
    )


def test_encodings_and_line_ends(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [{**example_rows()[0], "region": "île-de-france"}]
    for name, newline, encoding in (
        ("bom.csv", "\r\n", "utf-8-sig"),
        ("latin.csv", "\r\r\n", "cp1252"),
    ):
        path = write_csv(tmp_path / name, rows, newline=newline, encoding=encoding)
        code, out, _ = run(capsys, "convert", str(path), "--context", str(CONTEXT), "-o", "-", "-v")
        assert code == 0
        [report] = [json.loads(line) for line in out.splitlines()]
        assert report["environment"]["location"] == "île-de-france"
        assert report["header"]["reportId"] == rows[0]["run_id"]


def test_cloud_and_fallback_location(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = example_rows()[0]
    rows = [
        {**good, "on_cloud": "Y", "cloud_provider": "gcp"},
        {
            **good,
            "run_id": "",
            "country_name": "Canada",
            "latitude": "46.8",
            "longitude": "-71.2",
            "region": "quebec",
        },
    ]
    path = write_csv(tmp_path / "e.csv", rows)
    code, out, err = run(capsys, "convert", str(path), "--context", str(CONTEXT), "-o", "-")
    reports = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert reports[0]["infrastructure"]["infraType"] == "onPremise"  # the context says so
    assert reports[0]["infrastructure"]["cloudProvider"] == "gcp"
    assert (
        f"warning: {path} row 2: environment: expected the real location, got Canada at "
        "latitude 46.8, longitude -71.2, which CodeCarbon reports when it cannot "
        "geolocate. Run CodeCarbon offline with country_iso_code, or correct the location"
    ) in err.splitlines()


def test_cloud_is_detected_when_the_context_is_silent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    context = json.loads(CONTEXT.read_text(encoding="utf-8"))
    del context["infrastructure"]
    context_path = tmp_path / "ctx.json"
    context_path.write_text(json.dumps(context), encoding="utf-8")
    good = example_rows()[0]
    path = write_csv(
        tmp_path / "e.csv", [{**good, "on_cloud": "Y"}, {**good, "run_id": "", "on_cloud": "N"}]
    )
    code, out, err = run(capsys, "convert", str(path), "--context", str(context_path), "-o", "-")
    assert code == 0
    assert [json.loads(line)["infrastructure"]["infraType"] for line in out.splitlines()] == [
        "publicCloud",
        "onPremise",
    ]
    assert (
        f"warning: {path} row 2: infrastructure.infraType assumed 'onPremise': the source does "
        "not say; set it in the context"
    ) in err.splitlines()


def test_our_fieldmap_overrides_one_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = tmp_path / "map.csv"
    table.write_text(
        "path,transform,source,argument,when\n"
        "environment.country,text,country_iso_code,,\n"
        "header.licensing,constant,,CC0-1.0,\n",
        encoding="utf-8",
    )
    code, out, _ = run(
        capsys,
        "convert",
        str(EXAMPLE),
        "--context",
        str(CONTEXT),
        "-o",
        "-",
        "--fieldmap",
        str(table),
    )
    report = json.loads(out.splitlines()[0])
    assert code == 0
    assert report["environment"]["country"] == "FRA"
    assert report["header"]["licensing"] == "CC-BY-4.0"  # the context still wins


def test_bad_fieldmap_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = tmp_path / "map.csv"
    table.write_text(
        "path,transform,source,argument,when\nenvironment.country,guess,x,,\n", encoding="utf-8"
    )
    assert run(
        capsys, "convert", str(EXAMPLE), "--context", str(CONTEXT), "--fieldmap", str(table)
    ) == (
        2,
        "",
        f"Error: Unknown transform at {table}:2: 'guess'. Use one of: assume, constant, count, "
        "datetime, duration, energy, extract, integer, lookup, number, option, ratio, "
        "report_id, require, round, scale, start_time, text.\n",
    )


def test_official_bash_mapping_table_as_fieldmap(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = shared("boamps-official", "tools-bash-data")
    out = tmp_path / "bash.jsonl"
    code, _, err = run(
        capsys,
        "convert",
        str(base / "input" / "codecarbon_suppl_info.csv"),
        "--fieldmap",
        str(base / "conf" / "boamps_auto_prefill_codecarbon_customized.csv"),
        "-o",
        str(out),
    )
    reports = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert code == 0 and len(reports) == 104
    expected = json.loads((base / "output" / "boamps_report.json").read_text(encoding="utf-8"))
    first = reports[0]
    assert first["header"]["reportId"] == expected["header"]["reportId"]
    assert first["task"]["dataset"][0]["dataQuantity"] == 8
    assert first["measures"][0]["powerConsumption"] == expected["measures"][0]["powerConsumption"]
    assert first["infrastructure"]["components"][0] == {
        "componentName": "Intel(R) Xeon(R) Gold 6226R CPU @ 2.90GHz",
        "componentType": "cpu",
        "nbComponent": 30,
    }
    # the table maps CodeCarbon's scope to the tracking modes: converted, and flagged
    assert "rows 1-104: measures[0].cpuTrackingMode: expected how power was measured" in err
    assert run(capsys, "validate", str(out))[0] == 0


def test_init_context_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    context = tmp_path / "ctx.json"
    assert (
        run(
            capsys,
            "init-context",
            "-o",
            str(context),
            "--task-stage",
            "training",
            "--task-family",
            "nlp",
            "--algorithm",
            "bert",
            "--data-type",
            "text",
            "--confidentiality",
            "internal",
        )[0]
        == 0
    )
    code, out, _ = run(capsys, "convert", str(EXAMPLE), "--context", str(context), "-o", "-")
    report = json.loads(out.splitlines()[0])
    assert code == 0
    assert report["task"] == {
        "taskStage": "training",
        "taskFamily": "nlp",
        "algorithms": [{"algorithmName": "bert"}],
        "dataset": [{"dataUsage": "input", "dataType": "text"}],
    }
    incomplete = tmp_path / "partial.json"
    run(capsys, "init-context", "-o", str(incomplete), "--task-stage", "training")
    code, _, err = run(capsys, "convert", str(EXAMPLE), "--context", str(incomplete))
    assert code == 2
    assert err.startswith(
        f"Error: Missing required fields at context (converting {EXAMPLE}): "
        "header.publisher.confidentialityLevel, task.taskFamily, "
        "task.algorithms, task.dataset."
    )


def test_group_by_project_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys,
        "convert",
        str(EXAMPLE),
        "--context",
        str(CONTEXT),
        "-o",
        "-",
        "--group-by",
        "project_name",
    )
    reports = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert [len(r["measures"]) for r in reports] == [2, 1]
    assert err == f"{EXAMPLE}: 3 rows, 3 converted, 0 rejected\n"


def test_progress_line_in_a_terminal(tmp_path: Path) -> None:
    import os
    import pty
    import subprocess
    import sys

    rows = example_rows()
    many = [{**rows[i % 3], "run_id": ""} for i in range(3000)]
    path = write_csv(tmp_path / "many.csv", many)
    leader, follower = pty.openpty()
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import time, boamps_carbon.cli.convert as c, boamps_carbon.fast.chunks as p; "
            "c.Progress.EVERY = 0; p.PIECE_BYTES = 100_000; from boamps_carbon.cli import main; "
            f"raise SystemExit(main(['convert', {str(path)!r}, '--context', {str(CONTEXT)!r}, "
            f"'-o', {str(tmp_path / 'o.jsonl')!r}]))",
        ],
        stderr=follower,
        stdout=subprocess.DEVNULL,
        check=False,
    )
    os.close(follower)
    seen = os.read(leader, 65536).decode()
    os.close(leader)
    assert done.returncode == 0
    # the count moves a piece of the file (here about 250 rows) at a time
    shown = [int(n.replace(",", "")) for n in re.findall(r"\r\S+: ([\d,]+) reports\.\.\.", seen)]
    assert shown == sorted(shown) and len(shown) >= 2 and shown[0] >= 1024
    assert seen.endswith(
        f"{path}: 3000 rows, 3000 converted, 0 rejected\r\n"
        f"wrote 3000 reports to {tmp_path / 'o.jsonl'}\r\n"
    )


def test_verbose_names_the_layout_and_encoding(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "convert", str(EXAMPLE), "--context", str(CONTEXT), "-o", "-", "-v")
    assert code == 0
    assert err.splitlines()[0] == (
        f"{EXAMPLE}: codecarbon-3.2 (CodeCarbon 3.2.1 to 3.3.x, 38 columns), utf-8"
    )


def test_init_context_on_stdout_is_json_once_comments_are_read_away(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from boamps_carbon.io import parse_json_bytes, strip_line_comments

    code, out, _ = run(capsys, "init-context", "--confidentiality", "public")
    value, problems = parse_json_bytes(strip_line_comments(out.encode()))
    assert (code, problems) == (0, [])
    assert value == {
        "header": {"publisher": {"confidentialityLevel": "public"}},
        "task": {},
        "infrastructure": {},
    }
    assert '// "taskStage": "training"' in out


def test_many_rejected_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = example_rows()[0]
    bad = [{**good, "run_id": "", "duration": f"x{i}"} for i in range(50)]
    path = write_csv(tmp_path / "e.csv", [good, *bad])
    code, _, err = run(capsys, "convert", str(path), "--context", str(CONTEXT), "-o", "-")
    lines = err.splitlines()
    assert code == 1
    assert sum(line.startswith("rejected: ") for line in lines) == 21
    assert f"rejected: 30 more rows of {path}; write them all with --rejects FILE" in lines
    assert lines[-1] == f"{path}: 51 rows, 1 converted, 50 rejected"
    rejects = tmp_path / "rejects.csv"
    run(
        capsys,
        "convert",
        str(path),
        "--context",
        str(CONTEXT),
        "-o",
        "-",
        "--rejects",
        str(rejects),
    )
    table = list(csv.DictReader(rejects.open(encoding="utf-8", newline="")))
    assert [r["row"] for r in table] == [str(i) for i in range(2, 52)]
    assert table[-1]["reason"] == "expected a number in column duration, got 'x49'"
