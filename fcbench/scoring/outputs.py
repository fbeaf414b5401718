"""Reading a ModelOutput defensively: the gate every call task applies first."""

from __future__ import annotations

import json
from typing import Any

from fcbench.records import ModelOutput, ToolCall
from fcbench.scoring import taxonomy as tx


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    except (TypeError, ValueError, RecursionError):
        return repr(value)


def predicted_calls(output: ModelOutput) -> list[ToolCall]:
    """The output's calls with names and labels coerced to strings (a parser may pass odd JSON)."""
    calls = []
    for call in output.tool_calls or ():
        if not isinstance(call, ToolCall):
            continue
        name = _text(call.name)
        label = call.label if call.label is None or isinstance(call.label, str) else _text(call.label)
        if name != call.name or label != call.label:
            call = ToolCall(name, call.arguments, label, call.id)
        calls.append(call)
    return calls


def gate_failure(output: ModelOutput, expects_calls: bool = True) -> str | None:
    """``malformed_output`` when the parser gave up, ``no_call`` for text (or nothing)
    where calls were expected, else None."""
    if output.malformed:
        return tx.MALFORMED_OUTPUT
    if expects_calls and not predicted_calls(output):
        return tx.NO_CALL
    return None
