"""Rows per second and peak memory of `convert` on a Parquet file, against the same rows as
a CodeCarbon CSV converted in the same run (the baseline), and whether both outputs are the
same bytes. Memory must not grow with the number of rows: the file is read a batch at a
time (a row group of 65,536 rows is the most pyarrow holds), so the peak for N and for 2N
rows should be about the same once N passes a row group.

Usage: python benchmarks/parquet_speed.py [ROWS]   (default 80,000; needs pyarrow)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from convert_speed import CONTEXT, make_csv

# the child reports its own peak: RUSAGE_CHILDREN would keep the largest child's
CHILD = (
    "import resource, sys\n"
    "from boamps_carbon.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def to_parquet(csv_path: Path, out: Path) -> None:
    import pyarrow.csv as pa_csv
    import pyarrow.parquet as pq

    # a data lake's file: types inferred, row groups of 64k rows, read back a batch at a time
    reader = pa_csv.open_csv(csv_path)
    with pq.ParquetWriter(out, reader.schema) as writer:
        for batch in reader:
            writer.write_batch(batch, row_group_size=65_536)


def convert(path: Path, out: Path) -> tuple[float, float]:
    """The real command in a child process: wall time and peak memory (MB)."""
    start = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            CHILD,
            "convert",
            str(path),
            "--context",
            str(CONTEXT),
            "-o",
            str(out),
            "--force",
        ],
        check=True,
        stderr=subprocess.PIPE,
        text=True,
    )
    elapsed = time.perf_counter() - start
    return elapsed, int(done.stderr.splitlines()[-1]) / 1024


def main() -> int:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 80_000
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        peaks = []
        for count in (rows, 2 * rows):
            make_csv(base / "emissions.csv", count)
            to_parquet(base / "emissions.csv", base / "emissions.parquet")
            csv_time, csv_peak = convert(base / "emissions.csv", base / "csv.jsonl")
            pq_time, pq_peak = convert(base / "emissions.parquet", base / "parquet.jsonl")
            peaks.append(pq_peak)
        same = (base / "csv.jsonl").read_bytes() == (base / "parquet.jsonl").read_bytes()
        size = (base / "emissions.parquet").stat().st_size / 1e6
    rows *= 2
    print(f"rows:                 {rows:,} ({size:.0f} MB of Parquet)")
    print(f"CSV (baseline):       {rows / csv_time:,.0f} rows/s, peak {csv_peak:.0f} MB")
    print(f"Parquet:              {rows / pq_time:,.0f} rows/s, peak {pq_peak:.0f} MB")
    print(f"ratio:                {csv_time / pq_time:.2f}x the CSV's speed")
    print(
        f"Parquet peak:         {peaks[0]:.0f} MB at {rows // 2:,} rows, "
        f"{peaks[1]:.0f} MB at {rows:,}"
    )
    print(f"same bytes as the CSV: {'yes' if same else 'NO'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
