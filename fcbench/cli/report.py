"""``fcbench report RUN``: a run's results as a table, Markdown, JSON or CSV."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from fcbench.cli.output import wide_console


def register(sub: Any) -> None:
    rep = sub.add_parser("report", help="show a run's results")
    rep.add_argument("run_dir", type=Path)
    rep.add_argument("--format", default="table", help="table (default), markdown, json or csv")
    rep.add_argument("--mean", action="store_true", help="also show the unweighted mean of sub-task scores")
    rep.set_defaults(func=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    from fcbench.analysis.report import render

    out = render(args.run_dir, args.format, show_mean=args.mean)
    if isinstance(out, str):
        sys.stdout.write(out)
    else:
        wide_console().print(out)
    return 0
