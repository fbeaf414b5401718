"""``fcbench list``: the tasks with versions, sample counts and main metrics."""

from __future__ import annotations

import argparse
from typing import Any

from fcbench.cli.output import wide_console


def register(sub: Any) -> None:
    lst = sub.add_parser("list", help="list the tasks with versions and sample counts")
    lst.add_argument("--suite", help="count the samples of this suite (folder or imported name) instead")
    lst.set_defaults(func=cmd_list)


def cmd_list(args: argparse.Namespace) -> int:
    from rich.table import Table

    from fcbench.data.suites import resolve_suite
    from fcbench.task_registry import discover_tasks

    suite = resolve_suite(args.suite) if args.suite else None
    table = Table(title=f"fcbench tasks · suite {suite or 'builtin'}", title_justify="left")
    for col in ("task", "version", "test", "dev", "main metric", "description"):
        table.add_column(col, justify="right" if col in ("test", "dev") else "left",
                         no_wrap=col != "description")
    for name, task in discover_tasks().items():
        table.add_row(name, task.version, str(task.count("test", suite)),
                      str(task.count("dev", suite)), task.main_metric, task.description)
    wide_console().print(table)
    return 0
