"""``fcbench show RUN``: individual samples of a run, filtered by task, verdict or failure."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from fcbench.cli.args import positive_int


def register(sub: Any) -> None:
    show = sub.add_parser("show", help="look at individual samples of a run (request, gold, answer)")
    show.add_argument("run_dir", type=Path)
    show.add_argument("--task", help="only this sub-task")
    show.add_argument("--failure", metavar="CATEGORY", help="only samples with this failure category")
    show.add_argument("--verdict", choices=("failed", "passed", "infra", "all"), default="failed",
                      help="which samples (default: failed)")
    show.add_argument("--id", help="one sample by id, whatever its verdict")
    show.add_argument("--limit", type=positive_int, default=5, help="at most N samples (default 5)")
    show.add_argument("--format", choices=("text", "json"), default="text")
    show.set_defaults(func=cmd_show)


def cmd_show(args: argparse.Namespace) -> int:
    from fcbench.analysis.show import show_samples

    for line in show_samples(Path(args.run_dir), task=args.task, failure=args.failure, verdict=args.verdict,
                             sample_id=args.id, limit=args.limit, as_json=args.format == "json"):
        print(line)
    return 0
