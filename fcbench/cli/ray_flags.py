"""``fcbench run --executor ray``: the flags, their checks, and the hand-over to the Ray executor.

The executor itself is `fcbench.running.ray_executor`; this module only turns the command
line (and, on ``--resume``, the run's ``executor.json``) into its options.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from fcbench.cli.args import non_negative_float, non_negative_int, positive_int
from fcbench.errors import UsageError

EXECUTORS = ("local", "ray")
RAY_ONLY = ("shards", "ray_address", "ray_cpus", "ray_gpus", "ray_resource", "ray_retries")


def resource(text: str) -> tuple[str, float]:
    """``--ray-resource NAME=AMOUNT``: a custom Ray resource each shard task needs."""
    name, sep, amount = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=AMOUNT, got {text!r}")
    return name.strip(), non_negative_float(amount)


def add_arguments(run: argparse.ArgumentParser) -> None:
    group = run.add_argument_group("executor", "where the samples run (README: Running across machines)")
    group.add_argument("--executor", choices=EXECUTORS, default=None,
                       help="local: this process (default); ray: --shards N shards as Ray tasks, then merged")
    group.add_argument("--shards", type=positive_int, default=None, metavar="N", help="ray: shards of the run")
    group.add_argument("--ray-address", default=None, metavar="ADDR",
                       help="ray: the cluster to join (default: a local Ray instance)")
    group.add_argument("--ray-cpus", type=non_negative_float, default=None, help="ray: CPUs per shard (default 1)")
    group.add_argument("--ray-gpus", type=non_negative_float, default=None, help="ray: GPUs per shard (default 0)")
    group.add_argument("--ray-resource", type=resource, action="append", default=None, metavar="NAME=AMOUNT",
                       help="ray: a custom resource per shard (repeatable)")
    group.add_argument("--ray-retries", type=non_negative_int, default=None,
                       help="ray: attempts after a shard task fails or its worker dies (default 2)")


def uses_ray(args: argparse.Namespace) -> bool:
    """Does this `fcbench run` go to the Ray executor? Checks the flags that decide it (one line each)."""
    given = [f"--{name.replace('_', '-')}" for name in RAY_ONLY if getattr(args, name) is not None]
    if args.resume is None and args.executor != "ray":  # a new local run: the executor module is not needed
        if given:
            raise UsageError(f"{', '.join(given)} apply to --executor ray only")
        return False
    from fcbench.running.ray_executor import EXECUTOR_FILE, import_ray, pending_ray_run

    ray_run = args.resume is not None and pending_ray_run(args.resume)
    if args.executor == "local" and ray_run:
        raise UsageError(f"{args.resume} is a Ray run not merged yet: resume it with the Ray executor "
                         "(leave out --executor local)")
    if args.executor == "ray" and args.resume is not None and not ray_run:
        merged = (Path(args.resume) / EXECUTOR_FILE).is_file()
        raise UsageError(f"{args.resume}: " + ("its shards are merged already, so it is an ordinary run: "
                                               "--resume it without --executor" if merged else
                                               "not a Ray run (no executor.json)"))
    wanted = args.executor == "ray" or (args.executor is None and ray_run)
    if not wanted:
        if given:
            raise UsageError(f"{', '.join(given)} apply to --executor ray only")
        return False
    if getattr(args, "shard", None) is not None:
        raise UsageError("--shard runs one shard in this process, --executor ray runs all of them: give one")
    if getattr(args, "batch", False):
        raise UsageError("--batch sends the whole run to the provider's batch API from one process; "
                         "--executor ray has nothing to spread: give one")
    if not ray_run and args.shards is None:
        raise UsageError("--executor ray needs --shards N")
    import_ray()  # not installed: one line now, before any folder is made
    return True


def saved_settings(run_dir: Path) -> dict[str, Any]:
    """The settings of a Ray run not merged yet, as `--resume` reads them from a run.json."""
    from fcbench.running.ray_executor import ExecutorState

    return ExecutorState.read(run_dir).settings


def options_for(args: argparse.Namespace) -> Any:
    """The executor's options: the flags given, over the run's recorded ones on resume."""
    from fcbench.running.ray_executor import ExecutorState, RayOptions

    recorded = ExecutorState.read(args.resume).options if args.resume is not None else RayOptions(args.shards)
    if args.shards is not None and args.shards != recorded.shards:
        raise UsageError(f"{args.resume} was run as {recorded.shards} shards, not {args.shards}")
    return RayOptions(
        shards=recorded.shards,
        address=args.ray_address if args.ray_address is not None else recorded.address,
        cpus=args.ray_cpus if args.ray_cpus is not None else recorded.cpus,
        gpus=args.ray_gpus if args.ray_gpus is not None else recorded.gpus,
        resources=dict(args.ray_resource) if args.ray_resource is not None else recorded.resources,
        retries=args.ray_retries if args.ray_retries is not None else recorded.retries)


def run_on_ray(args: argparse.Namespace, config: Any, run_dir: Path) -> None:
    from rich.console import Console

    from fcbench.running.ray_executor import execute

    execute(config, run_dir, options_for(args), resume=args.resume is not None, console=Console(stderr=True),
            progress=not args.quiet)
