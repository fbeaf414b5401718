"""What the emulated model answers for a matched sample, per behaviour.

* ``gold``: the task's reference output for the request's mode;
* ``perturbed``: well-formed but wrong (`fcbench.testing.perturb`): one argument
  value changed so that no gold call accepts it, else the last call dropped,
  else the function renamed; a call where none is expected; for text tasks
  one gold fact changed in the answer;
* ``malformed``: OpenAI native: ``function.arguments`` is JSON with its closing
  brace cut off; elsewhere (Anthropic, whose ``tool_use.input`` must be an
  object, and prompt mode) the text of the calls cut off mid-JSON;
* ``text``: a prose reply, no call;
* ``content_calls``: the calls as Hermes ``<tool_call>{...}</tool_call>`` text in
  the content with no parsed calls, as vLLM returns when its parser fails;
* ``stepwise``, ``placeholder``, ``recovering``, ``endless``: the multi-turn agents of
  `fcbench.testing.agents`; given a one-turn (plan protocol) request they answer the way
  they start a conversation (the first call only; ``placeholder`` with the plan).

The result is a provider-neutral `Reply`; `fcbench.testing.wire` renders it.
"""

from __future__ import annotations

import json
from dataclasses import field, replace
from typing import Any, Mapping, Sequence

from fcbench.records import ModelOutput, Tool, ToolCall, record
from fcbench.task import render_calls
from fcbench.testing.perturb import perturb_calls, perturb_text

PROSE = ("I would rather answer directly than call a function: I do not have enough "
         "information to do that. Could you tell me more about what you need?")


@record
class WireCall:
    name: str
    arguments: str  # JSON text as sent on the wire (deliberately invalid for `malformed`)


@record
class Reply:
    behaviour: str
    text: str | None = None
    calls: tuple[WireCall, ...] = ()

    @property
    def finish_reason(self) -> str:
        return "tool_calls" if self.calls else "stop"


@record
class Target:
    """What a reply is built from: one sample in one mode (an entry of the script)."""

    sample_id: str
    mode: str                       # native | prompt
    expects: str                    # calls | text
    reference: ModelOutput          # the reference output in this mode
    calls: tuple[ToolCall, ...]     # the reference calls (also in prompt mode, where they are text)
    library: tuple[Tool, ...]
    #: the sample's gold (perturbations avoid answers it accepts)
    gold: Mapping[str, Any] = field(default_factory=dict)


def _args_json(arguments: dict[str, Any]) -> str:
    return json.dumps(arguments, ensure_ascii=False)


def wire_calls(calls: Sequence[ToolCall]) -> tuple[WireCall, ...]:
    return tuple(WireCall(c.name, _args_json(c.arguments)) for c in calls)


def hermes_text(calls: Sequence[ToolCall]) -> str:
    return "\n".join("<tool_call>\n" + json.dumps({"name": c.name, "arguments": c.arguments},
                                                  ensure_ascii=False) + "\n</tool_call>" for c in calls)


def broken_call_text(calls: Sequence[ToolCall], library: Sequence[Tool]) -> str:
    """JSON call text cut off inside the arguments: looks like a call, cannot be read."""
    if not calls:
        calls = [ToolCall(library[0].name if library else "answer", {"x": 1})]
    text = render_calls([ToolCall(c.name, c.arguments) for c in calls])
    return text[:-3] if len(text) > 3 else "[{"


def _broken_arguments(arguments: dict[str, Any]) -> str:
    return _args_json(arguments)[:-1]  # closing brace cut off: never valid JSON


# ------------------------------------------------------------------ behaviours
def make_reply(target: Target, behaviour: str, provider: str) -> Reply:
    """The answer of `behaviour` for `target`, for an ``openai`` or ``anthropic`` client."""
    ref = target.reference
    native = target.mode == "native"
    wants_calls = target.expects == "calls"

    if behaviour == "gold":
        if native:
            return Reply(behaviour, ref.text, wire_calls(ref.tool_calls))
        return Reply(behaviour, ref.text)

    if behaviour == "perturbed":
        if not wants_calls:
            return Reply(behaviour, perturb_text(ref.text, target.gold))
        calls = perturb_calls(target.calls, target.library, target.sample_id, target.gold)
        return Reply(behaviour, None, wire_calls(calls)) if native else Reply(behaviour, render_calls(calls))

    if behaviour == "malformed":
        if native and provider == "openai" and target.calls:
            first, *rest = target.calls
            broken = WireCall(first.name, _broken_arguments(first.arguments))
            return Reply(behaviour, None, (broken, *wire_calls(rest)))
        return Reply(behaviour, broken_call_text(target.calls, target.library))

    if behaviour == "text":
        return Reply(behaviour, PROSE)

    if behaviour in ("stepwise", "endless", "recovering") and wants_calls and target.calls:
        # The multi-turn agents (fcbench.testing.agents) given one turn: they start a conversation.
        first = target.calls[0]
        call = ToolCall(first.name, {} if behaviour == "recovering" else first.arguments)
        return Reply(behaviour, None, wire_calls([call])) if native else Reply(behaviour, render_calls([call]))
    if behaviour in ("stepwise", "endless", "recovering", "placeholder"):
        return replace(make_reply(target, "gold", provider), behaviour=behaviour)

    if behaviour == "content_calls":
        if target.calls:
            return Reply(behaviour, hermes_text(target.calls))
        return replace(make_reply(target, "gold", provider), behaviour=behaviour)

    raise ValueError(f"unknown behaviour {behaviour!r}")
