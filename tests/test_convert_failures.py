"""`convert` when the world misbehaves: a CSV changed during the run, a full disk, many
warnings. Each test reproduces the failure with real files, pipes and devices."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT
from test_cli_convert import CONTEXT, example_rows, write_csv


def boamps(*args: str, **options: object) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "boamps_carbon", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **options,  # type: ignore[call-overload]
    )


def test_stdout_says_its_reports_are_void_when_the_csv_changes(tmp_path: Path) -> None:
    """`-o -` streams: a change of the CSV is only seen at the end, when reports are out.
    The error then says that standard output already holds reports to discard."""
    rows = example_rows()[:1] * 400  # more than a pipe holds: the writer waits for us
    source = write_csv(tmp_path / "e.csv", rows)
    process = boamps("convert", str(source), "--context", str(CONTEXT), "-o", "-")
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    assert first.startswith(b'{"header":')
    with open(source, "a", encoding="utf-8") as handle:
        handle.write(",".join(rows[0].values()) + "\n")
    rest = process.stdout.read()
    err = process.stderr.read().decode()
    assert process.wait() == 2
    assert len((first + rest).splitlines()) == 400
    assert err == (
        f"Error: CSV file changed while being converted at {source}: its size, time or inode "
        "differs. Convert it again once it is complete. Standard output already holds "
        "the reports written before this error: discard them.\n"
    )


def test_rejects_on_a_full_disk_go_to_stderr(tmp_path: Path) -> None:
    good = example_rows()[0]
    rows = [good, *({**good, "run_id": "", "duration": f"x{i}"} for i in range(600))]
    source = write_csv(tmp_path / "e.csv", rows)
    out = tmp_path / "out.jsonl"
    before = set(os.listdir("/dev"))
    process = boamps(
        "convert", str(source), "--context", str(CONTEXT), "-o", str(out), "--rejects", "/dev/full"
    )
    _, err = process.communicate()
    assert process.returncode == 2
    lines = err.decode().splitlines()
    assert lines[:2] == [
        f"rejected: {source} row 2: expected a number in column duration, got 'x0'",
        f"rejected: {source} row 3: expected a number in column duration, got 'x1'",
    ]
    assert len([line for line in lines if line.startswith("rejected: ")]) == 600
    assert lines[-3:] == [
        f"{source}: 601 rows, 1 converted, 600 rejected",
        f"wrote 1 reports to {out}",
        "Error: Cannot write at /dev/full: No space left on device. Free some space or "
        "choose another --rejects; the rejected rows are above.",
    ]
    # the converted rows are written; nothing else is left anywhere
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e.csv", "out.jsonl"]
    assert set(os.listdir("/dev")) == before
