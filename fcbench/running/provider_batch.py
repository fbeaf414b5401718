"""``fcbench run --batch``: a run's requests through a provider's batch API, resumable.

Why a ledger: a batch is paid for when it is created, and it answers hours later. A run
killed in between must be able to collect what it already paid for, so every fact the
run needs to continue is appended to ``RUN_DIR/batches.jsonl`` the moment it exists,
one flushed and fsynced line each (ids only, never credentials)::

    {"event": "intent", "key", "provider", "custom_ids": {custom id: sample id}, "time"}
    {"event": "file", "key", "file_id"}        # OpenAI: right after the upload
    {"event": "batch", "key", "batch_id"}      # right after create returned
    {"event": "status", "key", "batch_id", "status"}   # when the provider's status changes
    {"event": "collected", "key", "batch_id"}  # once its answers are in samples.jsonl

A submission (one key) is resumed from the last step it recorded: a batch id is polled
and collected; a file without a batch, or an intent alone, is first looked for at the
provider by its key (OpenAI batches carry it in their metadata; Anthropic's cannot, see
`fcbench.models.anthropic_batch`), and only submitted when not found. Samples that no
open submission covers (new ones, and infrastructure failures of collected batches)
go into new submissions of at most ``batch_size`` requests.

Every answer takes the same way to its record as in any run (the runner's `finish`,
i.e. `fcbench.running.pipeline.finish_sample`); a request a batch did not answer is an
infrastructure failure, which ``--resume`` runs again.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fcbench.credentials import scrub
from fcbench.errors import InfraError, UsageError
from fcbench.models.provider_batches import (
    BATCH_OPTIONS,
    BatchItem,
    BatchProgress,
    ProviderBatchAPI,
    batch_api_class,
    batch_options,
    check_batch_provider,
)
from fcbench.records import ModelOutput, Request, Sample
from fcbench.retry import RetriesExhausted, RetryPolicy, with_retries

LEDGER = "batches.jsonl"

Finish = Callable[[Any, Sample, Request, ModelOutput | InfraError, float], Awaitable[None]]
Status = Callable[[str], None]


def check_batch_options(model: str, protocol: str, batch: bool, model_args: dict[str, Any]) -> None:
    """Refuse, before the run folder exists, a ``--batch`` run that cannot be one, and batch
    options (``-M batch_poll_s=``, ``-M batch_size=``) given without ``--batch``."""
    given = sorted(BATCH_OPTIONS & set(model_args))
    if not batch:
        if given:
            raise UsageError(f"{', '.join(given)} apply to --batch runs only")
        return
    check_batch_provider(model, protocol)
    batch_options(model_args, batch_api_class(model.partition("/")[0]).max_requests)


@dataclass
class Submission:
    """One batch as the ledger knows it."""

    key: str
    provider: str
    custom_ids: dict[str, str]  # custom id -> sample id
    time: float
    file_id: str | None = None
    batch_id: str | None = None
    status: str | None = None
    collected: bool = False
    #: recorded by an earlier session (its batch may exist though its id was never recorded)
    earlier: bool = False
    #: this session's view: the items still wanted, the last progress seen
    items: list[BatchItem] = field(default_factory=list)
    progress: BatchProgress | None = None


class BatchLedger:
    """``RUN_DIR/batches.jsonl``: appended line by line, each flushed and fsynced at once."""

    def __init__(self, run_dir: Path):
        self.path = Path(run_dir) / LEDGER

    def read(self) -> dict[str, Submission]:
        subs: dict[str, Submission] = {}
        if not self.path.exists():
            return subs
        data = self.path.read_bytes()
        lines = data.split(b"\n")
        if not data.endswith(b"\n"):
            lines = lines[:-1]  # a torn last line (killed mid-write) was never a fact
        for lineno, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            try:
                event = json.loads(raw)
                key = event["key"]
                if event["event"] == "intent":
                    subs[key] = Submission(key, event["provider"], dict(event["custom_ids"]), float(event["time"]))
                    continue
                sub = subs[key]
            except (ValueError, KeyError, TypeError):
                raise UsageError(f"{self.path}:{lineno}: not a batch ledger line; the run cannot be "
                                 "resumed in batch mode safely (check the provider's console)") from None
            kind = event["event"]
            if kind == "file":
                sub.file_id = event["file_id"]
            elif kind == "batch":
                sub.batch_id = event["batch_id"]
            elif kind == "status":
                sub.status = event["status"]
            elif kind == "collected":
                sub.collected = True
        return subs

    def append(self, event: dict[str, Any]) -> None:
        line = scrub(json.dumps(event, ensure_ascii=False)) + "\n"
        with self.path.open("ab") as fh:
            fh.write(line.encode("utf-8", "surrogatepass"))
            fh.flush()
            os.fsync(fh.fileno())


class ProviderBatchRun:
    """One session of a ``--batch`` run: resume open submissions, submit the rest, wait, collect."""

    def __init__(self, api: ProviderBatchAPI, ledger: BatchLedger, policy: RetryPolicy, finish: Finish,
                 on_status: Status | None = None):
        self.api = api
        self.ledger = ledger
        self.policy = policy
        self.finish = finish
        self.on_status = on_status or (lambda text: None)
        self.started = time.perf_counter()

    async def run(self, todo: list[tuple[Any, Sample, Request]]) -> None:
        """`todo`: (plan, sample, request) of every sample still to answer in this session."""
        if not todo:
            return
        wanted = {sample.id: (plan, sample, request) for plan, sample, request in todo}
        subs = self._reopen(wanted)
        covered = {sid for sub in subs for sid in sub.custom_ids.values()}
        fresh = [sid for sid in wanted if sid not in covered]
        ids = self.api.custom_ids(fresh)
        for start in range(0, len(fresh), self.api.batch_size):
            chunk = fresh[start:start + self.api.batch_size]
            sub = Submission(uuid.uuid4().hex, self.api.provider, {ids[s]: s for s in chunk}, time.time())
            self.ledger.append({"event": "intent", "key": sub.key, "provider": sub.provider,
                                "custom_ids": sub.custom_ids, "time": sub.time})
            subs.append(sub)
        for sub in subs:
            sub.items = [BatchItem(cid, wanted[sid][2]) for cid, sid in sub.custom_ids.items() if sid in wanted]
        await asyncio.gather(*(self._submit(sub, wanted) for sub in subs if sub.batch_id is None))
        await self._wait_and_collect([s for s in subs if s.batch_id is not None], wanted)

    def _reopen(self, wanted: dict[str, Any]) -> list[Submission]:
        """Submissions of earlier sessions not yet collected; those with nothing left to
        answer (their samples recorded since) are closed."""
        subs = []
        for sub in self.ledger.read().values():
            if sub.collected:
                continue
            if sub.provider != self.api.provider:
                raise UsageError(f"{self.ledger.path}: open {sub.provider} batch {sub.batch_id or sub.key} "
                                 f"in a run of {self.api.provider}/")
            if not any(sid in wanted for sid in sub.custom_ids.values()):
                self.ledger.append({"event": "collected", "key": sub.key, "batch_id": sub.batch_id})
                continue
            sub.earlier = True
            subs.append(sub)
        return subs

    async def _retrying(self, step: Callable[[], Awaitable[Any]]) -> Any:
        value, _ = await with_retries(step, self.policy)
        return value

    async def _submit(self, sub: Submission, wanted: dict[str, Any]) -> None:
        """Upload (if not yet) and create (unless the provider already has it); each id is
        recorded as soon as it exists. On failure the samples are infrastructure failures and
        the submission stays open: a resume looks for its batch again before submitting."""
        try:
            if sub.earlier:
                found = await self._retrying(lambda: self.api.find(sub.key, sub.time))
                if found is not None:
                    sub.batch_id = found
                    self.ledger.append({"event": "batch", "key": sub.key, "batch_id": found})
                    return
            if sub.file_id is None:
                file_id = await self._retrying(lambda: self.api.upload(sub.items, sub.key))
                if file_id is not None:
                    sub.file_id = file_id
                    self.ledger.append({"event": "file", "key": sub.key, "file_id": file_id})
            sub.batch_id = await self._create(sub)
            self.ledger.append({"event": "batch", "key": sub.key, "batch_id": sub.batch_id})
        except Exception as exc:
            await self._fail_all(sub, wanted, self._infra(exc, "submitting the batch"))

    async def _create(self, sub: Submission) -> str:
        """Create the batch, retried by the run's policy. A failed attempt (a timeout, a 5xx) may have
        created it all the same, so each retry first looks for it by key (OpenAI; Anthropic cannot
        say, see `fcbench.models.anthropic_batch`)."""
        attempts = 0

        async def attempt() -> str:
            nonlocal attempts
            attempts += 1
            if attempts > 1:
                found = await self.api.find(sub.key, sub.time)
                if found is not None:
                    return found
            return await self.api.create(sub.items, sub.key, sub.file_id)

        return await self._retrying(attempt)

    async def _wait_and_collect(self, subs: list[Submission], wanted: dict[str, Any]) -> None:
        open_subs = list(subs)
        while open_subs:
            still = []
            for sub in open_subs:
                try:
                    sub.progress = await self._retrying(lambda sub=sub: self.api.poll(sub.batch_id))
                except Exception as exc:  # left open, a resume polls it again; unless the provider has no such batch
                    error = self._infra(exc, f"polling batch {sub.batch_id}")
                    await self._fail_all(sub, wanted, error)
                    if error.status == 404:
                        self.ledger.append({"event": "collected", "key": sub.key, "batch_id": sub.batch_id,
                                            "note": "the provider has no such batch: its samples are submitted again"})
                    continue
                if sub.progress.status != sub.status:
                    sub.status = sub.progress.status
                    self.ledger.append({"event": "status", "key": sub.key, "batch_id": sub.batch_id,
                                        "status": sub.status})
                if sub.progress.ended:
                    await self._collect(sub, wanted)
                else:
                    still.append(sub)
            open_subs = still
            self._show(subs)
            if open_subs:
                await asyncio.sleep(self.api.poll_s)

    def _show(self, subs: list[Submission]) -> None:
        seen = [s.progress for s in subs if s.progress is not None]
        done, total = sum(p.done for p in seen), sum(p.total for p in seen)
        states = sorted({p.status for p in seen})
        self.on_status(f"{len(subs)} batch(es) {'/'.join(states)}: {done}/{total} answered")

    async def _collect(self, sub: Submission, wanted: dict[str, Any]) -> None:
        assert sub.batch_id is not None
        try:
            answers = await self._retrying(lambda: self.api.results(sub.batch_id, sub.items))
        except Exception as exc:
            return await self._fail_all(sub, wanted, self._infra(exc, f"reading batch {sub.batch_id}'s results"))
        elapsed = time.perf_counter() - self.started  # a batched answer's latency is the session's wait for it
        for item in sub.items:
            plan, sample, request = wanted[sub.custom_ids[item.custom_id]]
            answer = answers.get(item.custom_id) or InfraError(
                "batch_missing", f"batch {sub.batch_id} gave no answer to this request", retryable=False)
            await self.finish(plan, sample, request, answer, elapsed)
        sub.collected = True
        self.ledger.append({"event": "collected", "key": sub.key, "batch_id": sub.batch_id})

    async def _fail_all(self, sub: Submission, wanted: dict[str, Any], error: InfraError) -> None:
        elapsed = time.perf_counter() - self.started
        for item in sub.items:
            plan, sample, request = wanted[sub.custom_ids[item.custom_id]]
            await self.finish(plan, sample, request, error, elapsed)

    @staticmethod
    def _infra(exc: Exception, doing: str) -> InfraError:
        if isinstance(exc, RetriesExhausted):
            return InfraError(exc.kind, f"{doing}: {exc}", retryable=False, status=exc.status)
        if isinstance(exc, InfraError):
            return exc
        if isinstance(exc, UsageError):
            raise exc
        return InfraError("backend_error", f"{doing}: {type(exc).__name__}: {exc}", retryable=False)
