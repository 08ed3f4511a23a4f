"""Reports imported into a SQLite store per second, against a plain `executemany` of the same
JSON texts into a bare table (the floor of any store), measured in the same run; then a
summary by project over many stored reports; then the peak memory of `boamps store import`
(a process of its own) at two sizes of a JSON Lines file.

Targets: import at least 20,000 reports/s; a summary by project in under 2 s; `store import`
within 300 MB whatever the number of reports (the larger size needs no more than the
smaller one, give or take 10%).
The sizes compared for memory are 100,000 and 1,000,000 reports: a big import's workers leave
the adding process's allocator about 10 MB larger over its first 100,000 reports or so (56 MB
for 10,000, 66 MB for 100,000), a fixed cost; what the check is for is growth with the number
of reports, past that.
Usage: python benchmarks/store_speed.py [IMPORTED] [SUMMED] [SMALL LARGE]
       (defaults 20000, 200000, 100000 and 1000000; `python benchmarks/store_speed.py 20000
       1000000` checks the summary over a million reports)
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from boamps_carbon import Store
from tests.store_support import report

IMPORT_TARGET = 20_000
SUMMARY_TARGET_S = 2.0
MEMORY_TARGET_MB = 300
MEMORY_GROWTH = 1.10  # the larger import's peak against the smaller one's
PROJECTS = 50
ROOT = Path(__file__).resolve().parents[1]


def texts(count: int, offset: int = 0) -> list[str]:
    """Distinct reports (ids, projects, energies, dates, countries vary), as JSON Lines text."""
    out = []
    for n in range(offset, offset + count):
        item = report(
            n + 1,
            project=f"project-{n % PROJECTS}",
            energy=0.001 * (n % 997 + 1),
            start=f"2026-{n % 12 + 1:02d}-{n % 28 + 1:02d} {n % 24:02d}:00:00",
            country=("france", "germany", "spain")[n % 3],
            quantization=("fp32", "int8")[n % 2],
        )
        out.append(json.dumps(item, separators=(",", ":")))
    return out


# rates as (by the clock, by CPU time): on a machine shared with other work the clock counts
# their time too, the CPU time only ours, the workers' included (the disk's waits are left
# out)


def baseline(path: Path, lines: list[str]) -> tuple[float, float]:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE reports (report_id TEXT PRIMARY KEY, document TEXT NOT NULL)")
    start, cpu = time.perf_counter(), time.process_time()
    with conn:
        conn.executemany(
            "INSERT INTO reports VALUES (?, ?)",
            ((json.loads(line)["header"]["reportId"], line) for line in lines),
        )
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    conn.close()
    return len(lines) / elapsed, len(lines) / cpu


def _cpu() -> float:
    """This process's CPU time and that of its children waited for (the workers of an add
    are, when it ends)."""
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def ours(path: Path, lines: list[str]) -> tuple[float, float, float]:
    """(by the clock, by CPU time with the workers', by this process's CPU time alone)."""
    with Store(path) as store:
        start, cpu, own = time.perf_counter(), _cpu(), time.process_time()
        result = store.add(lines)
        elapsed, cpu, own = (
            time.perf_counter() - start,
            _cpu() - cpu,
            time.process_time() - own,
        )
    assert len(result.added) == len(lines)
    return len(lines) / elapsed, len(lines) / cpu, len(lines) / own


def summary_seconds(path: Path, count: int) -> tuple[float, int]:
    """Stores `count` reports (10,000 distinct ones through Store.add, then copies of their
    rows under new ids, made by SQLite itself to save minutes) and times a summary."""
    from sqlalchemy import text

    from boamps_carbon.store.tables import reports

    distinct = min(count, 10_000)
    with Store(path) as store:
        store.add(texts(distinct))
        names = [c.name for c in reports.columns]
        copied = ", ".join(
            "seq + {shift}" if n == "seq" else "report_id || '-{copy}'" if n == "report_id" else n
            for n in names
        )
        with store.engine.begin() as conn:
            for copy in range(1, -(-count // distinct)):
                rows = min(distinct, count - copy * distinct)
                conn.execute(
                    text(
                        f"INSERT INTO reports ({', '.join(names)}) "
                        f"SELECT {copied.format(shift=copy * distinct, copy=copy)} "
                        f"FROM reports WHERE seq <= {rows}"
                    )
                )
        start = time.perf_counter()
        rows_out = store.summary("project")
        elapsed = time.perf_counter() - start
    assert sum(r["runs"] for r in rows_out) == count, sum(r["runs"] for r in rows_out)
    return elapsed, len(rows_out)


# the command run in a process whose peak is its own: a child forked from this big process
# would count this one's pages in getrusage's figure, so the child reads its own high-water
# mark (Linux's VmHWM, of its memory since exec) as it ends
MEASURED = """
import runpy, sys
report, sys.argv = sys.argv[1], ["boamps", *sys.argv[2:]]
try:
    runpy.run_module("boamps_carbon", run_name="__main__", alter_sys=True)
finally:
    with open("/proc/self/status") as status, open(report, "w") as out:
        out.write(next(line for line in status if line.startswith("VmHWM:")).split()[1])
"""


def import_peak_mb(folder: Path, count: int) -> float:
    """Peak resident memory of `boamps store import` of `count` reports (one JSON Lines file,
    written in slices) into a new SQLite store, in MB (Linux)."""
    lines = folder / f"reports-{count}.jsonl"
    with open(lines, "w", encoding="utf-8") as out:
        for start in range(0, count, 10_000):
            out.write("\n".join(texts(min(10_000, count - start), start)) + "\n")
    peak = folder / "peak.txt"
    db = str(folder / f"memory-{count}.db")
    done = subprocess.run(
        [sys.executable, "-c", MEASURED, str(peak), "store", "import", str(lines), "--db", db],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and f"{count} added" in done.stderr, done.stderr
    lines.unlink()
    return int(peak.read_text()) / 1024  # kB


def main() -> int:
    imported = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    summed = int(sys.argv[2]) if len(sys.argv) > 2 else 200_000
    small = int(sys.argv[3]) if len(sys.argv) > 3 else 100_000
    large = int(sys.argv[4]) if len(sys.argv) > 4 else 1_000_000
    lines = texts(imported)
    with tempfile.TemporaryDirectory() as folder:
        base_rate, base_cpu = baseline(Path(folder) / "plain.db", lines)
        rate, cpu_rate, own_rate = ours(Path(folder) / "store.db", lines)
        seconds, groups = summary_seconds(Path(folder) / "summed.db", summed)
        del lines
        small_mb = import_peak_mb(Path(folder), small)
        large_mb = import_peak_mb(Path(folder), large)
    flat = large_mb <= MEMORY_TARGET_MB and large_mb <= small_mb * MEMORY_GROWTH
    print(f"reports imported:   {imported}")
    print(
        f"plain executemany:  {base_rate:,.0f} reports/s (id and text only; "
        f"{base_cpu:,.0f}/s of CPU time)"
    )
    print(
        f"Store.add:          {rate:,.0f} reports/s (columns, measures, components, checks; "
        f"{cpu_rate:,.0f}/s of CPU time, its workers' included; {own_rate:,.0f}/s of "
        "the adding process's)"
    )
    print(
        f"ratio:              {rate / base_rate:.2f}x the plain executemany "
        f"({cpu_rate / base_cpu:.2f}x in CPU time)"
    )
    print(f"target {IMPORT_TARGET:,}/s:    {'met' if rate >= IMPORT_TARGET else 'MISSED'}")
    print(f"stored to sum:      {summed} reports")
    print(f"summary by project: {seconds:.3f} s ({groups} groups)")
    print(
        f"target {SUMMARY_TARGET_S:g} s:        {'met' if seconds < SUMMARY_TARGET_S else 'MISSED'}"
    )
    print(f"store import peak:  {small_mb:.0f} MB for {small} reports")
    print(f"                    {large_mb:.0f} MB for {large} reports")
    print(f"ratio:              {large_mb / small_mb:.2f}x for {large / small:g}x the reports")
    print(f"target flat, <= {MEMORY_TARGET_MB} MB: {'met' if flat else 'MISSED'}")
    return 0 if rate >= IMPORT_TARGET and seconds < SUMMARY_TARGET_S and flat else 1


if __name__ == "__main__":
    sys.exit(main())
