"""Rows per second and peak memory of `convert` to JSON Lines on a large CodeCarbon 3.x CSV,
against a straightforward per-row build + jsonschema validation measured in the same run.

Targets (issue #3): >= 100,000 rows/s end to end, peak memory <= 300 MB whatever the size.
With --quoted (issue #9): one row in four has a project name with a comma and a doubled
quote, as CodeCarbon quotes it; the same file without quotes is timed too: >= 150,000
rows/s on 2 cores, and the quoted file at most 1.25x slower than the plain one.
A sample of the reports written (1,000, evenly spread) is validated with jsonschema too.
With --folder (issue #9): the reports written to a folder, one file each: >= 20,000
reports/s. With --rejected (issue #9): a file whose every row is rejected (a duration that
is no number), the rejects written with --rejects: >= 50,000 rows/s. Both against the same
per-row baseline, measured in the same run.
Usage: python benchmarks/convert_speed.py [--quoted | --folder | --rejected] [ROWS]
       (default 200,000; the targets are for 1,000,000)
"""

from __future__ import annotations

import csv
import ctypes
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import jsonschema

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "emissions.csv"
CONTEXT = ROOT / "examples" / "context.json"
PR_SET_CHILD_SUBREAPER = 36


def make_csv(path: Path, rows: int, quoted: bool = False, rejected: bool = False) -> None:
    """Runs like the example's, each with its own id, time, length, energies and loads (no
    two rows share a measured value, as in a real file), written as CodeCarbon writes them;
    `quoted`: one row in four named 'sentiment, "v2"', which the CSV quotes; `rejected`:
    every duration a word, which no row survives."""
    with EXAMPLE.open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header, samples = reader.fieldnames or [], list(reader)
    start = datetime(2026, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, header, lineterminator="\n")
        writer.writeheader()
        for index in range(rows):
            row = dict(samples[index % len(samples)])
            scale = 1 + index / rows  # every measured value differs from every other row's
            row["run_id"] = str(uuid.UUID(int=index + 1, version=4))
            row["timestamp"] = (start + timedelta(seconds=30 * index)).isoformat()
            row["duration"] = repr(float(row["duration"]) * scale)
            for column in ("emissions", "cpu_energy", "ram_energy", "energy_consumed"):
                row[column] = repr(float(row[column]) * scale)
            row["cpu_utilization_percent"] = f"{index % 1000 / 10:.1f}"
            if quoted and index % 4 == 0:
                row["project_name"] = 'sentiment, "v2"'
            if rejected:
                row["duration"] = f"about {index} s"
            writer.writerow(row)


def baseline(path: Path, limit: int) -> float:
    """The obvious way: build each report by hand, validate it with jsonschema, dump it."""
    from boamps_carbon.schema import load_schema

    validator = jsonschema.Draft4Validator(load_schema("1.1"))
    context = json.loads(CONTEXT.read_text(encoding="utf-8"))
    start = time.perf_counter()
    with path.open(encoding="utf-8", newline="") as handle:
        for count, row in enumerate(csv.DictReader(handle), start=1):
            report = {
                "header": {
                    "reportId": row["run_id"],
                    "reportDatetime": row["timestamp"],
                    "publisher": context["header"]["publisher"],
                },
                "task": context["task"],
                "measures": [
                    {
                        "measurementMethod": "codecarbon",
                        "version": row["codecarbon_version"],
                        "powerConsumption": float(row["energy_consumed"]),
                        "measurementDuration": float(row["duration"]),
                    }
                ],
                "infrastructure": {
                    "infraType": "onPremise",
                    "components": [
                        {
                            "componentType": "cpu",
                            "nbComponent": int(row["cpu_count"]),
                            "componentName": row["cpu_model"],
                        }
                    ],
                },
                "environment": {"country": row["country_name"]},
            }
            validator.validate(report)
            json.dumps(report)
            if count >= limit:
                break
    return count / (time.perf_counter() - start)


SAMPLE = 1_000


def sample_validity(path: Path, rows: int) -> tuple[int, int]:
    """How many lines the output has, and how many of a spread sample jsonschema refuses."""
    from boamps_carbon.schema import load_schema

    validator = jsonschema.Draft4Validator(load_schema("1.1"))
    step, lines, invalid = max(1, rows // SAMPLE), 0, 0
    with path.open(encoding="utf-8") as handle:
        for lines, line in enumerate(handle, start=1):
            if (lines - 1) % step == 0 and not validator.is_valid(json.loads(line)):
                invalid += 1
    return lines, invalid


def ours(path: Path, out: Path, *options: str, status: int = 0) -> tuple[float, float]:
    """The real command in a child process: its wall time and its peak memory (MB)."""
    start = time.perf_counter()
    command = [sys.executable, "-m", "boamps_carbon", "convert", str(path)]
    command += ["--context", str(CONTEXT), "-o", str(out), "--force", *options]
    done = subprocess.run(command, stderr=subprocess.DEVNULL)
    if done.returncode != status:
        raise SystemExit(f"convert exited with {done.returncode}, expected {status}")
    elapsed = time.perf_counter() - start
    while True:  # the fork server and its workers, ours to reap (see subreaper below)
        try:
            os.wait()
        except ChildProcessError:
            break
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, peak_kb / 1024


def subreaper() -> None:
    """Makes this process the reaper of the command's orphans (its fork server and workers
    outlive it for a moment), so that their memory counts in the peak: Linux only."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def main() -> int:
    subreaper()
    arguments = sys.argv[1:]
    quoted = "--quoted" in arguments
    arguments = [a for a in arguments if a not in ("--quoted", "--folder", "--rejected")]
    rows = int(arguments[0]) if arguments else 200_000
    if "--folder" in sys.argv:
        return folder_output(rows)
    if "--rejected" in sys.argv:
        return rejected_rows(rows)
    return compare_quoted(rows) if quoted else plain(rows)


def plain(rows: int) -> int:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "emissions.csv"
        make_csv(path, rows)
        size_mb = path.stat().st_size / 1e6
        base_rate = baseline(path, min(rows, 20_000))
        elapsed, peak = ours(path, Path(folder) / "out.jsonl")
        lines, invalid = sample_validity(Path(folder) / "out.jsonl", rows)
    rate = rows / elapsed
    print(f"rows:                 {rows:,} ({size_mb:.0f} MB of CSV)")
    print(f"baseline:             {base_rate:,.0f} rows/s (per-row build + jsonschema)")
    print(
        f"boamps convert:       {rate:,.0f} rows/s end to end ({elapsed:.2f} s, {lines:,} reports)"
    )
    print(f"ratio:                {rate / base_rate:.1f}x baseline")
    print(f"peak memory:          {peak:.0f} MB (target 300 MB)")
    print(f"sample validated:     {min(rows, SAMPLE):,} reports, {invalid} invalid (jsonschema)")
    print(f"target 100,000 rows/s: {'met' if rate >= 100_000 else 'MISSED'}")
    return 0 if rate >= 100_000 and peak <= 300 and lines == rows and not invalid else 1


def compare_quoted(rows: int) -> int:
    """The quoted file and the same file without quotes, one after the other."""
    rates, peaks, checked = {}, {}, True
    with tempfile.TemporaryDirectory() as folder:
        for quoted in (False, True):
            path = Path(folder) / f"emissions-{quoted}.csv"
            make_csv(path, rows, quoted)
            if not quoted:
                base_rate = baseline(path, min(rows, 20_000))
            elapsed, peaks[quoted] = ours(path, Path(folder) / "out.jsonl")
            lines, invalid = sample_validity(Path(folder) / "out.jsonl", rows)
            checked = checked and lines == rows and not invalid
            rates[quoted] = rows / elapsed
    slower = rates[False] / rates[True]
    print(f"rows:                 {rows:,} (one in four quoted in the quoted file)")
    print(f"baseline:             {base_rate:,.0f} rows/s (per-row build + jsonschema)")
    print(f"unquoted:             {rates[False]:,.0f} rows/s ({rates[False] / base_rate:.1f}x)")
    print(f"quoted:               {rates[True]:,.0f} rows/s ({rates[True] / base_rate:.1f}x)")
    print(f"quoted slower by:     {slower:.2f}x (target at most 1.25x)")
    print(f"peak memory:          {max(peaks.values()):.0f} MB (target 300 MB)")
    print(f"sample validated:     {'all valid' if checked else 'INVALID REPORTS'}")
    met = rates[True] >= 150_000 and slower <= 1.25
    print(f"target 150,000 rows/s quoted, 1.25x: {'met' if met else 'MISSED'}")
    return 0 if met and checked and max(peaks.values()) <= 300 else 1


def folder_output(rows: int) -> int:
    """One report file per row in a folder."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "emissions.csv"
        make_csv(path, rows)
        base_rate = baseline(path, min(rows, 20_000))
        out = Path(folder) / "reports"
        elapsed, peak = ours(path, out)
        files = sum(1 for _ in out.iterdir())
    rate = files / elapsed
    print(f"rows:                 {rows:,}")
    print(f"baseline:             {base_rate:,.0f} rows/s (per-row build + jsonschema)")
    print(f"folder output:        {rate:,.0f} reports/s ({elapsed:.2f} s, {files:,} files)")
    print(f"ratio:                {rate / base_rate:.1f}x baseline")
    print(f"peak memory:          {peak:.0f} MB (target 300 MB)")
    print(f"target 20,000 reports/s: {'met' if rate >= 20_000 else 'MISSED'}")
    return 0 if rate >= 20_000 and files == rows and peak <= 300 else 1


def rejected_rows(rows: int) -> int:
    """Every row rejected, the rejects written to a CSV."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "emissions.csv"
        make_csv(path, rows)
        base_rate = baseline(path, min(rows, 20_000))
        make_csv(path, rows, rejected=True)
        rejects = Path(folder) / "rejects.csv"
        out = Path(folder) / "out.jsonl"
        elapsed, peak = ours(path, out, "--rejects", str(rejects), status=1)
        with rejects.open(encoding="utf-8", newline="") as handle:
            recorded = sum(1 for _ in csv.reader(handle)) - 1
    rate = rows / elapsed
    print(f"rows:                 {rows:,} (all rejected)")
    print(f"baseline:             {base_rate:,.0f} rows/s (per-row build + jsonschema)")
    print(f"rejected rows:        {rate:,.0f} rows/s ({elapsed:.2f} s, {recorded:,} recorded)")
    print(f"ratio:                {rate / base_rate:.1f}x baseline")
    print(f"peak memory:          {peak:.0f} MB (target 300 MB)")
    print(f"target 50,000 rows/s: {'met' if rate >= 50_000 else 'MISSED'}")
    return 0 if rate >= 50_000 and recorded == rows and peak <= 300 else 1


if __name__ == "__main__":
    sys.exit(main())
