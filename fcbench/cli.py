"""Command line: ``fcbench run | list | report | data generate``.

Heavy libraries are imported inside the commands, never at module level, so
``fcbench --help`` stays fast. Every user error ends as one line on stderr and
exit code 2 (`UsageError` or an argparse error); never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Sequence

from fcbench import __version__
from fcbench.argtypes import integer, model_arg, non_negative_float, non_negative_int, positive_int
from fcbench.errors import UsageError

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2
        self.exit(EXIT_USAGE, f"fcbench: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="fcbench", description="Evaluate function calling per sub-task.")
    parser.add_argument("--version", action="version", version=f"fcbench {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    run = sub.add_parser("run", help="evaluate a model on the sub-tasks",
                         description="Evaluate a model (provider/model) on some or all sub-tasks.")
    run.add_argument("--model", help="provider/model, e.g. reference/lexical, openai/gpt-4o, replay/out.jsonl")
    run.add_argument("--tasks", default=None, help="'all' (default) or a comma-separated list")
    run.add_argument("--limit", type=positive_int, help="at most N samples per task")
    run.add_argument("--concurrency", type=positive_int, default=None, help="requests in flight (default 8)")
    run.add_argument("--mode", choices=("native", "prompt"), default=None,
                     help="native: tools through the API (default); prompt: tools described in the prompt")
    run.add_argument("--rules", choices=("fcbench", "bfcl"), default=None,
                     help="scoring rules: fcbench's own (default) or BFCL's checker where a BFCL category applies "
                          "(docs/bfcl-differences.md)")
    run.add_argument("--out", type=Path, help="run folder to create (default runs/<time>-<model>)")
    run.add_argument("--resume", type=Path, metavar="RUN_DIR",
                     help="continue a run: only missing samples and infrastructure failures run again")
    run.add_argument("--suite", help="a suite folder, or the name of an imported suite (default: built-in)")
    run.add_argument("--split", default=None, help="data split (default test)")
    run.add_argument("--temperature", type=non_negative_float, default=None)
    run.add_argument("--max-tokens", type=positive_int, default=None)
    run.add_argument("--seed", type=integer, default=None)
    run.add_argument("--base-url", action="append", default=[], metavar="URL",
                     help="API endpoint; repeat to spread requests over several servers")
    run.add_argument("-M", "--model-arg", type=model_arg, action="append", default=[],
                     metavar="KEY=VALUE", help="backend option (repeatable), e.g. -M delay=0.05")
    run.add_argument("--judge", metavar="MODEL", default=None,
                     help="optional LLM judge (provider/model) for response generation; off by default")
    run.add_argument("--retries", type=non_negative_int, default=None,
                     help="extra attempts after a transient fault (5xx, timeout, drop; default 3)")
    run.add_argument("--rate-limit-retries", type=non_negative_int, default=None,
                     help="extra attempts after a rate limit (429; default 6)")
    run.add_argument("--retry-base-delay", type=non_negative_float, default=None,
                     help="first back-off in seconds, doubled each attempt (default 0.5); Retry-After wins")
    run.add_argument("--mean", action="store_true", help="also show the unweighted mean of sub-task scores")
    run.add_argument("--quiet", action="store_true", help="no progress bar")

    lst = sub.add_parser("list", help="list the tasks with versions and sample counts")
    lst.add_argument("--suite", help="count the samples of this suite (folder or imported name) instead")

    rep = sub.add_parser("report", help="show a run's results")
    rep.add_argument("run_dir", type=Path)
    rep.add_argument("--format", default="table", help="table (default), markdown, json or csv")
    rep.add_argument("--mean", action="store_true", help="also show the unweighted mean of sub-task scores")

    data = sub.add_parser("data", help="generate or import suites")
    data_sub = data.add_subparsers(dest="data_command", metavar="ACTION", parser_class=_Parser)
    gen = data_sub.add_parser("generate", help="generate a fresh instance of the built-in suite")
    gen.add_argument("--seed", type=integer, required=True)
    gen.add_argument("--out", type=Path, required=True)
    gen.set_defaults(func=cmd_data_generate)

    # Commands that live in their own modules register here. Each `register`
    # adds its parser and sets `func`; the module's heavy imports stay inside `func`.
    for register in EXTENSIONS:
        register(sub, data_sub)
    return parser


# --------------------------------------------------------------------- run
def _resolve_run_config(args: argparse.Namespace):
    from fcbench.credentials import redacted_options
    from fcbench.models.base import GenerateConfig
    from fcbench.retry import RetryPolicy
    from fcbench.runner import RunConfig
    from fcbench.store import RunStore
    from fcbench.suites import resolve_suite

    saved: dict[str, Any] = {}
    if args.resume is not None:
        manifest = RunStore(args.resume).load_manifest()
        fields = manifest.get("fingerprint_fields", {})
        saved = {"model": manifest.get("model"), "mode": fields.get("mode"), "split": fields.get("split"),
                 "limit": fields.get("limit"), "tasks": ",".join(fields.get("tasks", {})),
                 "sampling": fields.get("sampling") or {}, "concurrency": manifest.get("concurrency"),
                 "suite": (manifest.get("suite") or {}).get("path"),
                 "model_args": manifest.get("model_args") or {}, "judge": fields.get("judge"),
                 "rules": fields.get("rules")}
    model = args.model or saved.get("model")
    if not isinstance(model, (str, type(None))):
        raise UsageError(f"{args.resume}/run.json: field model: expected a string")
    if not model:
        raise UsageError("--model is required (e.g. --model reference/lexical)")
    sampling = saved.get("sampling") or {}
    config = RunConfig(
        model=model,
        tasks=args.tasks or saved.get("tasks") or "all",
        mode=args.mode or saved.get("mode") or "native",
        limit=args.limit if args.limit is not None else saved.get("limit"),
        concurrency=args.concurrency or saved.get("concurrency") or 8,
        split=args.split or saved.get("split") or "test",
        suite=resolve_suite(args.suite) if args.suite else (Path(saved["suite"]) if saved.get("suite") else None),
        sampling=GenerateConfig(
            temperature=args.temperature if args.temperature is not None else sampling.get("temperature", 0.0),
            max_tokens=args.max_tokens or sampling.get("max_tokens", 1024),
            seed=args.seed if args.seed is not None else sampling.get("seed", 0)),
        model_args={**saved.get("model_args", {}), **dict(args.model_arg)},
        judge=args.judge or saved.get("judge"),
        rules=args.rules or saved.get("rules") or "fcbench",
    )
    defaults = RetryPolicy()
    config.retry = RetryPolicy(
        rate_limit_retries=defaults.rate_limit_retries if args.rate_limit_retries is None else args.rate_limit_retries,
        transient_retries=defaults.transient_retries if args.retries is None else args.retries,
        base_delay=defaults.base_delay if args.retry_base_delay is None else args.retry_base_delay)
    if args.base_url:
        config.model_args.update(base_url=args.base_url[0], base_urls=list(args.base_url))
    lost = redacted_options(config.model_args)
    if lost:
        raise UsageError(f"the run's option(s) {', '.join(lost)} held credentials, which fcbench never writes "
                         "to disk: give them again (--base-url URL, -M KEY=VALUE) with --resume")
    if config.suite is not None and not config.suite.is_dir():
        raise UsageError(f"{config.suite}: the run's suite folder is gone")
    return config


def wide_console():
    """stdout console; logs and pipes get a wide table instead of rich's 80-column default."""
    from rich.console import Console

    console = Console()
    return console if console.is_terminal else Console(width=160)


def cmd_run(args: argparse.Namespace) -> int:
    import asyncio

    from rich.console import Console

    from fcbench.models.base import GenerateConfig
    from fcbench.models.registry import resolve_model
    from fcbench.progress import RunProgress
    from fcbench.report import load_run, render_table
    from fcbench.runner import Runner, default_run_dir

    if args.resume is not None and args.out is not None and args.out != args.resume:
        raise UsageError("give either --out (a new run) or --resume (an existing run), not both")
    if args.out is not None and args.out.exists() and (not args.out.is_dir() or any(args.out.iterdir())):
        raise UsageError(f"{args.out}: exists and is not an empty folder (use --resume to continue a run)")
    config = _resolve_run_config(args)
    model = resolve_model(config.model, config.sampling, **config.model_args)
    run_dir = args.resume or args.out or default_run_dir(config.model)
    judge = resolve_model(config.judge, GenerateConfig(temperature=0.0, max_tokens=64)) if config.judge else None
    runner = Runner(config, model, run_dir, resume=args.resume is not None, judge=judge)
    err = Console(stderr=True)
    with RunProgress(runner, err, enabled=not args.quiet) as progress:
        asyncio.run(runner.run(on_result=progress.advance))
    results, manifest = load_run(run_dir)
    out = wide_console()
    out.print(render_table(results, manifest, show_mean=args.mean))
    out.print(f"run folder: {run_dir}")
    unanswered = results["totals"].get("infra_errors", 0)
    if unanswered:
        print(f"fcbench: {unanswered} samples ended in infrastructure failures (excluded from scores); "
              f"run again with --resume {run_dir}", file=sys.stderr)
    return 0


# ------------------------------------------------------------ list/report
def cmd_list(args: argparse.Namespace) -> int:
    from rich.table import Table

    from fcbench.registry import discover_tasks
    from fcbench.suites import resolve_suite

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


def cmd_report(args: argparse.Namespace) -> int:

    from fcbench.report import render

    out = render(args.run_dir, args.format, show_mean=args.mean)
    if isinstance(out, str):
        sys.stdout.write(out)
    else:
        wide_console().print(out)
    return 0


def cmd_data_generate(args: argparse.Namespace) -> int:
    from fcbench.suite.generator import write_suite

    if args.out.exists() and any(args.out.iterdir()):
        raise UsageError(f"{args.out}: folder exists and is not empty")
    manifest = write_suite(args.out, args.seed)
    counts = ", ".join(f"{t} {c.get('test', 0)}" for t, c in manifest.get("counts", {}).items())
    print(f"wrote suite seed {args.seed} to {args.out} ({counts})")
    return 0


COMMANDS = {"run": cmd_run, "list": cmd_list, "report": cmd_report}


def _register_importers(subparsers, data_subparsers) -> None:
    from fcbench.importers import register

    register(subparsers, data_subparsers)


# `register(subparsers, data_subparsers)` functions of commands defined elsewhere.
EXTENSIONS: list = [_register_importers]


def _register_run_analysis(subparsers, data_subparsers) -> None:
    """compare, gate and leaderboard (fcbench/compare.py, fcbench/gate.py, fcbench/leaderboard/)."""
    from fcbench.compare import register as register_compare
    from fcbench.gate import register as register_gate
    from fcbench.leaderboard import register as register_leaderboard

    for register in (register_compare, register_gate, register_leaderboard):
        register(subparsers, data_subparsers)


EXTENSIONS.append(_register_run_analysis)


def _register_show(subparsers, data_subparsers) -> None:
    from fcbench.show import register

    register(subparsers, data_subparsers)


EXTENSIONS.append(_register_show)


def _error_line(message: str) -> str:
    """One line for stderr: credentials scrubbed, line breaks folded."""
    from fcbench.credentials import scrub

    return "fcbench: error: " + " ".join(scrub(message).split())


def _os_error(exc: OSError) -> str:
    """An OS error in words: what failed, on which path."""
    what = exc.strerror or type(exc).__name__
    if isinstance(exc, NotADirectoryError):
        what = "part of this path is a file, not a folder"
    elif isinstance(exc, FileExistsError) and exc.filename and Path(str(exc.filename)).is_file():
        what = "is a file, not a folder"
    paths = [str(p) for p in (exc.filename, exc.filename2) if p is not None]
    return f"{' -> '.join(paths)}: {what}" if paths else f"{what}: {exc}"


def main(argv: Sequence[str] | None = None) -> int:
    """The CLI boundary: every user error, OS error and encoding error ends here as one line, exit 2."""
    from fcbench.credentials import register_environment

    for stream in (sys.stdout, sys.stderr):  # model text may hold lone surrogates: never crash printing
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    register_environment()
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "func", None) or COMMANDS.get(args.command)
    if handler is None:
        parser.print_help()
        message = ("data needs an action: generate or import" if args.command == "data"
                   else "give a command (fcbench --help lists them)")
        print(_error_line(message), file=sys.stderr)
        return EXIT_USAGE
    try:
        return handler(args)
    except UsageError as exc:
        message = str(exc)
    except OSError as exc:  # a path below a regular file, a read-only folder, a full disk...
        message = _os_error(exc)
    except UnicodeError as exc:
        message = f"text that is not valid UTF-8 ({exc})"
    except KeyboardInterrupt:
        print("fcbench: interrupted (resume with --resume RUN_DIR)", file=sys.stderr)
        return 130
    print(_error_line(message), file=sys.stderr)
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
