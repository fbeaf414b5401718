"""next_best: given the calls already made and their results, choose the next call (or stop).

Gold: ``{"next": [acceptable next gold calls], "stop": bool}``. With ``stop``
the right move is to make no call (``next`` is empty); otherwise the model's
call must match **any one** of the acceptable next calls.

Only the model's **first** call is its choice and is judged. Later calls
are listed in ``details["extra_calls"]`` (noted as ``extra_call``) but never
fail the sample: a model that also queues the call after next has still
chosen the right next step. (Native mode asks the backend for one call with
``parallel_tool_calls=False``; prompt mode asks for a one-call list.)

Per-sample metrics:

* ``next_function_accuracy``: the first call's name is the name of some
  acceptable next call (non-stop samples only);
* ``premature_stop_rate``: no call although a next call is needed (non-stop samples);
* ``missed_stop_rate``: a call although it was time to answer (stop samples);
* ``arg_tp/fp/fn``: argument pairs of the first call against the best
  same-name acceptable call (only when the name is right), summed into
  ``arg_precision/recall/f1``;
* ``hallucinated_calls`` / ``predicted_calls`` -> micro ``hallucination_rate``: every
  call the model made counts, the judged first one and any extra ones (a hallucinated
  name is wrong wherever it appears);
* pass (``accuracy``): stop samples: no call; others: the first call passes
  `fcbench.scoring.calls.check_call` against some acceptable next call.

A malformed output fails with ``malformed_output`` and counts as neither a
stop nor a call in the two stop rates (it stays in their denominators).
"""

from __future__ import annotations

from typing import Any

from fcbench.records import ModelOutput, Sample, Score, ToolCall
from fcbench.scoring import taxonomy as tx
from fcbench.scoring.calls import canonical_call, check_call, gold_name
from fcbench.scoring.gold import GOLD_CALL
from fcbench.scoring.hallucination import HALLUCINATION_RATE, hallucination_counts
from fcbench.scoring.metrics import mean, micro_prf, pass_rate
from fcbench.scoring.outputs import predicted_calls
from fcbench.task import Task

GOLD_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["next", "stop"],
    "properties": {
        "next": {"type": "array", "items": GOLD_CALL},
        "stop": {"type": "boolean"},
    },
    "if": {"properties": {"stop": {"const": True}}},
    "then": {"properties": {"next": {"maxItems": 0}}},
    "else": {"properties": {"next": {"minItems": 1}}},
}

STOP_TEXT = "All the needed calls have been made."


def earlier_calls(sample: Sample) -> list[ToolCall]:
    return [c for m in sample.messages if m.role == "assistant" for c in m.tool_calls]


def _repeats(call: ToolCall, earlier: list[ToolCall]) -> bool:
    return any(c.name == call.name and c.arguments == call.arguments for c in earlier)


class NextBestTask(Task):
    name = "next_best"
    version = "1"
    description = "Choose the next call given the calls made and their results, or stop."
    main_metric = "accuracy"
    metrics = (pass_rate(), *micro_prf("arg", "argument values"),
               mean("next_function_accuracy", "right next function"),
               mean("premature_stop_rate", "stopped too early", higher_is_better=False),
               mean("missed_stop_rate", "called where it should stop", higher_is_better=False),
               HALLUCINATION_RATE)
    report_metrics = ("next_function_accuracy", "premature_stop_rate", "missed_stop_rate", "arg_f1",
                      "hallucination_rate")
    expects = "calls"
    gold_schema = GOLD_SCHEMA

    def tool_choice(self, sample: Sample) -> str:
        return "auto"  # stopping (no call) must stay possible

    def parallel_calls(self, sample: Sample) -> bool:
        return False  # one next step

    def _acceptable(self, sample: Sample) -> list[dict[str, Any]]:
        nxt = sample.gold.get("next") if isinstance(sample.gold, dict) else None
        return [g for g in nxt if isinstance(g, dict)] if isinstance(nxt, list) else []

    def reference_calls(self, sample: Sample) -> list[ToolCall]:
        acceptable = self._acceptable(sample)
        if sample.gold.get("stop") or not acceptable:
            return []
        tool = sample.tools_by_name.get(gold_name(acceptable[0]))
        return [canonical_call(acceptable[0], tool)]

    def reference_text(self, sample: Sample) -> str | None:
        return STOP_TEXT if sample.gold.get("stop") else None

    def score(self, sample: Sample, output: ModelOutput) -> Score:
        stop = bool(sample.gold.get("stop"))
        library = sample.tool_names
        readable = not output.malformed
        calls = predicted_calls(output) if readable else []
        first = calls[0] if calls else None
        metrics: dict[str, float] = hallucination_counts(calls, library)
        details: dict[str, Any] = {"stop": stop, "chosen": first.to_dict() if first else None}
        if len(calls) > 1:
            details["extra_calls"] = [c.name for c in calls[1:]]
            details["notes"] = [tx.EXTRA_CALL]
        if first is not None and _repeats(first, earlier_calls(sample)):
            details["repeats_earlier_call"] = True

        failures: list[str] = []
        if not readable:
            failures.append(tx.MALFORMED_OUTPUT)
            details["malformed"] = output.malformed
        if stop:
            metrics["missed_stop_rate"] = float(first is not None)
            if first is not None:
                failures.append(tx.MISSED_STOP)
                if first.name not in library:
                    failures.append(tx.HALLUCINATED_FUNCTION)
        else:
            metrics["premature_stop_rate"] = float(readable and first is None)
            metrics["next_function_accuracy"] = 0.0
            if readable and first is None:
                failures.append(tx.PREMATURE_STOP)
            elif first is not None:
                failures.extend(self._judge_call(sample, first, metrics, details))
        return Score(not failures, metrics, tx.ordered(failures), details)

    def _judge_call(self, sample: Sample, first: ToolCall, metrics: dict[str, float],
                    details: dict[str, Any]) -> list[str]:
        """Failures of the chosen call against the acceptable next calls (fills metrics)."""
        library = sample.tool_names
        same_name = [g for g in self._acceptable(sample) if gold_name(g) == first.name]
        if not same_name:
            details["expected_any_of"] = sorted({gold_name(g) for g in self._acceptable(sample)})
            return [tx.WRONG_FUNCTION if first.name in library else tx.HALLUCINATED_FUNCTION]
        metrics["next_function_accuracy"] = 1.0
        tools = sample.tools_by_name
        checks = [check_call(first, g, tools.get(first.name), known_names=library) for g in same_name]
        best = max(range(len(checks)), key=lambda i: (checks[i].ok, checks[i].agreement, -i))
        check = checks[best]
        metrics.update(arg_tp=float(check.arg_tp), arg_fp=float(check.arg_fp), arg_fn=float(check.arg_fn))
        if check.ok:
            return []
        details["closest_gold"] = same_name[best]
        details["problems"] = check.detail
        return list(check.failures) or [tx.WRONG_VALUE]
