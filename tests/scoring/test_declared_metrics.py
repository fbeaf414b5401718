"""Every metric is declared once: name, aggregation, direction, label.

The built-in tasks must declare every metric they report; reports take labels and
directions from the declarations ``results.json`` carries, without importing a plugin;
a third-party task written before declarations still gets its metrics (by the old naming
convention), marked as of unknown direction.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

import pytest

from fcbench.cli import main
from fcbench.models.lexical import LexicalModel
from fcbench.models.reference import OracleModel
from fcbench.parsing.intake import read_answer
from fcbench.records import ModelOutput, Score
from fcbench.runlog import read_run
from fcbench.scoring.metrics import Metric, aggregate, mean, micro_prf, pass_rate, per_sample_names
from fcbench.task import Task
from fcbench.task_registry import discover_tasks

TASKS = discover_tasks()


@pytest.mark.parametrize("name", sorted(TASKS))
def test_builtin_tasks_declare_every_metric_they_report(name):
    task = TASKS[name]
    declared = {m.name for m in task.metrics}
    assert task.main_metric in declared
    assert set(task.report_metrics) <= declared, "a shown metric must be declared"
    assert len(declared) == len(task.metrics), "each metric declared once"
    scores = []
    for sample in task.load("dev"):
        for model in (OracleModel("reference/oracle"), LexicalModel("reference/lexical")):
            request = task.build_request(sample, "native")
            scores.append(task.score(sample, read_answer(request, asyncio.run(model.generate(request)))))
    reported = {k for s in scores for k in s.metrics}
    assert reported <= per_sample_names(task.metrics), f"undeclared per-sample metrics: " \
        f"{sorted(reported - per_sample_names(task.metrics))}"
    assert set(task.aggregate(scores)) <= declared


def test_declarations_that_make_no_sense_are_refused():
    with pytest.raises(ValueError, match="unknown aggregation"):
        Metric("x", "median")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="names its counts"):
        Metric("x_f1", "micro_f1")


def test_aggregation_follows_the_declaration():
    declared = (pass_rate(), *micro_prf("pair", "pairs"), mean("late", "stopped late", higher_is_better=False))
    scores = [Score(True, {"pair_tp": 2, "pair_fp": 0, "pair_fn": 0, "late": 0.0}),
              Score(False, {"pair_tp": 1, "pair_fp": 1, "pair_fn": 2}),  # "late" only defined on some samples
              Score(False, {"pair_tp": 0, "pair_fp": 1, "pair_fn": 0, "late": 1.0})]
    out = aggregate(declared, scores)
    assert out["accuracy"] == pytest.approx(1 / 3)
    assert out["pair_precision"] == pytest.approx(3 / 5)  # summed counts: micro, not a mean of ratios
    assert out["pair_recall"] == pytest.approx(3 / 5)
    assert out["late"] == pytest.approx(0.5), "a mean over the samples that report it"
    assert list(out) == ["accuracy", "pair_precision", "pair_recall", "pair_f1", "late"], "declaration order"


class OldStyleTask(Task):
    """A third-party task from before declarations: reports metrics it never declared."""

    name = "old_style"
    main_metric = "quality"

    def score(self, sample, output):
        return Score(True, {"quality": 0.5, "hit_tp": 1, "hit_fp": 1, "hit_fn": 0})


def test_an_undeclared_metric_is_still_aggregated_by_the_old_convention():
    out = OldStyleTask().aggregate([OldStyleTask().score(None, ModelOutput())] * 2)
    assert out == {"accuracy": 1.0, "hit_precision": 0.5, "hit_recall": 1.0, "hit_f1": pytest.approx(2 / 3),
                   "quality": 0.5}


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "lexical"
    assert main(["run", "--model", "reference/lexical", "--tasks", "next_best,name_detection", "--limit", "8",
                 "--out", str(out), "--quiet"]) == 0
    return out


def test_results_json_carries_labels_and_directions(finished_run):
    results = json.loads((finished_run / "results.json").read_text())
    info = results["tasks"]["next_best"]["metric_info"]
    assert info["premature_stop_rate"] == {"label": "stopped too early", "higher_is_better": False,
                                           "aggregation": "mean"}
    assert info["arg_f1"]["higher_is_better"] is True
    assert results["tasks"]["next_best"]["report_metrics"][0] == "next_function_accuracy"
    assert set(info) == set(results["tasks"]["next_best"]["metrics"]), "one declaration per reported metric"


def test_a_report_labels_metrics_from_results_json_without_importing_a_plugin(finished_run):
    code = ("import sys\nfrom fcbench.analysis.report import render\n"
            f"print(render({str(finished_run)!r}, 'markdown'))\n"
            "print('plugins imported:', sorted(m for m in sys.modules if m.startswith('fcbench_tasks')))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "plugins imported: []" in proc.stdout
    assert "stopped too early" in proc.stdout and "(lower is better)" in proc.stdout
    line = next(x for x in proc.stdout.splitlines() if x.startswith("| next_best"))
    assert line.index("right next function") < line.index("stopped too early"), \
        "metrics where higher is better come before the rates where lower is better"


def test_an_older_results_file_still_reports(finished_run, tmp_path):
    """Written before declarations: no metric_info, no report_metrics, no n_passed."""
    results = json.loads((finished_run / "results.json").read_text())
    for t in results["tasks"].values():
        for key in ("metric_info", "report_metrics", "n_passed"):
            t.pop(key)
    old = tmp_path / "results.json"
    old.write_text(json.dumps(results))
    run = read_run(old)
    task = run.results.tasks["name_detection"]
    assert task.n_passed == round(task.score * task.n), "an accuracy task's count comes back from its score"
    assert task.info("name_f1").higher_is_better is None and task.info("name_f1").label == "name_f1"
    assert len(task.shown_metrics()) == 3
