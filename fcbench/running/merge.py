"""``fcbench merge``: the N shard folders of one run become one run folder.

Every check happens before anything is written, and each refusal is one line naming the
folder at fault:

* each folder is a shard run (its fingerprint names ``i/N``), all of one run: the same
  fingerprint once the shard is set aside, the same N;
* every index 0..N-1 is there exactly once;
* the suite's data is unchanged since the shards ran (the fingerprint holds its checksums);
* `out` is new, empty, or holds only what the Ray executor keeps there or a killed merge left;
* every sample a shard holds has a result (an unfinished shard is resumed, not merged),
  no shard recorded a sample of another shard, no sample twice.

The merged folder is an ordinary run: ``run.json`` with the unsharded fingerprint (so
``--resume`` continues it, re-running the infrastructure failures the shards left), every
shard's sessions, and ``merged_from``; ``samples.jsonl`` in data order; ``results.json``
built by the same code as a one-process run's, from the same results, hence equal to it
(``created`` aside: the merged run was created when its first shard was).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from fcbench.errors import UsageError
from fcbench.models.base import GenerateConfig
from fcbench.models.pricing import estimate_cost
from fcbench.records import SampleResult
from fcbench.runlog import MANIFEST, RESULTS, SAMPLES, RunManifest, RunResults, read_manifest, read_samples
from fcbench.running.conversation import Budget
from fcbench.running.results import build_results, runtime_totals
from fcbench.running.runner import RunConfig, TaskPlan, fingerprint, plan_tasks
from fcbench.running.shards import Shard, shard_from_fields, unsharded_fields
from fcbench.running.store import encode_line, write_json_atomic

#: what the merged folder may already hold (the Ray executor keeps its shards there)
ALLOWED_IN_OUT = frozenset({"shards", "executor.json"})
#: what a merge killed before its end leaves (no run.json yet): written over by the next merge
LEFT_BY_A_KILLED_MERGE = frozenset({SAMPLES, SAMPLES + ".tmp", RESULTS, RESULTS + ".tmp", MANIFEST + ".tmp"})


def config_from_manifest(manifest: RunManifest) -> RunConfig:
    """The run's configuration as its run.json records it (what decides its samples and scores)."""
    fields = manifest.fingerprint_fields
    sampling = fields.get("sampling") or {}
    budget = fields.get("budget") or {}
    suite = (manifest.suite or {}).get("path")
    return RunConfig(
        model=manifest.model, tasks=",".join(fields.get("tasks") or {}) or "all", mode=manifest.mode,  # type: ignore[arg-type]
        limit=manifest.limit, split=manifest.split, suite=Path(suite) if suite else None,
        sampling=GenerateConfig(**{k: sampling[k] for k in ("temperature", "max_tokens", "seed") if k in sampling}),
        model_args=dict(manifest.data.get("model_args") or {}), judge=fields.get("judge"),
        rules=manifest.rules, protocol=manifest.protocol,
        budget=Budget(budget.get("extra_turns", 3), budget.get("max_calls")),
        concurrency=manifest.concurrency or 8)


def _read_shards(dirs: list[Path]) -> list[tuple[Path, RunManifest, Shard]]:
    if not dirs:
        raise UsageError("merge: give the shard run folders")
    shards = []
    for folder in dirs:
        if not (folder / MANIFEST).is_file():
            raise UsageError(f"{folder}: not a run folder (no {MANIFEST})")
        manifest = read_manifest(folder / MANIFEST)
        shard = shard_from_fields(manifest.fingerprint_fields)
        if shard is None:
            raise UsageError(f"{folder}: not a shard (run with --shard i/N)")
        shards.append((folder, manifest, shard))
    return shards


def _check_one_run(shards: list[tuple[Path, RunManifest, Shard]]) -> None:
    first_dir, first, first_shard = shards[0]
    base = fingerprint(unsharded_fields(first.fingerprint_fields))
    for folder, manifest, shard in shards[1:]:
        if fingerprint(unsharded_fields(manifest.fingerprint_fields)) != base:
            differ = sorted(k for k in set(first.fingerprint_fields) | set(manifest.fingerprint_fields)
                            if k != "shard" and first.fingerprint_fields.get(k) != manifest.fingerprint_fields.get(k))
            raise UsageError(f"{folder}: a shard of another run than {first_dir} (differs in: {', '.join(differ)})")
        if shard.count != first_shard.count:
            raise UsageError(f"{folder}: shard {shard} of {shard.count}, but {first_dir} is shard "
                             f"{first_shard} of {first_shard.count}")
    where: dict[int, Path] = {}
    for folder, _, shard in shards:
        if shard.index in where:
            raise UsageError(f"shard {shard} given twice: {where[shard.index]} and {folder}")
        where[shard.index] = folder
    missing = [f"{i}/{first_shard.count}" for i in range(first_shard.count) if i not in where]
    if missing:
        raise UsageError(f"missing shard(s) {', '.join(missing)} of {first_shard.count}: merge needs all of them")


def _gather(shards: list[tuple[Path, RunManifest, Shard]],
            plans: list[TaskPlan]) -> dict[str, SampleResult]:
    """Every shard's results, checked against the samples each shard holds."""
    task_of = {s.id: p.task.name for p in plans for s in p.samples}
    seen: dict[str, Path] = {}
    latest: dict[str, SampleResult] = {}
    for folder, _, shard in shards:
        results = read_samples(folder)
        for sample_id, result in results.items():
            task = task_of.get(sample_id)
            if task is None or task != result.task:
                raise UsageError(f"{folder}: holds a result for {sample_id!r} ({result.task}), "
                                 "which this run does not have")
            if not shard.holds(task, sample_id):
                raise UsageError(f"{folder}: holds {sample_id!r}, a sample of another shard")
            if sample_id in seen:
                raise UsageError(f"sample {sample_id!r} recorded twice: in {seen[sample_id]} and {folder}")
            seen[sample_id] = folder
            latest[sample_id] = result
        unfinished = [s.id for p in plans for s in p.samples if shard.holds(p.task.name, s.id) and s.id not in results]
        if unfinished:
            raise UsageError(f"{folder}: shard {shard} is unfinished ({len(unfinished)} sample(s) not run, first "
                             f"{unfinished[0]!r}); finish it with: fcbench run --resume {folder}")
    return latest


def _manifest(shards: list[tuple[Path, RunManifest, Shard]], plans: list[TaskPlan]) -> dict[str, Any]:
    ordered = sorted(shards, key=lambda item: item[2].index)
    data = dict(ordered[0][1].data)
    data.pop("shard", None)
    fields = unsharded_fields(ordered[0][1].fingerprint_fields)
    created = [m.created for _, m, _ in ordered if m.created]
    finished = [str(m.data.get("finished")) for _, m, _ in ordered if m.data.get("finished")]
    data.update(
        created=min(created) if created else None, finished=max(finished) if finished else None,
        fingerprint=fingerprint(fields), fingerprint_fields=fields,
        tasks={p.task.name: {"version": p.task.version, "data_file": p.data_file.name,
                             "checksum": p.checksum, "samples": len(p.samples)} for p in plans},
        sessions=[{**session, "shard": str(shard)} for _, m, shard in ordered for session in m.sessions],
        merged_from=[{"folder": str(folder), "shard": str(shard), "fingerprint": m.fingerprint,
                      "status": m.status} for folder, m, shard in ordered])
    data.pop("stopped_by", None)
    return data


def _check_out(out: Path) -> None:
    if not out.exists():
        return
    if not out.is_dir() or any(p.name not in ALLOWED_IN_OUT | LEFT_BY_A_KILLED_MERGE for p in out.iterdir()):
        raise UsageError(f"{out}: exists and is not an empty folder")


def _write(out: Path, results_in_order: list[SampleResult], results: RunResults, manifest: dict[str, Any]) -> None:
    """samples.jsonl, results.json, then run.json, each written whole and renamed into place:
    a merge killed at any moment leaves no run.json, and merging again writes over what it left."""
    out.mkdir(parents=True, exist_ok=True)
    tmp = out / (SAMPLES + ".tmp")
    with tmp.open("wb") as fh:
        for result in results_in_order:
            fh.write(encode_line(result.to_dict()))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, out / SAMPLES)
    write_json_atomic(out / RESULTS, results.to_dict())
    write_json_atomic(out / MANIFEST, manifest)


def merge(shard_dirs: list[Path], out: Path) -> RunResults:
    """See the module docstring; returns the merged results."""
    shards = _read_shards(shard_dirs)
    _check_one_run(shards)
    first_dir, first, _ = shards[0]
    config = config_from_manifest(first)
    if config.suite is not None and not config.suite.is_dir():
        raise UsageError(f"{config.suite}: the shards' suite folder is not there (run.json of {first_dir} names it; "
                         "merge from the folder the shards ran in)")
    plans = plan_tasks(config)
    recorded = first.fingerprint_fields.get("tasks") or {}
    for plan in plans:
        if (recorded.get(plan.task.name) or {}).get("checksum") != plan.checksum:
            raise UsageError(f"{plan.data_file}: the data of task {plan.task.name} changed since the shards ran "
                             f"({first_dir})")
    latest = _gather(shards, plans)
    _check_out(out)

    manifest = _manifest(shards, plans)
    results = build_results(plans, latest, manifest)
    manifest["status"] = "complete" if results.totals.infra_errors == 0 else "incomplete"
    totals = {**results.totals.to_dict(), **runtime_totals(latest.values())}
    totals["cost_usd_estimate"] = estimate_cost(config.model, totals["prompt_tokens"], totals["completion_tokens"],
                                                config.model_args, batch=bool(first.data.get("batch")))
    manifest["totals"] = totals
    manifest["merged"] = {"shards": len(shards), "samples": len(latest), "infra_errors": results.totals.infra_errors}

    _write(out, [latest[s.id] for p in plans for s in p.samples], results, manifest)
    return results
