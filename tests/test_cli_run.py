"""`boamps run -- CMD`: a real command under a real tracker, and its exit code."""

from __future__ import annotations

import json
import platform
import resource
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT

CONTEXT = ROOT / "examples" / "context.json"


# a command of a fraction of a second is shorter than CodeCarbon's 15 s interval: the report
# says so (short-measurement) when the tracker saw under 1 W, which depends on the machine
SHORT_RUN = "boamps report: measures[0].powerConsumption: expected a run of at least 15 s"


def said(stderr: str) -> str:
    """stderr without the short-run warning."""
    return "".join(line for line in stderr.splitlines(True) if not line.startswith(SHORT_RUN))


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


def run_to(out: Path, *command: str, options: tuple[str, ...] = (), **kwargs: Any) -> Any:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "boamps_carbon",
            "run",
            "--context",
            str(CONTEXT),
            "--country",
            "FRA",
            "-o",
            str(out),
            *options,
            "--",
            *command,
        ],
        capture_output=True,
        text=True,
        check=False,
        **kwargs,
    )


@pytest.mark.parametrize("value", ["nan", "inf", "1e300", "-1"])
def test_a_calibration_that_cannot_be_one_stops_before_anything(tmp_path: Path, value: str) -> None:
    marker = tmp_path / "ran"
    done = boamps("run", "--country", "FRA", "--calibrate", value, "--", "touch", str(marker))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.splitlines()[-1] == (
        f"Error: Invalid value at --calibrate: {value}. Give a number of seconds from 0 to 86400."
    )
    assert not marker.exists()


@pytest.mark.parametrize(("signal", "code"), [("KILL", 137), ("SEGV", 139)])
def test_a_command_killed_by_a_signal_exits_128_plus_its_number(
    tmp_path: Path, signal: str, code: int
) -> None:
    out = tmp_path / "r.json"
    done = run_to(out, "sh", "-c", f"kill -{signal} $$")
    assert (done.returncode, said(done.stderr)) == (code, f"wrote {out}\n")
    assert json.loads(out.read_text(encoding="utf-8"))["measures"]


def test_run_appends_after_a_missing_line_end(tmp_path: Path) -> None:
    out = tmp_path / "runs.jsonl"
    out.write_text('{"earlier": 1}', encoding="utf-8")
    assert run_to(out, "true").returncode == 0
    lines = out.read_text(encoding="utf-8").split("\n")
    assert lines[0] == '{"earlier": 1}' and lines[2] == ""
    assert json.loads(lines[1])["measures"]


def test_a_failed_append_leaves_no_fragment(tmp_path: Path) -> None:
    out = tmp_path / "runs.jsonl"
    before = '{"earlier": 1}\n' * 10
    out.write_text(before, encoding="utf-8")

    def small_disk() -> None:  # the file may grow by 300 bytes: a report is some 1,500
        resource.setrlimit(resource.RLIMIT_FSIZE, (len(before) + 300, len(before) + 300))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)

    done = run_to(out, "true", preexec_fn=small_disk)
    assert (done.returncode, said(done.stderr)) == (
        2,
        f"Error: Cannot write at {out}: File too large. Check that the path names a file in a "
        "folder you can write to.\n",
    )
    assert out.read_text(encoding="utf-8") == before


def test_a_full_device_as_json_lines_output(tmp_path: Path) -> None:
    out = tmp_path / "runs.jsonl"
    out.symlink_to("/dev/full")
    done = run_to(out, "true")
    assert (done.returncode, said(done.stderr)) == (
        2,
        f"Error: Cannot write at {out}: No space left on device. Check that the path names a "
        "file in a folder you can write to.\n",
    )


def test_an_unwritable_output_stops_before_the_command(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    marker = tmp_path / "ran"
    for out in (blocker / "x.json", blocker / "x.jsonl", blocker / "reports"):
        done = run_to(out, "touch", str(marker))
        assert (done.returncode, said(done.stderr)) == (
            2,
            f"Error: Cannot write at {out}: Not a directory. Check that -o names a folder or "
            "file you can write to.\n",
        )
        assert not marker.exists()


def test_an_existing_report_file_is_replaced_only_with_force(tmp_path: Path) -> None:
    out, marker = tmp_path / "r.json", tmp_path / "ran"
    out.write_text("mine\n", encoding="utf-8")
    done = run_to(out, "touch", str(marker))
    assert (done.returncode, said(done.stderr)) == (
        2,
        f"Error: Output file exists at {out}: not overwritten. Use --force to replace it, or "
        "choose another -o.\n",
    )
    assert not marker.exists() and out.read_text(encoding="utf-8") == "mine\n"
    assert run_to(out, "touch", str(marker), options=("--force",)).returncode == 0
    assert marker.exists() and json.loads(out.read_text(encoding="utf-8"))["measures"]


@pytest.mark.parametrize("name", ["r.JSONL.d/r.json", "out.txt"])
def test_run_output_names(tmp_path: Path, name: str) -> None:
    out = tmp_path / name
    done = run_to(out, "true")
    if name == "out.txt":
        assert (done.returncode, said(done.stderr)) == (
            2,
            f"Error: Not an output for reports at {out}: a .txt file. Give a .json file, a "
            ".jsonl file or a folder (a name without a file suffix).\n",
        )
        assert list(tmp_path.iterdir()) == []
    else:
        assert done.returncode == 0 and out.is_file()


def test_a_command_that_is_not_python_records_no_software(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    done = run_to(out, "sleep", "0.1", options=("--project", "vision 2"))
    # quiet: CodeCarbon's own messages only with -v
    assert (done.returncode, said(done.stderr)) == (0, f"wrote {out}\n")
    report = json.loads(out.read_text(encoding="utf-8"))
    assert "software" not in report
    assert report["header"]["publisher"]["projectName"] == "vision 2"


def test_a_python_command_records_its_version_and_v_shows_codecarbon(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    done = run_to(out, sys.executable, "-c", "pass", options=("-v",))
    assert done.returncode == 0
    assert "Multiple instances of codecarbon are allowed to run at the same time." in done.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["software"] == {"language": "python", "version": platform.python_version()}


def test_a_context_layer_for_the_project_given_by_project(tmp_path: Path) -> None:
    context = json.loads(CONTEXT.read_text(encoding="utf-8"))
    context["projects"] = {"vision": {"task": {"taskFamily": "imageClassification"}}}
    path = tmp_path / "ctx.json"
    path.write_text(json.dumps(context), encoding="utf-8")
    out = tmp_path / "r.json"
    done = boamps(
        "run",
        "--context",
        str(path),
        "--country",
        "FRA",
        "--project",
        "vision",
        "-o",
        str(out),
        "--",
        "true",
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["task"]["taskFamily"] == (
        "imageClassification"
    )
