"""Command-line figures: start-up time of --help, and `validate` on 10,000 report files.

Targets: --help under 0.3 s; 10,000 files validated in under 3 s. The baseline, measured in
the same run, is the bare interpreter starting (`python -c pass`).
Usage: python benchmarks/cli_speed.py [N_FILES]
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from factories import make_report


def timed(args: list[str], repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(args, capture_output=True, check=False)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    python = sys.executable
    bare = timed([python, "-c", "pass"])
    help_time = timed([python, "-m", "boamps_carbon", "--help"])
    with tempfile.TemporaryDirectory() as folder:
        for index in range(count):
            report = make_report(full=index % 2 == 0)
            Path(folder, f"r{index:05}.json").write_text(json.dumps(report), encoding="utf-8")
        many = timed([python, "-m", "boamps_carbon", "validate", folder], repeat=1)
    print(f"python -c pass:        {bare:.3f} s (baseline)")
    print(
        f"boamps --help:         {help_time:.3f} s ({help_time / bare:.1f}x baseline, target 0.3 s)"
    )
    print(f"validate {count} files: {many:.3f} s ({count / many:,.0f} files/s, target 3 s)")
    return 0 if help_time < 0.3 and many < 3 else 1


if __name__ == "__main__":
    sys.exit(main())
