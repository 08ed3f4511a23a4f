"""compare and dashboard over N reports in a JSON Lines file, against a plain loop that only
parses each line with json.loads, measured in the same run. Each reader runs in a fresh
process, so that its peak memory (max RSS) is its own.

What is measured: reports/s from the first byte read to the result (compare: the DataFrame;
dashboard: the page), peak memory, and memory after imports (what reading adds is the
difference). Both validate every report, which the loop does not.
Usage: python benchmarks/reading_speed.py [N]   (default 20,000; the README quotes 200,000)
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

TASKS = ("json.loads loop", "compare", "dashboard")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kB


def run_one(task: str, path: str) -> None:
    """In a child process: import, note memory, read everything, print one JSON line."""
    if task == "compare":
        import pandas  # noqa: F401 - imports are not part of the reading
        import scipy.stats  # noqa: F401

        from boamps_carbon import compare
    elif task == "dashboard":
        import jinja2  # noqa: F401

        from boamps_carbon import dashboard
    imported = peak_mb()
    start = time.perf_counter()
    if task == "json.loads loop":
        energy = 0.0
        with open(path, "rb") as handle:
            for line in handle:
                energy += json.loads(line)["measures"][0]["powerConsumption"]
        size = len(str(energy))
    elif task == "compare":
        frame = compare(path, "task.algorithms[0].quantization", metrics=["energy-per-request"])
        size = len(frame)
    else:
        size = len(dashboard(path).encode())
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "imported": imported, "peak": peak_mb(), "size": size}))


def write_reports(path: Path, count: int) -> None:
    from readings_data import many_reports

    with open(path, "w", encoding="utf-8") as out:
        for report in many_reports(count, days=365):
            out.write(json.dumps(report, separators=(",", ":")) + "\n")


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "--one":
        run_one(sys.argv[2], sys.argv[3])
        return 0
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "reports.jsonl"
        write_reports(path, count)
        print(f"reports: {count:,} ({path.stat().st_size / 1e6:.0f} MB of JSON Lines)")
        results = {}
        for task in TASKS:
            done = subprocess.run(
                [sys.executable, __file__, "--one", task, str(path)],
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
            )
            results[task] = json.loads(done.stdout.splitlines()[-1])
    base = count / results[TASKS[0]]["seconds"]
    for task in TASKS:
        found = results[task]
        rate = count / found["seconds"]
        print(
            f"{task:16} {rate:>10,.0f} reports/s  ratio {rate / base:5.3f}  "
            f"peak {found['peak']:6.0f} MB  (after imports {found['imported']:.0f} MB)"
        )
    print(f"dashboard page: {results['dashboard']['size']:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
