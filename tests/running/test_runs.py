"""End-to-end runs of the reference models through the real CLI, on the built-in suite."""

from __future__ import annotations

import csv
import io
import json

import pytest
from conftest import REPO, run_cli

ALL_TASKS = {"nested", "chaining", "parallel", "name_detection", "parameter_value", "next_best",
             "response_generation"}


@pytest.fixture(scope="module")
def lexical_run(tmp_path_factory):
    run_dir = tmp_path_factory.mktemp("runs") / "lexical"
    proc = run_cli("run", "--model", "reference/lexical", "--out", str(run_dir), "--quiet")
    assert proc.returncode == 0, proc.stderr
    return run_dir, proc


@pytest.mark.parametrize("mode", ["native", "prompt"])
def test_oracle_scores_100_percent_on_every_task(tmp_path, mode):
    """The oracle answers with the gold answer: anything below 100 % is a bug in data, parser or scorer."""
    run_dir = tmp_path / mode
    proc = run_cli("run", "--model", "reference/oracle", "--mode", mode, "--out", str(run_dir), "--quiet")
    assert proc.returncode == 0, proc.stderr
    results = json.loads((run_dir / "results.json").read_text())
    assert set(results["tasks"]) == ALL_TASKS
    for name, task in results["tasks"].items():
        assert task["n"] >= 200, name
        assert task["score"] == 1.0, (name, task["failures"])
        assert task["failures"] == {}, name
    assert results["totals"]["infra_errors"] == 0


def test_lexical_baseline_is_an_honest_floor(lexical_run):
    run_dir, proc = lexical_run
    results = json.loads((run_dir / "results.json").read_text())
    scores = {name: t["score"] for name, t in results["tasks"].items()}
    assert set(scores) == ALL_TASKS
    assert all(s < 1.0 for s in scores.values()), scores
    assert sum(1 for s in scores.values() if s > 0) >= 4, scores
    for name, task in results["tasks"].items():
        failed = round(task["n"] * (1 - task["score"]))
        assert sum(task["failures"].values()) >= failed, f"{name}: every failed sample is categorised"
        assert "unclassified" not in task["failures"], name
    assert f"run folder: {run_dir}" in proc.stdout
    for name in ALL_TASKS:
        assert name in proc.stdout


def test_every_failed_sample_carries_a_category(lexical_run):
    run_dir, _ = lexical_run
    for line in (run_dir / "samples.jsonl").read_text().splitlines():
        row = json.loads(line)
        assert row["status"] == "scored"
        assert row["passed"] or row["failures"], row["sample_id"]
        assert not (row["passed"] and row["failures"]), row["sample_id"]


def test_run_manifest_records_what_decides_the_scores(lexical_run):
    run_dir, _ = lexical_run
    manifest = json.loads((run_dir / "run.json").read_text())
    for key in ("fcbench_version", "git_commit", "model", "backend", "sampling", "tasks", "fingerprint",
                "created", "finished", "totals"):
        assert key in manifest, key
    assert manifest["status"] == "complete"
    for task in manifest["tasks"].values():
        assert task["checksum"].startswith("sha256:") and task["version"] and task["samples"] >= 200
    assert manifest["totals"]["prompt_tokens"] > 0 and manifest["totals"]["latency_s"]["p50"] >= 0


def test_replay_rescores_recorded_outputs_identically(lexical_run, tmp_path):
    """Outputs made elsewhere (here: the lexical run's samples.jsonl) re-score to the same numbers."""
    run_dir, _ = lexical_run
    replay_dir = tmp_path / "replay"
    proc = run_cli("run", "--model", f"replay/{run_dir / 'samples.jsonl'}", "--out", str(replay_dir), "--quiet")
    assert proc.returncode == 0, proc.stderr
    original = json.loads((run_dir / "results.json").read_text())["tasks"]
    replayed = json.loads((replay_dir / "results.json").read_text())["tasks"]
    assert replayed == original


def test_report_formats(lexical_run):
    run_dir, _ = lexical_run
    as_json = json.loads(run_cli("report", str(run_dir), "--format", "json").stdout)
    assert set(as_json["tasks"]) == ALL_TASKS
    markdown = run_cli("report", str(run_dir), "--format", "markdown").stdout
    assert markdown.count("\n| ") >= 1 + len(ALL_TASKS) and "unweighted mean" not in markdown
    with_mean = run_cli("report", str(run_dir), "--format", "markdown", "--mean").stdout
    assert "unweighted mean of sub-task scores" in with_mean
    rows = list(csv.DictReader(io.StringIO(run_cli("report", str(run_dir), "--format", "csv").stdout)))
    assert {r["task"] for r in rows} == ALL_TASKS
    table = run_cli("report", str(run_dir)).stdout
    assert all(name in table for name in ALL_TASKS)


def test_fresh_suite_from_a_new_seed_runs_like_the_builtin_one(tmp_path):
    """`fcbench data generate` makes never-published instances; `--suite` evaluates them."""
    suite = tmp_path / "suite-42"
    proc = run_cli("data", "generate", "--seed", "42", "--out", str(suite))
    assert proc.returncode == 0, proc.stderr
    manifest = json.loads((suite / "suite.json").read_text())
    assert manifest["seed"] == 42 and set(manifest["counts"]) == ALL_TASKS
    builtin = (REPO / "tasks" / "nested" / "data" / "test.jsonl").read_text()
    assert (suite / "nested" / "test.jsonl").read_text() != builtin, "a new seed gives new samples"
    listed = run_cli("list", "--suite", str(suite)).stdout
    assert "260" in listed
    run_dir = tmp_path / "run"
    proc = run_cli("run", "--model", "reference/oracle", "--suite", str(suite), "--limit", "20",
                   "--out", str(run_dir), "--quiet")
    assert proc.returncode == 0, proc.stderr
    results = json.loads((run_dir / "results.json").read_text())
    assert results["suite"]["name"] == "fcbench-sim" and results["suite"]["path"] == str(suite)
    assert all(t["score"] == 1.0 for t in results["tasks"].values())
