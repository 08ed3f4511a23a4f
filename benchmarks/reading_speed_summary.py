"""Reading commands on N generated reports (JSON Lines): reports/s and peak memory.

Each command runs in its own process (`python -m boamps_carbon ...`); its peak RSS comes
from the operating system (`resource.getrusage` of the children). The baseline, measured in
the same run, is a plain loop that parses every line with the same JSON parser and adds up
the energy: the ratio says how much of that speed the commands keep.
Targets: summary and statement >= 150,000 reports/s; every command <= 300 MB.
Usage: python benchmarks/reading_speed_summary.py [N] (default 200,000)
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
from factories import make_report  # noqa: E402

SPEED_TARGET = 150_000
MEMORY_TARGET_MB = 300
COMMANDS = {
    "summary": ["summary"],
    "statement": ["statement"],
    "render csv": ["render", "--format", "csv"],
    "validate": ["validate"],
}


def write_reports(path: Path, count: int) -> None:
    """`count` distinct valid reports, 4 projects, 3 models, a few energies and dates."""
    base = make_report(full=True)
    with path.open("w", encoding="utf-8") as out:
        for index in range(count):
            report = copy.deepcopy(base)
            report["header"]["reportId"] = f"bench-{index:08d}"
            report["header"]["publisher"]["projectName"] = f"project-{index % 4}"
            report["task"]["algorithms"][0]["algorithmName"] = f"model-{index % 3}"
            report["header"]["reportDatetime"] = f"2026-{index % 12 + 1:02d}-15T10:00:00"
            for number, measure in enumerate(report["measures"]):
                measure["powerConsumption"] = 0.001 * (1 + (index + number) % 97)
            out.write(json.dumps(report, separators=(",", ":")) + "\n")


def baseline(path: Path) -> float:
    """Reports/s of a plain loop: parse each line with the parser the commands use (orjson),
    add up the energy."""
    from orjson import loads

    start = time.perf_counter()
    count, energy = 0, 0.0
    with path.open("rb") as lines:
        for line in lines:
            report = loads(line)
            energy += sum(m.get("powerConsumption", 0.0) for m in report["measures"])
            count += 1
    return count / (time.perf_counter() - start)


def run_command(arguments: list[str], path: Path) -> tuple[float, float, int]:
    """(seconds, peak RSS in MB, exit code) of one command in a fresh process."""
    command = [sys.executable, "-m", "boamps_carbon", *arguments, str(path)]
    script = (
        "import resource, subprocess, sys, time\n"
        "start = time.perf_counter()\n"
        "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, "
        "stderr=subprocess.DEVNULL).returncode\n"
        "took = time.perf_counter() - start\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "print(took, peak, code)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, *command],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    ).stdout.split()
    return float(out[0]), float(out[1]), int(out[2])


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    ok = True
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "reports.jsonl"
        write_reports(path, count)
        size = path.stat().st_size / 1e6
        base = baseline(path)
        print(f"reports:                {count:,} ({size:,.0f} MB of JSON Lines)")
        print(f"plain loop (baseline):  {base:,.0f} reports/s")
        for name, arguments in COMMANDS.items():
            seconds, peak, code = run_command(arguments, path)
            rate = count / seconds
            fast_enough = rate >= SPEED_TARGET or name not in ("summary", "statement")
            small_enough = peak <= MEMORY_TARGET_MB
            ok = ok and fast_enough and small_enough and code == 0
            print(
                f"{name + ':':<24}{rate:,.0f} reports/s ({rate / base:.2f}x baseline), "
                f"peak {peak:,.0f} MB, exit {code}"
                + ("" if fast_enough else " SPEED MISSED")
                + ("" if small_enough else " MEMORY MISSED")
            )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
