"""Scripted multi-turn agents of the emulated server, for ``--protocol interactive``.

An interactive conversation is recognised by its opening (the system instruction, the
user's request and the tools of turn 1, `fcbench.running.conversation.first_request`);
what the agent answers next depends on the calls it made and the results it was sent,
which the server reads back from the conversation the client sends:

* ``stepwise``: one call a turn, each filled with the real values of earlier results
  (parallel calls too, over several turns); then a short answer;
* ``placeholder``: the whole plan in turn 1 with ``"$var1.field$"`` placeholders, as the
  plan protocol asks, then an answer: the tools reject the placeholders;
* ``recovering``: turn 1 is a call the tool rejects (the right function with no
  arguments, or a function of another name when it takes none); after the error it
  goes on as ``stepwise``;
* ``endless``: calls the first gold function again and again and never answers.

Under the plan protocol the same agents answer the one turn they get the way they would
start a conversation: ``stepwise`` and ``endless`` with the first call only,
``recovering`` with its rejected call, ``placeholder`` with the plan (which is the plan
protocol's own convention).
"""

from __future__ import annotations

import json
from functools import cached_property
from typing import Any

from fcbench.parsing import extract_calls
from fcbench.records import Mode, Sample, ToolCall, record
from fcbench.running.conversation import next_gold_calls, resolved_gold
from fcbench.task import Task, render_calls
from fcbench.testing.behaviours import PROSE, Reply, broken_call_text, wire_calls
from fcbench.testing.conversation import Conversation

AGENTS = ("stepwise", "placeholder", "recovering", "endless")
_OUTPUT_OF = "Output of "


@record
class InteractiveTarget:
    """One sample opened under the interactive protocol, in one mode."""

    task: Task
    sample: Sample
    mode: Mode

    @cached_property
    def golds(self) -> list[dict[str, Any]]:
        return resolved_gold(self.sample)[0]


def opening(conv: Conversation) -> Conversation:
    """The conversation up to the model's first turn (what identifies the sample)."""
    turns = []
    for turn in conv.turns:
        if turn[0] in ("assistant", "call", "result"):
            break
        turns.append(turn)
    return Conversation(tuple(turns), conv.tool_names)


def observed(conv: Conversation, mode: Mode) -> list[tuple[ToolCall, Any]]:
    """The calls the agent made so far, each with the result it was sent."""
    pending: list[ToolCall] = []
    made: list[tuple[ToolCall, Any]] = []
    started = False
    for turn in conv.turns:
        kind = turn[0]
        if kind in ("assistant", "call", "result"):
            started = True
        if not started:
            continue
        if kind == "call":
            pending.append(ToolCall(turn[1], _json(turn[2], {})))
        elif kind == "result" and pending:
            made.append((pending.pop(0), _json(turn[1], turn[1])))
        elif kind == "assistant" and mode == "prompt":
            pending += list(extract_calls(turn[1]).calls)
        elif kind == "user" and mode == "prompt" and turn[1].startswith(_OUTPUT_OF) and pending:
            _, _, content = turn[1].partition(": ")
            made.append((pending.pop(0), _json(content, content)))
    return made


def _json(text: str, default: Any) -> Any:
    try:
        return json.loads(text)
    except (ValueError, TypeError):
        return default


def _reply(behaviour: str, calls: list[ToolCall], mode: Mode, text: str = "Done.") -> Reply:
    if not calls:
        return Reply(behaviour, text)
    if mode == "native":
        return Reply(behaviour, None, wire_calls(calls))
    return Reply(behaviour, render_calls(calls))


def _rejected_call(target: InteractiveTarget) -> ToolCall:
    """A first call the simulated tool refuses: the right function without its arguments."""
    first = target.golds[0]
    tool = next((t for t in target.sample.tools if t.name == first["name"]), None)
    if tool is not None and tool.parameters.get("required"):
        return ToolCall(first["name"], {})
    return ToolCall(f"{first['name']}_v0", {})


def _plan_with_placeholders(target: InteractiveTarget) -> list[ToolCall]:
    """The plan protocol's native answer: every call at once, later ones by placeholder."""
    plan = target.task.reference_output(target.sample, "native").tool_calls
    return list(plan) or [ToolCall(g["name"], {k: v[0] for k, v in g["arguments"].items()}) for g in target.golds]


def agent_reply(target: InteractiveTarget, behaviour: str, conv: Conversation) -> Reply:
    """The next turn of `behaviour` in the conversation `conv` (an interactive one)."""
    made = observed(conv, target.mode)
    name, golds, mode = target.task.name, target.golds, target.mode
    answer = target.task.reference_text(target.sample) or "Done."  # what it says when no call is left
    if behaviour == "stepwise":
        return _reply(behaviour, next_gold_calls(name, golds, made, one_at_a_time=True), mode, answer)
    if behaviour == "placeholder":
        return _reply(behaviour, [] if made else _plan_with_placeholders(target), mode, answer)
    if behaviour == "recovering":
        if not made:
            return _reply(behaviour, [_rejected_call(target)], mode)
        return _reply(behaviour, next_gold_calls(name, golds, made, one_at_a_time=True), mode, answer)
    if behaviour == "endless":
        return _reply(behaviour, next_gold_calls(name, golds, [], one_at_a_time=True), mode)
    if behaviour == "text":
        return Reply(behaviour, PROSE)
    if behaviour == "malformed":
        return Reply(behaviour, broken_call_text(next_gold_calls(name, golds, made) or [], target.sample.tools))
    return _reply(behaviour, next_gold_calls(name, golds, made), mode, answer)  # gold and the rest: the oracle
