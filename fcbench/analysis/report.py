"""Reports: one row per sub-task, from a run folder's ``results.json`` (and ``run.json``).

There is no umbrella score by default. ``--mean`` adds one row that says what
it is: the unweighted mean of the sub-task main scores. Metric labels and
directions come from the declarations ``results.json`` carries, never from the
task plugins (a report renders where a plugin is missing or broken).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fcbench.errors import UsageError
from fcbench.records import record
from fcbench.runlog import Run, RunResults, read_run

FORMATS = ("table", "markdown", "json", "csv")


@record
class Row:
    task: str
    n: int
    main_metric: str
    score: float | None
    ci: tuple[float, float] | None
    secondary: list[tuple[str, float, bool | None, str]]  # (label, value, higher is better, unit)
    infra: int
    failures: list[tuple[str, int]]


def load_run(run_dir: Path) -> Run:
    """A finished run folder (or results.json), checked: see `fcbench.runlog.read_run`."""
    return read_run(run_dir)


def rows(results: RunResults, top_failures: int = 3) -> list[Row]:
    """One row per sub-task; the secondary metrics are the task's declared ones, those where
    higher is better first, then the rates where lower is better."""
    out = []
    for name, t in results.tasks.items():
        shown = [(t.info(k).label, t.metrics[k], t.info(k).higher_is_better, t.info(k).unit)
                 for k in t.shown_metrics()]
        shown.sort(key=lambda item: item[2] is False)  # stable: declaration order within each group
        out.append(Row(name, t.n, t.main_metric, t.score, t.ci, shown, t.n_infra_error,
                       list(t.failures.items())[:top_failures]))
    return out


def unweighted_mean(rs: list[Row]) -> float | None:
    scores = [r.score for r in rs if r.score is not None]
    return sum(scores) / len(scores) if scores else None


def suite_label(results: RunResults) -> str:
    """Suite name plus what versions it: an imported version, or a generated suite's seed."""
    suite = results.suite or {}
    label = str(suite.get("name", "builtin"))
    if suite.get("version"):
        label += f" {suite['version']}"
    elif suite.get("seed") is not None:
        label += f" (seed {suite['seed']})"
    return label


def rules_note(results: RunResults) -> str | None:
    """Which samples a partial rules profile judged, per sub-task (None when it judged all, or is fcbench)."""
    if results.rules == "fcbench":
        return None
    parts = []
    for name, t in results.tasks.items():
        own = t.rules_judged.get(results.rules, 0)
        if own != t.n:
            parts.append(f"{name} {own}/{t.n}")
    if not parts:
        return None
    return (f"rules {results.rules} judged only the samples with a BFCL equivalent: " + ", ".join(parts)
            + "; the rest were scored with fcbench's rules")


def title_qualifiers(results: RunResults) -> str:
    """What a run's title adds after its rules: `` · protocol interactive`` (nothing for the default
    plan protocol), and `` · shard i/N ...`` for one shard of a run (a part, not the run's result)."""
    protocol = "" if results.protocol == "plan" else f" · protocol {results.protocol}"
    shard = f" · shard {results.shard} (part of a run: fcbench merge joins the shards)" if results.shard else ""
    return protocol + shard


def protocol_note(results: RunResults) -> str | None:
    """Under the interactive protocol: which sub-tasks ran as conversations, which unchanged."""
    if results.protocol == "plan":
        return None
    talked = [n for n, t in results.tasks.items() if "turns" in t.metric_info]
    single = [n for n in results.tasks if n not in talked]
    budget = results.budget or {}
    parts = [f"interactive protocol: {', '.join(talked) or 'no sub-task'} ran as tool-use conversations "
             f"(budget: gold calls + {budget.get('extra_turns', 3)} turns, "
             f"max calls {budget.get('max_calls') or '2 x gold + extra turns'})"]
    if single:
        parts.append(f"{', '.join(single)} are single decisions and ran unchanged")
    return "; ".join(parts)


def absent_note(results: RunResults) -> str | None:
    """One line naming the metrics this run could not compute and how to get them (None when none)."""
    by_need: dict[str, list[str]] = {}
    for name, t in results.tasks.items():
        for metric, need in t.absent_metrics.items():
            by_need.setdefault(need, []).append(f"{name} {metric}")
    if not by_need:
        return None
    return "not computed: " + "; ".join(f"{', '.join(metrics)} (to get: {need})" for need, metrics in by_need.items())


def pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}"


def score_with_ci(score: float | None, ci: tuple[float, float] | None) -> str:
    """``45.4 [39.4–51.5]``: the score and its 95 % confidence interval, in percent."""
    return pct(score) + (f" [{pct(ci[0])}–{pct(ci[1])}]" if ci and score is not None else "")


def _secondary(label: str, value: float, higher_is_better: bool | None, unit: str = "share") -> str:
    shown = pct(value) if unit == "share" else f"{value:.2f}"
    return f"{label} {shown}" + (" (lower is better)" if higher_is_better is False else "")


def _cells(r: Row) -> list[str]:
    return [r.task, str(r.n), score_with_ci(r.score, r.ci), ", ".join(_secondary(*m) for m in r.secondary),
            str(r.infra), ", ".join(f"{k} ×{v}" for k, v in r.failures)]


HEADERS = ["sub-task", "n", "score % [95 % CI]", "other metrics %", "infra", "top failures"]
MEAN_LABEL = "unweighted mean of sub-task scores"


def render_markdown(results: RunResults, show_mean: bool = False) -> str:
    rs = rows(results)
    lines = [f"**{results.model}** · mode {results.mode} · rules {results.rules}{title_qualifiers(results)} · "
             f"suite {suite_label(results)} · split {results.split}", "",
             "| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    lines += ["| " + " | ".join(_cells(r)) + " |" for r in rs]
    if show_mean:
        lines.append(f"| *{MEAN_LABEL}* | | {pct(unweighted_mean(rs))} | | | |")
    for note in (rules_note(results), protocol_note(results), absent_note(results)):
        if note:
            lines += ["", note]
    return "\n".join(lines) + "\n"


def render_csv(results: RunResults) -> str:
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["model", "mode", "rules", "task", "n", "main_metric", "score", "ci_low", "ci_high",
                     "ci_method", "metric", "value", "label", "higher_is_better"])
    for name, t in results.tasks.items():
        ci = t.ci or ("", "")
        for metric, value in t.metrics.items():
            info = t.info(metric)
            direction = "" if info.higher_is_better is None else str(info.higher_is_better).lower()
            writer.writerow([results.model, results.mode, results.rules, name, t.n, t.main_metric, t.score,
                             ci[0], ci[1], t.ci_method or "", metric, value, info.label, direction])
    return buf.getvalue()


def render_table(run: Run, show_mean: bool = False):
    """A rich Table (imported lazily: rich is only needed when printing)."""
    from rich.markup import escape
    from rich.table import Table

    results = run.results
    assert results is not None, "read_run gives a finished run"
    title = (f"{results.model} · {results.mode} mode · rules {results.rules}{title_qualifiers(results)} · "
             f"suite {suite_label(results)} · {results.split} split")
    table = Table(title=title, title_justify="left")
    for header in HEADERS:
        table.add_column(header, justify="right" if header in ("n", HEADERS[2], "infra") else "left",
                         overflow="fold")
    rs = rows(results)
    for r in rs:
        table.add_row(*_cells(r))
    if show_mean:
        table.add_section()
        table.add_row(MEAN_LABEL, "", pct(unweighted_mean(rs)), "", "", "")
    totals = run.manifest.totals if run.manifest is not None else {}
    lat = totals.get("latency_s") or {}
    caption = [f"infra failures {results.totals.infra_errors} (excluded from scores)"]
    if totals.get("truncated"):
        caption.append(f"{totals['truncated']} answers cut off at the token limit")
    if totals.get("prompt_tokens") or totals.get("completion_tokens"):
        caption.append(f"tokens {totals.get('prompt_tokens', 0)} in / {totals.get('completion_tokens', 0)} out")
    if totals.get("cost_usd_estimate") is not None:
        batch = run.manifest is not None and run.manifest.data.get("batch") is True
        caption.append(f"cost ≈ ${totals['cost_usd_estimate']:.2f} (indicative price table"
                       f"{', batch price' if batch else ''})")
    if lat:
        caption.append("latency " + " ".join(f"{q} {lat.get(q, 0):.3f}s" for q in ("p50", "p90", "p99")))
    for note in (rules_note(results), protocol_note(results), absent_note(results)):
        if note:
            caption.append(escape(note))  # not rich markup: [text-metrics] is an extra's name
    table.caption = " · ".join(caption)
    return table


def render(run_dir: Path, fmt: str = "table", show_mean: bool = False) -> str | Any:
    """Text for every format but ``table``, which returns a rich renderable."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown report format {fmt!r} (choose from {', '.join(FORMATS)})")
    run = load_run(run_dir)
    results = run.results
    assert results is not None
    if fmt == "json":
        return json.dumps(results.to_dict(), indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return render_csv(results)
    if fmt == "markdown":
        return render_markdown(results, show_mean)
    return render_table(run, show_mean)
