"""Metrics: how each is declared and aggregated, and the small helpers tasks score with.

A task declares every metric it reports once (`Metric`): its name, how per-sample values
become the run's value (its aggregation), whether higher is better, and a label. Reports,
``results.json`` and leaderboards take labels and directions from that declaration, and
`aggregate` computes every declared metric that is not ``custom`` (a task computes those
itself, e.g. a macro F1 over per-sample sets).

Helpers: precision/recall/F1, LCS, NESTFUL's sequence accuracies, macro F1.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import replace
from typing import Any, Literal, Protocol

from fcbench.records import record

Aggregation = Literal["pass_rate", "mean", "micro_precision", "micro_recall", "micro_f1", "ratio", "custom"]
AGGREGATIONS: tuple[str, ...] = ("pass_rate", "mean", "micro_precision", "micro_recall", "micro_f1", "ratio",
                                 "custom")


@record
class Metric:
    """One reported metric, declared once.

    * ``pass_rate``: share of samples that passed;
    * ``mean``: mean of the per-sample value of the same name, over the samples that report it
      (so a metric defined on some samples only, like ``no_tool_accuracy``, is a mean over those);
    * ``micro_precision/recall/f1``: from the per-sample counts ``<counts>_tp/_fp/_fn``, summed
      over samples (an empty denominator counts as perfect);
    * ``ratio``: the per-sample counts ``<counts>`` summed over samples, divided by the per-sample
      counts ``<over>`` summed (a micro rate, e.g. hallucinated calls / predicted calls); left out
      when the denominator sums to 0;
    * ``custom``: computed by the task's ``aggregate`` (declared here for its label and direction).

    `needs` says what computing the metric needs when that may be missing (an optional
    package, a local model); a run that could not compute it says so in its results.

    `higher_is_better` is None for a metric that is neither (information, not a goal).
    """

    name: str
    aggregation: Aggregation
    higher_is_better: bool | None = True
    label: str = ""
    counts: str | None = None  # micro_*: the stem of the per-sample counts; ratio: the numerator's name
    over: str | None = None  # ratio: the name of the per-sample denominator
    unit: str = "share"  # share: a fraction in [0, 1], shown as %; count: shown as it is (turns, calls)
    needs: str = ""  # what computing it needs, when that may be missing (said where the metric is absent)

    def __post_init__(self) -> None:
        if self.aggregation not in AGGREGATIONS:
            raise ValueError(f"metric {self.name}: unknown aggregation {self.aggregation!r}")
        if self.aggregation.startswith("micro_") and not self.counts:
            raise ValueError(f"metric {self.name}: a micro average names its counts (counts='stem')")
        if self.aggregation == "ratio" and not (self.counts and self.over):
            raise ValueError(f"metric {self.name}: a ratio names its per-sample counts (counts=..., over=...)")
        if self.unit not in ("share", "count"):
            raise ValueError(f"metric {self.name}: unit is share or count, not {self.unit!r}")
        if not self.label:
            object.__setattr__(self, "label", self.name.replace("_", " "))

    def info(self) -> dict[str, Any]:
        """What ``results.json`` keeps of the declaration, so a report needs no plugin."""
        info = {"label": self.label, "higher_is_better": self.higher_is_better, "aggregation": self.aggregation}
        if self.unit != "share":
            info["unit"] = self.unit
        return info


def pass_rate(name: str = "accuracy", label: str = "accuracy") -> Metric:
    return Metric(name, "pass_rate", True, label)


def mean(name: str, label: str = "", *, higher_is_better: bool | None = True, unit: str = "share") -> Metric:
    return Metric(name, "mean", higher_is_better, label, unit=unit)


def micro_prf(stem: str, what: str) -> tuple[Metric, Metric, Metric]:
    """``<stem>_precision``, ``<stem>_recall`` and ``<stem>_f1`` from the counts ``<stem>_tp/fp/fn``;
    `what` names the counted things in the labels (``"parameter values"``)."""
    return (Metric(f"{stem}_precision", "micro_precision", True, f"{what} precision", stem),
            Metric(f"{stem}_recall", "micro_recall", True, f"{what} recall", stem),
            Metric(f"{stem}_f1", "micro_f1", True, f"{what} F1", stem))


def ratio(name: str, numerator: str, denominator: str, label: str = "", *,
          higher_is_better: bool | None = True) -> Metric:
    """sum(per-sample `numerator`) / sum(per-sample `denominator`): a micro rate over the
    counted things, not a mean of per-sample rates."""
    return Metric(name, "ratio", higher_is_better, label, counts=numerator, over=denominator)


def custom(name: str, label: str = "", *, higher_is_better: bool | None = True) -> Metric:
    return Metric(name, "custom", higher_is_better, label)


class _Scored(Protocol):
    passed: bool
    metrics: dict[str, float]


def aggregate(declared: Sequence[Metric], scores: Sequence[_Scored]) -> dict[str, float]:
    """The run's value of every declared, non-custom metric, in declaration order.

    A ``mean`` no sample reports is left out (it is not defined on this data).
    """
    if not scores:
        return {}
    sums: dict[str, float] = {}
    counts: dict[str, int] = {}
    for score in scores:
        for key, value in score.metrics.items():
            sums[key] = sums.get(key, 0.0) + float(value)
            counts[key] = counts.get(key, 0) + 1
    out: dict[str, float] = {}
    for metric in declared:
        if metric.aggregation == "pass_rate":
            out[metric.name] = sum(1 for s in scores if s.passed) / len(scores)
        elif metric.aggregation == "mean":
            if counts.get(metric.name):
                out[metric.name] = sums[metric.name] / counts[metric.name]
        elif metric.aggregation.startswith("micro_"):
            stem = metric.counts
            if not any(f"{stem}_{x}" in counts for x in ("tp", "fp", "fn")):
                continue
            p, r, f1 = prf(*(sums.get(f"{stem}_{x}", 0.0) for x in ("tp", "fp", "fn")))
            out[metric.name] = {"micro_precision": p, "micro_recall": r, "micro_f1": f1}[metric.aggregation]
        elif metric.aggregation == "ratio":
            denominator = sums.get(str(metric.over), 0.0)
            if denominator:
                out[metric.name] = sums.get(str(metric.counts), 0.0) / denominator
    for metric in undeclared(declared, sums):
        if metric.aggregation == "mean":
            out[metric.name] = sums[metric.name] / counts[metric.name]
        else:
            p, r, f1 = prf(*(sums.get(f"{metric.counts}_{x}", 0.0) for x in ("tp", "fp", "fn")))
            out[metric.name] = {"micro_precision": p, "micro_recall": r, "micro_f1": f1}[metric.aggregation]
    return out


def undeclared(declared: Sequence[Metric], per_sample: Iterable[str]) -> list[Metric]:
    """Metrics for per-sample values no declaration accounts for (a task written before
    metrics were declared): ``X_tp/_fp/_fn`` counts give micro ``X_precision/recall/f1``,
    any other value its mean; their direction is unknown. Built-in tasks declare everything
    (a test holds them to it)."""
    known = per_sample_names(declared) | {m.name for m in declared}
    left = sorted(set(per_sample) - known)
    stems = sorted({k[:-3] for k in left if k.endswith(("_tp", "_fp", "_fn"))})
    out = [m for stem in stems for m in micro_prf(stem, stem)]
    out = [replace(m, higher_is_better=None) for m in out]
    out += [Metric(k, "mean", None) for k in left if not k.endswith(("_tp", "_fp", "_fn"))]
    return out


def per_sample_names(declared: Sequence[Metric]) -> set[str]:
    """The per-sample metric names the declaration accounts for (means and micro counts)."""
    names = {m.name for m in declared if m.aggregation == "mean"}
    names |= {f"{m.counts}_{x}" for m in declared if m.counts and m.aggregation.startswith("micro_")
              for x in ("tp", "fp", "fn")}
    names |= {str(n) for m in declared if m.aggregation == "ratio" for n in (m.counts, m.over)}
    return names


def prf(tp: float, fp: float, fn: float) -> tuple[float, float, float]:
    """Precision, recall, F1. An empty denominator counts as perfect (nothing to get wrong)."""
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
    return lcs_ratio(lcs_length(a, b, eq), len(a), len(b))


def lcs_ratio(lcs: int, len_a: int, len_b: int) -> float:
    """An LCS length as a share of the longer sequence (1.0 when both are empty)."""
    longest = max(len_a, len_b)
    return lcs / longest if longest else 1.0


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
