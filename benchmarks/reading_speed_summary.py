"""Reading commands on N generated reports (JSON Lines): reports/s and peak memory.

Each command runs in its own process (`python -m boamps_carbon ...`); its peak memory is
that of its whole process tree (the workers that read big files for summary and statement
included), sampled. The baseline, measured in the same run, is a plain loop that parses
every line with the same JSON parser (orjson) and adds up the energy, in one process: the
ratio says how much of that speed the commands keep. The workers use the machine's cores
(at most 2): on a machine busy with other work they add little.
Targets: summary and statement >= 150,000 reports/s; every command <= 300 MB.
Usage: python benchmarks/reading_speed_summary.py [N] [COMMAND...] (N default 200,000; the
issue's figure is for 1,000,000: about 2.5 GB of JSON Lines in the temporary folder; the
commands, such as summary statement, default to all five)
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
    "render html": ["render", "--format", "html", "-o", os.devnull],
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
    """(seconds, peak memory in MB, exit code) of one command in a fresh process. The peak
    is that of the command's whole process tree (summary and statement read big files in
    worker processes): the sum of their resident memory, sampled every 10 ms."""
    import psutil

    command = [sys.executable, "-m", "boamps_carbon", *arguments, str(path)]
    start = time.perf_counter()
    process = psutil.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    peak = 0
    while process.poll() is None:
        try:
            tree = [process, *process.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:  # a process ended while it was sampled
            pass
        time.sleep(0.01)
    took = time.perf_counter() - start
    return took, peak / 2**20, process.returncode


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    chosen = [" ".join(name.split("-")) for name in sys.argv[2:]] or list(COMMANDS)
    unknown = set(chosen) - set(COMMANDS)
    if unknown:
        print(f"unknown command(s) {sorted(unknown)}: use some of {list(COMMANDS)}")
        return 2
    ok = True
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "reports.jsonl"
        write_reports(path, count)
        size = path.stat().st_size / 1e6
        base = baseline(path)
        print(f"reports:                {count:,} ({size:,.0f} MB of JSON Lines)")
        print(f"plain loop (baseline):  {base:,.0f} reports/s")
        for name in chosen:
            seconds, peak, code = run_command(COMMANDS[name], path)
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
