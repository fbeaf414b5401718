"""Small statistics for scores and score differences (standard library only).

Intervals:
- `wilson_interval`: a proportion (a pass rate); behaves well at 0 % and 100 %
  where the textbook normal interval collapses to a point.
- `bootstrap_interval`: any statistic of a list of per-sample items
  (percentile bootstrap, seeded, so the same data always gives the same interval).
- `newcombe_interval`: the difference of two independent proportions
  (Newcombe's hybrid score interval, built from two Wilson intervals).
- `paired_difference_interval`: the change of a pass rate between two paired runs.

Tests (one-sided: "is B worse than A?"):
- `mcnemar_one_sided`: exact McNemar test on paired pass/fail outcomes.
- `two_proportion_one_sided`: pooled z test for two independent proportions.
- `holm_adjust`: Holm-Bonferroni adjusted p-values for a family of tests.
"""

from __future__ import annotations

import math
import random
from statistics import NormalDist
from typing import Callable, Sequence, TypeVar

T = TypeVar("T")

_NORMAL = NormalDist()


def z_value(confidence: float) -> float:
    """Two-sided normal quantile: 1.96 for 0.95."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    return _NORMAL.inv_cdf(0.5 + confidence / 2)


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a proportion ``successes / n``."""
    if n <= 0:
        raise ValueError("n must be positive")
    if not 0 <= successes <= n:
        raise ValueError(f"successes must be in [0, {n}], got {successes}")
    z = z_value(confidence)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    # Exact ends at the edges (floating point would give 1e-17 instead of 0).
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return low, high


def bootstrap_interval(items: Sequence[T], statistic: Callable[[Sequence[T]], float],
                       confidence: float = 0.95, resamples: int = 1000,
                       seed: int = 0) -> tuple[float, float]:
    """Percentile bootstrap interval of ``statistic(items)``, resampling items with replacement."""
    if not items:
        raise ValueError("cannot bootstrap an empty sample")
    rng = random.Random(seed)
    values = sorted(statistic(rng.choices(items, k=len(items))) for _ in range(resamples))
    return _percentile_pair(values, confidence)


def _percentile_pair(ordered: Sequence[float], confidence: float) -> tuple[float, float]:
    tail = (1 - confidence) / 2
    last = len(ordered) - 1
    return ordered[int(math.floor(tail * last))], ordered[int(math.ceil((1 - tail) * last))]


def newcombe_interval(x_a: int, n_a: int, x_b: int, n_b: int,
                      confidence: float = 0.95) -> tuple[float, float]:
    """Interval of ``x_b/n_b - x_a/n_a`` for independent samples (Newcombe 1998, method 10)."""
    p_a, p_b = x_a / n_a, x_b / n_b
    low_a, high_a = wilson_interval(x_a, n_a, confidence)
    low_b, high_b = wilson_interval(x_b, n_b, confidence)
    delta = p_b - p_a
    low = delta - math.sqrt((p_b - low_b) ** 2 + (high_a - p_a) ** 2)
    high = delta + math.sqrt((high_b - p_b) ** 2 + (p_a - low_a) ** 2)
    return max(-1.0, low), min(1.0, high)


def paired_difference_interval(worse: int, better: int, n: int,
                               confidence: float = 0.95) -> tuple[float, float]:
    """Interval of the change in a pass rate between two paired runs over the same n samples.

    `worse` samples passed in A and failed in B, `better` the reverse; the change
    is ``(better - worse) / n``. Bonett-Price adjusted Wald interval (2012): add
    one to each discordant count and two to n, which keeps good coverage even
    when there are few or no discordant samples.
    """
    if n <= 0 or worse < 0 or better < 0 or worse + better > n:
        raise ValueError("need 0 <= worse + better <= n and n > 0")
    z = z_value(confidence)
    p_worse, p_better = (worse + 1) / (n + 2), (better + 1) / (n + 2)
    diff = p_better - p_worse
    se = math.sqrt(max(0.0, p_worse + p_better - diff * diff) / (n + 2))
    return max(-1.0, diff - z * se), min(1.0, diff + z * se)


def binomial_upper_tail(k: int, n: int, p: float = 0.5) -> float:
    """P(X >= k) for X ~ Binomial(n, p), summed exactly in log space."""
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    log_p, log_q = math.log(p), math.log1p(-p)
    total = 0.0
    for i in range(k, n + 1):
        total += math.exp(math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1)
                          + i * log_p + (n - i) * log_q)
    return min(1.0, total)


def mcnemar_one_sided(worse: int, better: int) -> float:
    """Exact McNemar p-value for "B is worse than A" on paired pass/fail outcomes.

    `worse` = samples A passed and B failed; `better` = samples A failed and B
    passed. Under "no difference" each discordant sample is a fair coin flip.
    """
    return binomial_upper_tail(worse, worse + better)


def mcnemar_two_sided(worse: int, better: int) -> float:
    """Exact two-sided McNemar p-value (twice the smaller tail, capped at 1)."""
    n = worse + better
    if n == 0:
        return 1.0
    return min(1.0, 2 * binomial_upper_tail(max(worse, better), n))


def two_proportion_one_sided(x_a: int, n_a: int, x_b: int, n_b: int) -> float:
    """Pooled z test p-value for "proportion B is lower than proportion A" (independent samples)."""
    pooled = (x_a + x_b) / (n_a + n_b)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    delta = x_b / n_b - x_a / n_a
    if se == 0:
        return 1.0 if delta >= 0 else 0.0
    return _NORMAL.cdf(delta / se)


def two_proportion_two_sided(x_a: int, n_a: int, x_b: int, n_b: int) -> float:
    one = two_proportion_one_sided(x_a, n_a, x_b, n_b)
    return min(1.0, 2 * min(one, 1 - one))


def holm_adjust(pvalues: Sequence[float]) -> list[float]:
    """Holm-Bonferroni adjusted p-values, in the input order.

    Rejecting every test whose adjusted p is below alpha keeps the chance of
    any false rejection in the family at or below alpha.
    """
    m = len(pvalues)
    order = sorted(range(m), key=lambda i: (pvalues[i], i))
    adjusted = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * pvalues[i]))
        adjusted[i] = running
    return adjusted
