"""ROUGE-L and BLEU of a reply against a reference reply, from the standard libraries.

The Granite-20B-FunctionCalling paper scores response generation with ROUGE-L, BLEU and
BERTScore. fcbench computes the first two with Google's ``rouge-score`` (the reference
ROUGE implementation) and ``sacrebleu`` (the reference BLEU), both optional: ``pip install
'fcbench[text-metrics]'``. Without them the metrics are simply absent, and the run's
results say how to get them (`Metric.needs`).

* ``rouge_l``: ROUGE-L F-measure (rouge-score defaults: lowercased, split on anything that is
  not a-z or 0-9, no stemming), in [0, 1];
* ``bleu``: sacrebleu's sentence BLEU (13a tokenizer, exponential smoothing, effective
  n-gram order so that short replies are not zero by construction), divided by 100 to be
  a share in [0, 1] like every other metric.

An empty reply (a tool call instead of an answer, unreadable output) scores 0 on both.
"""

from __future__ import annotations

import functools
from typing import Any

from fcbench.scoring.metrics import Metric

TEXT_METRICS_NEED = "pip install 'fcbench[text-metrics]'"

ROUGE_L: Metric = Metric("rouge_l", "mean", True, "ROUGE-L F1 vs the reference reply", needs=TEXT_METRICS_NEED)
BLEU: Metric = Metric("bleu", "mean", True, "BLEU vs the reference reply",
                      needs=TEXT_METRICS_NEED)


@functools.cache
def _rouge_scorer() -> Any | None:
    """rouge-score's scorer, built once (importing it loads nltk: about 2 s); None without the package."""
    try:
        from rouge_score import rouge_scorer
    except ImportError:
        return None
    return rouge_scorer.RougeScorer(["rougeL"], use_stemmer=False)


@functools.cache
def _bleu_metric() -> Any | None:
    """sacrebleu's sentence-level BLEU, built once; None without the package."""
    try:
        from sacrebleu.metrics import BLEU as SacreBLEU
    except ImportError:
        return None
    return SacreBLEU(effective_order=True)


def load_scorers() -> None:
    """Build both scorers now (the first ROUGE-L otherwise pays nltk's import mid-run)."""
    _rouge_scorer()
    _bleu_metric()


def rouge_l(reply: str, reference: str) -> float | None:
    """ROUGE-L F-measure of `reply` against `reference` (None without rouge-score)."""
    scorer = _rouge_scorer()
    if scorer is None:
        return None
    return float(scorer.score(reference, reply)["rougeL"].fmeasure)


def bleu(reply: str, reference: str) -> float | None:
    """Sentence BLEU of `reply` against `reference`, in [0, 1] (None without sacrebleu)."""
    metric = _bleu_metric()
    if metric is None:
        return None
    return float(metric.sentence_score(reply, [reference]).score) / 100.0


def reply_similarity(reply: str, reference: str) -> dict[str, float]:
    """The per-sample ``rouge_l`` and ``bleu`` that can be computed here (none without the packages)."""
    out: dict[str, float] = {}
    for metric, compute in ((ROUGE_L, rouge_l), (BLEU, bleu)):
        value = compute(reply, reference)
        if value is not None:
            out[metric.name] = value
    return out
