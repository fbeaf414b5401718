"""nested: a sequence of calls in which later calls take earlier outputs as arguments.

References are whole strings ``"$var1.city_id$"``. In native mode a model
cannot label its calls, so unlabelled calls are labelled ``var1, var2, ...`` by
position and the request's system message explains this. In prompt mode the
model writes the labels itself.

Scoring, per sample (NESTFUL's metrics, see `fcbench/scoring/README.md`):

1. predicted and gold sequences are aligned (`fcbench.scoring.sequences.align`);
   predicted labels are renamed to the labels of the gold calls they align
   with, so references compare by meaning whatever labels the model chose;
2. ``partial_sequence_accuracy``: share of aligned positions whose call is
   correct; the sample passes on a full match (``accuracy`` is NESTFUL's full
   sequence accuracy); the same calls in another order fail as ``wrong_order``;
3. ``name_tp/fp/fn`` (multiset of names -> micro ``name_f1``) and, in
   `aggregate`, NESTFUL's ``name_macro_f1`` (per-name F1 over per-sample name
   sets, averaged over names). Micro is the headline: with most names rare,
   the macro mean is dominated by names seen once;
4. ``param_tp/fp/fn``: (call, parameter, value) pairs over the alignment;
   ``sequence_similarity``: LCS / max(len) over whole calls (a call "equals" a gold call
   when it is correct for it, references compared after the renaming of step 1), and
   ``name_sequence_lcs`` / ``name_sequence_exact_match`` over function names only
   (`fcbench.scoring.sequence_metrics`); ``hallucinated_calls`` / ``predicted_calls``
   -> micro ``hallucination_rate``;
5. ``reference_validity``: 1 when every reference names an EARLIER label and a
   field of that call's ``returns`` schema; reported on predictions holding at
   least one reference;
6. ``win``: executing the predicted calls gives the gold ``result`` (needs
   ``metadata.world_seed``); ``alt_trajectory``: a win without a full match.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from fcbench.records import Message, Mode, ModelOutput, Request, Sample, Score, ToolCall
from fcbench.scoring import taxonomy as tx
from fcbench.scoring.calls import (
    check_call,
    gold_name,
    pred_arguments,
    required_gold_params,
    unmatched_pred_failure,
)
from fcbench.scoring.execution import execution_win
from fcbench.scoring.gold import calls_gold_schema, gold_calls
from fcbench.scoring.hallucination import HALLUCINATION_RATE, hallucination_counts
from fcbench.scoring.metrics import (
    custom,
    full_sequence_match,
    lcs_similarity,
    macro_f1_over_sets,
    mean,
    micro_prf,
    multiset_counts,
    partial_sequence_accuracy,
    pass_rate,
)
from fcbench.scoring.outputs import predicted_calls
from fcbench.scoring.references import (
    assign_labels,
    call_references,
    positional_label,
    reference_problems,
    rewrite_references,
)
from fcbench.scoring.sequence_metrics import NAME_SEQUENCE_METRICS, SEQUENCE_SIMILARITY, name_sequence_metrics
from fcbench.scoring.sequences import align
from fcbench.task import CallTask

NATIVE_CONVENTION = (
    "Some arguments must be taken from the output of an earlier call. Make all the calls "
    "the request needs, in the order they must run. Your calls are labelled by position: "
    "the first call is var1, the second var2, and so on. To use a field of an earlier "
    "call's output as an argument, write the whole argument as the string \"$varN.field$\", "
    "e.g. \"$var1.city_id$\" for the field city_id of the output of your first call. "
    "Only refer to earlier calls and to fields their function returns."
)


class NestedTask(CallTask):
    name = "nested"
    version = "1"
    description = "Calls whose arguments are earlier calls' outputs ($var1.field$ references)."
    main_metric = "accuracy"
    interactive = True  # --protocol interactive runs it as a conversation
    metrics = (pass_rate("accuracy", "full sequence accuracy"), *micro_prf("name", "function names"),
               *micro_prf("param", "argument values"),
               mean("partial_sequence_accuracy", "partial sequence accuracy"),
               mean("reference_validity", "references valid"),
               mean("win", "execution gives the gold result"),
               mean("alt_trajectory", "wins by another route", higher_is_better=None),
               custom("name_macro_f1", "function names macro F1"),
               SEQUENCE_SIMILARITY, *NAME_SEQUENCE_METRICS, HALLUCINATION_RATE)
    report_metrics = ("partial_sequence_accuracy", "name_f1", "name_macro_f1", "param_f1",
                      "reference_validity", "win", "alt_trajectory", "hallucination_rate")
    gold_schema = calls_gold_schema(min_calls=1, labelled=True, result=True)

    # ------------------------------------------------------------ request
    def build_request(self, sample: Sample, mode: Mode) -> Request:
        request = super().build_request(sample, mode)
        if mode != "native":
            return request
        return replace(request, messages=(Message("system", NATIVE_CONVENTION), *request.messages))

    def reference_output(self, sample: Sample, mode: Mode) -> ModelOutput:
        if mode == "prompt":
            return super().reference_output(sample, mode)
        # Native calls carry no labels: refer to earlier calls by position, as a model must.
        calls = self.reference_calls(sample)
        positional = {c.label: positional_label(i) for i, c in enumerate(calls) if c.label}
        unlabelled = tuple(ToolCall(c.name, rewrite_references(c.arguments, positional))
                           for c in calls)
        return ModelOutput(tool_calls=unlabelled, finish_reason="tool_calls" if unlabelled else "stop")

    # ------------------------------------------------------------ scoring
    def score(self, sample: Sample, output: ModelOutput) -> Score:
        golds = gold_calls(sample)
        tools = sample.tools_by_name
        known = set(tools)
        preds = assign_labels(predicted_calls(output))
        positions = align([p.name for p in preds], [gold_name(g) for g in golds])
        renamed = _renamed_to_gold_labels(preds, golds, positions)

        position_ok: list[bool] = []
        found: list[str] = []
        tp = fp = fn = 0
        for i, j in positions:
            if i is not None and j is not None:
                check = check_call(renamed[i], golds[j], tools.get(gold_name(golds[j])), known_names=known)
                position_ok.append(check.ok)
                found.extend(check.failures)
                tp, fp, fn = tp + check.arg_tp, fp + check.arg_fp, fn + check.arg_fn
            elif i is not None:
                position_ok.append(False)
                found.append(unmatched_pred_failure(preds[i], known))
                fp += len(pred_arguments(preds[i]))
            else:
                position_ok.append(False)
                found.append(tx.MISSING_CALL)
                fn += required_gold_params(golds[j])
        partial = partial_sequence_accuracy(position_ok)
        full = full_sequence_match(position_ok)
        pred_names = [p.name for p in preds]
        gold_names = [gold_name(g) for g in golds]
        n_tp, n_fp, n_fn = multiset_counts(pred_names, gold_names)
        metrics: dict[str, float] = {
            "partial_sequence_accuracy": partial,
            "name_tp": n_tp, "name_fp": n_fp, "name_fn": n_fn,
            "param_tp": tp, "param_fp": fp, "param_fn": fn,
            SEQUENCE_SIMILARITY.name: lcs_similarity(
                renamed, golds,
                lambda p, g: check_call(p, g, tools.get(gold_name(g)), known_names=known).ok),
            **name_sequence_metrics(pred_names, gold_names),
            **hallucination_counts(preds, known),
        }
        if n_fp == n_fn == 0 and not full and any(i is None or j is None for i, j in positions):
            # The same calls, shifted: report the order, not an extra plus a missing call.
            found = [f for f in found if f not in (tx.EXTRA_CALL, tx.MISSING_CALL)] + [tx.WRONG_ORDER]
        problems = reference_problems(preds, tools)
        if any(call_references(p) for p in preds):
            metrics["reference_validity"] = 0.0 if problems else 1.0
        if problems:
            found.append(tx.BAD_REFERENCE)
        win = execution_win(preds, sample.gold, sample.metadata)
        if win is not None:
            metrics["win"] = 1.0 if win else 0.0
            metrics["alt_trajectory"] = 1.0 if win and not full else 0.0

        passed, failures = self.verdict(output, full, found)
        details: dict[str, Any] = {
            "alignment": [[i, j] for i, j in positions],
            "position_ok": position_ok,
            "pred_names": sorted(set(pred_names)), "gold_names": sorted(set(gold_names)),
            "reference_problems": [f"call {p.call_index + 1}: {p.reference} ({p.reason})"
                                   for p in problems],
        }
        if win is not None:
            details["win"] = win
        return Score(passed, metrics, failures, details)

    def aggregate(self, scores: Sequence[Score]) -> dict[str, float]:
        out = super().aggregate(scores)
        if scores:
            out["name_macro_f1"] = macro_f1_over_sets(
                (s.details.get("pred_names", ()), s.details.get("gold_names", ())) for s in scores)
        return out


def _renamed_to_gold_labels(preds: list[ToolCall], golds: list[dict],
                            positions: list[tuple[int | None, int | None]]) -> list[ToolCall]:
    """Predicted calls relabelled with the label of the gold call each aligns with, and their
    references renamed the same way, by what each reference means where it stands: the
    LATEST EARLIER call with that label (as `reference_problems` and execution read it).
    A reference that reaches no earlier call (unknown, later or own label) and the label of
    an unaligned call become ``?label``, so they can never match gold."""
    aligned: dict[int, str] = {}
    for i, j in positions:
        if i is not None and j is not None:
            gold_label = golds[j].get("label")
            aligned[i] = str(gold_label) if gold_label else f"?{preds[i].label}"
    seen: dict[str, str] = {}  # predicted label -> gold label of the latest call so far that has it
    out = []
    for i, call in enumerate(preds):
        label = str(call.label)
        args = call.arguments
        if isinstance(args, dict):
            mapping = {ref.label: seen.get(ref.label, f"?{ref.label}") for ref in call_references(call)}
            args = rewrite_references(args, mapping)
        new_label = aligned.get(i, f"?{label}")
        out.append(ToolCall(call.name, args, new_label, call.id))
        seen[label] = new_label
    return out
