"""fcbench.scoring.stats against published values and exact hand computations; CIs in results.json."""

from __future__ import annotations

import math
import random
from itertools import product

import pytest

from fcbench.records import ModelOutput, SampleResult
from fcbench.running.results import task_results
from fcbench.scoring.stats import (
    binomial_upper_tail,
    bootstrap_interval,
    holm_adjust,
    mcnemar_one_sided,
    mcnemar_two_sided,
    newcombe_interval,
    paired_difference_interval,
    two_proportion_one_sided,
    wilson_interval,
)
from fcbench.task import Task

# Newcombe (1998), "Two-sided confidence intervals for the single proportion", Table I, method 3 (Wilson).
WILSON_PUBLISHED = [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
]


@pytest.mark.parametrize("x, n, low, high", WILSON_PUBLISHED)
def test_wilson_matches_published_values(x, n, low, high):
    got = wilson_interval(x, n)
    assert got == pytest.approx((low, high), abs=5e-5)


def test_wilson_edges_are_exact_and_never_leave_0_1():
    assert wilson_interval(0, 7)[0] == 0.0 and wilson_interval(7, 7)[1] == 1.0
    for x in range(0, 11):
        low, high = wilson_interval(x, 10)
        assert 0 <= low <= x / 10 <= high <= 1
    with pytest.raises(ValueError):
        wilson_interval(3, 0)


def test_wilson_covers_about_95_percent():
    """Coverage by simulation at p = 0.7, n = 200: within a point or two of 95 %."""
    rng = random.Random(7)
    hits = 0
    for _ in range(2000):
        x = sum(rng.random() < 0.7 for _ in range(200))
        low, high = wilson_interval(x, 200)
        hits += low <= 0.7 <= high
    assert 0.93 <= hits / 2000 <= 0.97


# Newcombe (1998), "Interval estimation for the difference between independent proportions", method 10.
@pytest.mark.parametrize("x_a, n_a, x_b, n_b, low, high", [
    (48, 80, 56, 70, 0.0524, 0.3339),
    (3, 10, 9, 10, 0.1705, 0.8090),
])
def test_newcombe_difference_matches_published_values(x_a, n_a, x_b, n_b, low, high):
    assert newcombe_interval(x_a, n_a, x_b, n_b) == pytest.approx((low, high), abs=5e-5)


def test_bootstrap_is_seeded_and_agrees_with_wilson_for_a_proportion():
    items = [1.0] * 140 + [0.0] * 60
    mean = lambda xs: sum(xs) / len(xs)
    first = bootstrap_interval(items, mean, seed=3)
    assert first == bootstrap_interval(items, mean, seed=3), "same seed, same interval"
    assert first == pytest.approx(wilson_interval(140, 200), abs=0.015)
    assert bootstrap_interval([0.5] * 10, mean) == (0.5, 0.5), "no spread, no width"


def test_binomial_tail_equals_brute_force():
    for n in range(0, 9):
        for k in range(0, n + 2):
            brute = sum(1 for bits in product((0, 1), repeat=n) if sum(bits) >= k) / 2 ** n
            assert binomial_upper_tail(k, n) == pytest.approx(brute, abs=1e-12)


@pytest.mark.parametrize("worse, better, one_sided, two_sided, why", [
    (0, 0, 1.0, 1.0, "no discordant samples: no evidence"),
    (10, 0, 2 ** -10, 2 * 2 ** -10, "ten flips one way: 1/1024"),
    (3, 10, 1 - 92 / 8192, 2 * 378 / 8192, "more improved than worsened: one-sided p near 1"),
    (5, 5, 0.623, 1.0, "balanced flips"),
])
def test_mcnemar_exact(worse, better, one_sided, two_sided, why):
    assert mcnemar_one_sided(worse, better) == pytest.approx(one_sided, abs=1e-3), why
    assert mcnemar_two_sided(worse, better) == pytest.approx(two_sided, abs=1e-9), why


def test_two_proportion_z():
    assert two_proportion_one_sided(50, 100, 50, 100) == pytest.approx(0.5)
    # 60/100 -> 45/100: pooled p 0.525, se 0.07062, z = -2.124 -> p = 0.0168
    assert two_proportion_one_sided(60, 100, 45, 100) == pytest.approx(0.0168, abs=2e-4)
    assert two_proportion_one_sided(10, 10, 10, 10) == 1.0, "no variance and no drop"


def test_paired_difference_interval():
    low, high = paired_difference_interval(5, 5, 200)
    assert low == pytest.approx(-high) and 0 < high < 0.05, "balanced flips: centred on zero"
    low, high = paired_difference_interval(15, 5, 200)
    assert low < -0.05 < high < 0, "ten net losses in 200: about -5 points, excluding zero"
    assert paired_difference_interval(0, 0, 200)[1] < paired_difference_interval(0, 0, 20)[1]
    # Agrees with a paired bootstrap on the same data within a point.
    diffs = [-1.0] * 15 + [1.0] * 5 + [0.0] * 180
    boot = bootstrap_interval(diffs, lambda d: sum(d) / len(d), resamples=4000, seed=1)
    assert paired_difference_interval(15, 5, 200) == pytest.approx(boot, abs=0.01)


def test_holm_adjustment():
    assert holm_adjust([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert holm_adjust([0.2]) == [0.2] and holm_adjust([]) == []
    assert holm_adjust([0.5, 0.6]) == [1.0, 1.0], "capped at 1"


# ------------------------------------------------------------ results.json
class CountingTask(Task):
    name = "counting"
    version = "1"


class MeanScoreTask(Task):
    """A third-party style task whose main metric is not the pass rate."""

    name = "mean_score"
    version = "1"
    main_metric = "quality"


def result(i: int, passed: bool, quality: float = 0.0) -> SampleResult:
    return SampleResult(f"s{i}", "t", "scored", ModelOutput(), passed, {"quality": quality},
                        () if passed else ("wrong_value",))


def test_task_results_carry_a_wilson_interval_of_the_pass_rate():
    rows = [result(i, i < 30) for i in range(40)] + [
        SampleResult("x", "t", "infra_error", ModelOutput())]
    out = task_results(CountingTask(), rows)
    assert (out.n, out.n_passed, out.score) == (40, 30, 0.75)
    assert out.ci_method == "wilson"
    assert out.ci == pytest.approx(wilson_interval(30, 40), abs=1e-6)


def test_task_results_bootstrap_a_non_proportion_main_metric():
    rows = [result(i, True, quality=(i % 5) / 4) for i in range(50)]
    out = task_results(MeanScoreTask(), rows)
    assert out.ci_method.startswith("bootstrap")
    low, high = out.ci
    assert low < out.score < high and high - low < 0.3
    assert task_results(MeanScoreTask(), rows).ci == out.ci, "seeded: same data, same interval"


def test_task_results_without_scored_samples_have_no_interval():
    out = task_results(CountingTask(), [SampleResult("x", "t", "infra_error", ModelOutput())])
    assert out.ci is None and out.score is None and not math.isnan(out.n)
