"""The paper-style view: chosen metrics of several runs side by side (``fcbench report RUN... --metrics``).

The layout of the Granite-20B-FunctionCalling paper's tables: one row per run (model), one
column per metric per set, where a "set" is a sub-task. ``--metrics name_f1,param_f1`` gives
a column for every sub-task that has the metric (``name_f1`` is in nested, chaining and
name_detection); ``task:metric`` (``chaining:name_sequence_lcs``) picks one column.

A metric is known when some run holds it (or could not compute it, `TaskResults.absent_metrics`)
or an installed task plugin declares it; an unknown name is a `UsageError`. A run that lacks a
known metric shows a dash (table, Markdown), an empty cell (CSV) or null (JSON).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fcbench.errors import UsageError
from fcbench.records import record
from fcbench.runlog import MetricInfo, RunResults, TaskResults, read_run

DASH = "—"


@record
class Column:
    """One sub-task's metric: what a column shows, with the label and direction it was declared with."""

    task: str
    metric: str
    info: MetricInfo

    @property
    def key(self) -> str:
        return f"{self.task}:{self.metric}"

    @property
    def header(self) -> str:
        arrow = " ↓" if self.info.higher_is_better is False else ""
        return f"{self.task} · {self.metric}{arrow}"


@record
class RunRow:
    """One run: who it is and its value per column key (None: the run lacks that metric)."""

    label: str
    source: str
    results: RunResults
    values: dict[str, float | None]


@record
class PaperView:
    columns: list[Column]
    rows: list[RunRow]
    notes: list[str]


def parse_metrics(spec: str) -> list[str]:
    """``"name_f1, chaining:param_f1"`` -> ``["name_f1", "chaining:param_f1"]`` (order kept, repeats dropped)."""
    names = list(dict.fromkeys(part.strip() for part in spec.split(",") if part.strip()))
    if not names:
        raise UsageError("--metrics needs at least one metric name, e.g. --metrics name_f1,param_f1")
    return names


def declared_metrics() -> dict[str, dict[str, MetricInfo]]:
    """Per installed task, its declared metrics ({} where the plugins cannot be loaded: the view
    still works from what the runs hold)."""
    try:
        from fcbench.task_registry import discover_tasks

        tasks = discover_tasks()
    except Exception:  # a broken plugin must not stop a report of finished runs
        return {}
    return {name: {m.name: MetricInfo(**m.info()) for m in task.metrics} for name, task in tasks.items()}


def _task_order(runs: Sequence[RunResults]) -> list[str]:
    """The sub-tasks the runs hold, in the canonical order, others after them as first seen."""
    from fcbench.task_registry import CANONICAL_ORDER

    seen = list(dict.fromkeys(n for r in runs for n in r.tasks))
    return sorted(seen, key=lambda n: (CANONICAL_ORDER.index(n) if n in CANONICAL_ORDER else len(CANONICAL_ORDER),
                                       seen.index(n)))


def _info(task: str, metric: str, runs: Sequence[RunResults],
          declared: dict[str, dict[str, MetricInfo]]) -> MetricInfo | None:
    """How `metric` of `task` was declared, or None when no run and no plugin knows it there."""
    for results in runs:
        t: TaskResults | None = results.tasks.get(task)
        if t is not None and (metric in t.metrics or metric in t.metric_info or metric in t.absent_metrics):
            return t.metric_info.get(metric) or declared.get(task, {}).get(metric) or MetricInfo(metric)
    return declared.get(task, {}).get(metric)


def columns_for(requested: Sequence[str], runs: Sequence[RunResults],
                declared: dict[str, dict[str, MetricInfo]]) -> list[Column]:
    """The columns of the runs' sub-tasks (canonical order), metrics in the order asked for.

    A name no run and no installed task knows is refused; so is a known one that none of
    these runs' sub-tasks has (``parallel:name_f1``, or ``bleu`` over runs without
    response_generation): both would give an empty column."""
    tasks = _task_order(runs)
    known = {m for t in set(tasks) | set(declared) for m in _known_in(t, runs, declared)}
    wanted: list[tuple[str, str]] = []
    unknown: list[str] = []
    absent: list[str] = []
    for item in requested:
        task, _, metric = item.rpartition(":")
        if metric not in known or (task and task not in set(tasks) | set(declared)):
            unknown.append(item)
            continue
        found = [(t, metric) for t in ([task] if task else tasks) if t in tasks and _info(t, metric, runs, declared)]
        if not found:
            absent.append(item)
        wanted += found
    if unknown:
        raise UsageError(f"unknown metric(s) for --metrics: {', '.join(unknown)} (known: {', '.join(sorted(known))})")
    if absent:
        raise UsageError(f"no sub-task of these runs has {', '.join(absent)}; "
                         f"their sub-tasks are {', '.join(tasks)}")
    out = []
    for task in tasks:
        for t, metric in dict.fromkeys(wanted):
            if t == task:
                out.append(Column(task, metric, _info(task, metric, runs, declared) or MetricInfo(metric)))
    return out


def _known_in(task: str, runs: Sequence[RunResults], declared: dict[str, dict[str, MetricInfo]]) -> set[str]:
    names = set(declared.get(task, {}))
    for results in runs:
        t = results.tasks.get(task)
        if t is not None:
            names |= set(t.metrics) | set(t.metric_info) | set(t.absent_metrics)
    return names


def _row_labels(sources: Sequence[Path], runs: Sequence[RunResults]) -> list[str]:
    """The model's name; the run folder's name too where two runs share a model (its path where
    two such folders share a name)."""
    models = [r.model or "?" for r in runs]
    labels = [m if models.count(m) == 1 else f"{m} ({(s if s.is_dir() else s.parent).name})"
              for m, s in zip(models, sources)]
    return [label if labels.count(label) == 1 else f"{m} ({s})" for label, m, s in zip(labels, models, sources)]


def build_view(sources: Sequence[Path], spec: str,
               declared: dict[str, dict[str, MetricInfo]] | None = None) -> PaperView:
    requested = parse_metrics(spec)
    runs = []
    for source in sources:
        results = read_run(source).results
        assert results is not None, "read_run gives a finished run"
        runs.append(results)
    declared = declared_metrics() if declared is None else declared
    cols = columns_for(requested, runs, declared)
    rows = [RunRow(label, str(source), results,
                   {c.key: (results.tasks[c.task].metrics.get(c.metric) if c.task in results.tasks else None)
                    for c in cols})
            for label, source, results in zip(_row_labels(sources, runs), sources, runs)]
    return PaperView(cols, rows, _notes(cols, rows))


def _notes(cols: Sequence[Column], rows: Sequence[RunRow]) -> list[str]:
    """Why a shown metric is missing where the run knows why (an optional package or model)."""
    by_need: dict[str, set[str]] = {}
    for row in rows:
        for c in cols:
            t = row.results.tasks.get(c.task)
            if t is not None and c.metric in t.absent_metrics and row.values[c.key] is None:
                by_need.setdefault(t.absent_metrics[c.metric], set()).add(c.metric)
    return [f"{DASH}: {', '.join(sorted(metrics))} not computed in the runs showing a dash (to get: {need})"
            for need, metrics in by_need.items()]


def cell(value: float | None, info: MetricInfo) -> str:
    if value is None:
        return DASH
    return f"{100 * value:.1f}" if info.unit == "share" else f"{value:.2f}"


def render_markdown(view: PaperView) -> str:
    headers = ["model", *(c.header for c in view.columns)]
    lines = ["| " + " | ".join(headers) + " |", "|---|" + "---:|" * len(view.columns)]
    lines += ["| " + " | ".join([row.label, *(cell(row.values[c.key], c.info) for c in view.columns)]) + " |"
              for row in view.rows]
    lines += ["", "Values in % (counts as they are); ↓ lower is better.", *view.notes]
    return "\n".join(lines) + "\n"


def render_csv(view: PaperView) -> str:
    """Wide CSV, raw values (shares in [0, 1]); an empty cell where a run lacks the metric."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["model", "run", "mode", "protocol", "split", *(c.key for c in view.columns)])
    for row in view.rows:
        r = row.results
        writer.writerow([r.model, row.source, r.mode, r.protocol, r.split,
                         *("" if row.values[c.key] is None else row.values[c.key] for c in view.columns)])
    return buf.getvalue()


def render_json(view: PaperView) -> str:
    doc = {"columns": [{"key": c.key, "task": c.task, "metric": c.metric, **c.info.to_dict()} for c in view.columns],
           "rows": [{"model": row.results.model, "label": row.label, "run": row.source, "mode": row.results.mode,
                     "protocol": row.results.protocol, "split": row.results.split, "values": row.values}
                    for row in view.rows],
           "notes": view.notes}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def render_table(view: PaperView) -> Any:
    """A rich Table (imported lazily)."""
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"{len(view.rows)} runs side by side (values in %, ↓ lower is better)", title_justify="left")
    table.add_column("model", overflow="fold")
    for c in view.columns:
        table.add_column(escape(c.header), justify="right", overflow="fold")
    for row in view.rows:
        table.add_row(escape(row.label), *(cell(row.values[c.key], c.info) for c in view.columns))
    if view.notes:
        table.caption = escape(" · ".join(view.notes))
    return table


def render(sources: Sequence[Path], spec: str, fmt: str = "table") -> str | Any:
    """The view in one of the report formats; ``table`` returns a rich renderable."""
    from fcbench.analysis.report import FORMATS

    if fmt not in FORMATS:
        raise UsageError(f"unknown report format {fmt!r} (choose from {', '.join(FORMATS)})")
    view = build_view(sources, spec)
    return {"markdown": render_markdown, "csv": render_csv, "json": render_json, "table": render_table}[fmt](view)
