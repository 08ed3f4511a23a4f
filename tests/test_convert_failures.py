"""`convert` when the world misbehaves: a CSV changed during the run, a full disk, many
warnings. Each test reproduces the failure with real files, pipes and devices."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import tracemalloc
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import ROOT
from test_cli_convert import CONTEXT, example_rows, run, write_csv

from boamps_carbon.conversion import KEPT_RUNS, Conversion, convert


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


def alternating_warnings(path: Path, count: int) -> Path:
    """`count` rows, every other one with CodeCarbon's Canada fallback location (a warning):
    each warned row is a run of its own."""
    good = example_rows()[0]
    start = datetime(2026, 1, 1)
    rows = []
    for index in range(count):
        row = {**good, "run_id": "", "duration": f"{1 + index / 7:.6f}"}
        row["timestamp"] = (start + timedelta(seconds=index)).isoformat()
        if index % 2:
            row.update(latitude="46.8", longitude="-71.2", country_name="Canada")
        rows.append(row)
    return write_csv(path, rows)


def retained(path: Path) -> tuple[int, Conversion]:
    """The memory a finished conversion still holds, and the conversion."""
    gc.collect()
    tracemalloc.start()
    try:
        conversion = convert(path, CONTEXT, workers=1)
        for _ in conversion.json_lines():
            pass
        gc.collect()
        return tracemalloc.get_traced_memory()[0], conversion
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_when_warnings_alternate_row_by_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    small, _ = retained(alternating_warnings(tmp_path / "small.csv", 5_000))
    large, conversion = retained(alternating_warnings(tmp_path / "large.csv", 45_000))
    # each warned row a run of its own took about 150 bytes: 3 MB more here
    assert large - small < 500_000
    (rows,) = conversion.warning_rows.values()
    assert (len(rows), len(rows.runs()), rows.dropped_runs) == (22_500, KEPT_RUNS, 21_500)
    assert rows.runs()[:2] == [(2, 2), (4, 4)]
    code, _, err = run(
        capsys, "convert", str(tmp_path / "large.csv"), "-o", "-", "--context", str(CONTEXT)
    )
    assert code == 0
    assert err.splitlines()[0] == (
        f"warning: {tmp_path / 'large.csv'} rows 2, 4, 6, 8, 10, 12, 14, 16 and 22492 more "
        "ranges: environment: expected the real location, got Canada at latitude 46.8, "
        "longitude -71.2, which CodeCarbon reports when it cannot geolocate. Run CodeCarbon "
        "offline with country_iso_code, or correct the location"
    )
