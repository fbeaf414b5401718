"""parallel: several independent calls in one turn; their order does not matter.

Predicted and gold calls are paired by an exact maximum-weight one-to-one
matching (`fcbench.scoring.calls.call_pairs`): correct pairs first, then same
function, then argument agreement. BFCL pairs greedily, first fit, which fails
``[f(a), f(b)]`` against gold ``[f(x in {a,b}), f(x=a)]``; this task passes it.

A sample passes when there are exactly as many calls as gold calls and every
pair is correct. Per-sample metrics:

* ``call_tp/fp/fn``: correct pairs / other predictions / other gold calls
  -> micro ``call_precision/recall/f1``;
* ``param_tp/fp/fn``: (parameter, value) pairs over the pairing -> ``param_f1``;
* ``hallucinated_calls`` / ``predicted_calls`` -> micro ``hallucination_rate``.

Failures: ``malformed_output`` or ``no_call`` alone when the gate fails;
otherwise each wrong pair's categories, ``extra_call`` (``hallucinated_function``
for a function the library lacks) for unpaired predictions and ``missing_call``
for unpaired gold calls.
"""

from __future__ import annotations

from fcbench.records import ModelOutput, Sample, Score
from fcbench.scoring.calls import call_pairs, pairing_arg_counts, pairing_failures
from fcbench.scoring.gold import calls_gold_schema, gold_calls
from fcbench.scoring.hallucination import HALLUCINATION_RATE, hallucination_counts
from fcbench.scoring.metrics import micro_prf, pass_rate
from fcbench.scoring.outputs import predicted_calls
from fcbench.task import CallTask


class ParallelTask(CallTask):
    name = "parallel"
    version = "1"
    description = "Several independent calls at once; order does not matter (optimal pairing)."
    main_metric = "accuracy"
    interactive = True  # --protocol interactive runs it as a conversation
    metrics = (pass_rate(), *micro_prf("call", "calls"), *micro_prf("param", "argument values"),
               HALLUCINATION_RATE)
    report_metrics = ("call_f1", "call_precision", "call_recall", "param_f1", "hallucination_rate")
    gold_schema = calls_gold_schema(min_calls=2)

    def score(self, sample: Sample, output: ModelOutput) -> Score:
        golds = gold_calls(sample)
        tools = sample.tools_by_name
        preds = predicted_calls(output)
        pairing = call_pairs(preds, golds, tools)
        correct = pairing.correct
        p_tp, p_fp, p_fn = pairing_arg_counts(pairing, preds, golds)
        metrics = {"call_tp": correct, "call_fp": len(preds) - correct, "call_fn": len(golds) - correct,
                   "param_tp": p_tp, "param_fp": p_fp, "param_fn": p_fn, **hallucination_counts(preds, tools)}
        exact = len(preds) == len(golds) == correct
        passed, failures = self.verdict(output, exact,
                                        () if exact else pairing_failures(pairing, preds, set(tools)))
        details = {"pairs": [{"pred": i, "gold": j, "ok": c.ok, "detail": c.detail}
                             for i, j, c in pairing.pairs],
                   "unmatched_pred": list(pairing.unmatched_pred),
                   "unmatched_gold": list(pairing.unmatched_gold)}
        return Score(passed, metrics, failures, details)
