"""The reasoning of an assistant turn, kept so that the next turn of a conversation sends it back.

Several APIs refuse a tool-use conversation whose earlier assistant turns lost the model's
reasoning, or answer worse without it:

* Anthropic with extended thinking: the ``thinking`` / ``redacted_thinking`` blocks (with their
  signatures) must open the assistant turn that made the tool calls;
* DeepSeek's and Kimi's thinking modes: the ``reasoning_content`` of that turn must come back;
* reasoning models served by vLLM: their chat templates render ``reasoning`` (or the older
  ``reasoning_content``) of the turns since the last user message.

`reasoning_of` takes what a backend parsed into ``ModelOutput.raw`` and keeps only that, in the
API's own form; the wire of the same API puts it back (`fcbench.models.anthropic_wire`,
`fcbench.models.openai_wire`). It is never written to a run's files.
"""

from __future__ import annotations

from typing import Any

#: message fields of OpenAI-compatible servers that hold the reasoning text
REASONING_FIELDS = ("reasoning_content", "reasoning")
#: Anthropic content blocks that hold the reasoning
THINKING_BLOCKS = ("thinking", "redacted_thinking")


def reasoning_of(raw: Any) -> dict[str, Any] | None:
    """{"thinking_blocks": [...]} and/or the reasoning fields of an assistant answer's raw
    message, or None when it carries no reasoning."""
    if not isinstance(raw, dict):
        return None
    out: dict[str, Any] = {}
    content = raw.get("content")
    if isinstance(content, list):
        blocks = [b for b in content if isinstance(b, dict) and b.get("type") in THINKING_BLOCKS]
        if blocks:
            out["thinking_blocks"] = blocks
    for field in REASONING_FIELDS:
        value = raw.get(field)
        if isinstance(value, str) and value:
            out[field] = value
    return out or None
