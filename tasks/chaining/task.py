"""chaining: a sequence of calls that must run in the gold order.

A sample passes on an exact sequence match: as many calls as gold, each
correct at its position. Per-sample metrics:

* ``sequence_similarity``: LCS of the two sequences (two calls are "equal" when
  the predicted one is correct for the gold one) / max(len) (API-Blend's LCS);
* ``name_sequence_lcs`` / ``name_sequence_exact_match``: the same over function names
  only (the Granite paper's sequencing metrics, `fcbench.scoring.sequence_metrics`);
* ``name_tp/fp/fn``: function names as multisets -> micro ``name_f1``;
* ``hallucinated_calls`` / ``predicted_calls`` -> micro ``hallucination_rate``;
* ``param_tp/fp/fn``: (parameter, value) pairs over an order-free optimal
  pairing of the calls -> ``param_f1`` (slot filling judged apart from order);
* ``win``: executing the predicted calls on the sample's world gives the gold
  ``result`` (only when ``metadata.world_seed`` is set).

Failures come from the order-free pairing (each wrong pair's categories,
``extra_call``/``hallucinated_function``, ``missing_call``), plus
``wrong_order`` when that pairing finds more correct calls than the LCS, i.e.
some right calls came in the wrong order.

Names-only samples (``metadata.names_only: true``, e.g. RestBench, whose
solutions list endpoints without argument values): the gold calls have no
arguments and the predicted calls' arguments are set aside before checking,
so only the function names and their order are judged (``param_*`` stay 0).
"""

from __future__ import annotations

from fcbench.records import ModelOutput, Sample, Score, ToolCall
from fcbench.scoring import taxonomy as tx
from fcbench.scoring.calls import (
    check_matrix,
    gold_name,
    pairing_arg_counts,
    pairing_failures,
    pairs_from_checks,
)
from fcbench.scoring.execution import execution_win
from fcbench.scoring.gold import calls_gold_schema, gold_calls
from fcbench.scoring.hallucination import HALLUCINATION_RATE, hallucination_counts
from fcbench.scoring.metrics import lcs_length, lcs_ratio, mean, micro_prf, multiset_counts, pass_rate
from fcbench.scoring.outputs import predicted_calls
from fcbench.scoring.sequence_metrics import NAME_SEQUENCE_METRICS, SEQUENCE_SIMILARITY, name_sequence_metrics
from fcbench.task import CallTask


class ChainingTask(CallTask):
    name = "chaining"
    version = "1"
    description = "A sequence of dependent calls; the order matters (exact sequence match)."
    main_metric = "accuracy"
    interactive = True  # --protocol interactive runs it as a conversation
    metrics = (pass_rate(), *micro_prf("name", "function names"), *micro_prf("param", "argument values"),
               SEQUENCE_SIMILARITY, *NAME_SEQUENCE_METRICS,
               mean("win", "execution gives the gold result"), HALLUCINATION_RATE)
    report_metrics = ("sequence_similarity", "name_f1", "param_f1", "win", "hallucination_rate")
    gold_schema = calls_gold_schema(min_calls=1, result=True)

    def score(self, sample: Sample, output: ModelOutput) -> Score:
        golds = gold_calls(sample)
        tools = sample.tools_by_name
        preds = predicted_calls(output)
        if sample.metadata.get("names_only") is True:  # see the module docstring
            preds = [ToolCall(p.name, {}, p.label, p.id) for p in preds]
        checks = check_matrix(preds, golds, tools)
        in_order = lcs_length(range(len(preds)), range(len(golds)), lambda i, j: checks[i][j].ok)
        pairing = pairs_from_checks(checks, len(golds))
        pred_names, gold_names = [p.name for p in preds], [gold_name(g) for g in golds]
        n_tp, n_fp, n_fn = multiset_counts(pred_names, gold_names)
        p_tp, p_fp, p_fn = pairing_arg_counts(pairing, preds, golds)
        metrics: dict[str, float] = {
            "sequence_similarity": lcs_ratio(in_order, len(preds), len(golds)),
            "name_tp": n_tp, "name_fp": n_fp, "name_fn": n_fn,
            "param_tp": p_tp, "param_fp": p_fp, "param_fn": p_fn,
            **name_sequence_metrics(pred_names, gold_names),
            **hallucination_counts(preds, tools),
        }
        win = execution_win(preds, sample.gold, sample.metadata)
        if win is not None:
            metrics["win"] = 1.0 if win else 0.0
        exact = len(preds) == len(golds) == in_order
        found = [] if exact else pairing_failures(pairing, preds, set(tools))
        if pairing.correct > in_order:
            found.append(tx.WRONG_ORDER)  # right calls, in the wrong order
        passed, failures = self.verdict(output, exact, found)
        details = {"in_order": in_order,
                   "pairs": [{"pred": i, "gold": j, "ok": c.ok, "detail": c.detail}
                             for i, j, c in pairing.pairs],
                   "unmatched_pred": list(pairing.unmatched_pred),
                   "unmatched_gold": list(pairing.unmatched_gold)}
        if win is not None:
            details["win"] = win
        return Score(passed, metrics, failures, details)
