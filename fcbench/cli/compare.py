"""``fcbench compare A B``: two runs sub-task by sub-task, with a paired test and the flipped samples."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from fcbench.cli.args import non_negative_int, task_list


def register(sub: Any) -> None:
    cmd = sub.add_parser(
        "compare", help="compare two runs sub-task by sub-task",
        description="Scores, delta, paired significance test and flipped samples per sub-task. "
                    "Refuses runs over different data versions.")
    cmd.add_argument("run_a", type=Path, metavar="RUN_A", help="run folder or results.json")
    cmd.add_argument("run_b", type=Path, metavar="RUN_B", help="run folder or results.json")
    cmd.add_argument("--tasks", type=task_list, default=None,
                     help="'all' (default: the shared ones) or a comma-separated list")
    cmd.add_argument("--format", choices=("markdown", "json"), default="markdown")
    cmd.add_argument("--max-flips", type=non_negative_int, default=20,
                     help="flipped samples listed per direction (default 20)")
    cmd.set_defaults(func=cmd_compare)


def cmd_compare(args: argparse.Namespace) -> int:
    from fcbench.analysis.compare import compare_runs, load_scores, render_markdown

    comp = compare_runs(load_scores(args.run_a), load_scores(args.run_b), args.tasks)
    if args.format == "json":
        sys.stdout.write(json.dumps(comp.to_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(render_markdown(comp, args.max_flips))
    return 0
