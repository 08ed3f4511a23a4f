"""Measure a small training run and write its BoAmps report: the three lines to add to a script.

Run: python examples/track_training.py [OUTPUT]   (default: boamps-reports/)
"""

import sys
from pathlib import Path

from boamps_carbon import track

HERE = Path(__file__).resolve().parent


def train(epochs: int = 600) -> float:
    """A tiny logistic regression by gradient descent, in plain Python."""
    data = [((i % 7) / 7, (i % 5) / 5, 1.0 if (i % 7) > (i % 5) else 0.0) for i in range(2000)]
    w1 = w2 = bias = 0.0
    for _ in range(epochs):
        for x1, x2, y in data:
            z = w1 * x1 + w2 * x2 + bias
            p = 1 / (1 + 2.718281828**-z)
            w1, w2, bias = w1 - 0.1 * (p - y) * x1, w2 - 0.1 * (p - y) * x2, bias - 0.1 * (p - y)
    return w1 - w2


if __name__ == "__main__":
    output = sys.argv[1] if len(sys.argv) > 1 else "boamps-reports"
    # CodeCarbon samples power every measure_power_secs (15 s by default): a run of about
    # a second needs a shorter interval, or it records almost no energy
    with track(
        HERE / "context.json", output, country_iso_code="FRA", measure_power_secs=0.5
    ) as measured:
        train()
    print(f"wrote {measured.path}: {measured.report.measures[0].power_consumption:.3g} kWh")
