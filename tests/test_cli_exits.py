"""Exit codes a user can cause: full and closed outputs, closed inputs, deep nesting, endless
inputs. Each runs the real command in a real process, as a shell would."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

EXAMPLES = ROOT / "examples"
REPORT = EXAMPLES / "report.json"
EMISSIONS = EXAMPLES / "emissions.csv"
CONTEXT = EXAMPLES / "context.json"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
BOAMPS = f"{sys.executable} -m boamps_carbon"
STDOUT_HINT = "Redirect it to a file you can write to, or give -o FILE where the command has it."

READING = {
    "validate": f"validate {REPORT}",
    "render": f"render {REPORT}",
    "statement": f"statement {REPORT}",
    "summary": f"summary {REPORT}",
    "convert": f"convert {EMISSIONS} --context {CONTEXT} -o -",
    "init-context": "init-context",
}


def shell(
    line: str, cwd: Path | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", line],
        capture_output=True,
        text=True,
        env=ENV,
        cwd=cwd,
        timeout=timeout,
        check=False,
    )


@pytest.mark.parametrize("command", list(READING))
def test_a_full_device_is_a_usage_error(command: str) -> None:
    done = shell(f"{BOAMPS} {READING[command]} > /dev/full")
    assert (done.returncode, done.stderr.splitlines()[-1]) == (
        2,
        f"Error: Cannot write at standard output: No space left on device. {STDOUT_HINT}",
    )


@pytest.mark.parametrize("command", list(READING))
def test_a_closed_standard_output_is_a_usage_error(command: str) -> None:
    done = shell(f"{BOAMPS} {READING[command]} >&-")
    assert (done.returncode, done.stderr.splitlines()[-1]) == (
        2,
        f"Error: Cannot write at standard output: it is closed. {STDOUT_HINT}",
    )


@pytest.mark.parametrize("command", ["validate", "render", "statement", "summary", "convert"])
def test_a_closed_standard_input_is_a_usage_error(command: str) -> None:
    done = shell(f"{BOAMPS} {command} - <&-")
    assert (done.returncode, done.stdout, done.stderr) == (
        2,
        "",
        "Error: Cannot read at standard input: it is closed. Give a file name, or pipe the "
        "data in.\n",
    )


def test_a_broken_pipe_is_still_no_error() -> None:
    done = shell(f"{BOAMPS} validate {REPORT} | head -c 0; exit ${{PIPESTATUS[0]}}")
    assert (done.returncode, done.stderr) == (0, "")


def nested(depth: int, leaf: str = "1") -> str:
    return '{"a":' * depth + leaf + "}" * depth


def test_a_context_nested_500_deep(tmp_path: Path) -> None:
    context = tmp_path / "deep.json"
    context.write_text('{"task": ' + nested(499) + "}", encoding="utf-8")
    done = shell(f"{BOAMPS} convert {EMISSIONS} --context {context} -o -")
    assert (done.returncode, done.stdout, done.stderr) == (
        2,
        "",
        f"Error: Context file is not valid JSON at {context}: line 1, column 325: expected at "
        "most 64 levels of nested objects and arrays, got level 65. Nest objects and arrays at "
        "most 64 levels deep.\n",
    )


def test_a_context_nested_64_deep_is_read(tmp_path: Path) -> None:
    import json

    context = json.loads(CONTEXT.read_text(encoding="utf-8"))
    context["header"]["extra"] = json.loads(nested(62))  # 64 with the report and header
    path = tmp_path / "ctx.json"
    path.write_text(json.dumps(context), encoding="utf-8")
    done = shell(f"{BOAMPS} convert {EMISSIONS} --context {path} -o -")
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 3


def test_a_report_nested_too_deep_is_invalid(tmp_path: Path) -> None:
    report = tmp_path / "deep.json"
    report.write_text(nested(5000), encoding="utf-8")
    done = shell(f"{BOAMPS} validate {report}")
    assert (done.returncode, done.stdout) == (
        1,
        f"{report}: line 1, column 321: expected at most 64 levels of nested objects and "
        "arrays, got level 65. Nest objects and arrays at most 64 levels deep.\n0 valid, 1 invalid\n",
    )


@pytest.mark.parametrize("depth", [500, 5000])
def test_a_field_table_constant_nested_too_deep(tmp_path: Path, depth: int) -> None:
    table = tmp_path / "fields.csv"
    with open(table, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["path", "transform", "source", "argument", "when"])
        writer.writerow(["header.extra", "constant", "", "[" * depth + "]" * depth, ""])
    done = shell(f"{BOAMPS} convert {EMISSIONS} --context {CONTEXT} --fieldmap {table} -o -")
    assert (done.returncode, done.stdout, done.stderr) == (
        2,
        "",
        f"Error: Constant nested too deep at {table}:2: more than 64 levels of objects and "
        "arrays. Give a flatter constant.\n",
    )


def test_a_field_table_cell_over_the_csv_limit(tmp_path: Path) -> None:
    table = tmp_path / "fields.csv"
    table.write_text(
        'path,transform,source,argument,when\nheader.extra,constant,,"' + "x" * 200_000 + '",\n',
        encoding="utf-8",
    )
    done = shell(f"{BOAMPS} convert {EMISSIONS} --context {CONTEXT} --fieldmap {table} -o -")
    assert (done.returncode, done.stderr) == (
        2,
        f"Error: Unreadable field table at {table}:2: field larger than field limit (131072). "
        "Pass a UTF-8 CSV file to --fieldmap.\n",
    )


@pytest.mark.parametrize("depth", [500, 5000])
def test_a_flat_csv_cell_nested_too_deep_rejects_its_row(tmp_path: Path, depth: int) -> None:
    flat = shell(f"{BOAMPS} render --format csv {REPORT}").stdout
    rows = list(csv.reader(flat.splitlines()))
    rows[0].append("header_extra")
    rows[1].append("[" * depth + "]" * depth)
    path = tmp_path / "flat.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    done = shell(f"{BOAMPS} convert {path} -o -")
    assert (done.returncode, done.stdout, done.stderr) == (
        1,
        "",
        f"rejected: {path} row 1: column header_extra holds JSON nested more than 64 levels "
        f"deep\n{path}: 1 rows, 0 converted, 1 rejected\n",
    )


# the command under `resource`, so that the peak memory measured is the command's alone
MEASURED = (
    "import resource, subprocess, sys; "
    "done = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
    "sys.stdout.write(done.stderr); "
    "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)"
)


def measured(*args: str, stdin: int | None = None) -> tuple[str, int, int]:
    done = subprocess.run(
        [sys.executable, "-c", MEASURED, sys.executable, "-m", "boamps_carbon", *args],
        capture_output=True,
        text=True,
        env=ENV,
        stdin=stdin,
        timeout=60,
        check=True,
    )
    *lines, last = done.stdout.splitlines()
    code, megabytes = last.split()
    return "\n".join(lines), int(code), int(megabytes)


ENDLESS = "more than 16 MB without a line end"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("convert", "/dev/zero", "-o", "-"),
            f"Error: Line too long at /dev/zero: line 1: {ENDLESS}. Check that the input is "
            "a CSV file.",
        ),
        (
            ("convert", str(EMISSIONS), "--context", "/dev/zero", "-o", "-"),
            "Error: Context file too large at /dev/zero: more than 16 MB. A context file is "
            "small; check the path.",
        ),
        (
            ("convert", str(EMISSIONS), "--context", str(CONTEXT), "--fieldmap", "/dev/zero"),
            "Error: Field table too large at /dev/zero: more than 16 MB. A field table is "
            "small; check the path.",
        ),
    ],
    ids=["input", "context", "fieldmap"],
)
def test_an_endless_input_fails_fast_in_bounded_memory(args: tuple[str, ...], message: str) -> None:
    stderr, code, megabytes = measured(*args)
    assert (code, stderr) == (2, message)
    assert megabytes < 200


@pytest.mark.parametrize("command", ["convert", "validate"])
def test_an_endless_standard_input_fails_fast_in_bounded_memory(command: str) -> None:
    with open("/dev/zero", "rb") as zero:
        stderr, code, megabytes = measured(command, "-", stdin=zero.fileno())
    kind = "a CSV file" if command == "convert" else "JSON or JSON Lines"
    assert (code, stderr) == (
        2,
        f"Error: Line too long at <stdin>: line 1: {ENDLESS}. Check that the input is {kind}.",
    )
    assert megabytes < 200


def test_a_file_whose_first_line_never_ends(tmp_path: Path) -> None:
    path = tmp_path / "endless.csv"
    path.write_bytes(b"a" * (17 * 1024 * 1024))
    stderr, code, megabytes = measured("convert", str(path), "-o", "-")
    assert (code, stderr) == (
        2,
        f"Error: Line too long at {path}: line 1: {ENDLESS}. Check that the input is a CSV file.",
    )
    assert megabytes < 200


@pytest.mark.parametrize("quoted", [False, True], ids=["pieces", "row-by-row"])
def test_a_data_line_that_never_ends(tmp_path: Path, quoted: bool) -> None:
    text = EMISSIONS.read_text(encoding="utf-8")
    if quoted:  # a quoted header: the csv module reads the whole file
        header, _, rest = text.partition("\n")
        text = f'"{header.split(",")[0]}",{header.split(",", 1)[1]}\n{rest}'
    path = tmp_path / "endless.csv"
    path.write_bytes(text.encode("utf-8") + b"a" * (20 * 1024 * 1024))
    line = len(text.splitlines()) + 1
    stderr, code, megabytes = measured("convert", str(path), "--context", str(CONTEXT), "-o", "-")
    assert (code, stderr) == (
        2,
        f"Error: Line too long at {path}: line {line}: {ENDLESS}. Check that the input is a "
        "CSV file.",
    )
    assert megabytes < 200
