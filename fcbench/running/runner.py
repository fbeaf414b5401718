"""The runner: plans a run, resumes it if asked, drives samples through the pipeline.

A run is fingerprinted by what decides its scores: model, mode, tasks and
their versions, data checksums, split, limit, sampling parameters and (when not
the default) the rules profile. ``--resume`` re-runs only samples that are missing
or ended in an infrastructure failure, and refuses when the fingerprint differs.

The backend is started before the first sample; one that cannot start ends the run
with a `UsageError` whose detail (a server's log tail) the CLI prints once. Samples
then go to the backend one by one, at most ``--concurrency`` at a time, or as one batch
(in-process vLLM); either way each answer takes the same way to its record
(`fcbench.running.pipeline.finish_sample`) and is appended to ``samples.jsonl`` as it finishes.
At the end ``results.json`` is rebuilt from ``samples.jsonl`` and ``run.json`` gets the
session, the totals and the status.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from fcbench.credentials import redact
from fcbench.data.samples import file_checksum
from fcbench.data.suites import read_suite_manifest
from fcbench.errors import InfraError, Terminated, UsageError
from fcbench.models.base import GenerateConfig, Model
from fcbench.models.pricing import estimate_cost, price_for
from fcbench.records import InfraFailure, Mode, ModelOutput, Request, Sample, SampleResult
from fcbench.retry import RetryPolicy
from fcbench.runlog import RunResults
from fcbench.running.conversation import (
    DEFAULT_PROTOCOL,
    Budget,
    TurnBatcher,
    check_executable,
    run_interactive,
)
from fcbench.running.pipeline import ask, finish_sample
from fcbench.running.results import build_results, runtime_totals
from fcbench.running.shards import Shard
from fcbench.running.store import RunStore
from fcbench.scoring.profiles import DEFAULT as DEFAULT_RULES
from fcbench.scoring.profiles import profile as rules_profile
from fcbench.task import Task
from fcbench.task_registry import tasks_for
from fcbench.version import __version__


@dataclass
class RunConfig:
    model: str
    tasks: str = "all"
    mode: Mode = "native"
    limit: int | None = None
    concurrency: int = 8
    split: str = "test"
    suite: Path | None = None
    sampling: GenerateConfig = field(default_factory=GenerateConfig)
    model_args: dict[str, Any] = field(default_factory=dict)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    judge: str | None = None  # provider/model of an optional LLM judge
    rules: str = DEFAULT_RULES  # rules profile (fcbench.scoring.profiles)
    protocol: str = DEFAULT_PROTOCOL  # plan | interactive (fcbench.running.conversation)
    budget: Budget = field(default_factory=Budget)  # the interactive protocol's turn and call budget
    shard: Shard | None = None  # run only this shard's samples (fcbench.running.shards)
    bertscore_model: str | None = None  # local model folder for bertscore_f1 (recorded; not in the fingerprint)
    batch: bool = False  # through the provider's batch API (fcbench.running.provider_batch); not in the fingerprint


@dataclass
class TaskPlan:
    task: Task
    samples: list[Sample]
    data_file: Path
    checksum: str


#: every ``--batch`` option (`fcbench.models.provider_batches.BATCH_OPTIONS`) is named so
#: (a test holds it to that): a run with none of them and without --batch has nothing to check
BATCH_OPTION_PREFIX = "batch_"


def check_batch_run(config: RunConfig) -> None:
    """`fcbench.running.provider_batch.check_batch_options`, imported only for a run it can refuse:
    a ``--batch`` run, or one given an option named like a batch option."""
    if config.batch or any(str(key).startswith(BATCH_OPTION_PREFIX) for key in config.model_args):
        from fcbench.running.provider_batch import check_batch_options as check

        check(config.model, config.protocol, config.batch, config.model_args)


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _python_version() -> str:
    import platform  # here, not at the top: its import costs a run's start-up some milliseconds

    return platform.python_version()


def git_commit() -> str | None:
    """The commit of the fcbench checkout, when running from one."""
    import subprocess

    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=Path(__file__).parent,
                             capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def plan_tasks(config: RunConfig) -> list[TaskPlan]:
    tasks = tasks_for(config.tasks)
    plans = []
    for task in tasks:
        path = task.data_file(config.split, config.suite)
        if not path.exists():
            if config.tasks.strip() in ("", "all"):
                continue  # a suite need not cover every task
            raise UsageError(f"{path}: task {task.name} has no {config.split} data in this suite")
        samples = task.load(config.split, config.suite)
        if config.limit is not None:
            samples = samples[: config.limit]
        if config.shard is not None:  # after the limit: the shards of a limited run partition it
            samples = [s for s in samples if config.shard.holds(task.name, s.id)]
        if config.protocol == "interactive" and task.interactive:
            from fcbench.running.trajectory import with_interactive_metrics

            check_executable(task, samples)
            task = with_interactive_metrics(task)
        plans.append(TaskPlan(task, samples, path, file_checksum(path)))
    if not plans:
        raise UsageError("no task has data for this suite and split")
    return plans


class FirstAnswerGuard:
    """Stops a run whose first answers say the set-up is wrong for every request.

    A wrong API key, a model name the server does not know, or an account without credit
    fails every request the same way, at once. When such a failure (`FATAL_KINDS`) comes
    before any answer did, nothing more is sent: the samples not yet asked stay unrecorded
    for ``--resume``, and the run says why it stopped. Once an answer has come back, these
    kinds are one sample's failure like any other (a proxy may refuse one prompt with 403).
    """

    FATAL_KINDS = frozenset({"auth", "billing", "not_found"})

    def __init__(self) -> None:
        self.answered = False
        self.stopped: str | None = None

    def saw(self, failure: InfraFailure | None) -> None:
        """One sample's outcome: None when the backend answered, else the failure recorded."""
        if failure is None:
            self.answered = True
        elif failure.kind in self.FATAL_KINDS and not self.answered and self.stopped is None:
            self.stopped = f"{failure.kind}: {failure.message}"


def fingerprint_fields(config: RunConfig, plans: list[TaskPlan]) -> dict[str, Any]:
    fields = {
        "model": config.model,
        "mode": config.mode,
        "split": config.split,
        "limit": config.limit,
        "sampling": config.sampling.to_dict(),
        "judge": config.judge,
        "tasks": {p.task.name: {"version": p.task.version, "checksum": p.checksum} for p in plans},
    }
    if config.rules != DEFAULT_RULES:  # absent means the default, so older runs keep their fingerprint
        fields["rules"] = config.rules
    if config.protocol != DEFAULT_PROTOCOL:  # likewise
        fields["protocol"] = config.protocol
        fields["budget"] = config.budget.to_dict()
    if config.shard is not None:  # a shard is its own run; `merge` checks the rest agrees
        fields["shard"] = str(config.shard)
    return fields


def fingerprint(fields: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:16]


def explain_mismatch(old: dict[str, Any], new: dict[str, Any]) -> str:
    diffs = [key for key in sorted(set(old) | set(new)) if old.get(key) != new.get(key)]
    parts = []
    for key in diffs:
        if key == "tasks":
            parts.append("tasks or their data (versions/checksums) differ")
        else:
            parts.append(f"{key}: run has {old.get(key)!r}, asked {new.get(key)!r}")
    return "; ".join(parts) or "fingerprint differs"


def suite_info(config: RunConfig) -> dict[str, Any]:
    """The suite's name and version for run.json, from its ``suite.json`` when it has one."""
    if config.suite is None:
        return {"name": "fcbench-sim", "path": None, "builtin": True}
    info: dict[str, Any] = {"name": Path(config.suite).name, "path": str(config.suite)}
    manifest = Path(config.suite) / "suite.json"
    if manifest.exists():
        info.update(read_suite_manifest(manifest))
    return info


ProgressHook = Callable[[str, SampleResult], None]


class Runner:
    """Runs one evaluation into a run folder."""

    def __init__(self, config: RunConfig, model: Model, run_dir: Path, *, resume: bool = False,
                 judge: Model | None = None):
        self.config = config
        self.rules = rules_profile(config.rules)
        self.model = model
        self.judge = judge
        self.store = RunStore(run_dir)
        self.resume = resume
        self.plans = plan_tasks(config)
        price_for(config.model, config.model_args)  # a bad price option fails now, not after the run
        check_batch_run(config)
        self.fields = fingerprint_fields(config, self.plans)
        self.fingerprint = fingerprint(self.fields)
        #: why the run stopped before asking every sample (`FirstAnswerGuard`), once it has run
        self.stopped_by: str | None = None

    def _manifest(self) -> dict[str, Any]:
        return {
            "fcbench_version": __version__,
            "git_commit": git_commit(),
            "python": _python_version(),
            "created": utc_now(),
            "finished": None,
            "status": "running",
            "model": self.config.model,
            "backend": self.model.settings(),
            "model_args": redact(self.config.model_args),
            "mode": self.config.mode,
            "rules": self.config.rules,
            "protocol": self.config.protocol,
            **({"budget": self.config.budget.to_dict()} if self.config.protocol != DEFAULT_PROTOCOL else {}),
            **({"shard": str(self.config.shard)} if self.config.shard is not None else {}),
            **({"bertscore_model": self.config.bertscore_model} if self.config.bertscore_model else {}),
            **({"batch": True} if self.config.batch else {}),
            "split": self.config.split,
            "limit": self.config.limit,
            "concurrency": self.config.concurrency,
            "sampling": self.config.sampling.to_dict(),
            "suite": suite_info(self.config),
            "tasks": {p.task.name: {"version": p.task.version, "data_file": p.data_file.name,
                                    "checksum": p.checksum, "samples": len(p.samples)}
                      for p in self.plans},
            "fingerprint": self.fingerprint,
            "fingerprint_fields": self.fields,
            "sessions": [],
        }

    def prepare(self) -> tuple[dict[str, Any], dict[str, SampleResult]]:
        """Create the run folder, or check a resumed one; return (manifest, finished results)."""
        if not self.resume:
            manifest = self._manifest()
            self.store.create(manifest)
            return manifest, {}
        self.store.load_manifest()  # a run folder (else one clear line) before it is claimed
        self.store.claim()  # then read what no other process is writing any more
        loaded = self.store.load_manifest()
        if loaded.fingerprint != self.fingerprint:
            raise UsageError(f"cannot resume {self.store.run_dir}: it is a different run ("
                             f"{explain_mismatch(loaded.fingerprint_fields, self.fields)})")
        manifest = loaded.data  # written back whole, with this session added
        manifest["status"] = "running"
        done = self.store.results()
        tasks_of = {s.id: p.task.name for p in self.plans for s in p.samples}
        strangers = [r for r in done.values() if tasks_of.get(r.sample_id) != r.task]
        if strangers:
            r = strangers[0]
            raise UsageError(f"{self.store.run_dir / 'samples.jsonl'}: {len(strangers)} result(s) for samples this run "
                             f"does not have (first: {r.sample_id!r} of task {r.task!r}); remove those lines")
        return manifest, done

    def interactive(self, plan: TaskPlan) -> bool:
        """Does this task's sample run as a conversation (``--protocol interactive``)?"""
        return self.config.protocol == "interactive" and plan.task.interactive

    def request_for(self, plan: TaskPlan, sample: Sample) -> Request:
        return self.rules.adapt_request(plan.task.build_request(sample, self.config.mode), sample, plan.task)

    def pending(self, done: dict[str, SampleResult]) -> list[tuple[TaskPlan, Sample]]:
        out = []
        for plan in self.plans:
            for sample in plan.samples:
                previous = done.get(sample.id)
                if previous is None or previous.status == "infra_error":
                    out.append((plan, sample))
        return out

    async def run(self, on_result: ProgressHook | None = None,
                  on_status: Callable[[str], None] | None = None) -> RunResults:
        """`on_status` hears how the batches of a ``--batch`` run are doing while it waits."""
        try:
            manifest, done = self.prepare()
            self.on_status = on_status
            try:
                return await self._run(manifest, done, on_result)
            except BaseException as exc:
                self._record_stop(manifest, exc)
                raise
        finally:
            self.store.release()

    def _record_stop(self, manifest: dict[str, Any], exc: BaseException) -> None:
        """A run that stops early says so in run.json (``--resume`` finishes it); best effort."""
        interrupted = isinstance(exc, (KeyboardInterrupt, asyncio.CancelledError))
        manifest["status"] = "interrupted" if interrupted else "stopped"
        if not interrupted:
            manifest["stopped_by"] = f"{type(exc).__name__}: {exc}"[:500]
        else:  # Ctrl-C, or SIGTERM / SIGHUP however it reached the run
            manifest["stopped_by"] = f"interrupted ({Terminated.received.name})" if Terminated.received \
                else "interrupted"
        manifest["finished"] = utc_now()
        try:
            self.store.write_manifest(manifest)
        except Exception:  # the disk that failed the run may fail this too; resume still works
            pass

    async def _run(self, manifest: dict[str, Any], done: dict[str, SampleResult],
                   on_result: ProgressHook | None) -> RunResults:
        todo = self.pending(done)
        if todo:
            await self._start_backend()
            for task in {id(plan.task): plan.task for plan, _ in todo}.values():
                task.prepare_scoring()  # slow imports before the first request, not on the loop mid-run
        started = time.time()
        session = {"started": utc_now(), "requested": len(todo)}
        self.store.open_for_append()
        semaphore = asyncio.Semaphore(max(1, self.config.concurrency))

        def record(plan: TaskPlan, result: SampleResult) -> None:
            self.store.append(result)
            if on_result is not None:
                on_result(plan.task.name, result)

        interactive = [(p, s) for p, s in todo if self.interactive(p)]
        batcher = TurnBatcher(self.model, len(interactive)) if self.model.batched and interactive else None
        guard = FirstAnswerGuard()

        async def converse(plan: TaskPlan, sample: Sample) -> None:
            # A batched backend has no in-flight limit: every conversation takes part in each turn's batch.
            async with semaphore if batcher is None else contextlib.nullcontext():
                try:
                    if guard.stopped is not None:
                        return  # left for --resume
                    result = await run_interactive(plan.task, sample, self.config.mode, batcher or self.model,
                                                   self.config.retry, self.config.budget, self.judge)
                finally:
                    if batcher is not None:
                        batcher.finished()
            guard.saw(result.output.infra_error)
            record(plan, result)

        async def one(plan: TaskPlan, sample: Sample) -> None:
            if self.interactive(plan):
                return await converse(plan, sample)
            async with semaphore:
                if guard.stopped is not None:
                    return  # left for --resume
                request = self.request_for(plan, sample)
                started = time.perf_counter()
                answer, attempts = await ask(self.model, request, self.config.retry)
                result = await self._finish(plan, sample, request, answer, attempts, time.perf_counter() - started)
                guard.saw(result.output.infra_error if isinstance(answer, InfraError) else None)
            record(plan, result)

        requests_started = time.perf_counter()
        try:
            if self.config.batch:
                await self._run_provider_batches(todo, record)
            elif self.model.batched:
                single = [(p, s) for p, s in todo if not self.interactive(p)]
                await asyncio.gather(self._run_batched(single, record), *(converse(p, s) for p, s in interactive))
            else:
                await asyncio.gather(*(one(plan, sample) for plan, sample in todo))
            session["requests_wall_s"] = round(time.perf_counter() - requests_started, 3)
        finally:
            self.store.close()
            await self.model.aclose()
            if self.judge is not None:
                await self.judge.aclose()

        final = self.store.results()
        results = build_results(self.plans, final, manifest)
        self.store.write_results(results.to_dict())
        session.update({"finished": utc_now(), "wall_s": round(time.time() - started, 3)})
        manifest["sessions"].append(session)
        manifest["finished"] = session["finished"]
        manifest["status"] = "complete" if results.totals.infra_errors == 0 else "incomplete"
        manifest.pop("stopped_by", None)
        self.stopped_by = guard.stopped
        if guard.stopped is not None:
            manifest["status"], manifest["stopped_by"] = "stopped", guard.stopped[:500]
        manifest["backend"] = self.model.settings()  # now with what the backend learned while running
        totals = {**results.totals.to_dict(), **runtime_totals(final.values())}
        totals["cost_usd_estimate"] = estimate_cost(self.config.model, totals["prompt_tokens"],
                                                    totals["completion_tokens"], self.config.model_args,
                                                    batch=self.config.batch)
        manifest["totals"] = totals
        self.store.write_manifest(manifest)
        return results

    async def _start_backend(self) -> None:
        """Start the backend before any sample; a backend that cannot start ends the run cleanly."""
        try:
            await self.model.start()
        except InfraError as exc:
            await self.model.aclose()
            first, _, detail = str(exc).partition("\n")  # e.g. the tail of a server's log
            raise UsageError(f"{self.config.model} could not start: {first} (the run folder is kept; "
                             f"--resume {self.store.run_dir} after fixing it)", detail=detail or None) from None

    async def _finish(self, plan: TaskPlan, sample: Sample, request: Request, answer: ModelOutput | InfraError,
                      attempts: int, latency_s: float) -> SampleResult:
        return await finish_sample(sample, plan.task, request, answer, attempts, latency_s, rules=self.rules,
                                   judge=self.judge, policy=self.config.retry)

    async def _run_batched(self, todo: list[tuple[TaskPlan, Sample]],
                           record: Callable[[TaskPlan, SampleResult], None]) -> None:
        """Backends such as in-process vLLM get the whole run as one batch; each answer then
        takes the same way to its record as a per-sample answer (`finish_sample`)."""
        if not todo:
            return
        requests = [self.request_for(plan, sample) for plan, sample in todo]
        started = time.perf_counter()
        try:
            answers: list[ModelOutput | InfraError] = list(await self.model.generate_batch(requests))
        except Exception as exc:  # the whole batch failed: every sample is an infra failure
            error = exc if isinstance(exc, InfraError) else InfraError("backend_error", f"{type(exc).__name__}: {exc}")
            answers = [error] * len(todo)
        if len(answers) != len(todo):
            error = InfraError("backend_error", f"the batch gave {len(answers)} answers for {len(todo)} requests")
            answers = [error] * len(todo)
        elapsed = time.perf_counter() - started
        for (plan, sample), request, answer in zip(todo, requests, answers):
            record(plan, await self._finish(plan, sample, request, answer, 1, elapsed))


    async def _run_provider_batches(self, todo: list[tuple[TaskPlan, Sample]],
                                    record: Callable[[TaskPlan, SampleResult], None]) -> None:
        """``--batch``: the requests go through the provider's batch API; each answer then takes the
        same way to its record as any other (`finish_sample`)."""
        from fcbench.models.provider_batches import batch_api_for
        from fcbench.running.provider_batch import BatchLedger, ProviderBatchRun

        async def finish(plan: TaskPlan, sample: Sample, request: Request, answer: ModelOutput | InfraError,
                         latency_s: float) -> None:
            record(plan, await self._finish(plan, sample, request, answer, 1, latency_s))

        flow = ProviderBatchRun(batch_api_for(self.model), BatchLedger(self.store.run_dir), self.config.retry,
                                finish, getattr(self, "on_status", None))
        await flow.run([(plan, sample, self.request_for(plan, sample)) for plan, sample in todo])


def default_run_dir(model: str, root: Path = Path("runs")) -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    safe = "".join(ch if ch.isalnum() or ch in "-." else "_" for ch in model)[:80]
    return root / f"{stamp}-{safe}"
