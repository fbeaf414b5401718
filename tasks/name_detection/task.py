"""name_detection: which functions of the library does the request need (possibly none)?

Only names are judged. The predicted set is the set of names of the model's
calls (a name called twice counts once; arguments are ignored). A sample
passes when that set equals the gold set exactly, so on a no-tool sample
(gold ``[]``) the only passing answer is no call at all.

Per-sample metrics (aggregated as the class declares them in `metrics`):

* ``name_tp/fp/fn``: set overlap, summed into micro ``name_precision/recall/f1``;
* ``no_tool_accuracy``: exact set on samples whose gold is empty (only reported there);
* ``tool_accuracy``: exact set on samples whose gold is not empty (only reported there);
* ``hallucinated_name_rate``: 1 if some predicted name is not in the sample's library
  (a share of samples);
* ``hallucinated_calls`` / ``predicted_calls`` -> ``hallucination_rate``, the share of
  predicted calls (repeats included) naming a function not in the library (micro, over calls);
* ``name_macro_f1`` (in `aggregate`): NESTFUL's macro F1 over function names.

Failure categories: a predicted name outside the library is
``hallucinated_function``; otherwise missing and surplus names are paired off
as ``wrong_function`` (a substitution), the rest are ``missing_call`` /
``extra_call``; no call at all on a tool sample is ``no_call``; unreadable
output is ``malformed_output`` alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fcbench.records import ModelOutput, Sample, Score, ToolCall
from fcbench.scoring import taxonomy as tx
from fcbench.scoring.hallucination import HALLUCINATION_RATE, hallucination_counts
from fcbench.scoring.metrics import custom, macro_f1_over_sets, mean, micro_prf, pass_rate
from fcbench.scoring.outputs import predicted_calls
from fcbench.task import Task

GOLD_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["names"],
    "properties": {
        "names": {"type": "array", "uniqueItems": True,
                  "items": {"type": "string", "minLength": 1}},
    },
}


def classify(gold: set[str], predicted: set[str], library: set[str]) -> list[str]:
    """Failure categories for a predicted name set (empty list = exact match).

    Missing gold names are explained first by surplus library names
    (``wrong_function``: a substitution), then by hallucinated names
    (``hallucinated_function``); what is left is ``missing_call`` or ``extra_call``.
    """
    if gold and not predicted:
        return [tx.NO_CALL]
    hallucinated = predicted - gold - library
    surplus = predicted - gold - hallucinated
    missing = gold - predicted
    substitutions = min(len(missing), len(surplus))
    categories: set[str] = set()
    if hallucinated:
        categories.add(tx.HALLUCINATED_FUNCTION)
    if substitutions:
        categories.add(tx.WRONG_FUNCTION)
    if len(missing) - substitutions - len(hallucinated) > 0:
        categories.add(tx.MISSING_CALL)
    if len(surplus) > substitutions:
        categories.add(tx.EXTRA_CALL)
    return list(tx.ordered(categories))


class NameDetectionTask(Task):
    name = "name_detection"
    version = "1"
    description = "Pick the function(s) a request needs from a library, or none; names only."
    main_metric = "accuracy"
    metrics = (pass_rate(), *micro_prf("name", "function names"),
               mean("tool_accuracy", "accuracy where a function fits"),
               mean("no_tool_accuracy", "accuracy where none fits"),
               mean("hallucinated_name_rate", "answers naming a function not in the library",
                    higher_is_better=False),
               custom("name_macro_f1", "function names macro F1"), HALLUCINATION_RATE)
    report_metrics = ("name_f1", "name_precision", "name_recall", "tool_accuracy",
                      "no_tool_accuracy", "hallucinated_name_rate", "name_macro_f1", "hallucination_rate")
    expects = "calls"
    gold_schema = GOLD_SCHEMA

    def tool_choice(self, sample: Sample) -> str:
        return "auto"  # the model must be free to call nothing

    def reference_calls(self, sample: Sample) -> list[ToolCall]:
        return [ToolCall(name, {}) for name in sample.gold.get("names", [])]

    def score(self, sample: Sample, output: ModelOutput) -> Score:
        gold = set(sample.gold.get("names") or [])
        library = sample.tool_names
        readable = not output.malformed
        calls = predicted_calls(output) if readable else []
        predicted = {c.name for c in calls}

        failures = [tx.MALFORMED_OUTPUT] if not readable else classify(gold, predicted, library)
        passed = not failures
        metrics: dict[str, float] = {
            "name_tp": float(len(gold & predicted)),
            "name_fp": float(len(predicted - gold)),
            "name_fn": float(len(gold - predicted)),
            "hallucinated_name_rate": float(bool(predicted - library)),
            **hallucination_counts(calls, library),
        }
        metrics["tool_accuracy" if gold else "no_tool_accuracy"] = float(passed)
        details: dict[str, Any] = {
            "gold": sorted(gold),
            "predicted": sorted(predicted),
        }
        if predicted - library:
            details["not_in_library"] = sorted(predicted - library)
        if len(calls) > len(predicted):
            details["repeated_names"] = len(calls) - len(predicted)
        if not readable:
            details["malformed"] = output.malformed
        return Score(passed, metrics, tx.ordered(failures), details)

    def aggregate(self, scores: Sequence[Score]) -> dict[str, float]:
        """The default metrics plus ``name_macro_f1`` (NESTFUL's "F1 Function": per-name F1
        over per-sample sets, averaged over names), which per-sample counts cannot express."""
        out = super().aggregate(scores)
        if scores:
            out["name_macro_f1"] = macro_f1_over_sets(
                (s.details.get("predicted", []), s.details.get("gold", [])) for s in scores)
        return out
