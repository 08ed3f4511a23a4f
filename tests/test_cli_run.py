"""`boamps run -- CMD`: a real command under a real tracker, and its exit code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

CONTEXT = ROOT / "examples" / "context.json"


def boamps(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "boamps_carbon", *args], capture_output=True, text=True, check=False
    )


def test_run_keeps_the_command_exit_code_and_writes_the_report(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    done = boamps(
        "run",
        "--context",
        str(CONTEXT),
        "--country",
        "FRA",
        "-o",
        str(out),
        "--",
        sys.executable,
        "-c",
        "import sys; print('working'); sys.exit(3)",
    )
    assert done.returncode == 3
    assert done.stdout == "working\n"
    assert f"wrote {out}" in done.stderr.splitlines()
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["measures"][0]["measurementMethod"] == "codecarbon"
    assert boamps("validate", str(out)).returncode == 0


def test_run_a_missing_command(tmp_path: Path) -> None:
    out = tmp_path / "runs.jsonl"
    done = boamps(
        "run",
        "--context",
        str(CONTEXT),
        "--country",
        "FRA",
        "-o",
        str(out),
        "--",
        "no-such-command-here",
    )
    assert done.returncode == 127
    assert (
        "Error: Command not found at boamps run: no-such-command-here. Check its name and PATH."
    ) in done.stderr.splitlines()
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1


def test_run_without_a_command() -> None:
    done = boamps("run", "--country", "FRA")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "Error: No command to run at boamps run: nothing after --. Write "
        "the command after --: boamps run -- python train.py\n"
    )


def test_run_with_a_bad_context_does_not_run_the_command(tmp_path: Path) -> None:
    context = tmp_path / "ctx.json"
    context.write_text("{nope", encoding="utf-8")
    marker = tmp_path / "ran"
    done = boamps(
        "run",
        "--context",
        str(context),
        "--country",
        "FRA",
        "--",
        sys.executable,
        "-c",
        f"open({str(marker)!r}, 'w')",
    )
    assert done.returncode == 2
    assert not marker.exists()
    assert done.stderr.startswith(f"Error: Context file is not valid JSON at {context}:")


def test_the_example_script_writes_a_valid_report(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "examples" / "track_training.py"),
            str(tmp_path / "report.json"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"wrote {tmp_path / 'report.json'}: ")
    assert boamps("validate", "--strict", str(tmp_path / "report.json")).returncode == 0


def test_run_checks_the_context_before_the_command(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    done = boamps(
        "run", "--country", "FRA", "--", sys.executable, "-c", f"open({str(marker)!r}, 'w')"
    )
    assert done.returncode == 2 and not marker.exists()
    assert done.stderr.startswith("Error: The report would be invalid at the context: task:")


def test_run_a_file_that_is_not_executable(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    done = boamps(
        "run", "--context", str(CONTEXT), "--country", "FRA", "-o", str(out), "--", str(tmp_path)
    )
    assert done.returncode == 126
    assert out.exists()
