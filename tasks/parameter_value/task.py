"""parameter_value: slot filling. Exactly one gold call; the library holds its function.

The native request forces a call (``tool_choice="required"``) and allows only
one (``parallel_tool_calls=False``). When a model still makes several calls,
the best one (optimal pairing) is judged and the others are extra.

A sample passes when there is exactly one call and it is correct. Per-sample metrics:

* ``pair_tp/fp/fn``: (parameter, value) pairs -> micro ``pair_precision/recall/f1``
  (arguments of extra calls are fp; a call to the wrong function has all its
  pairs fp and every must-give gold parameter fn);
* ``schema_valid``: 1 when the judged call's arguments satisfy its function's
  JSON Schema (0 for a function the library lacks); only reported when there is a call;
* ``hallucinated_calls`` / ``predicted_calls`` -> micro ``hallucination_rate`` (every call counts,
  extra ones too).
"""

from __future__ import annotations

from fcbench.records import ModelOutput, Sample, Score
from fcbench.scoring.calls import (
    call_pairs,
    pairing_arg_counts,
    pairing_failures,
    pred_arguments,
    schema_valid,
)
from fcbench.scoring.gold import calls_gold_schema, gold_calls
from fcbench.scoring.hallucination import HALLUCINATION_RATE, hallucination_counts
from fcbench.scoring.metrics import mean, micro_prf, pass_rate
from fcbench.scoring.outputs import predicted_calls
from fcbench.task import CallTask


class ParameterValueTask(CallTask):
    name = "parameter_value"
    version = "1"
    description = "Fill the arguments of a known function from the request (slot filling)."
    main_metric = "accuracy"
    metrics = (pass_rate(), *micro_prf("pair", "argument values"),
               mean("schema_valid", "arguments valid against the schema"), HALLUCINATION_RATE)
    report_metrics = ("pair_f1", "pair_precision", "pair_recall", "schema_valid", "hallucination_rate")
    gold_schema = calls_gold_schema(min_calls=1, max_calls=1)
    reference_call_limit = 1

    def tool_choice(self, sample: Sample) -> str:
        return "required"

    def parallel_calls(self, sample: Sample) -> bool:
        return False

    def score(self, sample: Sample, output: ModelOutput) -> Score:
        golds = gold_calls(sample)[:1]
        tools = sample.tools_by_name
        preds = predicted_calls(output)
        pairing = call_pairs(preds, golds, tools)
        tp, fp, fn = pairing_arg_counts(pairing, preds, golds)
        metrics: dict[str, float] = {"pair_tp": tp, "pair_fp": fp, "pair_fn": fn,
                                     **hallucination_counts(preds, tools)}
        judged = preds[pairing.pairs[0][0]] if pairing.pairs else (preds[0] if preds else None)
        if judged is not None:
            tool = tools.get(judged.name)
            checked = pairing.pairs[0][2].schema_valid if pairing.pairs and tool is not None else None
            if checked is not None:  # the pair's check already validated these arguments
                valid = checked
            else:
                valid = tool is not None and isinstance(judged.arguments, dict) and schema_valid(
                    pred_arguments(judged), tool)
            metrics["schema_valid"] = 1.0 if valid else 0.0
        correct = len(preds) == 1 and pairing.correct == 1 == len(golds)
        passed, failures = self.verdict(output, correct,
                                        () if correct else pairing_failures(pairing, preds, set(tools)))
        details = {"checks": [{"pred": i, "ok": c.ok, "detail": c.detail} for i, _, c in pairing.pairs],
                   "extra_calls": list(pairing.unmatched_pred)}
        return Score(passed, metrics, failures, details)
