"""Comparing two runs sub-task by sub-task: scores, delta, a paired test, flipped samples.

A run is given as a run folder or as a ``results.json``. Per-sample outcomes come
from ``samples.jsonl`` when both sides have it (sample ids and failure categories),
else from the outcome string ``results.json`` carries per task (pass/fail in data
order, with a hash of the ordered ids). Only when the two sides cannot be paired
(an older results file without outcomes) does the comparison fall back to an
unpaired test, and it says so.

Runs over different data (task version or data checksum) are refused: their
numbers do not measure the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fcbench.errors import UsageError
from fcbench.runlog import Outcomes, read_run
from fcbench.scoring.stats import (
    mcnemar_one_sided,
    mcnemar_two_sided,
    newcombe_interval,
    paired_difference_interval,
    two_proportion_one_sided,
    two_proportion_two_sided,
)

CONFIDENCE = 0.95


@dataclass
class TaskScores:
    """One sub-task of one run, as far as comparison needs it."""

    name: str
    version: str | None
    checksum: str | None
    n: int
    n_passed: int
    score: float | None
    ci: list[float] | None
    # sample id -> (passed, failure categories), from samples.jsonl
    by_id: dict[str, tuple[bool, tuple[str, ...]]] | None = None
    # "#<position in the data file>" -> (passed, ()), from results.json's outcome string
    by_position: dict[str, tuple[bool, tuple[str, ...]]] | None = None
    ids_hash: str | None = None  # hash of the ordered ids behind the positions
    n_infra_error: int = 0  # samples the run asked but could not score (excluded from n)


@dataclass
class RunScores:
    source: str
    model: str
    mode: str | None
    rules: str
    split: str | None
    suite: str
    created: str | None
    fcbench_version: str | None
    limit: int | None
    tasks: dict[str, TaskScores] = field(default_factory=dict)
    protocol: str = "plan"
    shard: str | None = None  # "i/N" when the results are one shard of a run


def _positional_outcomes(outcomes: Outcomes | None) -> tuple[dict | None, str | None]:
    if outcomes is None:
        return None, None
    return ({f"#{i}": (mark == "1", ()) for i, mark in enumerate(outcomes.passed) if mark in "01"},
            outcomes.ids_sha256)


def load_scores(path: Path | str) -> RunScores:
    """Read a run folder or a results.json (with run.json and samples.jsonl beside it when present)."""
    run = read_run(path)
    results = run.results
    assert results is not None, "read_run gives a finished run"
    data = run.manifest.data_of if run.manifest is not None else {}
    per_sample = None
    if run.has_samples:
        per_sample = {}
        for result in run.samples().values():
            if result.status == "scored":
                per_sample.setdefault(result.task, {})[result.sample_id] = (bool(result.passed),
                                                                            tuple(result.failures))
    scores = RunScores(
        source=str(path), model=results.model or "?", mode=results.mode, rules=results.rules,
        split=results.split, suite=results.suite_name, created=results.created,
        fcbench_version=results.fcbench_version, limit=results.limit, protocol=results.protocol,
        shard=results.shard)
    for name, t in results.tasks.items():
        by_position, ids_hash = _positional_outcomes(t.outcomes)
        known = data.get(name)
        scores.tasks[name] = TaskScores(
            name=name, version=t.version or (known.version if known else None),
            checksum=t.checksum or (known.checksum if known else None),
            n=t.n, n_passed=int(t.n_passed or 0), score=t.score, ci=list(t.ci) if t.ci else None,
            by_id=per_sample.get(name, {}) if per_sample is not None else None,
            by_position=by_position, ids_hash=ids_hash, n_infra_error=t.n_infra_error)
    return scores


def check_same_data(a: RunScores, b: RunScores, tasks: list[str]) -> None:
    """Refuse (UsageError) when any of `tasks` differs in task version or data checksum."""
    problems = []
    for name in tasks:
        ta, tb = a.tasks[name], b.tasks[name]
        if not ta.checksum or not tb.checksum:
            which = a.source if not ta.checksum else b.source
            problems.append(f"{name}: no data checksum in {which}")
        elif ta.checksum != tb.checksum:
            problems.append(f"{name}: data checksums differ")
        elif ta.version != tb.version:
            problems.append(f"{name}: task versions differ ({ta.version} vs {tb.version})")
    if problems:
        raise UsageError("the runs are over different data versions: " + "; ".join(problems))


def shared_outcomes(ta: TaskScores, tb: TaskScores) -> list[tuple[str, tuple, tuple]] | None:
    """Pairs (key, outcome in A, outcome in B) over the samples both scored, or None if unpaired.

    Sample ids (both sides have samples.jsonl) pair directly and carry failure
    categories. Otherwise positions in the data file pair when both sides hash
    the same ordered id list.
    """
    if ta.by_id is not None and tb.by_id is not None:
        a, b = ta.by_id, tb.by_id
    elif (ta.by_position is not None and tb.by_position is not None
          and ta.ids_hash is not None and ta.ids_hash == tb.ids_hash):
        a, b = ta.by_position, tb.by_position
    else:
        return None
    keys = sorted(set(a) & set(b), key=_natural_key)
    if not keys:
        return None
    return [(k, a[k], b[k]) for k in keys]


def _natural_key(key: str) -> tuple:
    return (0, int(key[1:]), "") if key.startswith("#") and key[1:].isdigit() else (1, 0, key)


@dataclass
class TaskComparison:
    task: str
    score_a: float | None
    score_b: float | None
    n_a: int
    n_b: int
    delta: float | None          # score_b - score_a
    ci: tuple[float, float] | None  # interval of the delta
    p_two_sided: float
    p_worse: float               # one-sided: "B is worse than A"
    method: str
    n_shared: int
    pass_to_fail: list[tuple[str, tuple[str, ...]]]  # (sample, B's failure categories)
    fail_to_pass: list[tuple[str, tuple[str, ...]]]  # (sample, A's failure categories)

    def to_dict(self) -> dict[str, Any]:
        return {"task": self.task, "score_a": self.score_a, "score_b": self.score_b, "n_a": self.n_a,
                "n_b": self.n_b, "delta": self.delta, "ci": list(self.ci) if self.ci else None,
                "p_two_sided": self.p_two_sided, "p_worse": self.p_worse, "method": self.method,
                "n_shared": self.n_shared,
                "pass_to_fail": [{"sample": s, "failures": list(f)} for s, f in self.pass_to_fail],
                "fail_to_pass": [{"sample": s, "failures": list(f)} for s, f in self.fail_to_pass]}


def compare_task(ta: TaskScores, tb: TaskScores, confidence: float = CONFIDENCE) -> TaskComparison:
    delta = None if ta.score is None or tb.score is None else tb.score - ta.score
    pairs = shared_outcomes(ta, tb)
    if pairs is not None:
        worse = [(k, ob[1]) for k, oa, ob in pairs if oa[0] and not ob[0]]
        better = [(k, oa[1]) for k, oa, ob in pairs if ob[0] and not oa[0]]
        ci = paired_difference_interval(len(worse), len(better), len(pairs), confidence)
        return TaskComparison(ta.name, ta.score, tb.score, ta.n, tb.n, delta, ci,
                              mcnemar_two_sided(len(worse), len(better)),
                              mcnemar_one_sided(len(worse), len(better)),
                              f"paired: exact McNemar over {len(pairs)} shared samples",
                              len(pairs), worse, better)
    if ta.n == 0 or tb.n == 0:
        return TaskComparison(ta.name, ta.score, tb.score, ta.n, tb.n, delta, None, 1.0, 1.0,
                              "no scored samples on one side", 0, [], [])
    return TaskComparison(ta.name, ta.score, tb.score, ta.n, tb.n, delta,
                          newcombe_interval(ta.n_passed, ta.n, tb.n_passed, tb.n, confidence),
                          two_proportion_two_sided(ta.n_passed, ta.n, tb.n_passed, tb.n),
                          two_proportion_one_sided(ta.n_passed, ta.n, tb.n_passed, tb.n),
                          "unpaired: two-proportion z test, Newcombe interval (no per-sample outcomes)",
                          0, [], [])


@dataclass
class Comparison:
    a: RunScores
    b: RunScores
    tasks: list[TaskComparison]
    only_a: list[str]
    only_b: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {"a": {"source": self.a.source, "model": self.a.model, "mode": self.a.mode},
                "b": {"source": self.b.source, "model": self.b.model, "mode": self.b.mode},
                "tasks": [t.to_dict() for t in self.tasks], "only_a": self.only_a, "only_b": self.only_b}


def compare_runs(a: RunScores, b: RunScores, tasks: list[str] | None = None) -> Comparison:
    shared = [t for t in a.tasks if t in b.tasks]
    if tasks is not None:
        missing = [t for t in tasks if t not in shared]
        if missing:
            raise UsageError(f"task(s) not in both runs: {', '.join(missing)}")
        shared = [t for t in shared if t in tasks]
    if not shared:
        raise UsageError("the two runs share no sub-task")
    check_same_data(a, b, shared)
    return Comparison(a, b, [compare_task(a.tasks[t], b.tasks[t]) for t in shared],
                      [t for t in a.tasks if t not in b.tasks], [t for t in b.tasks if t not in a.tasks])


# ---------------------------------------------------------------- rendering
def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}"


def _points(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:+.1f}"


def _flips(items: list[tuple[str, tuple[str, ...]]], limit: int) -> str:
    shown = [f"{s} [{', '.join(f) or '—'}]" if f else s for s, f in items[:limit]]
    more = len(items) - limit
    return ", ".join(shown) + (f", … {more} more" if more > 0 else "")


def render_markdown(comp: Comparison, max_flips: int = 20) -> str:
    lines = [f"**A** {comp.a.model} ({comp.a.mode}) `{comp.a.source}`  ",
             f"**B** {comp.b.model} ({comp.b.mode}) `{comp.b.source}`", "",
             "| sub-task | A % | B % | Δ points | 95 % CI of Δ | p (two-sided) | pass→fail | fail→pass | test |",
             "|---|---|---|---|---|---|---|---|---|"]
    for t in comp.tasks:
        ci = f"[{_points(t.ci[0])}, {_points(t.ci[1])}]" if t.ci else "—"
        lines.append(f"| {t.task} | {_pct(t.score_a)} (n {t.n_a}) | {_pct(t.score_b)} (n {t.n_b}) | "
                     f"{_points(t.delta)} | {ci} | {t.p_two_sided:.3g} | {len(t.pass_to_fail)} | "
                     f"{len(t.fail_to_pass)} | {t.method} |")
    if comp.a.mode != comp.b.mode:
        lines += ["", f"Note: the runs use different modes ({comp.a.mode} vs {comp.b.mode})."]
    if comp.a.protocol != comp.b.protocol:
        lines += ["", f"Note: the runs use different protocols ({comp.a.protocol} vs {comp.b.protocol}): a "
                      "multi-step sub-task measures a written plan in one and a conversation in the other."]
    if comp.a.rules != comp.b.rules:
        lines += ["", f"Note: the runs are scored under different rules ({comp.a.rules} vs {comp.b.rules}): "
                      "the deltas measure the rules as much as the models."]
    for label, names in (("only in A", comp.only_a), ("only in B", comp.only_b)):
        if names:
            lines += ["", f"Sub-tasks {label} (not compared): {', '.join(names)}"]
    flipped = [t for t in comp.tasks if t.pass_to_fail or t.fail_to_pass]
    if flipped:
        lines += ["", "### Flipped samples (failure categories of the failing side)"]
        for t in flipped:
            if t.pass_to_fail:
                lines.append(f"- **{t.task}** pass→fail ({len(t.pass_to_fail)}): {_flips(t.pass_to_fail, max_flips)}")
            if t.fail_to_pass:
                lines.append(f"- **{t.task}** fail→pass ({len(t.fail_to_pass)}): {_flips(t.fail_to_pass, max_flips)}")
    return "\n".join(lines) + "\n"
