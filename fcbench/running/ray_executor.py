"""The Ray executor: the N shards of a run as Ray tasks, then one merged run folder.

``fcbench run --executor ray --shards N`` lays out its run folder so:

``RUN_DIR/executor.json``                 written first: what ``--resume RUN_DIR`` needs to continue
``RUN_DIR/shards/shard-i-of-N/``          one ordinary, resumable shard run folder per Ray task
``RUN_DIR/run.json`` and the rest         the merged run (`fcbench.running.merge`), once all shards finished

Each Ray task runs fcbench's own `Runner` on one shard, in the worker, and resumes the
shard's folder when an earlier attempt left one; so a task Ray retries (it raised, or its
worker died) never repeats a finished sample, and ``--resume`` runs only the shards that
are not complete. The driver and every node must see RUN_DIR at the same path (shared
storage, as for SLURM; trivially so on one machine).

Ray is imported here only, inside the functions that use it: fcbench without the ``ray``
extra never loads it.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

from fcbench.credentials import redact
from fcbench.errors import UsageError
from fcbench.models.base import GenerateConfig
from fcbench.records import SampleResult
from fcbench.runlog import MANIFEST, SAMPLES, RunResults, read_json, read_manifest
from fcbench.running.merge import merge
from fcbench.running.runner import (
    RunConfig,
    Runner,
    TaskPlan,
    explain_mismatch,
    fingerprint,
    fingerprint_fields,
    plan_tasks,
    utc_now,
)
from fcbench.running.shards import Shard
from fcbench.running.store import write_json_atomic

EXECUTOR_FILE = "executor.json"
SHARDS_DIR = "shards"
#: test hook, never set in normal use: "INDEX:AFTER:exit|raise:MARKER" makes shard INDEX's task
#: die (exit) or raise after recording AFTER samples, once (the MARKER file remembers it did)
FAULT_ENV = "FCBENCH_RAY_TEST_FAULT"
#: the object store of a local instance: shard tasks pass only configurations and small summaries
LOCAL_OBJECT_STORE_BYTES = 100_000_000


@dataclass
class RayOptions:
    """Where the shards run and what each shard task asks of the cluster."""

    shards: int
    address: str | None = None  # None: a local Ray instance (or RAY_ADDRESS, as Ray itself reads it)
    cpus: float = 1.0
    gpus: float = 0.0
    resources: dict[str, float] = field(default_factory=dict)
    retries: int = 2  # further attempts of a shard task that raised or whose worker died

    def needs(self) -> dict[str, float]:
        """What one shard task asks of a node, in Ray's resource names."""
        asked = {"CPU": self.cpus, "GPU": self.gpus, **self.resources}
        return {name: amount for name, amount in asked.items() if amount > 0}

    def task_options(self) -> dict[str, Any]:
        return {"num_cpus": self.cpus, "num_gpus": self.gpus, "resources": dict(self.resources),
                "max_retries": self.retries, "retry_exceptions": True}


@dataclass
class ExecutorState:
    """``RUN_DIR/executor.json``: the Ray run's options, its unsharded fingerprint, and its
    settings in the form ``fcbench run --resume`` reads from a run.json."""

    options: RayOptions
    fingerprint: str
    fingerprint_fields: dict[str, Any]
    settings: dict[str, Any]
    created: str

    def to_dict(self) -> dict[str, Any]:
        return {"executor": "ray", **asdict(self)}

    @classmethod
    def read(cls, run_dir: Path) -> ExecutorState:
        path = Path(run_dir) / EXECUTOR_FILE
        data = read_json(path)
        try:
            if data["executor"] != "ray":
                raise ValueError(f"executor {data['executor']!r}")
            options = RayOptions(**data["options"])
            if not isinstance(options.shards, int) or options.shards < 1:
                raise ValueError("options.shards")
            return cls(options, str(data["fingerprint"]), dict(data["fingerprint_fields"]),
                       dict(data["settings"]), str(data["created"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise UsageError(f"{path}: not a Ray executor record ({type(exc).__name__}: {exc})") from None


def pending_ray_run(run_dir: Path) -> bool:
    """A Ray run not merged yet: ``--resume`` continues it with the Ray executor. Once merged,
    RUN_DIR is an ordinary run folder and ``--resume`` continues it like any other."""
    return (Path(run_dir) / EXECUTOR_FILE).is_file() and not (Path(run_dir) / MANIFEST).exists()


def resume_settings(config: RunConfig, plans: list[TaskPlan]) -> dict[str, Any]:
    """The settings a resume starts from (credentials redacted: they are given again, as for any run)."""
    return {"model": config.model, "mode": config.mode, "split": config.split, "limit": config.limit,
            "tasks": ",".join(p.task.name for p in plans), "sampling": config.sampling.to_dict(),
            "concurrency": config.concurrency, "suite": str(config.suite) if config.suite else None,
            "model_args": redact(config.model_args), "judge": config.judge, "rules": config.rules,
            "protocol": config.protocol, "budget": config.budget.to_dict(),
            "bertscore_model": config.bertscore_model}


def shard_folder(run_dir: Path, shard: Shard) -> Path:
    return Path(run_dir) / SHARDS_DIR / shard.folder_name


def shard_status(folder: Path) -> str:
    """``new`` (never started), else the status its run.json records (``complete`` when done)."""
    if not (folder / MANIFEST).exists():
        return "new"
    return read_manifest(folder / MANIFEST).status or "running"


def import_ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise UsageError(f"--executor ray needs Ray, which is not installed here ({exc}); "
                         "install it with: pip install 'fcbench[ray]'") from None
    return ray


# ---------------------------------------------------------------- in the Ray worker
def run_shard(config: RunConfig, shard: Shard, folder: str, cwd: str, fault: str | None = None) -> dict[str, int]:
    """One shard in a Ray worker: fcbench's own Runner, resuming what an earlier attempt left.

    It works in the driver's working folder when this node has it, so that relative paths
    (``--suite``, ``replay/`` files, ``-M`` options) mean what they meant to the driver and
    the run records them as a one-process run would.
    """
    import asyncio

    from fcbench.credentials import register_environment
    from fcbench.models.registry import resolve_model

    if Path(cwd).is_dir():
        os.chdir(cwd)
    register_environment()
    if config.bertscore_model:  # response_generation reads its BERTScore model from the environment
        from fcbench.scoring.bertscore import MODEL_ENV

        os.environ[MODEL_ENV] = config.bertscore_model
    config = replace(config, shard=shard)
    path = Path(folder)
    model = resolve_model(config.model, config.sampling, **config.model_args)
    judge = resolve_model(config.judge, GenerateConfig(temperature=0.0, max_tokens=64)) if config.judge else None
    runner = Runner(config, model, path, resume=(path / MANIFEST).exists(), judge=judge)
    results = asyncio.run(runner.run(on_result=_fault_hook(fault, shard)))
    return {"scored": results.totals.scored, "infra_errors": results.totals.infra_errors}


def _fault_hook(fault: str | None, shard: Shard) -> Callable[[str, SampleResult], None] | None:
    """The `FAULT_ENV` test hook as a progress hook (None when not asked for this shard)."""
    if not fault:
        return None
    index, after, how, marker = fault.split(":", 3)
    if int(index) != shard.index or Path(marker).exists():
        return None
    recorded = 0

    def hook(task: str, result: SampleResult) -> None:
        nonlocal recorded
        recorded += 1
        if recorded >= int(after) and not Path(marker).exists():
            Path(marker).write_text(f"shard {shard} failed on purpose after {recorded} samples\n")
            if how == "exit":
                os._exit(1)  # the worker dies, as on a lost node
            raise RuntimeError(f"shard {shard}: test fault after {recorded} samples")

    return hook


# ---------------------------------------------------------------- progress on the driver
class ScoredCounter:
    """Counts the distinct scored samples of a shard's samples.jsonl, reading only what was appended."""

    def __init__(self, path: Path):
        self.path = path
        self._offset = 0
        self._scored: set[str] = set()

    def count(self) -> int:
        try:
            with self.path.open("rb") as fh:
                fh.seek(self._offset)
                chunk = fh.read()
        except FileNotFoundError:
            return 0
        complete = chunk[: chunk.rfind(b"\n") + 1]  # a line still being written is read next time
        self._offset += len(complete)
        for line in complete.splitlines():
            try:
                row = json.loads(line)
            except ValueError:
                continue
            if row.get("status") == "scored":
                self._scored.add(row.get("sample_id"))
        return len(self._scored)


class ShardProgress:
    """A rich bar per shard on the driver, fed by each shard folder's samples.jsonl once a second.
    Off the terminal (logs), a line per shard that ends instead."""

    def __init__(self, folders: dict[Shard, Path], totals: dict[Shard, int], console: Any, *, enabled: bool):
        self.folders = folders
        self.totals = totals
        self.console = console
        self.bars_on = enabled and console.is_terminal
        self.lines_on = enabled and not self.bars_on
        self._counters = {shard: ScoredCounter(folder / SAMPLES) for shard, folder in folders.items()}
        self._progress: Any = None
        self._bars: dict[Shard, Any] = {}

    def __enter__(self) -> ShardProgress:
        if self.bars_on:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._progress = Progress(TextColumn("{task.description:<14}"), BarColumn(), MofNCompleteColumn(),
                                      TextColumn("{task.fields[status]}"), TimeElapsedColumn(), console=self.console)
            for shard in self.folders:
                self._bars[shard] = self._progress.add_task(f"shard {shard}", total=self.totals[shard],
                                                            completed=self._counters[shard].count(), status="")
            self._progress.start()
        return self

    def refresh(self) -> None:
        if self._progress is not None:
            for shard, bar in self._bars.items():
                self._progress.update(bar, completed=self._counters[shard].count())

    def ended(self, shard: Shard, status: str) -> None:
        if self._progress is not None:
            self._progress.update(self._bars[shard], completed=self._counters[shard].count(), status=status)
        elif self.lines_on:
            self.console.print(f"shard {shard}: {status} ({self._counters[shard].count()}/{self.totals[shard]} "
                               "samples scored)", highlight=False)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()


# ---------------------------------------------------------------- the driver
def execute(config: RunConfig, run_dir: Path, options: RayOptions | None, *, resume: bool, console: Any,
            progress: bool = True) -> RunResults:
    """Run (or, with `resume`, continue) a run as `options.shards` Ray tasks, then merge it into `run_dir`.

    On resume `options` may be None (the recorded ones are used) and the run's fingerprint must
    match the recorded one. A shard task that still fails after its retries ends the run with
    a `UsageError` once the other shards are done; their folders are kept for ``--resume``.
    """
    run_dir = Path(run_dir).resolve()  # the shard folders are named to the workers absolutely
    config = replace(config, shard=None)
    plans = plan_tasks(config)
    fields = fingerprint_fields(config, plans)
    if resume:
        state = ExecutorState.read(run_dir)
        if state.fingerprint != fingerprint(fields):
            raise UsageError(f"cannot resume {run_dir}: it is a different run "
                             f"({explain_mismatch(state.fingerprint_fields, fields)})")
        options = options or state.options
        state.options = options
    else:
        if options is None:
            raise UsageError("--executor ray needs --shards N")
        state = ExecutorState(options, fingerprint(fields), fields, resume_settings(config, plans), utc_now())
        run_dir.mkdir(parents=True, exist_ok=True)
    write_json_atomic(run_dir / EXECUTOR_FILE, state.to_dict())  # on resume: with the options now in force

    shards = [Shard(i, options.shards) for i in range(options.shards)]
    folders = {shard: shard_folder(run_dir, shard) for shard in shards}
    todo = [shard for shard in shards if shard_status(folders[shard]) != "complete"]
    if todo:
        totals = {shard: sum(1 for p in plans for s in p.samples if shard.holds(p.task.name, s.id)) for shard in todo}
        with ShardProgress({s: folders[s] for s in todo}, totals, console, enabled=progress) as bars:
            failures = _run_on_ray(config, {s: folders[s] for s in todo}, options, bars)
        if failures:
            lines = "; ".join(f"shard {shard}: {why}" for shard, why in failures.items())
            raise UsageError(f"{len(failures)} of {len(shards)} shard(s) failed after {options.retries} retries "
                             f"({lines}); what the shards finished is kept: --resume {run_dir} runs only the rest")
    return merge([folders[shard] for shard in shards], run_dir)


def _run_on_ray(config: RunConfig, folders: dict[Shard, Path], options: RayOptions,
                bars: ShardProgress) -> dict[Shard, str]:
    """Submit one task per shard, wait for all of them; the failures, shard -> why."""
    ray = import_ray()
    local = _connect(ray, options.address)
    try:
        unmet = unplaceable(options.needs(), [node["Resources"] for node in ray.nodes() if node.get("Alive")])
        if unmet and local:
            raise UsageError(f"the local Ray instance cannot run a shard task: {unmet}")
        if unmet:  # an autoscaling cluster may add such a node
            bars.console.print(f"fcbench: warning: {unmet}; the shard tasks wait for such a node to join",
                               highlight=False)
        task = ray.remote(run_shard).options(**options.task_options())
        fault = os.environ.get(FAULT_ENV)
        cwd = os.getcwd()
        running = {task.remote(config, shard, str(folder), cwd, fault): shard for shard, folder in folders.items()}
        failures: dict[Shard, str] = {}
        waiting = list(running)
        while waiting:
            done, waiting = ray.wait(waiting, num_returns=1, timeout=1.0)
            for ref in done:
                shard = running[ref]
                try:
                    summary = ray.get(ref)
                except Exception as exc:  # RayTaskError (the task raised), WorkerCrashedError, ...
                    failures[shard] = _why(exc)
                    bars.ended(shard, "failed")
                else:
                    infra = summary.get("infra_errors", 0)
                    bars.ended(shard, f"done, {infra} infrastructure failures" if infra else "done")
            bars.refresh()
        return dict(sorted(failures.items(), key=lambda kv: kv[0].index))
    finally:
        ray.shutdown()


def unplaceable(needs: dict[str, float], nodes: list[dict[str, float]]) -> str | None:
    """Why no node can run a shard task (None: some node can)."""
    if any(all(node.get(name, 0) >= amount for name, amount in needs.items()) for node in nodes):
        return None
    shown = lambda have: ", ".join(f"{name} {have.get(name, 0):g}" for name in needs)
    offers = "; ".join(shown(node) for node in nodes) or "no nodes"
    return f"it asks {shown(needs)} and no node has that much (the nodes have: {offers})"


def _connect(ray: Any, address: str | None) -> bool:
    """Join the cluster at `address`, else start a small local instance (no dashboard: nothing to show).
    True when it started a local instance."""
    if address is None:
        address = os.environ.get("RAY_ADDRESS") or None
    quiet = {"logging_level": logging.ERROR, "log_to_driver": False}
    try:
        if address is None:
            ray.init(include_dashboard=False, object_store_memory=LOCAL_OBJECT_STORE_BYTES, **quiet)
        else:
            ray.init(address=address, **quiet)
    except Exception as exc:  # ConnectionError, a bad address, a version mismatch...
        if address is None:
            raise UsageError(f"could not start a local Ray instance: {_why(exc)}") from None
        raise UsageError(f"could not join the Ray cluster at {address}: {_why(exc)} (is it up? a cluster with "
                         "token authentication also needs RAY_AUTH_MODE=token and its token here)") from None
    return address is None


def _why(exc: BaseException) -> str:
    """A Ray error in one line: the shard's own exception when the task raised one."""
    cause = getattr(exc, "cause", None)
    err = cause if isinstance(cause, BaseException) else exc
    lines = [line.strip() for line in str(err).splitlines() if line.strip()]
    return f"{type(err).__name__}: {lines[0] if lines else ''}"[:300]
