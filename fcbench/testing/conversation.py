"""Recognising a sample from the conversation a client sends.

Real clients send no sample id, so the server identifies a sample by what the
conversation says. Every request (an OpenAI or Anthropic payload, or one of
fcbench's own `Request` objects when the script is built) is reduced to a
`Conversation`: a flat, provider-neutral list of turns with normalised text:

* ``("system", text)``: system / developer messages, Anthropic's ``system``;
* ``("user", text)`` and ``("assistant", text)``: text parts (empty ones dropped);
* ``("call", name, arguments)``: earlier assistant calls (OpenAI ``tool_calls``,
  Anthropic ``tool_use`` blocks), arguments as canonical JSON;
* ``("result", content)``: tool results (OpenAI ``tool`` messages, Anthropic
  ``tool_result`` blocks), canonical JSON when the content is JSON.

Flattening makes the key indifferent to how a backend groups turns (Anthropic
puts several tool results, and maybe the next user text, in one user message).
Whitespace is collapsed, so joining system parts with one newline or two is
the same. Ids (``tool_call_id``, ``tool_use_id``) are ignored.

Two keys come out of it: `strict_key` hashes every turn plus the tool names;
`loose_key` hashes only the last user text, the ordered tool results and the
tool names, so a backend that adds its own system prompt still matches.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Iterable

from fcbench.records import Message, record

Turn = tuple[str, ...]


def normalise_text(text: str) -> str:
    return " ".join(text.split())


def canonical_json_text(text: str) -> str:
    """Tool results and arguments: canonical JSON when they parse, normalised text otherwise."""
    try:
        return json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    except (ValueError, TypeError):
        return normalise_text(text)


def canonical_arguments(arguments: Any) -> str:
    if isinstance(arguments, str):
        return canonical_json_text(arguments)
    return json.dumps(arguments if arguments is not None else {}, sort_keys=True,
                      separators=(",", ":"), ensure_ascii=False)


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False).encode("utf-8")).hexdigest()[:32]


@record
class Conversation:
    turns: tuple[Turn, ...]
    tool_names: tuple[str, ...]  # sorted; empty when the request offers no tools

    @property
    def has_tools(self) -> bool:
        return bool(self.tool_names)

    @property
    def last_user_text(self) -> str:
        return next((t[1] for t in reversed(self.turns) if t[0] == "user"), "")

    @property
    def results(self) -> tuple[str, ...]:
        return tuple(t[1] for t in self.turns if t[0] == "result")

    def strict_key(self) -> str:
        return _digest(["strict", [list(t) for t in self.turns], list(self.tool_names)])

    def loose_key(self) -> str:
        return _digest(["loose", self.last_user_text, list(self.results), list(self.tool_names)])

    def describe(self) -> str:
        """A short human description for error messages (never the whole prompt)."""
        text = self.last_user_text
        shown = text if len(text) <= 80 else text[:77] + "..."
        return (f"last user text {shown!r}, {len(self.results)} tool result(s), "
                f"tools {list(self.tool_names) or 'none'}")


class _Builder:
    def __init__(self) -> None:
        self.turns: list[Turn] = []

    def text(self, role: str, text: str | None) -> None:
        norm = normalise_text(text or "")
        if norm:
            self.turns.append((role, norm))

    def call(self, name: str, arguments: Any) -> None:
        self.turns.append(("call", name, canonical_arguments(arguments)))

    def result(self, content: str) -> None:
        self.turns.append(("result", canonical_json_text(content)))


def _sorted_names(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(names)))


# ------------------------------------------------------------------ fcbench's own requests
def from_messages(messages: Iterable[Message], tool_names: Iterable[str]) -> Conversation:
    """The conversation of a `Request` as fcbench builds it (the index side)."""
    b = _Builder()
    for m in messages:
        if m.role == "system":
            b.text("system", m.content)
        elif m.role == "user":
            b.text("user", m.content)
        elif m.role == "assistant":
            b.text("assistant", m.content)
            for call in m.tool_calls:
                b.call(call.name, call.arguments)
        elif m.role == "tool":
            b.result(m.content or "")
    return Conversation(tuple(b.turns), _sorted_names(tool_names))


# ------------------------------------------------------------------ OpenAI Chat Completions
def _openai_text(content: Any) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content parts
        return "\n".join(p.get("text", "") for p in content
                         if isinstance(p, dict) and p.get("type") in ("text", "input_text"))
    return str(content)


def from_openai(payload: dict[str, Any]) -> Conversation:
    b = _Builder()
    for m in payload.get("messages") or []:
        role = m.get("role")
        if role in ("system", "developer"):
            b.text("system", _openai_text(m.get("content")))
        elif role == "user":
            b.text("user", _openai_text(m.get("content")))
        elif role == "assistant":
            b.text("assistant", _openai_text(m.get("content")))
            for call in m.get("tool_calls") or []:
                fn = call.get("function") or {}
                b.call(fn.get("name", ""), fn.get("arguments"))
        elif role in ("tool", "function"):
            b.result(_openai_text(m.get("content")))
    names = []
    for tool in payload.get("tools") or []:
        fn = tool.get("function") if isinstance(tool.get("function"), dict) else tool
        if fn.get("name"):
            names.append(fn["name"])
    return Conversation(tuple(b.turns), _sorted_names(names))


# ------------------------------------------------------------------ Anthropic Messages
def _anthropic_text(content: Any) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(b.get("text", "") for b in content if isinstance(b, dict) and b.get("type") == "text")
    return str(content)


def from_anthropic(payload: dict[str, Any]) -> Conversation:
    b = _Builder()
    b.text("system", _anthropic_text(payload.get("system")))
    for m in payload.get("messages") or []:
        role = m.get("role")
        content = m.get("content")
        blocks = [{"type": "text", "text": content}] if isinstance(content, str) else (content or [])
        for block in blocks:
            kind = block.get("type")
            if kind == "text":
                b.text("assistant" if role == "assistant" else "user", block.get("text"))
            elif kind == "tool_use":
                b.call(block.get("name", ""), block.get("input"))
            elif kind == "tool_result":
                b.result(_anthropic_text(block.get("content")))
    names = [t["name"] for t in payload.get("tools") or [] if isinstance(t, dict) and t.get("name")]
    return Conversation(tuple(b.turns), _sorted_names(names))
