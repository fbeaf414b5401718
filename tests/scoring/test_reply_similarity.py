"""ROUGE-L and BLEU of replies against the reference reply (rouge-score, sacrebleu), checked against
values worked out independently here, and the run going on without the packages."""

from __future__ import annotations

import math

import pytest
from conftest import installed
from fcbench_tasks.response_generation import TASK

from fcbench.analysis.report import absent_note
from fcbench.records import Message, ModelOutput, Sample, SampleResult
from fcbench.running.results import task_results
from fcbench.scoring import reply_similarity
from fcbench.scoring.reply_similarity import bleu, rouge_l
from fcbench.scoring.reply_similarity import reply_similarity as similarity

# in the dev extra; without them only the "missing" test below runs
needs_packages = pytest.mark.skipif(not (installed("rouge-score") and installed("sacrebleu")),
                                    reason="pip install 'fcbench[text-metrics]'")

task = TASK()


def lcs(a: list[str], b: list[str]) -> int:
    """The longest common subsequence, by the textbook table (independent of fcbench's and rouge-score's)."""
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            table[i + 1][j + 1] = table[i][j] + 1 if x == y else max(table[i][j + 1], table[i + 1][j])
    return table[-1][-1]


def rouge_l_by_hand(pred_tokens: list[str], ref_tokens: list[str]) -> float:
    n = lcs(pred_tokens, ref_tokens)
    precision, recall = n / len(pred_tokens), n / len(ref_tokens)
    return 2 * precision * recall / (precision + recall)


@needs_packages
@pytest.mark.parametrize("reply,reply_tokens,reason", [
    ("the cat sat on the mat", "the cat sat on the mat", "one word swapped: LCS 5 of 6 on both sides"),
    ("the cat is on the red mat today", "the cat is on the red mat today", "two words added: recall 1, precision 6/8"),
    ("The cat, on the MAT!", "the cat on the mat", "lowercased, punctuation dropped (rouge-score's tokenizer)"),
])
def test_rouge_l_is_the_f_measure_of_the_lcs(reply, reply_tokens, reason):
    reference = "the cat is on the mat"
    expected = rouge_l_by_hand(reply_tokens.split(), reference.split())
    assert rouge_l(reply, reference) == pytest.approx(expected), reason


@needs_packages
def test_rouge_l_values_worked_out():
    assert rouge_l("the cat sat on the mat", "the cat is on the mat") == pytest.approx(5 / 6)
    assert rouge_l("The cat, on the MAT!", "the cat is on the mat") == pytest.approx(10 / 11)  # P 1, R 5/6
    assert rouge_l("", "the cat is on the mat") == 0.0


@needs_packages
def test_bleu_worked_out_by_hand():
    # hyp "the cat sat on the mat" vs ref "the cat is on the mat", both 6 tokens: no brevity penalty.
    # clipped n-gram precisions: 1-grams 5/6, 2-grams 3/5 (the cat, on the, the mat), 3-grams 1/4
    # (on the mat), 4-grams 0/3 -> sacrebleu's "exp" smoothing: 1 / (2 * 3).
    expected = (5 / 6 * 3 / 5 * 1 / 4 * 1 / 6) ** (1 / 4)
    assert bleu("the cat sat on the mat", "the cat is on the mat") == pytest.approx(expected, abs=1e-6)
    # hyp "the cat on the mat" (5 tokens) vs the same ref (6): brevity penalty exp(1 - 6/5);
    # precisions 5/5, 3/4, 1/3 (on the mat), 4-grams 0/2 -> 1 / (2 * 2).
    expected = math.exp(1 - 6 / 5) * (1 * 3 / 4 * 1 / 3 * 1 / 4) ** (1 / 4)
    assert bleu("the cat on the mat", "the cat is on the mat") == pytest.approx(expected, abs=1e-6)
    assert bleu("the cat is on the mat", "the cat is on the mat") == pytest.approx(1.0)
    assert bleu("", "the cat is on the mat") == 0.0


REFERENCE = "It is sunny in Lisbon, 21.5 degrees."
SAMPLE = Sample("rg-1", "response_generation", (Message("user", "Weather in Lisbon?"),), (),
                {"reference": REFERENCE, "facts": [{"value": 21.5, "kind": "number"}]})


@needs_packages
def test_response_generation_scores_the_reply_against_the_reference():
    exact = task.score(SAMPLE, ModelOutput(text=REFERENCE))
    assert exact.metrics["rouge_l"] == pytest.approx(1.0) and exact.metrics["bleu"] == pytest.approx(1.0)
    other = task.score(SAMPLE, ModelOutput(text="Lisbon is sunny at 21.5 degrees."))
    assert 0 < other.metrics["rouge_l"] < 1 and 0 < other.metrics["bleu"] < 1
    assert other.passed, "the reply metrics describe the wording; they never fail a faithful answer"
    called = task.score(SAMPLE, ModelOutput(tool_calls=()))
    assert called.metrics["rouge_l"] == 0.0 and called.metrics["bleu"] == 0.0, "no reply scores 0"
    assert task.aggregate([exact, called])["rouge_l"] == pytest.approx(0.5), "a mean over samples"


def test_without_the_packages_the_metrics_are_absent_and_the_report_says_how_to_get_them(monkeypatch):
    monkeypatch.setattr(reply_similarity, "_rouge_scorer", lambda: None)
    monkeypatch.setattr(reply_similarity, "_bleu_metric", lambda: None)
    assert similarity("a reply", "a reference") == {}
    score = task.score(SAMPLE, ModelOutput(text=REFERENCE))
    assert score.passed and "rouge_l" not in score.metrics and "bleu" not in score.metrics
    result = SampleResult("rg-1", "response_generation", "scored", ModelOutput(text=REFERENCE), score.passed,
                          score.metrics, score.failures, score.details)
    results = task_results(task, [result])
    assert "rouge_l" not in results.metrics
    assert results.absent_metrics["rouge_l"] == results.absent_metrics["bleu"] == "pip install 'fcbench[text-metrics]'"
    note = _run_note(results)
    assert note.count("\n") == 0 and "fcbench[text-metrics]" in note and "rouge_l, response_generation bleu" in note


def _run_note(task_result) -> str:
    from fcbench.runlog import RunResults

    results = RunResults(None, "m", "native", "fcbench", "test", None, None, None, None,
                         {"response_generation": task_result})
    note = absent_note(results)
    assert note is not None
    return note


@needs_packages
def test_interactive_response_generation_scores_the_final_answer_against_the_reference(tmp_path, capsys):
    from fcbench.cli import main
    from fcbench.runlog import read_run

    out = tmp_path / "run"
    assert main(["run", "--model", "reference/oracle", "--protocol", "interactive", "--tasks", "response_generation",
                 "--limit", "2", "--out", str(out), "--quiet"]) == 0
    capsys.readouterr()
    metrics = read_run(out).results.tasks["response_generation"].metrics
    # the oracle's last turn is the reference reply itself (its facts are blanked as a source, not its wording)
    assert metrics["rouge_l"] == pytest.approx(1.0) and metrics["bleu"] == pytest.approx(1.0)
