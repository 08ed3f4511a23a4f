"""Reports validated per second in-process, against plain jsonschema measured in the same run.

Target: at least 20,000 reports/s, with the same verdict as jsonschema on every report.
Usage: python benchmarks/validate_speed.py [N]
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

import jsonschema

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from factories import make_report
from mutations import mutate

from boamps_carbon.schema import SchemaVersion, load_schema
from boamps_carbon.validation import validate

TARGET = 20_000


def sample(count: int) -> list[dict]:
    """Half valid reports, half damaged ones, as a mixed real-world batch would be."""
    rng = random.Random(7)
    bases = [make_report(full=True), make_report()]
    out = []
    for index in range(count):
        base = bases[index % 2]
        out.append(base if rng.random() < 0.5 else mutate(base, index)[1])
    return out


def per_second(function, reports: list[dict]) -> tuple[float, list[bool]]:
    start = time.perf_counter()
    verdicts = [function(report) for report in reports]
    return len(reports) / (time.perf_counter() - start), verdicts


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    reports = sample(count)
    reference = jsonschema.Draft4Validator(load_schema(SchemaVersion.V1_1))
    base_rate, base_verdicts = per_second(reference.is_valid, reports)
    ours_rate, ours_verdicts = per_second(lambda r: not validate(r).errors, reports)
    agree = base_verdicts == ours_verdicts
    print(f"reports:            {count} ({sum(ours_verdicts)} valid)")
    print(f"jsonschema:         {base_rate:,.0f} reports/s (verdict only)")
    print(f"boamps_carbon:      {ours_rate:,.0f} reports/s (every problem, with semantic rules)")
    print(f"ratio:              {ours_rate / base_rate:.1f}x jsonschema")
    print(f"same verdicts:      {agree}")
    print(f"target {TARGET:,}/s:    {'met' if ours_rate >= TARGET else 'MISSED'}")
    return 0 if agree and ours_rate >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
