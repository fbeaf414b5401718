"""Pairing tool calls with their results by id, the same way for every wire format.

Task data often gives assistant calls without ids and tool results without the
id of the call they answer; the APIs want both. `with_call_ids` fills them in
once, so that the Chat Completions and Messages formats pair calls and results
identically.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from fcbench.records import Message, ToolCall


def with_call_ids(messages: Iterable[Message]) -> list[Message]:
    """The messages with an id on every assistant call and a `tool_call_id` on every tool result.

    Missing call ids become ``call_1``, ``call_2``... (skipping ids the data already
    uses). A tool message without `tool_call_id` answers the earliest unanswered call
    of the latest assistant turn with the same name, else the earliest unanswered one.
    """
    messages = list(messages)
    taken = {c.id for m in messages for c in m.tool_calls if c.id}
    taken |= {m.tool_call_id for m in messages if m.tool_call_id}
    counter = 0

    def fresh() -> str:
        nonlocal counter
        while True:
            counter += 1
            candidate = f"call_{counter}"
            if candidate not in taken:
                taken.add(candidate)
                return candidate

    out: list[Message] = []
    pending: list[ToolCall] = []  # calls of the latest assistant turn not yet answered
    for message in messages:
        if message.role == "assistant" and message.tool_calls:
            calls = tuple(c if c.id else ToolCall(c.name, c.arguments, c.label, fresh())
                          for c in message.tool_calls)
            pending = list(calls)
            message = replace(message, tool_calls=calls)  # the rest (its reasoning too) kept
        elif message.role == "tool":
            call_id = message.tool_call_id
            if call_id:
                pending = [c for c in pending if c.id != call_id]
            else:
                match = next((c for c in pending if c.name == message.name), pending[0] if pending else None)
                if match is not None:
                    pending.remove(match)
                    call_id = match.id
                else:
                    call_id = fresh()
            message = Message("tool", message.content, (), call_id, message.name or _name_of(call_id, out))
        out.append(message)
    return out


def _name_of(call_id: str, earlier: list[Message]) -> str | None:
    for message in reversed(earlier):
        for call in message.tool_calls:
            if call.id == call_id:
                return call.name
    return None
