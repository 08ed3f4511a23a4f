"""The statistics of repeated runs: mean, standard deviation, a t-based 95% interval,
Welch's t-test, and a seeded bootstrap interval of a relative difference.

Student's t distribution comes from scipy (imported here only, when a comparison needs it)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

MIN_RUNS = 3  # fewer runs make an interval or a test meaningless: said, never computed
LEVEL = 0.95
RESAMPLES = 10_000
# draws of one bootstrap at most: past 20,000 runs in all, fewer resamples, never below 1,000
DRAWS = 200_000_000
MIN_RESAMPLES = 1_000
_BLOCK = 1_000_000  # drawn indices held at once by the bootstrap


@dataclass(frozen=True)
class Spread:
    runs: int
    mean: float
    sd: float  # sample standard deviation (n - 1); NaN below 2 runs
    low: float  # t-based 95% interval of the mean; NaN below MIN_RUNS
    high: float


def t_quantile(probability: float, df: float) -> float:
    from scipy.stats import t

    return float(t.ppf(probability, df))


def spread(values: Sequence[float]) -> Spread:
    n = len(values)
    if n == 0:
        nan = math.nan
        return Spread(0, nan, nan, nan, nan)
    if min(values) == max(values):  # exactly: rounding must not invent a spread
        mean, sd = float(values[0]), (0.0 if n > 1 else math.nan)
    else:
        mean = average(values)
        sd = _sd(values, mean) if n > 1 else math.nan
    if n < MIN_RUNS:
        return Spread(n, mean, sd, math.nan, math.nan)
    half = t_quantile((1 + LEVEL) / 2, n - 1) * sd / math.sqrt(n)
    return Spread(n, mean, sd, mean - half, mean + half)


def average(values: Sequence[float]) -> float:
    """The exact mean; values near the float limit (1e308) are divided first, so that their
    sum cannot overflow."""
    try:
        return math.fsum(values) / len(values)
    except OverflowError:
        return math.fsum(v / len(values) for v in values)


def _sd(values: Sequence[float], mean: float) -> float:
    try:
        return math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (len(values) - 1))
    except OverflowError:  # squares past the float limit: the same sum, scaled down
        scale = max(abs(v - mean) for v in values)
        squares = math.fsum(((v - mean) / scale) ** 2 for v in values)
        return scale * math.sqrt(squares / (len(values) - 1))


def welch_p(a: Sequence[float], b: Sequence[float]) -> float:
    """Two-sided p-value of Welch's t-test (unequal variances); NaN when it is undefined:
    fewer than MIN_RUNS in a group, or no spread in either."""
    if len(a) < MIN_RUNS or len(b) < MIN_RUNS:
        return math.nan
    sa, sb = spread(a), spread(b)
    va, vb = sa.sd * sa.sd / sa.runs, sb.sd * sb.sd / sb.runs  # * gives inf, ** raises
    if va + vb == 0:
        return math.nan
    statistic = (sa.mean - sb.mean) / math.sqrt(va + vb)
    df = (va + vb) * (va + vb) / (va * va / (sa.runs - 1) + vb * vb / (sb.runs - 1))
    from scipy.stats import t

    return float(2 * t.sf(abs(statistic), df))


def relative_difference(variant: Sequence[float], baseline: Sequence[float]) -> float:
    """mean(variant) / mean(baseline) - 1: -0.38 is 38% less than the baseline."""
    base = average(baseline) if baseline else math.nan
    if not variant or not base:
        return math.nan
    return average(variant) / base - 1


def effective_resamples(resamples: int, runs: int) -> int:
    """The resamples a bootstrap over `runs` values in all makes: `resamples`, or fewer
    (not below MIN_RESAMPLES) when that would take more than DRAWS draws."""
    return min(resamples, max(MIN_RESAMPLES, DRAWS // max(runs, 1)))


def bootstrap_interval(
    variant: Sequence[float],
    baseline: Sequence[float],
    seed: int = 0,
    resamples: int = RESAMPLES,
) -> tuple[float, float]:
    """Percentile 95% interval of the relative difference, each group resampled with
    replacement on its own; the same seed and values always give the same interval.
    Its cost is resamples x runs: large groups get fewer resamples (DRAWS)."""
    if len(variant) < MIN_RUNS or len(baseline) < MIN_RUNS:
        return math.nan, math.nan
    import numpy as np

    resamples = effective_resamples(resamples, len(variant) + len(baseline))
    rng = np.random.default_rng(seed)
    a, b = np.asarray(variant, dtype=float), np.asarray(baseline, dtype=float)
    block = max(1, _BLOCK // max(len(a), len(b)))
    ratios = []
    for start in range(0, resamples, block):
        size = min(block, resamples - start)
        # sums past the float limit give inf (then no interval), not a warning
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            mean_a = a[rng.integers(0, len(a), size=(size, len(a)), dtype=np.int32)].mean(axis=1)
            mean_b = b[rng.integers(0, len(b), size=(size, len(b)), dtype=np.int32)].mean(axis=1)
            ratios.append(mean_a / mean_b - 1)
    found = np.concatenate(ratios)
    if not np.all(np.isfinite(found)):
        return math.nan, math.nan  # a resampled baseline of 0: no ratio to speak of
    tail = (1 - LEVEL) / 2 * 100
    low, high = np.percentile(found, [tail, 100 - tail])
    return float(low), float(high)
