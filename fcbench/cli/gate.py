"""``fcbench gate``: exit 1 when a sub-task dropped significantly from a baseline (CI)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from fcbench.cli.args import non_negative_float, non_negative_int, probability, task_list

#: the decision rule's defaults (fcbench.analysis.gate documents why)
MAX_DROP, ALPHA = 1.0, 0.05


def register(sub: Any) -> None:
    cmd = sub.add_parser(
        "gate", help="CI gate: exit 1 when a sub-task dropped significantly",
        description="Exit 0 when no sub-task dropped by more than --max-drop points with significance "
                    "at --alpha; exit 1 with a table of the regressions; exit 2 on unusable input.")
    cmd.add_argument("--baseline", type=Path, required=True, help="run folder or results.json")
    cmd.add_argument("--candidate", type=Path, required=True, help="run folder or results.json")
    cmd.add_argument("--max-drop", type=non_negative_float, default=MAX_DROP,
                     help=f"allowed drop in points (default {MAX_DROP:g})")
    cmd.add_argument("--alpha", type=probability, default=ALPHA,
                     help=f"one-sided significance level (default {ALPHA:g})")
    cmd.add_argument("--tasks", type=task_list, default=None,
                     help="comma-separated sub-tasks (default: all, which must match)")
    cmd.add_argument("--correction", choices=("holm", "none"), default="holm",
                     help="multiple-testing correction over sub-tasks (default holm)")
    cmd.add_argument("--max-infra-errors", type=non_negative_int, default=0, metavar="N",
                     help="samples a side may have left unscored (infrastructure failures) over the gated "
                          "sub-tasks; beyond it the input is unusable (exit 2). Default 0")
    cmd.add_argument("--exact", action="store_true",
                     help="any change fails (for deterministic models, e.g. fcbench's own reference models)")
    cmd.add_argument("--summary", type=Path, default=Path("gate-report/summary.md"),
                     help="Markdown summary (default gate-report/summary.md; also appended to "
                          "$GITHUB_STEP_SUMMARY when set)")
    cmd.add_argument("--junit", type=Path, default=Path("gate-report/junit.xml"),
                     help="JUnit XML, one test case per sub-task (default gate-report/junit.xml)")
    cmd.set_defaults(func=cmd_gate)


def cmd_gate(args: argparse.Namespace) -> int:
    from fcbench.analysis.compare import load_scores
    from fcbench.analysis.gate import evaluate_gate, write_reports

    baseline = load_scores(args.baseline)
    candidate = load_scores(args.candidate)
    result = evaluate_gate(baseline, candidate, max_drop=args.max_drop, alpha=args.alpha, tasks=args.tasks,
                           correction=args.correction, exact=args.exact,
                           max_infra_errors=args.max_infra_errors)
    text = write_reports(result, args.summary, args.junit)
    sys.stdout.write(text)
    if not result.passed:
        names = ", ".join(r.task for r in result.regressions)
        what = "changed from the baseline" if args.exact else "regression"
        print(f"fcbench gate: {what} in {names} (summary {args.summary}, JUnit {args.junit})", file=sys.stderr)
        return 1
    return 0
