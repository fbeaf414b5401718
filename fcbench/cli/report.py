"""``fcbench report RUN``: a run's results as a table, Markdown, JSON or CSV.

``fcbench report RUN... --metrics NAME,...`` puts chosen metrics of several runs side by
side, one row per run, one column per sub-task and metric (`fcbench.analysis.paper_view`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from fcbench.cli.output import wide_console


def register(sub: Any) -> None:
    rep = sub.add_parser("report", help="show a run's results")
    rep.add_argument("run_dir", type=Path, nargs="+", help="a run folder (several with --metrics)")
    rep.add_argument("--metrics", metavar="NAME,...", default=None,
                     help="paper-style view: these metrics of every run given, side by side (one row per run, "
                          "one column per sub-task and metric); NAME or TASK:NAME, e.g. name_f1,param_f1,rouge_l")
    rep.add_argument("--format", default="table", help="table (default), markdown, json or csv")
    rep.add_argument("--mean", action="store_true", help="also show the unweighted mean of sub-task scores")
    rep.set_defaults(func=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    from fcbench.analysis import paper_view
    from fcbench.analysis.report import render
    from fcbench.errors import UsageError

    if args.metrics is not None:
        if args.mean:
            raise UsageError("--mean belongs to the one-run report, not to --metrics")
        out = paper_view.render(args.run_dir, args.metrics, args.format)
    elif len(args.run_dir) > 1:
        raise UsageError("several runs side by side need --metrics NAME,... (e.g. --metrics name_f1,param_f1)")
    else:
        out = render(args.run_dir[0], args.format, show_mean=args.mean)
    if isinstance(out, str):
        sys.stdout.write(out)
    else:
        wide_console().print(out)
    return 0
