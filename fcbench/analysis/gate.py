"""The CI regression gate: fail only when a sub-task really got worse.

Decision rule (per sub-task; documented in README.md, "CI gate"):

    a sub-task regresses when its score dropped by MORE than --max-drop points
    AND the drop is significant at --alpha in a one-sided test, after a
    Holm-Bonferroni correction over the gated sub-tasks (--correction none to
    test each sub-task at alpha on its own).

The test is paired whenever both sides have per-sample outcomes (run folders, or
results.json files written by this fcbench version): the exact McNemar test on
the shared samples. Otherwise (an older results.json without outcomes) it is an
unpaired two-proportion z test, which is much less sensitive; the summary says
which test ran. ``--exact`` replaces the rule with "any change fails" for
deterministic models (fcbench's self-gate on its reference models).

Exit codes: 0 pass, 1 at least one regression, 2 unusable input.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from fcbench.analysis.compare import RunScores, check_same_data, compare_task
from fcbench.errors import UsageError
from fcbench.running.store import write_text_atomic
from fcbench.scoring.stats import holm_adjust

DEFAULT_MAX_DROP = 1.0
DEFAULT_ALPHA = 0.05
CORRECTIONS = ("holm", "none")


def decide(drops: list[float], pvalues: list[float], max_drop: float = DEFAULT_MAX_DROP,
           alpha: float = DEFAULT_ALPHA, correction: str = "holm") -> tuple[list[bool], list[float]]:
    """The gate's rule on plain numbers: drops in points (baseline - candidate), one-sided p-values.

    Returns (regressed per sub-task, adjusted p-values).
    """
    if correction not in CORRECTIONS:
        raise ValueError(f"unknown correction {correction!r}")
    adjusted = holm_adjust(pvalues) if correction == "holm" else list(pvalues)
    return [d > max_drop and p < alpha for d, p in zip(drops, adjusted)], adjusted


@dataclass
class GateRow:
    task: str
    baseline: float | None
    candidate: float | None
    n_baseline: int
    n_candidate: int
    drop: float                       # points, baseline - candidate (positive = worse)
    ci: tuple[float, float] | None    # interval of candidate - baseline, in points
    p: float                          # one-sided "candidate is worse"
    p_adjusted: float
    method: str
    paired: bool
    flips: tuple[int, int]            # (pass->fail, fail->pass) when paired
    regressed: bool
    reason: str


@dataclass
class GateResult:
    baseline: RunScores
    candidate: RunScores
    rows: list[GateRow]
    max_drop: float
    alpha: float
    correction: str
    exact: bool

    @property
    def regressions(self) -> list[GateRow]:
        return [r for r in self.rows if r.regressed]

    @property
    def passed(self) -> bool:
        return not self.regressions


def _select_tasks(baseline: RunScores, candidate: RunScores, tasks: list[str] | None) -> list[str]:
    if tasks is None:
        if set(baseline.tasks) != set(candidate.tasks):
            only_b = sorted(set(baseline.tasks) - set(candidate.tasks))
            only_c = sorted(set(candidate.tasks) - set(baseline.tasks))
            parts = ([f"only in the baseline: {', '.join(only_b)}"] if only_b else []) + \
                    ([f"only in the candidate: {', '.join(only_c)}"] if only_c else [])
            raise UsageError("baseline and candidate cover different tasks (" + "; ".join(parts)
                             + "); pass --tasks to gate the shared ones")
        return list(baseline.tasks)
    missing = [t for t in tasks if t not in baseline.tasks or t not in candidate.tasks]
    if missing:
        raise UsageError(f"task(s) not in both baseline and candidate: {', '.join(missing)}")
    return tasks


def check_complete(baseline: RunScores, candidate: RunScores, tasks: list[str], max_infra_errors: int) -> None:
    """Refuse (UsageError) a side whose gated sub-tasks hold more than `max_infra_errors`
    samples it asked but could not score (infrastructure failures).

    Why: the gate compares the samples both sides scored. A candidate whose server died half-way
    scores only the other half, and a regression on the missing half (long prompts that crashed
    it, say) would pass unseen: "no regression" would be a claim about samples nobody scored.
    Incomplete input is unusable input (exit 2), never a pass; ``fcbench run --resume`` finishes
    the run, or ``--max-infra-errors`` accepts that many per side.
    """
    for side, run in (("baseline", baseline), ("candidate", candidate)):
        counts = {name: run.tasks[name].n_infra_error for name in tasks if run.tasks[name].n_infra_error}
        total = sum(counts.values())
        if total > max_infra_errors:
            where = ", ".join(f"{name} {n}" for name, n in counts.items())
            raise UsageError(f"the {side} ({run.source}) has {total} samples it could not score "
                             f"(infrastructure failures: {where}); finish it with fcbench run --resume, "
                             f"or accept them with --max-infra-errors {total}")


def evaluate_gate(baseline: RunScores, candidate: RunScores, *, max_drop: float = DEFAULT_MAX_DROP,
                  alpha: float = DEFAULT_ALPHA, tasks: list[str] | None = None,
                  correction: str = "holm", exact: bool = False, max_infra_errors: int = 0) -> GateResult:
    """Compare candidate to baseline per sub-task; raises UsageError on unusable input
    (different data, rules or protocols; a side with unscored samples: `check_complete`)."""
    if not 0 < alpha < 1:
        raise UsageError(f"--alpha must be between 0 and 1, got {alpha}")
    if max_drop < 0:
        raise UsageError(f"--max-drop must be >= 0 points, got {max_drop}")
    names = _select_tasks(baseline, candidate, tasks)
    if baseline.mode != candidate.mode:
        raise UsageError(f"baseline and candidate use different modes ({baseline.mode} vs {candidate.mode})")
    if baseline.protocol != candidate.protocol:
        raise UsageError(f"baseline and candidate ran under different protocols "
                         f"({baseline.protocol} vs {candidate.protocol}): their scores measure different things")
    if baseline.shard != candidate.shard:
        sides = [f"shard {s}" if s else "a whole run" for s in (baseline.shard, candidate.shard)]
        raise UsageError(f"baseline and candidate cover different samples ({sides[0]} vs {sides[1]}); "
                         "gate whole runs (fcbench merge joins shards)")
    if baseline.rules != candidate.rules:
        raise UsageError(f"baseline and candidate are scored under different rules "
                         f"({baseline.rules} vs {candidate.rules})")
    check_same_data(baseline, candidate, names)
    if max_infra_errors < 0:
        raise UsageError(f"--max-infra-errors must be >= 0, got {max_infra_errors}")
    check_complete(baseline, candidate, names, max_infra_errors)
    comparisons = []
    for name in names:
        tb, tc = baseline.tasks[name], candidate.tasks[name]
        for side, t in (("baseline", tb), ("candidate", tc)):
            if t.n == 0 or t.score is None:
                raise UsageError(f"{name}: the {side} has no scored samples")
        comparisons.append(compare_task(tb, tc))
    # Rounded so that 0.49 - 0.50 is a 1.0-point drop, not 1.0000000000000009.
    drops = [round(-100 * c.delta, 9) + 0.0 for c in comparisons]  # + 0.0: no "-0.0"
    regressed, adjusted = decide(drops, [c.p_worse for c in comparisons], max_drop, alpha, correction)
    rows = []
    for c, drop, p_adj, bad in zip(comparisons, drops, adjusted, regressed):
        paired = c.method.startswith("paired")
        flips = (len(c.pass_to_fail), len(c.fail_to_pass))
        if exact:
            changed = abs(drop) > 1e-9 or (paired and any(flips))
            bad = changed
            reason = ("score or per-sample outcomes changed" if changed else "identical")
        elif bad:
            reason = f"drop {drop:.1f} > {max_drop:g} points and p {p_adj:.3g} < {alpha:g}"
        elif drop <= max_drop:
            reason = f"drop {max(drop, 0.0):.1f} within {max_drop:g} points"
        else:
            reason = f"drop {drop:.1f} points not significant (p {p_adj:.3g} ≥ {alpha:g})"
        ci = (100 * c.ci[0], 100 * c.ci[1]) if c.ci else None
        rows.append(GateRow(c.task, c.score_a, c.score_b, c.n_a, c.n_b, drop, ci, c.p_worse, p_adj,
                            c.method, paired, flips, bad, reason))
    return GateResult(baseline, candidate, rows, max_drop, alpha, correction, exact)


# ------------------------------------------------------------------ reports
def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}"


def _table(rows: list[GateRow]) -> list[str]:
    lines = ["| sub-task | baseline % | candidate % | drop (points) | 95 % CI of change | p (one-sided) | "
             "p adjusted | pass→fail / fail→pass | verdict |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        ci = f"[{r.ci[0]:+.1f}, {r.ci[1]:+.1f}]" if r.ci else "—"
        flips = f"{r.flips[0]} / {r.flips[1]}" if r.paired else "— (unpaired)"
        verdict = f"❌ {r.reason}" if r.regressed else f"✅ {r.reason}"
        lines.append(f"| {r.task} | {_pct(r.baseline)} (n {r.n_baseline}) | {_pct(r.candidate)} "
                     f"(n {r.n_candidate}) | {r.drop:.1f} | {ci} | {r.p:.3g} | {r.p_adjusted:.3g} | "
                     f"{flips} | {verdict} |")
    return lines


def render_summary(result: GateResult) -> str:
    verdict = "passed" if result.passed else f"FAILED: {len(result.regressions)} sub-task(s) regressed"
    lines = [f"## fcbench gate: {verdict}", "",
             f"- baseline: {result.baseline.model} (`{result.baseline.source}`)",
             f"- candidate: {result.candidate.model} (`{result.candidate.source}`)",
             f"- mode {result.candidate.mode}, split {result.candidate.split}, suite {result.candidate.suite}"]
    if result.exact:
        lines.append("- rule: `--exact`: any change of a sub-task score or of a sample's outcome fails")
    else:
        correction = ("Holm-Bonferroni over the gated sub-tasks" if result.correction == "holm"
                      else "no multiple-testing correction")
        lines.append(f"- rule: a sub-task fails when it dropped by more than {result.max_drop:g} points "
                     f"and the drop is significant at alpha {result.alpha:g} (one-sided, {correction})")
    unpaired = [r.task for r in result.rows if not r.paired]
    if unpaired:
        lines.append(f"- **unpaired test** for {', '.join(unpaired)}: no per-sample outcomes on both sides, "
                     "so a two-proportion z test ran (far less sensitive than the paired test)")
    if any(r.paired for r in result.rows):
        lines.append("- paired test: exact McNemar over the samples both runs scored")
    for side, run in (("baseline", result.baseline), ("candidate", result.candidate)):
        unscored = sum(run.tasks[r.task].n_infra_error for r in result.rows)
        if unscored:
            lines.append(f"- **the {side} left {unscored} samples unscored** (infrastructure failures, "
                         "accepted with --max-infra-errors): the verdict covers only the samples it scored")
    lines += ["", *_table(result.rows)]
    if result.regressions:
        lines += ["", "### Regressions", "", *_table(result.regressions)]
    return "\n".join(lines) + "\n"


def render_junit(result: GateResult) -> str:
    failures = len(result.regressions)
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<testsuites name="fcbench gate" tests="{len(result.rows)}" failures="{failures}" errors="0">',
           f'  <testsuite name={quoteattr("fcbench gate: " + result.candidate.model)} '
           f'tests="{len(result.rows)}" failures="{failures}" errors="0" skipped="0">']
    for r in result.rows:
        name = quoteattr(r.task)
        detail = (f"baseline {_pct(r.baseline)} % (n {r.n_baseline}), candidate {_pct(r.candidate)} % "
                  f"(n {r.n_candidate}), drop {r.drop:+.1f} points, p {r.p:.3g}, adjusted {r.p_adjusted:.3g}; "
                  f"{r.method}")
        if r.regressed:
            out.append(f'    <testcase classname="fcbench.analysis.gate" name={name}>')
            out.append(f'      <failure message={quoteattr(r.reason)}>{escape(detail)}</failure>')
            out.append("    </testcase>")
        else:
            out.append(f'    <testcase classname="fcbench.analysis.gate" name={name}>')
            out.append(f"      <system-out>{escape(detail)}</system-out>")
            out.append("    </testcase>")
    out += ["  </testsuite>", "</testsuites>"]
    return "\n".join(out) + "\n"


def write_reports(result: GateResult, summary: Path, junit: Path) -> str:
    text = render_summary(result)
    for path, body in ((summary, text), (junit, render_junit(result))):
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(path, body)
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary:
        with open(step_summary, "a", encoding="utf-8") as fh:
            fh.write(text + "\n")
    return text
