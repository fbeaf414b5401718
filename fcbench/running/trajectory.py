"""Scoring the trajectory of a tool-use conversation (``--protocol interactive``).

`fcbench.running.conversation` runs the conversation and hands over a `Conversation`: every
turn, every call with its result, the last answer. Here it is scored under the task's own
rules against the gold *resolved* in the sample's world (each ``$var1.field$`` replaced by the
value the gold calls produce), plus what only a conversation has: turns, tool errors and
recovery, redundant calls, an exhausted budget, placeholders sent as values.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from fcbench.records import Message, ModelOutput, Sample, Score, ToolCall, Usage
from fcbench.scoring import taxonomy as tx
from fcbench.scoring.execution import results_equal
from fcbench.scoring.metrics import Metric, mean
from fcbench.scoring.references import call_references
from fcbench.task import Task

#: what the interactive protocol adds to a task's declared metrics
METRICS: tuple[Metric, ...] = (
    mean("turns", "turns", higher_is_better=None, unit="count"),
    mean("calls_per_gold_call", "calls per gold call", higher_is_better=None, unit="count"),
    mean("tool_error_rate", "tool error rate", higher_is_better=False),
    mean("recovered", "recovered after a tool error"),
    mean("redundant_calls", "redundant calls", higher_is_better=False, unit="count"),
    mean("budget_exhausted", "budget exhausted", higher_is_better=False),
)


def with_interactive_metrics(task: Task) -> Task:
    """The task as the interactive protocol reports it: its own metrics plus `METRICS`."""
    cls = type(task)
    view = type(cls.__name__, (cls,), {
        "metrics": (*cls.metrics, *METRICS),
        "report_metrics": (*cls.report_metrics, "turns", "tool_error_rate", "budget_exhausted"),
        "__module__": cls.__module__,
    })
    return view(task.root)


@dataclass
class Conversation:
    """What happened in one sample's conversation."""

    turns: list[dict[str, Any]]
    calls: list[tuple[ToolCall, Any]]  # every call made, with its result
    #: what the model's turns added to the conversation: its calls and the tools' results (native form)
    messages: list[Message]
    final: ModelOutput  # the last answer (text, or the malformed one)
    budget_exhausted: bool
    usage: Usage
    latency_s: float
    attempts: int


def is_error(result: Any) -> bool:
    return isinstance(result, dict) and set(result) == {"error"}


def opening_messages(sample: Sample) -> tuple[Message, ...]:
    """The conversation before the model's first turn: for response generation, the request
    without the calls and results the sample already holds (the model makes them itself)."""
    first = next((i for i, m in enumerate(sample.messages) if m.role in ("assistant", "tool")), None)
    return sample.messages if first is None else sample.messages[:first]


def score_trajectory(task: Task, sample: Sample, talk: Conversation, golds: list[dict[str, Any]],
                     gold_results: list[Any]) -> tuple[ModelOutput, Score]:
    """The executed trajectory scored under the task's own rules against the resolved gold."""
    ok_calls = [(c, r) for c, r in talk.calls if not is_error(r)]
    trajectory = ModelOutput(text=talk.final.text, tool_calls=tuple(c for c, _ in ok_calls),
                             finish_reason=talk.final.finish_reason, usage=talk.usage,
                             latency_s=talk.latency_s, malformed=talk.final.malformed,
                             attempts=talk.attempts)
    if talk.final.malformed and not talk.calls:
        scored_output = trajectory
    elif talk.calls and not ok_calls:
        # Every call failed: its categories say more than "no call" (the sample fails anyway).
        scored_output = replace(trajectory, tool_calls=tuple(c for c, _ in talk.calls), malformed=None)
    else:
        scored_output = replace(trajectory, malformed=None)
    resolved = replace(sample, gold={**sample.gold, "calls": golds})
    score = task.score(resolved, scored_output)

    failures = [*score.failures, *_conversation_failures(talk)]
    final_ok = True
    if ok_calls and gold_results and task.name != "parallel":
        final_ok = results_equal(ok_calls[-1][1], gold_results[-1])
        if score.passed and not final_ok:
            failures.append(tx.WRONG_RESULT)
    passed = score.passed and final_ok and not talk.budget_exhausted and (bool(ok_calls) or not golds)
    metrics = {**score.metrics, **_trajectory_metrics(talk, golds, passed)}
    details = {**score.details, "protocol": "interactive", "transcript": talk.turns}
    return trajectory, Score(passed, metrics, () if passed else tx.ordered(failures or ["unclassified"]), details)


def score_answer_trajectory(task: Task, sample: Sample, talk: Conversation, golds: list[dict[str, Any]],
                            gold_results: list[Any]) -> tuple[ModelOutput, Score]:
    """Response generation, end to end: the model made the calls, then answered.

    The answer is scored by the task against the conversation that actually happened (the
    request, the model's calls and what the tools returned), and a gold fact counts as stated
    only if the tools actually returned it: an answer that states a fact no call retrieved is
    not faithful, however right it happens to be. Every gold result must have been returned
    (else ``missing_call``); the answer itself must make no call.
    """
    from fcbench.scoring.text import fact_found

    returned = " ".join(json.dumps(r, ensure_ascii=False, default=str) for _, r in talk.calls if not is_error(r))
    facts = [f for f in sample.gold.get("facts", []) if isinstance(f, dict)]
    grounded = [f for f in facts if fact_found(f, returned)]
    # Only what the tools returned may support the answer: the gold facts and reference are no source here.
    actual = (*opening_messages(sample), *talk.messages)
    grounded_sample = replace(sample, messages=actual, gold={**sample.gold, "facts": grounded, "reference": ""})
    answer = replace(talk.final, tool_calls=()) if not talk.budget_exhausted else talk.final
    score = task.score(grounded_sample, answer)

    failures = list(score.failures)
    missing_results = [r for r in gold_results if not any(results_equal(r, got) for _, got in talk.calls)]
    if missing_results:
        failures.append(tx.MISSING_CALL)
    if len(grounded) < len(facts):
        failures.append(tx.MISSING_FACT)
    failures += _conversation_failures(talk)
    stated = [f for f in grounded if fact_found(f, talk.final.text or "")]
    passed = not failures
    metrics = {**score.metrics, **_trajectory_metrics(talk, golds, passed)}
    if facts:
        metrics["fact_recall"] = len(stated) / len(facts)
    # ROUGE-L, BLEU, BERTScore: the reply against the gold reply (blanked above as a source of facts)
    similarity = getattr(task, "similarity_to_reference", None)
    if similarity is not None:
        metrics.update(similarity(answer.text if isinstance(answer.text, str) else "", sample.gold.get("reference")))
    details = {**score.details, "protocol": "interactive", "transcript": talk.turns}
    output = ModelOutput(text=talk.final.text, tool_calls=tuple(c for c, _ in talk.calls),
                         finish_reason=talk.final.finish_reason, usage=talk.usage, latency_s=talk.latency_s,
                         malformed=talk.final.malformed, attempts=talk.attempts)
    return output, Score(passed, metrics, tx.ordered(failures), details)


def _conversation_failures(talk: Conversation) -> list[str]:
    """What only a conversation can get wrong: a ``$var1.field$`` placeholder sent as a value,
    and still calling when the budget ran out."""
    failures = []
    if any(call_references(c) for c, _ in talk.calls):
        failures.append(tx.PLACEHOLDER_SENT)
    if talk.budget_exhausted:
        failures.append(tx.BUDGET_EXHAUSTED)
    return failures


def _trajectory_metrics(talk: Conversation, golds: list[dict[str, Any]], passed: bool) -> dict[str, float]:
    """`METRICS` of one conversation; ``recovered`` only where a tool rejected a call."""
    errors = [i for i, (_, r) in enumerate(talk.calls) if is_error(r)]
    ok = [json.dumps([c.name, c.arguments], sort_keys=True, default=str) for c, r in talk.calls if not is_error(r)]
    metrics = {"turns": len(talk.turns),
               "calls_per_gold_call": len(talk.calls) / max(len(golds), 1),
               "tool_error_rate": len(errors) / len(talk.calls) if talk.calls else 0.0,
               "redundant_calls": len(ok) - len(set(ok)),
               "budget_exhausted": int(talk.budget_exhausted)}
    if errors:  # passed, with a call that succeeded after the first error
        metrics["recovered"] = int(passed and any(not is_error(r) for _, r in talk.calls[errors[0] + 1:]))
    return metrics
