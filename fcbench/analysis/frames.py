"""Run folders as pandas DataFrames, for notebooks (and for the leaderboard tables).

    from fcbench import runs_df, samples_df
    runs = runs_df(["runs/a", "runs/b"])         # one row per run and sub-task
    samples = samples_df("runs/a")               # one row per sample
    samples.groupby("task")["failure:wrong_value"].mean()

Both read through `fcbench.runlog.read_run`, so they see exactly what reports see.

`runs_df` columns: ``source, model, mode, rules, protocol, split, suite, created, fcbench_version,
limit, data_version, task, task_version, checksum, n, n_passed, n_infra_error, main_metric,
score, ci_low, ci_high``, then one ``metric:<name>`` column per metric any run reports.

`samples_df` columns: ``run, model, task, sample_id, status, passed, failures`` (the
categories joined by ``;``), ``infra_kind, latency_s, prompt_tokens, completion_tokens,
attempts, malformed``, one boolean ``failure:<category>`` column per category seen, and one
``metric:<name>`` column per per-sample metric (missing where a sample does not report it).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fcbench.runlog import RunResults, read_run

if TYPE_CHECKING:  # pandas is imported when a frame is built, never at import time
    import pandas as pd

RUN_COLUMNS = ("source", "model", "mode", "rules", "protocol", "split", "suite", "created", "fcbench_version", "limit",
               "shard", "data_version", "task", "task_version", "checksum", "n", "n_passed", "n_infra_error",
               "main_metric", "score", "ci_low", "ci_high")
SAMPLE_COLUMNS = ("run", "model", "task", "sample_id", "status", "passed", "failures", "infra_kind",
                  "latency_s", "prompt_tokens", "completion_tokens", "attempts", "malformed")


def data_version(results: RunResults) -> str | None:
    """Short hash of what decides which samples were scored: task versions, data checksums and
    the limit (None when a task has no checksum: an old file, comparable with nothing)."""
    if any(not t.checksum for t in results.tasks.values()):
        return None
    key: dict[str, Any] = {"limit": results.limit,
                           "tasks": {name: [t.version, t.checksum] for name, t in sorted(results.tasks.items())}}
    if results.shard is not None:  # one shard scored a subset: never the same data as the whole run
        key["shard"] = results.shard
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:12]


def run_rows(source: Path | str) -> list[dict[str, Any]]:
    """`runs_df`'s rows for one run folder or results.json."""
    run = read_run(source)
    results = run.results
    assert results is not None
    common = {"source": str(source), "model": results.model or "?", "mode": results.mode or "?",
              "rules": results.rules, "protocol": results.protocol, "split": results.split or "?",
              "suite": results.suite_name,
              "created": results.created, "fcbench_version": results.fcbench_version, "limit": results.limit,
              "shard": results.shard, "data_version": data_version(results)}
    rows = []
    for name, t in results.tasks.items():
        row = {**common, "task": name, "task_version": t.version, "checksum": t.checksum, "n": t.n,
               "n_passed": t.n_passed, "n_infra_error": t.n_infra_error, "main_metric": t.main_metric,
               "score": t.score, "ci_low": t.ci[0] if t.ci else None, "ci_high": t.ci[1] if t.ci else None}
        row.update({f"metric:{k}": v for k, v in t.metrics.items()})
        rows.append(row)
    return rows


def runs_df(sources: Iterable[Path | str]) -> pd.DataFrame:
    """One row per (run, sub-task) over run folders or results.json files."""
    import pandas as pd

    rows = [row for source in sources for row in run_rows(source)]
    extra = sorted({k for row in rows for k in row if k.startswith("metric:")})
    return pd.DataFrame(rows, columns=[*RUN_COLUMNS, *extra])


def samples_df(source: Path | str) -> pd.DataFrame:
    """One row per sample of a run folder (the latest result of each sample)."""
    import pandas as pd

    run = read_run(source, finished=False)
    model = run.manifest.model if run.manifest is not None else (run.results.model if run.results else None)
    rows = []
    for r in run.iter_samples():
        out = r.output
        row: dict[str, Any] = {
            "run": str(source), "model": model, "task": r.task, "sample_id": r.sample_id, "status": r.status,
            "passed": r.passed, "failures": ";".join(r.failures),
            "infra_kind": out.infra_error.kind if out.infra_error else None, "latency_s": out.latency_s,
            "prompt_tokens": out.usage.prompt_tokens, "completion_tokens": out.usage.completion_tokens,
            "attempts": out.attempts, "malformed": out.malformed}
        row.update({f"failure:{f}": True for f in r.failures})
        row.update({f"metric:{k}": v for k, v in r.metrics.items()})
        rows.append(row)
    failures = sorted({k for row in rows for k in row if k.startswith("failure:")})
    metrics = sorted({k for row in rows for k in row if k.startswith("metric:")})
    for row in rows:
        for column in failures:
            row.setdefault(column, False)
    return pd.DataFrame(rows, columns=[*SAMPLE_COLUMNS, *failures, *metrics])
