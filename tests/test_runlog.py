"""One reader of run folders (`read_run`) and the DataFrames built on it.

A results.json read and written back is the same file; an older one is upgraded from
the run.json beside it; a bad field is one clear error; the DataFrames agree with
samples.jsonl and results.json line for line.
"""

from __future__ import annotations

import json

import pytest

from fcbench.analysis.frames import runs_df, samples_df
from fcbench.cli import main
from fcbench.errors import UsageError
from fcbench.runlog import RunResults, read_run, read_samples


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "lexical"
    assert main(["run", "--model", "reference/lexical", "--tasks", "parallel,next_best", "--limit", "10",
                 "--out", str(out), "--quiet"]) == 0
    return out


def test_results_json_reads_back_to_the_same_file(run_folder):
    data = json.loads((run_folder / "results.json").read_text())
    assert RunResults.from_dict(data).to_dict() == data


def test_one_reader_serves_a_folder_a_results_file_and_an_unfinished_run(run_folder, tmp_path):
    run = read_run(run_folder)
    assert run.manifest.model == run.results.model == "reference/lexical"
    assert set(run.results.tasks) == {"parallel", "next_best"}
    assert len(run.samples()) == 20
    bare = tmp_path / "copy" / "results.json"
    bare.parent.mkdir()
    bare.write_text((run_folder / "results.json").read_text())
    alone = read_run(bare)
    assert alone.manifest is None and alone.folder is None and alone.samples() == {}
    unfinished = tmp_path / "unfinished"
    unfinished.mkdir()
    (unfinished / "run.json").write_text((run_folder / "run.json").read_text())
    with pytest.raises(UsageError, match="never finished"):
        read_run(unfinished)
    assert read_run(unfinished, finished=False).results is None


def test_an_older_results_file_is_upgraded_from_run_json(run_folder, tmp_path):
    old = tmp_path / "old"
    old.mkdir()
    (old / "run.json").write_text((run_folder / "run.json").read_text())
    results = json.loads((run_folder / "results.json").read_text())
    for t in results["tasks"].values():
        del t["checksum"], t["n_passed"]
    del results["created"], results["limit"]
    (old / "results.json").write_text(json.dumps(results))
    upgraded = read_run(old).results
    fresh = read_run(run_folder).results
    assert upgraded.created == fresh.created and upgraded.limit == 10
    for name, task in upgraded.tasks.items():
        assert task.checksum == fresh.tasks[name].checksum
        assert task.n_passed == fresh.tasks[name].n_passed


@pytest.mark.parametrize("edit, message", [
    (lambda r: r["tasks"]["parallel"].update(n="ten"), "tasks/parallel/n: expected integer, got string"),
    (lambda r: r["tasks"]["parallel"]["metric_info"]["call_f1"].update(higher_is_better="yes"),
     "metric_info/call_f1/higher_is_better: expected boolean"),
    (lambda r: r.update(rules="lenient"), "unknown rules 'lenient'"),
    (lambda r: r["tasks"]["parallel"]["outcomes"].update(passed="10x"), "expected only 1, 0 and . marks"),
])
def test_a_bad_field_is_one_error_naming_the_file_and_field(run_folder, tmp_path, edit, message):
    results = json.loads((run_folder / "results.json").read_text())
    edit(results)
    bad = tmp_path / "results.json"
    bad.write_text(json.dumps(results))
    with pytest.raises(UsageError) as caught:
        read_run(bad)
    assert str(caught.value).startswith(f"{bad}: field") and message in str(caught.value)


def test_runs_df_has_a_row_per_run_and_task_matching_results_json(run_folder):
    frame = runs_df([run_folder, run_folder / "results.json"])
    assert len(frame) == 4
    results = read_run(run_folder).results
    for row in frame.to_dict("records"):
        task = results.tasks[row["task"]]
        assert (row["n"], row["score"], row["model"], row["rules"]) == (task.n, task.score, "reference/lexical",
                                                                       "fcbench")
        assert row["metric:call_f1" if row["task"] == "parallel" else "metric:arg_f1"] == pytest.approx(
            task.metrics["call_f1" if row["task"] == "parallel" else "arg_f1"])
    assert frame["data_version"].nunique() == 1


def test_samples_df_has_a_row_per_sample_with_failure_and_metric_columns(run_folder):
    frame = samples_df(run_folder)
    latest = read_samples(run_folder)
    assert len(frame) == len(latest) == 20
    for row in frame.to_dict("records"):
        result = latest[row["sample_id"]]
        assert row["passed"] == result.passed and row["failures"] == ";".join(result.failures)
        for column in (c for c in frame.columns if c.startswith("failure:")):
            assert row[column] == (column[len("failure:"):] in result.failures)
    by_task = frame.groupby("task")["passed"].mean()
    results = read_run(run_folder).results
    for name, share in by_task.items():
        assert share == pytest.approx(results.tasks[name].score), "the frame agrees with results.json"
