"""Reports: one row per sub-task, from a run folder's ``results.json`` (and ``run.json``).

There is no umbrella score by default. ``--mean`` adds one row that says what
it is: the unweighted mean of the sub-task main scores.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fcbench.errors import UsageError
from fcbench.runfiles import load_manifest_file, load_results_file
from fcbench.store import MANIFEST, RESULTS

FORMATS = ("table", "markdown", "json", "csv")


@dataclass(frozen=True)
class Row:
    task: str
    n: int
    main_metric: str
    score: float | None
    ci: tuple[float, float] | None
    secondary: list[tuple[str, float]]
    infra: int
    failures: list[tuple[str, int]]


def load_run(run_dir: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise UsageError(f"{run_dir}: no such run folder")
    if not (run_dir / RESULTS).exists():
        raise UsageError(f"{run_dir}: no {RESULTS} (not a run folder, or a run that never finished: "
                         f"fcbench run --resume {run_dir})")
    results = load_results_file(run_dir / RESULTS)
    manifest = load_manifest_file(run_dir / MANIFEST) if (run_dir / MANIFEST).exists() else {}
    return results, manifest


def _secondary_names(task_name: str, metrics: dict[str, float], main: str) -> list[str]:
    try:
        from fcbench.registry import discover_tasks

        task = discover_tasks().get(task_name)
    except Exception:  # reporting must work even where a task plugin is broken
        task = None
    names = list(task.report_metrics) if task is not None and task.report_metrics else \
        [k for k in metrics if k != main][:3]
    return [n for n in names if n in metrics]


def rows(results: dict[str, Any], top_failures: int = 3) -> list[Row]:
    out = []
    for name, t in results["tasks"].items():
        metrics = t.get("metrics", {})
        main = t.get("main_metric", "accuracy")
        secondary = [(k, metrics[k]) for k in _secondary_names(name, metrics, main)]
        failures = list(t.get("failures", {}).items())[:top_failures]
        ci = t.get("ci")
        out.append(Row(name, t.get("n", 0), main, t.get("score"), (ci[0], ci[1]) if ci else None, secondary,
                       t.get("n_infra_error", 0), failures))
    return out


def unweighted_mean(rs: list[Row]) -> float | None:
    scores = [r.score for r in rs if r.score is not None]
    return sum(scores) / len(scores) if scores else None


def suite_label(results: dict[str, Any]) -> str:
    """Suite name plus what versions it: an imported version, or a generated suite's seed."""
    suite = results.get("suite") or {}
    label = str(suite.get("name", "builtin"))
    if suite.get("version"):
        label += f" {suite['version']}"
    elif suite.get("seed") is not None:
        label += f" (seed {suite['seed']})"
    return label


def rules_label(results: dict[str, Any]) -> str:
    return str(results.get("rules") or "fcbench")


def rules_note(results: dict[str, Any]) -> str | None:
    """Which samples a partial rules profile judged, per sub-task (None when it judged all, or is fcbench)."""
    if rules_label(results) == "fcbench":
        return None
    parts = []
    for name, t in results["tasks"].items():
        judged = t.get("rules_judged") or {}
        own = judged.get(rules_label(results), 0)
        if own != t.get("n", 0):
            parts.append(f"{name} {own}/{t.get('n', 0)}")
    if not parts:
        return None
    return (f"rules {rules_label(results)} judged only the samples with a BFCL equivalent: " + ", ".join(parts)
            + "; the rest were scored with fcbench's rules")


def pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}"


def score_with_ci(score: float | None, ci: tuple[float, float] | None) -> str:
    """``45.4 [39.4–51.5]``: the score and its 95 % confidence interval, in percent."""
    return pct(score) + (f" [{pct(ci[0])}–{pct(ci[1])}]" if ci and score is not None else "")


def _cells(r: Row) -> list[str]:
    return [r.task, str(r.n), score_with_ci(r.score, r.ci), ", ".join(f"{k} {pct(v)}" for k, v in r.secondary),
            str(r.infra), ", ".join(f"{k} ×{v}" for k, v in r.failures)]


HEADERS = ["sub-task", "n", "score % [95 % CI]", "secondary %", "infra", "top failures"]
MEAN_LABEL = "unweighted mean of sub-task scores"


def render_markdown(results: dict[str, Any], show_mean: bool = False) -> str:
    rs = rows(results)
    lines = [f"**{results.get('model')}** · mode {results.get('mode')} · rules {rules_label(results)} · "
             f"suite {suite_label(results)} · split {results.get('split')}", "",
             "| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    lines += ["| " + " | ".join(_cells(r)) + " |" for r in rs]
    if show_mean:
        lines.append(f"| *{MEAN_LABEL}* | | {pct(unweighted_mean(rs))} | | | |")
    note = rules_note(results)
    if note:
        lines += ["", note]
    return "\n".join(lines) + "\n"


def render_csv(results: dict[str, Any]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["model", "mode", "rules", "task", "n", "main_metric", "score", "ci_low", "ci_high",
                     "ci_method", "metric", "value"])
    for name, t in results["tasks"].items():
        ci = t.get("ci") or ["", ""]
        for metric, value in t.get("metrics", {}).items():
            writer.writerow([results.get("model"), results.get("mode"), rules_label(results), name, t.get("n"),
                             t.get("main_metric"), t.get("score"), ci[0], ci[1], t.get("ci_method") or "",
                             metric, value])
    return buf.getvalue()


def render_table(results: dict[str, Any], manifest: dict[str, Any], show_mean: bool = False):
    """A rich Table (imported lazily: rich is only needed when printing)."""
    from rich.table import Table

    title = (f"{results.get('model')} · {results.get('mode')} mode · rules {rules_label(results)} · "
             f"suite {suite_label(results)} · {results.get('split')} split")
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
    totals = manifest.get("totals") or {}
    lat = totals.get("latency_s") or {}
    caption = [f"infra failures {results['totals'].get('infra_errors', 0)} (excluded from scores)"]
    if totals.get("prompt_tokens") or totals.get("completion_tokens"):
        caption.append(f"tokens {totals.get('prompt_tokens', 0)} in / {totals.get('completion_tokens', 0)} out")
    if totals.get("cost_usd_estimate") is not None:
        caption.append(f"cost ≈ ${totals['cost_usd_estimate']:.2f} (indicative price table)")
    if lat:
        caption.append("latency " + " ".join(f"{q} {lat.get(q, 0):.3f}s" for q in ("p50", "p90", "p99")))
    note = rules_note(results)
    if note:
        caption.append(note)
    table.caption = " · ".join(caption)
    return table


def render(run_dir: Path, fmt: str = "table", show_mean: bool = False) -> str | Any:
    """Text for every format but ``table``, which returns a rich renderable."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown report format {fmt!r} (choose from {', '.join(FORMATS)})")
    results, manifest = load_run(run_dir)
    if fmt == "json":
        return json.dumps(results, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return render_csv(results)
    if fmt == "markdown":
        return render_markdown(results, show_mean)
    return render_table(results, manifest, show_mean)
