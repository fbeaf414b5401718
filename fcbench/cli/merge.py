"""``fcbench merge SHARD_DIR... --out RUN_DIR``: the shards of one run (``--shard i/N``) as one run."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    cmd = sub.add_parser(
        "merge", help="join the shard folders of one run into one run folder",
        description="Join the N shard folders of one run (fcbench run --shard i/N) into one run folder whose "
                    "results equal a one-process run's. Refuses shards of different runs, a missing or repeated "
                    "shard, an unfinished shard and a sample recorded twice.")
    cmd.add_argument("shards", type=Path, nargs="+", metavar="SHARD_DIR", help="the shard run folders")
    cmd.add_argument("--out", type=Path, required=True, metavar="RUN_DIR", help="the merged run folder to create")
    cmd.set_defaults(func=cmd_merge)


def cmd_merge(args: argparse.Namespace) -> int:
    from fcbench.analysis.report import load_run, render_table
    from fcbench.cli.output import wide_console
    from fcbench.running.merge import merge

    results = merge(args.shards, args.out)
    out = wide_console()
    out.print(render_table(load_run(args.out)))
    out.print(f"merged {len(args.shards)} shards ({results.totals.scored} samples scored, "
              f"{results.totals.infra_errors} infrastructure failures) into {args.out}")
    return 0
