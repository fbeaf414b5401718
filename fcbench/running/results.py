"""Turning a run's sample results into ``results.json``: per-task metrics and run totals.

Rebuilt from ``samples.jsonl`` alone, so an interrupted and resumed run gives
exactly the same numbers as an uninterrupted one.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any, Iterable, Protocol, Sequence

from fcbench.records import SampleResult, Score
from fcbench.runlog import MetricInfo, Outcomes, ResultTotals, RunResults, TaskResults
from fcbench.scoring.metrics import undeclared
from fcbench.scoring.stats import bootstrap_interval, wilson_interval
from fcbench.task import Task
from fcbench.version import __version__

CONFIDENCE = 0.95
BOOTSTRAP_RESAMPLES = 1000


class _Plan(Protocol):
    task: Task
    samples: Sequence[Any]


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in [0, 100]) of a non-empty sequence."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def latency_summary(latencies: Sequence[float]) -> dict[str, float]:
    if not latencies:
        return {}
    return {"mean": round(sum(latencies) / len(latencies), 6),
            **{f"p{q}": round(percentile(latencies, q), 6) for q in (50, 90, 99)}}


def main_score_interval(task: Task, scores: Sequence[Score]) -> tuple[list[float] | None, str | None]:
    """95 % interval of the main score: Wilson for the pass rate, else a seeded bootstrap over samples."""
    if not scores:
        return None, None
    if task.main_metric == "accuracy":
        low, high = wilson_interval(sum(1 for s in scores if s.passed), len(scores), CONFIDENCE)
        return [round(low, 6), round(high, 6)], "wilson"
    if task.aggregate(scores).get(task.main_metric) is None:
        return None, None
    low, high = bootstrap_interval(scores, lambda xs: task.aggregate(list(xs))[task.main_metric],
                                   CONFIDENCE, BOOTSTRAP_RESAMPLES, seed=0)
    return [round(low, 6), round(high, 6)], f"bootstrap-{BOOTSTRAP_RESAMPLES}"


def task_results(task: Task, results: Iterable[SampleResult], checksum: str | None = None,
                 outcomes: Outcomes | None = None) -> TaskResults:
    results = list(results)
    scored = [r for r in results if r.status == "scored"]
    scores = [Score(bool(r.passed), r.metrics, r.failures, r.details) for r in scored]
    metrics = task.aggregate(scores) if scores else {}
    declared = [*task.metrics, *undeclared(task.metrics, {k for s in scores for k in s.metrics})]
    failures = Counter(f for r in scored for f in r.failures)
    ci, ci_method = main_score_interval(task, scores)
    judged_by = Counter(str(r.details["rules"]) for r in scored if r.details.get("rules"))
    return TaskResults(
        name=task.name, version=task.version, n=len(scored), n_infra_error=len(results) - len(scored),
        n_passed=sum(1 for s in scores if s.passed), main_metric=task.main_metric,
        score=metrics.get(task.main_metric), ci=(ci[0], ci[1]) if ci else None, ci_method=ci_method,
        metrics={k: round(v, 6) for k, v in metrics.items()},
        failures=dict(sorted(failures.items(), key=lambda kv: (-kv[1], kv[0]))),
        checksum=checksum, outcomes=outcomes,
        # a rules profile that judges some samples only (--rules bfcl) says how many
        rules_judged=dict(sorted(judged_by.items())),
        metric_info={m.name: MetricInfo(**m.info()) for m in declared if m.name in metrics},
        report_metrics=tuple(task.report_metrics),
        absent_metrics={m.name: m.needs for m in task.metrics if m.needs and scores and m.name not in metrics})


def outcome_string(samples: Sequence[Any], latest: dict[str, SampleResult]) -> Outcomes:
    """Per-sample pass/fail in data order: '1' passed, '0' failed, '.' not scored.

    With the hash of the ordered sample ids, two results files over the same data
    can be compared sample by sample (a paired test) without their samples.jsonl.
    """
    ids = [s.id for s in samples]
    marks = []
    for sample_id in ids:
        r = latest.get(sample_id)
        marks.append("." if r is None or r.status != "scored" else "1" if r.passed else "0")
    digest = hashlib.sha256("\n".join(ids).encode("utf-8")).hexdigest()[:16]
    return Outcomes(digest, "".join(marks))


def build_results(plans: Sequence[_Plan], latest: dict[str, SampleResult],
                  manifest: dict[str, Any]) -> RunResults:
    """Per-task metrics. Deterministic: no timing, so a resumed run matches an uninterrupted one."""
    per_task: dict[str, TaskResults] = {}
    mine_all: list[SampleResult] = []
    for plan in plans:
        mine = [latest[s.id] for s in plan.samples if s.id in latest]
        mine_all.extend(mine)
        # The data version travels with the scores, so a bare results.json can be compared.
        data = (manifest.get("tasks") or {}).get(plan.task.name) or {}
        per_task[plan.task.name] = task_results(plan.task, mine, data.get("checksum", getattr(plan, "checksum", None)),
                                                outcome_string(plan.samples, latest))
    n_samples = sum(len(p.samples) for p in plans)
    infra_kinds = Counter(r.output.infra_error.kind for r in mine_all
                          if r.status == "infra_error" and r.output.infra_error)
    return RunResults(
        fcbench_version=__version__, model=manifest.get("model"), mode=manifest.get("mode"),
        rules=manifest.get("rules") or "fcbench", split=manifest.get("split"), suite=manifest.get("suite"),
        limit=manifest.get("limit"), created=manifest.get("created"), fingerprint=manifest.get("fingerprint"),
        tasks=per_task, protocol=manifest.get("protocol") or "plan", budget=manifest.get("budget"),
        shard=manifest.get("shard"),
        totals=ResultTotals(samples=n_samples, scored=sum(1 for r in mine_all if r.status == "scored"),
                            infra_errors=sum(infra_kinds.values()), infra_error_kinds=dict(sorted(infra_kinds.items())),
                            missing=n_samples - len(mine_all)))


def runtime_totals(latest: Iterable[SampleResult]) -> dict[str, Any]:
    """Tokens, latency and retries of the answers a run holds (for run.json and reports)."""
    latest = list(latest)
    answered = [r for r in latest if r.output.infra_error is None]
    return {
        "prompt_tokens": sum(r.output.usage.prompt_tokens for r in answered),
        "completion_tokens": sum(r.output.usage.completion_tokens for r in answered),
        "latency_s": latency_summary([r.output.latency_s for r in answered]),
        "retried_attempts": sum(max(0, r.output.attempts - 1) for r in latest),
        # answers that stopped at the token limit (OpenAI's "length", Anthropic's "max_tokens"):
        # scored as they are, but a reader must know a low score may be --max-tokens' doing
        "truncated": sum(1 for r in answered if r.output.finish_reason == "length"),
    }
