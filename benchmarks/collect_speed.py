"""Time `generate_report` adds after a tracker's stop(), with no network.

Target (issue #4): at most 50 ms. The baseline, measured in the same run, is CodeCarbon's
own stop() of the same tracker.
Usage: python benchmarks/collect_speed.py [RUNS]
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 50.0


def main() -> int:
    from boamps_carbon import generate_report
    from boamps_carbon.tracking import new_tracker

    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    context = ROOT / "examples" / "context.json"
    stops, reports = [], []
    for index in range(runs):
        tracker = new_tracker({"country_iso_code": "FRA", "measure_power_secs": 1})
        tracker.start()
        time.sleep(0.3)
        start = time.perf_counter()
        tracker.stop()
        stops.append(time.perf_counter() - start)
        start = time.perf_counter()
        generate_report(tracker, context)
        elapsed = time.perf_counter() - start
        if index:  # the first call pays for loading tables and schemas once per process
            reports.append(elapsed)
        else:
            first = elapsed
    stop_ms = statistics.median(stops) * 1000
    report_ms = statistics.median(reports) * 1000 if reports else first * 1000
    print(f"tracker.stop():          {stop_ms:.1f} ms (baseline, median of {runs})")
    print(f"generate_report, first:  {first * 1000:.1f} ms (loads tables and schemas)")
    print(
        f"generate_report:         {report_ms:.1f} ms (median), {report_ms / stop_ms:.1f}x stop()"
    )
    print(f"target {TARGET_MS:.0f} ms:           {'met' if report_ms <= TARGET_MS else 'MISSED'}")
    return 0 if report_ms <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
