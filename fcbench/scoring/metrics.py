"""Small metric helpers: precision/recall/F1, LCS, NESTFUL's sequence accuracies, macro F1."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any


def prf(tp: float, fp: float, fn: float) -> tuple[float, float, float]:
    """Precision, recall, F1. An empty denominator counts as perfect (nothing to get wrong),
    the same convention as `fcbench.task.aggregate_metrics`."""
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f1


def lcs_length(a: Sequence[Any], b: Sequence[Any],
               eq: Callable[[Any, Any], bool] | None = None) -> int:
    """Length of the longest common subsequence; `eq(a_item, b_item)` defaults to ``==``."""
    if eq is None:
        eq = lambda x, y: x == y
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if eq(x, y) else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def lcs_similarity(a: Sequence[Any], b: Sequence[Any],
                   eq: Callable[[Any, Any], bool] | None = None) -> float:
    """LCS length / max(len): 1.0 for identical sequences, 1.0 for two empty ones."""
    longest = max(len(a), len(b))
    return lcs_length(a, b, eq) / longest if longest else 1.0


def multiset_counts(pred: Iterable[Hashable], gold: Iterable[Hashable]) -> tuple[int, int, int]:
    """(tp, fp, fn) of two multisets: tp counts each item min(times predicted, times in gold)."""
    pc: dict[Hashable, int] = {}
    gc: dict[Hashable, int] = {}
    for x in pred:
        pc[x] = pc.get(x, 0) + 1
    for x in gold:
        gc[x] = gc.get(x, 0) + 1
    tp = sum(min(n, gc.get(k, 0)) for k, n in pc.items())
    return tp, sum(pc.values()) - tp, sum(gc.values()) - tp


def partial_sequence_accuracy(position_ok: Sequence[bool]) -> float:
    """NESTFUL's partial sequence accuracy of one sample.

    `position_ok` holds one entry per position of the aligned sequences
    (see `fcbench.scoring.sequences.align`; a position whose other side is a
    blank is False). The score is the share of correct positions.
    """
    return sum(1 for ok in position_ok if ok) / len(position_ok) if position_ok else 1.0


def full_sequence_match(position_ok: Sequence[bool]) -> bool:
    """NESTFUL's full sequence accuracy of one sample: every aligned position correct."""
    return partial_sequence_accuracy(position_ok) == 1.0


def macro_f1_over_sets(samples: Iterable[tuple[Iterable[Hashable], Iterable[Hashable]]]) -> float:
    """NESTFUL's macro F1 over labels: each label (e.g. function name) is a binary
    per-sample decision "in the predicted set" vs "in the gold set"; F1 per label
    (0 when undefined, like sklearn's default), then the unweighted mean over all
    labels seen in either side. Returns 1.0 when no label was ever seen."""
    counts: dict[Hashable, list[int]] = {}
    for pred, gold in samples:
        p, g = set(pred), set(gold)
        for label in p | g:
            c = counts.setdefault(label, [0, 0, 0])
            if label in p and label in g:
                c[0] += 1
            elif label in p:
                c[1] += 1
            else:
                c[2] += 1
    if not counts:
        return 1.0
    f1s = [(2 * tp / (2 * tp + fp + fn)) for tp, fp, fn in counts.values()]
    return sum(f1s) / len(f1s)
