"""``fcbench leaderboard build SOURCES... --out DIR`` and ``fcbench leaderboard rebuild DIR``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from fcbench.errors import UsageError


def register(sub: Any) -> None:
    board = sub.add_parser("leaderboard", help="build leaderboard tables from results.json files")
    actions = board.add_subparsers(dest="leaderboard_command", metavar="ACTION")  # inherits one-line errors
    build = actions.add_parser(
        "build", help="models x sub-tasks tables (Markdown, CSV, HTML) from runs or results.json files",
        description="One table per suite, split, mode, rules and data version; rebuilt from results.json alone.")
    build.add_argument("sources", nargs="+", type=Path, metavar="RUN_OR_RESULTS")
    build.add_argument("--out", type=Path, required=True, help="output folder, e.g. leaderboards/")
    build.set_defaults(func=cmd_build)
    rebuild = actions.add_parser("rebuild", help="rebuild a leaderboard folder from the results its index.json lists")
    rebuild.add_argument("dir", type=Path, metavar="DIR")
    rebuild.set_defaults(func=cmd_rebuild)
    board.set_defaults(func=missing_action)


def missing_action(args: argparse.Namespace) -> int:
    raise UsageError("leaderboard needs an action: build or rebuild")


def cmd_build(args: argparse.Namespace) -> int:
    from fcbench.analysis.leaderboard.build import build

    boards = build(list(args.sources), args.out)
    for board in boards:
        print(f"{args.out / board.slug}.{{md,csv,html}}: {len(board.entries)} run(s) · {board.title}")
    warn_partial(boards)
    return 0


def warn_partial(boards: list) -> None:
    """Say on stderr which published scores leave samples unscored (marked † in the tables)."""
    for board in boards:
        for entry in board.entries:
            unscored = {t: c.unscored for t, c in entry.cells.items() if c.unscored}
            if unscored:
                where = ", ".join(f"{t} {n}" for t, n in unscored.items())
                print(f"fcbench: warning: {entry.source}: samples not scored (infrastructure failures: {where}); "
                      "its scores are marked † (finish the run with fcbench run --resume)", file=sys.stderr)


def cmd_rebuild(args: argparse.Namespace) -> int:
    from fcbench.analysis.leaderboard.build import build, sources_of

    boards = build(sources_of(args.dir), args.dir)
    print(f"rebuilt {len(boards)} board(s) in {args.dir}")
    warn_partial(boards)
    return 0
