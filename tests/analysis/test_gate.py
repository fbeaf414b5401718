"""`fcbench gate`: every exit code, its reports, and its error rates measured by simulation."""

from __future__ import annotations

import random
import xml.etree.ElementTree as ET

import pytest
from conftest import run_cli
from test_compare import make_run

from fcbench.analysis.compare import RunScores, TaskScores
from fcbench.analysis.gate import decide, evaluate_gate

BASE = {"parallel": "1" * 150 + "0" * 50, "nested": "1" * 100 + "0" * 100}


def gate(tmp_path, baseline, candidate, *extra, env=None):
    summary, junit = tmp_path / "out" / "summary.md", tmp_path / "out" / "junit.xml"
    proc = run_cli("gate", "--baseline", str(baseline), "--candidate", str(candidate),
                   "--summary", str(summary), "--junit", str(junit), *extra, env=env)
    return proc, summary, junit


def junit_cases(path):
    root = ET.parse(path).getroot()
    return {case.get("name"): case.find("failure") is not None for case in root.iter("testcase")}


# ------------------------------------------------------------------ exit 0
def test_exit_0_when_nothing_dropped(tmp_path):
    base = make_run(tmp_path / "base", BASE)
    cand = make_run(tmp_path / "cand", BASE)
    step_summary = tmp_path / "step-summary.md"
    step_summary.write_text("earlier step\n")
    proc, summary, junit = gate(tmp_path, base, cand, env={"GITHUB_STEP_SUMMARY": str(step_summary)})
    assert proc.returncode == 0, proc.stderr
    assert "fcbench gate: passed" in summary.read_text()
    assert junit_cases(junit) == {"parallel": False, "nested": False}
    appended = step_summary.read_text()
    assert appended.startswith("earlier step\n") and "fcbench gate: passed" in appended


def test_exit_0_for_a_small_drop_or_an_insignificant_one(tmp_path):
    base = make_run(tmp_path / "base", BASE)
    # parallel: 2 samples flip (1 point, within --max-drop 1);
    # nested: 6 pass->fail, 2 fail->pass (2 points, one-sided McNemar p = 37/256 = 0.14).
    small = {"parallel": "0011" + "1" * 146 + "0" * 50,
             "nested": "000000" + "1" * 94 + "11" + "0" * 98}
    cand = make_run(tmp_path / "cand", small)
    proc, summary, _ = gate(tmp_path, base, cand)
    assert proc.returncode == 0, proc.stdout
    text = summary.read_text()
    assert "within 1 points" in text and "not significant" in text


# ------------------------------------------------------------------ exit 1
def test_exit_1_with_a_table_of_the_regressions(tmp_path):
    base = make_run(tmp_path / "base", BASE)
    dropped = {"parallel": "0" * 20 + "1" * 130 + "0" * 50, "nested": BASE["nested"]}  # -10 points
    cand = make_run(tmp_path / "cand", dropped)
    proc, summary, junit = gate(tmp_path, base, cand)
    assert proc.returncode == 1
    assert "regression in parallel" in proc.stderr
    text = summary.read_text()
    regressions = text.split("### Regressions")[1]
    assert "| parallel | 75.0 (n 200) | 65.0 (n 200) | 10.0 |" in regressions and "nested" not in regressions
    assert junit_cases(junit) == {"parallel": True, "nested": False}


def test_bare_baseline_results_gate_paired_by_position(tmp_path):
    """A committed results.json (no samples.jsonl) still gives the paired test."""
    base = make_run(tmp_path / "base", BASE, samples=False) / "results.json"
    cand = make_run(tmp_path / "cand", {"parallel": "0" * 20 + "1" * 130 + "0" * 50, "nested": BASE["nested"]})
    proc, summary, _ = gate(tmp_path, base, cand)
    assert proc.returncode == 1 and "unpaired" not in summary.read_text()


def test_old_baseline_without_outcomes_uses_the_unpaired_test_and_says_so(tmp_path):
    base = make_run(tmp_path / "base", BASE, samples=False, with_outcomes=False) / "results.json"
    cand = make_run(tmp_path / "cand", {"parallel": "0" * 40 + "1" * 110 + "0" * 50, "nested": BASE["nested"]})
    proc, summary, _ = gate(tmp_path, base, cand)
    assert proc.returncode == 1, "a 20-point drop is caught even unpaired"
    assert "**unpaired test** for parallel, nested" in summary.read_text()


def test_exact_mode_fails_on_any_change_and_passes_identical_runs(tmp_path):
    base = make_run(tmp_path / "base", BASE)
    same = make_run(tmp_path / "same", BASE)
    swapped = make_run(tmp_path / "swapped", {**BASE, "parallel": "01" + "1" * 148 + "0" * 50})
    assert gate(tmp_path, base, same, "--exact")[0].returncode == 0
    proc, _, junit = gate(tmp_path, base, swapped, "--exact")
    assert proc.returncode == 1, "same score, two samples swapped: outcomes changed"
    assert junit_cases(junit) == {"parallel": True, "nested": False}


# ------------------------------------------------------------------ exit 2
@pytest.mark.parametrize("candidate_kwargs, extra, message", [
    ({"outcomes": {"parallel": BASE["parallel"]}}, (), "different tasks"),
    ({"checksum": "sha256:other"}, (), "different data versions"),
    ({"mode": "prompt"}, (), "different modes"),
    ({}, ("--tasks", "chaining"), "not in both"),
    ({}, ("--alpha", "1.5"), "--alpha: expected a number between 0 and 1"),
    ({}, ("--max-drop", "-1"), "--max-drop: expected a number >= 0"),
    ({}, ("--alpha", "abc"), "expected a number"),
])
def test_exit_2_on_unusable_input(tmp_path, candidate_kwargs, extra, message):
    base = make_run(tmp_path / "base", BASE)
    kwargs = {"outcomes": BASE, **candidate_kwargs}
    cand = make_run(tmp_path / "cand", kwargs.pop("outcomes"), **kwargs)
    proc, summary, _ = gate(tmp_path, base, cand, *extra)
    assert proc.returncode == 2, proc.stdout
    assert message in proc.stderr and proc.stderr.count("\n") == 1, proc.stderr
    assert not summary.exists(), "no verdict is written for unusable input"


def test_exit_2_on_missing_files(tmp_path):
    base = make_run(tmp_path / "base", BASE)
    proc, _, _ = gate(tmp_path, base, tmp_path / "nope")
    assert proc.returncode == 2 and "no such run folder or results file" in proc.stderr
    proc, _, _ = gate(tmp_path, tmp_path / "empty-dir-missing" / "results.json", base)
    assert proc.returncode == 2
    (tmp_path / "unfinished").mkdir()
    proc, _, _ = gate(tmp_path, base, tmp_path / "unfinished")
    assert proc.returncode == 2 and "not a finished run folder" in proc.stderr
    proc = run_cli("gate", "--candidate", str(base))
    assert proc.returncode == 2 and "--baseline" in proc.stderr


def test_a_side_with_unscored_samples_is_unusable_input_never_a_pass(tmp_path):
    """A candidate whose server died half-way scored half of parallel, as well as the baseline did;
    a regression on the unscored half would go unseen, so the gate refuses (exit 2) instead of passing,
    for either side, unless the user accepts that many unscored samples."""
    base = make_run(tmp_path / "base", BASE)
    half = "".join("." if i % 2 else mark for i, mark in enumerate(BASE["parallel"]))
    cand = make_run(tmp_path / "cand", {**BASE, "parallel": half})
    proc, summary, _ = gate(tmp_path, base, cand)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1, proc.stderr
    assert "the candidate" in proc.stderr and "infrastructure failures: parallel 100" in proc.stderr
    assert "fcbench run --resume" in proc.stderr and "--max-infra-errors 100" in proc.stderr
    assert not summary.exists(), "no verdict is written for incomplete input"
    proc, _, _ = gate(tmp_path, cand, base)
    assert proc.returncode == 2 and "the baseline" in proc.stderr
    assert gate(tmp_path, base, cand, "--max-infra-errors", "99")[0].returncode == 2
    proc, summary, _ = gate(tmp_path, base, cand, "--max-infra-errors", "100")
    assert proc.returncode == 0, proc.stderr
    assert "the candidate left 100 samples unscored" in summary.read_text()
    proc, _, _ = gate(tmp_path, base, cand, "--max-infra-errors", "-1")
    assert proc.returncode == 2 and "--max-infra-errors" in proc.stderr


def test_tasks_option_gates_a_subset(tmp_path):
    base = make_run(tmp_path / "base", BASE)
    cand = make_run(tmp_path / "cand", {"parallel": BASE["parallel"]})
    proc, _, junit = gate(tmp_path, base, cand, "--tasks", "parallel")
    assert proc.returncode == 0 and junit_cases(junit) == {"parallel": False}


# -------------------------------------------------------------- the rule
def test_decide_needs_both_a_large_drop_and_significance():
    regressed, _ = decide([5.0, 0.5, 5.0], [0.001, 0.001, 0.2], max_drop=1.0, alpha=0.05, correction="none")
    assert regressed == [True, False, False]
    # Holm: with two tests, p 0.03 alone is not enough (adjusted 0.06).
    assert decide([5.0, 5.0], [0.03, 0.5], correction="holm")[0] == [False, False]
    assert decide([5.0, 5.0], [0.03, 0.5], correction="none")[0] == [True, False]


# ------------------------------------------------- error rates by simulation
# Per-sample pass probabilities of a temperature-0 model: most samples always pass
# or always fail; a few are "flaky" (probability drawn uniformly in [0.1, 0.9]).
N_SIMULATIONS = 2000
N_SAMPLES = 200


def sample_rates(rng: random.Random, flaky: float, accuracy: float = 0.7) -> list[float]:
    return [rng.uniform(0.1, 0.9) if rng.random() < flaky else float(rng.random() < accuracy)
            for _ in range(N_SAMPLES)]


def draw(rng: random.Random, rates: list[float]) -> str:
    return "".join("1" if rng.random() < p else "0" for p in rates)


def as_run(patterns: dict[str, str]) -> RunScores:
    run = RunScores("sim", "sim", "native", "fcbench", "test", "sim", None, None, None)
    for name, pattern in patterns.items():
        by_id = {f"{name}-{i}": (m == "1", ()) for i, m in enumerate(pattern)}
        passed = pattern.count("1")
        run.tasks[name] = TaskScores(name, "1", "sha256:x", len(pattern), passed, passed / len(pattern), None,
                                     by_id=by_id)
    return run


def drop_five_points(rng: random.Random, rates: list[float]) -> list[float]:
    """A true 5-point drop: 10 of the 200 always-passing samples now always fail."""
    passing = [i for i, p in enumerate(rates) if p == 1.0]
    broken = set(rng.sample(passing, N_SAMPLES // 20))
    return [0.0 if i in broken else p for i, p in enumerate(rates)]


def gate_rates(flaky: float, tasks: int = 1, seed: int = 0, simulations: int = N_SIMULATIONS) -> tuple[float, float]:
    """(A/A pass rate, detection rate of a 5-point drop on the first task) over `simulations` runs."""
    rng = random.Random(seed)
    aa_passes = detections = 0
    names = ["parallel", "nested", "chaining", "name_detection", "parameter_value", "next_best",
             "response_generation"][:tasks]
    for _ in range(simulations):
        rates = {name: sample_rates(rng, flaky) for name in names}
        baseline = as_run({name: draw(rng, r) for name, r in rates.items()})
        same = as_run({name: draw(rng, r) for name, r in rates.items()})
        aa_passes += evaluate_gate(baseline, same).passed
        worse_rates = {**rates, names[0]: drop_five_points(rng, rates[names[0]])}
        worse = as_run({name: draw(rng, r) for name, r in worse_rates.items()})
        detections += not evaluate_gate(baseline, worse).passed
    return aa_passes / simulations, detections / simulations


def test_error_rates_on_a_200_sample_task():
    """Defaults (--max-drop 1, --alpha 0.05, Holm): A/A passes >= 95 %, a true 5-point drop fails >= 80 %.

    Noise: 5 % of samples flaky, i.e. about 2 % of samples flip between two identical runs.
    """
    aa, detection = gate_rates(flaky=0.05)
    print(f"A/A pass rate {aa:.3f}, detection rate {detection:.3f} over {N_SIMULATIONS} simulations")
    assert aa >= 0.95
    assert detection >= 0.80


def test_false_alarms_stay_rare_under_heavy_noise_and_many_tasks():
    """Half the samples flaky, seven sub-tasks gated at once: A/A still passes >= 95 % (Holm)."""
    aa, _ = gate_rates(flaky=0.5, tasks=7, seed=1, simulations=600)
    print(f"7 tasks, heavy noise: A/A pass rate {aa:.3f}")
    assert aa >= 0.95
