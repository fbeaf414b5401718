"""``fcbench run``: evaluate a model on some or all sub-tasks (or continue a run)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from fcbench.cli import ray_flags
from fcbench.cli.args import integer, model_arg, non_negative_float, non_negative_int, positive_int, shard
from fcbench.cli.output import wide_console
from fcbench.errors import UsageError
from fcbench.runlog import PROTOCOLS


def register(sub: Any) -> None:
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
    run.add_argument("--protocol", choices=PROTOCOLS, default=None,
                     help="plan: multi-step sub-tasks as one written plan with $var references (default); "
                          "interactive: a real tool-use conversation, every call executed on the simulated tools")
    run.add_argument("--extra-turns", type=non_negative_int, default=None,
                     help="interactive: turns allowed beyond the gold calls (default 3)")
    run.add_argument("--max-calls", type=positive_int, default=None,
                     help="interactive: calls allowed per sample (default 2 x gold calls + extra turns)")
    run.add_argument("--shard", type=shard, default=None, metavar="I/N",
                     help="run shard I of N (0 <= I < N): a stable subset of every task's samples, chosen by "
                          "sample id; `fcbench merge` joins the N shard folders into one run")
    run.add_argument("--batch", action="store_true", default=None,
                     help="openai/ and anthropic/: send the requests through the provider's batch API (half "
                          "the price, answers within 24 h); -M batch_poll_s=S, -M batch_size=N; --resume "
                          "collects the batches already submitted")
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
    run.add_argument("--bertscore-model", type=Path, metavar="PATH", default=None,
                     help="a local model folder for response generation's BERTScore (needs fcbench[bert-score]; "
                          "same as FCBENCH_BERTSCORE_MODEL=PATH); without it BERTScore is not computed")
    run.add_argument("--retries", type=non_negative_int, default=None,
                     help="extra attempts after a transient fault (5xx, timeout, drop; default 3)")
    run.add_argument("--rate-limit-retries", type=non_negative_int, default=None,
                     help="extra attempts after a rate limit (429; default 6)")
    run.add_argument("--retry-base-delay", type=non_negative_float, default=None,
                     help="first back-off in seconds, doubled each attempt (default 0.5); Retry-After wins")
    run.add_argument("--mean", action="store_true", help="also show the unweighted mean of sub-task scores")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    ray_flags.add_arguments(run)
    run.set_defaults(func=cmd_run)


def _resolve_run_config(args: argparse.Namespace, on_ray: bool):
    from fcbench.credentials import redacted_options
    from fcbench.data.suites import resolve_suite
    from fcbench.models.base import GenerateConfig
    from fcbench.retry import RetryPolicy
    from fcbench.running.conversation import Budget
    from fcbench.running.runner import RunConfig, check_batch_run
    from fcbench.running.shards import shard_from_fields
    from fcbench.running.store import RunStore

    saved: dict[str, Any] = {}
    if args.resume is not None and on_ray:  # a Ray run not merged yet has no run.json
        saved = ray_flags.saved_settings(args.resume)
    elif args.resume is not None:
        manifest = RunStore(args.resume).load_manifest()
        fields = manifest.fingerprint_fields
        saved = {"model": manifest.model, "mode": fields.get("mode"), "split": fields.get("split"),
                 "limit": fields.get("limit"), "tasks": ",".join(fields.get("tasks", {})),
                 "sampling": fields.get("sampling") or {}, "concurrency": manifest.concurrency,
                 "suite": (manifest.suite or {}).get("path"),
                 "model_args": manifest.data.get("model_args") or {}, "judge": fields.get("judge"),
                 "rules": fields.get("rules"), "protocol": fields.get("protocol"),
                 "budget": fields.get("budget") or {}, "shard": fields.get("shard"),
                 "batch": manifest.data.get("batch") is True,
                 "bertscore_model": manifest.data.get("bertscore_model")}
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
        protocol=args.protocol or saved.get("protocol") or "plan",
        shard=args.shard or shard_from_fields(saved, where=f"{args.resume}/run.json: field fingerprint_fields."),
        batch=bool(args.batch or saved.get("batch")),
    )
    config.bertscore_model = _bertscore_model(args, saved.get("bertscore_model"))
    budget = saved.get("budget") or {}
    if not isinstance(budget, dict):
        raise UsageError(f"{args.resume}/run.json: field fingerprint_fields.budget: expected an object")
    config.budget = Budget(
        extra_turns=args.extra_turns if args.extra_turns is not None else budget.get("extra_turns", 3),
        max_calls=args.max_calls if args.max_calls is not None else budget.get("max_calls"))
    if config.protocol == "plan" and (args.extra_turns is not None or args.max_calls is not None):
        raise UsageError("--extra-turns and --max-calls apply to --protocol interactive only")
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
    if args.resume is not None and args.batch and not saved.get("batch"):
        raise UsageError(f"{args.resume} is not a --batch run; --batch cannot switch it (its cost estimate "
                         "would mix two prices): resume it without --batch")
    check_batch_run(config)
    return config


def _bertscore_model(args: argparse.Namespace, recorded: Any) -> str | None:
    """The BERTScore model folder: as given, else as the resumed run recorded it. A resumed run
    keeps its model: scores of two models would be averaged into one `bertscore_f1`."""
    given = str(args.bertscore_model.expanduser().resolve()) if args.bertscore_model is not None else None
    if recorded is not None and not isinstance(recorded, str):
        raise UsageError(f"{args.resume}/run.json: field bertscore_model: expected a string")
    if given is not None and recorded is not None and given != recorded:
        raise UsageError(f"{args.resume} scored BERTScore with {recorded}; a resumed run keeps its model "
                         f"(leave out --bertscore-model, or start a new run)")
    return given or recorded


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


#: exit code of a run that scored nothing, or stopped early because every request would fail
#: (2 is a bad argument or file, 1 a bug); the run folder is kept for --resume
NOT_SCORED = 3


def cmd_run(args: argparse.Namespace) -> int:
    import asyncio
    import gc

    from fcbench.models.base import GenerateConfig
    from fcbench.models.registry import resolve_model
    from fcbench.running.progress import RunProgress
    from fcbench.running.runner import Runner, default_run_dir
    from fcbench.running.store import unstarted

    if args.resume is not None and args.out is not None and args.out != args.resume:
        raise UsageError("give either --out (a new run) or --resume (an existing run), not both")
    if args.out is not None and not unstarted(args.out):
        raise UsageError(f"{args.out}: exists and is not an empty folder (use --resume to continue a run)")
    on_ray = ray_flags.uses_ray(args)
    config = _resolve_run_config(args, on_ray)
    if config.bertscore_model is not None:  # read where response_generation scores (fcbench.scoring.bertscore)
        import os

        from fcbench.scoring.bertscore import MODEL_ENV

        os.environ[MODEL_ENV] = config.bertscore_model
    run_dir = args.resume or args.out or default_run_dir(config.model)
    if on_ray:
        ray_flags.run_on_ray(args, config, run_dir)
    else:
        model = resolve_model(config.model, config.sampling, **config.model_args)
        judge = resolve_model(config.judge, GenerateConfig(temperature=0.0, max_tokens=64)) if config.judge else None
        runner = Runner(config, model, run_dir, resume=args.resume is not None, judge=judge)
        # The loaded samples, modules and tools live as long as this process: keep them out of
        # the cyclic garbage collector's full passes, which would otherwise rescan them all
        # while answers are being scored (tens of ms per pass on a large suite).
        gc.freeze()
        with RunProgress(runner, None if args.quiet else _stderr_console(), enabled=not args.quiet) as progress:
            asyncio.run(runner.run(on_result=progress.advance, on_status=progress.status))
    from fcbench.analysis.report import load_run, render_table  # rich: only once there is a table to print

    run = load_run(run_dir)
    out = wide_console()
    out.print(render_table(run, show_mean=args.mean))
    out.print(f"run folder: {run_dir}")
    totals = run.results.totals
    truncated = (run.manifest.totals if run.manifest is not None else {}).get("truncated")
    if truncated:
        print(f"fcbench: {truncated} answers stopped at the token limit (--max-tokens "
              f"{config.sampling.max_tokens}) and were scored as they are; a thinking model may need more",
              file=sys.stderr)
    stopped_by = None if on_ray else runner.stopped_by
    if stopped_by is not None:
        print(f"fcbench: stopped: the first answers failed with {stopped_by[:300]}; the {totals.missing} "
              f"samples not yet asked were not sent. Fix it, then --resume {run_dir}", file=sys.stderr)
        return NOT_SCORED
    if totals.infra_errors:
        kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(totals.infra_error_kinds.items(), key=lambda kv: -kv[1]))
        print(f"fcbench: {totals.infra_errors} samples ended in infrastructure failures ({kinds}; excluded from "
              f"scores); run again with --resume {run_dir}", file=sys.stderr)
    return NOT_SCORED if totals.infra_errors and not totals.scored else 0
