"""`fcbench compare` on crafted runs whose flips are known in advance.

`make_run` writes a run folder by hand (results.json, run.json, samples.jsonl)
from a pass/fail pattern per task; the gate and leaderboard tests use it too.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from conftest import run_cli

from fcbench.analysis.compare import compare_runs, load_scores
from fcbench.errors import UsageError
from fcbench.scoring.stats import wilson_interval

FAIL_CATEGORY = "wrong_value"


def make_run(folder: Path, outcomes: dict[str, str], *, model: str = "test/model", mode: str = "native",
             checksum: str = "sha256:data-v1", version: str = "1", suite: str = "fcbench-sim",
             created: str = "2026-01-02T03:04:05+00:00", samples: bool = True,
             with_outcomes: bool = True, failures: dict[str, str] | None = None) -> Path:
    """A run folder from patterns like {"parallel": "1101.0"}: '1' pass, '0' fail, '.' infra error.

    Sample ids are ``<task>-<position>``; a failed sample carries FAIL_CATEGORY
    unless `failures` maps its id to another category.
    """
    folder.mkdir(parents=True, exist_ok=True)
    failures = failures or {}
    tasks, lines = {}, []
    for task, pattern in outcomes.items():
        ids = [f"{task}-{i}" for i in range(len(pattern))]
        scored = [m for m in pattern if m in "01"]
        n, passed = len(scored), scored.count("1")
        ci = [round(x, 6) for x in wilson_interval(passed, n)] if n else None
        counts: dict[str, int] = {}
        for sample_id, mark in zip(ids, pattern):
            category = failures.get(sample_id, FAIL_CATEGORY)
            if mark == "0":
                counts[category] = counts.get(category, 0) + 1
            status = "infra_error" if mark == "." else "scored"
            lines.append({"sample_id": sample_id, "task": task, "status": status,
                          "passed": None if mark == "." else mark == "1", "metrics": {},
                          "failures": [category] if mark == "0" else [], "details": {}, "output": {}})
        tasks[task] = {"version": version, "n": n, "n_infra_error": pattern.count("."), "n_passed": passed,
                       "main_metric": "accuracy", "score": passed / n if n else None, "ci": ci,
                       "ci_method": "wilson", "metrics": {"accuracy": passed / n} if n else {},
                       "failures": counts, "checksum": checksum}
        if with_outcomes:
            digest = hashlib.sha256("\n".join(ids).encode()).hexdigest()[:16]
            tasks[task]["outcomes"] = {"ids_sha256": digest, "passed": pattern}
    results = {"fcbench_version": "0.1.0", "model": model, "mode": mode, "split": "test",
               "suite": {"name": suite}, "limit": None, "created": created, "tasks": tasks, "totals": {}}
    (folder / "results.json").write_text(json.dumps(results, indent=2))
    (folder / "run.json").write_text(json.dumps({"model": model, "fingerprint": "x", "created": created}))
    if samples:
        (folder / "samples.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    return folder


A = {"parallel": "11001111", "nested": "1010"}
B = {"parallel": "10101110", "nested": "1010"}


def test_flips_are_exactly_the_changed_samples(tmp_path):
    a = make_run(tmp_path / "a", A)
    b = make_run(tmp_path / "b", B, failures={"parallel-1": "missing_call"})
    comp = compare_runs(load_scores(a), load_scores(b))
    parallel, nested = comp.tasks
    # parallel: positions 1 and 7 went pass->fail, position 2 fail->pass.
    assert parallel.pass_to_fail == [("parallel-1", ("missing_call",)), ("parallel-7", (FAIL_CATEGORY,))]
    assert parallel.fail_to_pass == [("parallel-2", (FAIL_CATEGORY,))]
    assert parallel.delta == pytest.approx(5 / 8 - 6 / 8)
    assert parallel.method.startswith("paired") and parallel.n_shared == 8
    # nested: identical outcomes, so no flips, a zero delta and p = 1.
    assert (nested.pass_to_fail, nested.fail_to_pass, nested.delta, nested.p_two_sided) == ([], [], 0.0, 1.0)


def test_significance_of_a_large_paired_change(tmp_path):
    """12 pass->fail, 0 fail->pass: exact McNemar two-sided p = 2 * 2**-12."""
    a = make_run(tmp_path / "a", {"parallel": "1" * 12 + "0" * 8})
    b = make_run(tmp_path / "b", {"parallel": "0" * 20})
    (t,) = compare_runs(load_scores(a), load_scores(b)).tasks
    assert t.p_two_sided == pytest.approx(2 * 2 ** -12)
    assert t.ci[1] < 0, "the interval of the change excludes zero"


def test_infra_errors_are_left_out_of_the_pairing(tmp_path):
    a = make_run(tmp_path / "a", {"parallel": "1111"})
    b = make_run(tmp_path / "b", {"parallel": "1.0."})
    (t,) = compare_runs(load_scores(a), load_scores(b)).tasks
    assert t.n_shared == 2 and t.pass_to_fail == [("parallel-2", (FAIL_CATEGORY,))]


def test_bare_results_files_pair_by_position(tmp_path):
    a = make_run(tmp_path / "a", A, samples=False)
    b = make_run(tmp_path / "b", B, samples=False)
    (parallel, _) = compare_runs(load_scores(a / "results.json"), load_scores(b / "results.json")).tasks
    assert parallel.method.startswith("paired")
    assert [k for k, _ in parallel.pass_to_fail] == ["#1", "#7"]
    assert [k for k, _ in parallel.fail_to_pass] == ["#2"]


def test_results_without_outcomes_fall_back_to_an_unpaired_test(tmp_path):
    a = make_run(tmp_path / "a", A, samples=False, with_outcomes=False)
    b = make_run(tmp_path / "b", B, samples=False)
    (parallel, _) = compare_runs(load_scores(a), load_scores(b)).tasks
    assert parallel.method.startswith("unpaired") and parallel.pass_to_fail == []
    assert parallel.ci[0] < parallel.delta < parallel.ci[1]


@pytest.mark.parametrize("change, reason", [
    ({"checksum": "sha256:data-v2"}, "data checksums differ"),
    ({"version": "2"}, "task versions differ"),
])
def test_refuses_runs_over_different_data(tmp_path, change, reason):
    a = make_run(tmp_path / "a", A)
    b = make_run(tmp_path / "b", B, **change)
    with pytest.raises(UsageError, match=reason):
        compare_runs(load_scores(a), load_scores(b))
    proc = run_cli("compare", str(a), str(b))
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "different data versions" in proc.stderr


def test_cli_markdown_and_json(tmp_path):
    a = make_run(tmp_path / "a", A)
    b = make_run(tmp_path / "b", {**B, "name_detection": "11"})
    text = run_cli("compare", str(a), str(b))
    assert text.returncode == 0, text.stderr
    assert "parallel-1 [wrong_value]" in text.stdout and "Sub-tasks only in B (not compared): name_detection" \
        in text.stdout
    as_json = json.loads(run_cli("compare", str(a), str(b), "--format", "json").stdout)
    by_task = {t["task"]: t for t in as_json["tasks"]}
    assert [f["sample"] for f in by_task["parallel"]["pass_to_fail"]] == ["parallel-1", "parallel-7"]
    assert as_json["only_b"] == ["name_detection"]


def test_cli_errors_are_one_line(tmp_path):
    a = make_run(tmp_path / "a", A)
    for args, message in [((str(a), str(tmp_path / "missing")), "no such run folder"),
                          ((str(a), str(a), "--tasks", "chaining"), "not in both runs")]:
        proc = run_cli("compare", *args)
        assert proc.returncode == 2 and message in proc.stderr and proc.stderr.count("\n") == 1, proc.stderr


def test_real_runs_oracle_against_lexical(tmp_path):
    """Two real runs: every lexical failure is an oracle pass, so flips go one way only."""
    for model in ("oracle", "lexical"):
        proc = run_cli("run", "--model", f"reference/{model}", "--tasks", "parallel", "--limit", "20",
                       "--out", str(tmp_path / model), "--quiet")
        assert proc.returncode == 0, proc.stderr
    comp = compare_runs(load_scores(tmp_path / "oracle"), load_scores(tmp_path / "lexical"))
    (t,) = comp.tasks
    lexical = json.loads((tmp_path / "lexical" / "results.json").read_text())["tasks"]["parallel"]
    assert len(t.pass_to_fail) == 20 - lexical["n_passed"] and t.fail_to_pass == []
    assert all(failures for _, failures in t.pass_to_fail), "every failure names its categories"
