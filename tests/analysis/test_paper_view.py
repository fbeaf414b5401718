"""``fcbench report RUN... --metrics``: chosen metrics of several runs side by side, the layout of
the Granite paper's tables (one row per model, one column per metric per sub-task)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import run_cli

from fcbench.analysis.paper_view import DASH, build_view
from fcbench.cli import main
from fcbench.runlog import read_run

METRICS = "name_f1,param_f1,hallucination_rate,chaining:name_sequence_lcs,bertscore_f1"


class Done:
    """What a command printed and returned (the CLI run in-process: faster than a subprocess per report)."""

    def __init__(self, capsys, *args: str):
        self.returncode = main(list(args))
        self.stdout, self.stderr = capsys.readouterr()


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("paper-view")
    runs = []
    for model in ("oracle", "lexical"):
        out = root / model
        done = run_cli("run", "--model", f"reference/{model}", "--tasks", "all", "--limit", "4",
                       "--out", str(out), "--quiet")
        assert done.returncode == 0, done.stderr
        runs.append(out)
    return runs[0], runs[1]


def test_markdown_puts_runs_in_rows_and_sub_task_metrics_in_columns(two_runs, capsys):
    oracle, lexical = two_runs
    done = Done(capsys, "report", str(oracle), str(lexical), "--metrics", METRICS, "--format", "markdown")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    assert header == ["model", "nested · name_f1", "nested · param_f1", "nested · hallucination_rate ↓",
                      "chaining · name_f1", "chaining · param_f1", "chaining · hallucination_rate ↓",
                      "chaining · name_sequence_lcs", "parallel · param_f1", "parallel · hallucination_rate ↓",
                      "name_detection · name_f1", "name_detection · hallucination_rate ↓",
                      "parameter_value · hallucination_rate ↓", "next_best · hallucination_rate ↓",
                      "response_generation · bertscore_f1"], "sub-tasks in canonical order, metrics as asked"
    oracle_row = [c.strip() for c in lines[2].strip("|").split("|")]
    assert oracle_row[0] == "reference/oracle" and lines[3].startswith("| reference/lexical |")
    assert oracle_row[1:3] == ["100.0", "100.0"], "the oracle gets every name and argument right"
    assert oracle_row[3] == "0.0", "and calls no function outside the library"
    assert oracle_row[-1] == DASH, "no BERTScore model given: a dash"
    assert any("bertscore_f1 not computed" in line and "fcbench[bert-score]" in line for line in lines)


def test_values_are_the_runs_own(two_runs):
    oracle, lexical = two_runs
    view = build_view([oracle, lexical], "chaining:name_f1,parallel:param_f1")
    results = read_run(lexical).results
    assert view.rows[1].values == {"chaining:name_f1": results.tasks["chaining"].metrics["name_f1"],
                                   "parallel:param_f1": results.tasks["parallel"].metrics["param_f1"]}


def test_csv_and_json_are_wide_with_empty_cells_for_missing_metrics(two_runs, capsys):
    oracle, lexical = two_runs
    done = Done(capsys, "report", str(oracle), str(lexical), "--metrics", "name_f1,bertscore_f1", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert [r["model"] for r in rows] == ["reference/oracle", "reference/lexical"]
    assert float(rows[0]["nested:name_f1"]) == 1.0 and rows[0]["response_generation:bertscore_f1"] == ""
    doc = json.loads(Done(capsys, "report", str(oracle), str(lexical), "--metrics", "name_f1,bertscore_f1",
                             "--format", "json").stdout)
    assert [c["key"] for c in doc["columns"]] == ["nested:name_f1", "chaining:name_f1", "name_detection:name_f1",
                                                  "response_generation:bertscore_f1"]
    assert doc["rows"][1]["values"]["response_generation:bertscore_f1"] is None
    assert doc["columns"][0]["higher_is_better"] is True


def test_the_table_format_renders(two_runs, capsys):
    done = Done(capsys, "report", *map(str, two_runs), "--metrics", "hallucination_rate")
    assert done.returncode == 0 and "reference/lexical" in done.stdout and "hallucination_rate" in done.stdout


@pytest.mark.parametrize("args,message", [
    (["--metrics", "name_f1,nme_f1"], "unknown metric(s) for --metrics: nme_f1"),
    (["--metrics", "chaining:rouge_l"], "no sub-task of these runs has chaining:rouge_l"),
    (["--metrics", "no_such_task:name_f1"], "unknown metric(s) for --metrics: no_such_task:name_f1"),
    (["--metrics", " , "], "--metrics needs at least one metric name"),
    ([], "several runs side by side need --metrics"),
    (["--metrics", "name_f1", "--mean"], "--mean belongs to the one-run report"),
])
def test_bad_metrics_are_refused_in_one_line(two_runs, capsys, args, message):
    done = Done(capsys, "report", *map(str, two_runs), *args)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and message in done.stderr and "Traceback" not in done.stderr
