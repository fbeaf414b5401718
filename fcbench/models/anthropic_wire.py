"""The Anthropic Messages wire format: the request out, the answer back in.

* `messages_payload`: a backend-neutral `Request` -> the keyword arguments of
  ``messages.create`` (system prompt apart, tool results as ``tool_result`` blocks).
* `parse_messages_response`: the API's JSON answer -> `ModelOutput`, total like
  `fcbench.models.openai_wire.parse_chat_response`: only a body that is no
  Messages answer at all is an `InfraError`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from fcbench.errors import InfraError
from fcbench.models.api_errors import excerpt
from fcbench.models.base import GenerateConfig
from fcbench.models.call_ids import with_call_ids
from fcbench.parsing.intake import JsonError, admit_calls, count_of, loads, shown, text_of, type_name
from fcbench.records import Message, ModelOutput, Request, Tool, Usage

#: Anthropic stop reasons in the Chat Completions vocabulary the rest of fcbench reads.
#: ``model_context_window_exceeded`` is an answer cut off where the context window ended, as
#: ``max_tokens`` is. (``refusal`` and ``pause_turn`` are no answer: see `parse_messages_response`.)
FINISH_REASONS = {"end_turn": "stop", "stop_sequence": "stop", "tool_use": "tool_calls",
                  "max_tokens": "length", "model_context_window_exceeded": "length"}

_ID_UNSAFE = re.compile(r"[^a-zA-Z0-9_-]")


# ------------------------------------------------------------------ request
def tool_use_id(call_id: str) -> str:
    """Anthropic accepts ids of ``[a-zA-Z0-9_-]`` only; OpenAI-style data may hold others."""
    return _ID_UNSAFE.sub("_", call_id)


def anthropic_tools(tools: Iterable[Tool]) -> list[dict[str, Any]]:
    return [{"name": t.name, "description": t.description, "input_schema": t.parameters} for t in tools]


def anthropic_tool_choice(choice: str, parallel: bool) -> dict[str, Any]:
    if choice == "none":
        return {"type": "none"}  # disable_parallel_tool_use is not allowed here
    out: dict[str, Any] = {"type": "any" if choice == "required" else "auto"}
    if not parallel:
        out["disable_parallel_tool_use"] = True
    return out


def anthropic_messages(messages: Iterable[Message]) -> tuple[str | None, list[dict[str, Any]]]:
    """(system prompt, messages) in Messages API form.

    Tool results become ``tool_result`` blocks of a user turn; consecutive turns of
    one role are merged into one (the API wants user and assistant to alternate),
    with tool results first in a user turn, as the API requires.
    """
    system: list[str] = []
    turns: list[dict[str, Any]] = []
    for m in with_call_ids(messages):
        if m.role == "system":
            if m.content:
                system.append(m.content)
            continue
        blocks: list[dict[str, Any]] = []
        if m.role == "tool":
            role = "user"
            blocks.append({"type": "tool_result", "tool_use_id": tool_use_id(m.tool_call_id or ""),
                           "content": m.content or ""})
        else:
            role = "assistant" if m.role == "assistant" else "user"
            if m.role == "assistant" and m.reasoning:  # thinking opens the turn, exactly as it came
                blocks.extend(m.reasoning.get("thinking_blocks") or ())
            if m.content:
                blocks.append({"type": "text", "text": m.content})
            for call in m.tool_calls:
                blocks.append({"type": "tool_use", "id": tool_use_id(call.id or ""), "name": call.name,
                               "input": call.arguments})
        if not blocks:  # the API refuses empty turns and empty text blocks
            continue
        if turns and turns[-1]["role"] == role:
            turns[-1]["content"].extend(blocks)
        else:
            turns.append({"role": role, "content": blocks})
    for turn in turns:
        if turn["role"] == "user":  # stable sort: tool results first, order otherwise kept
            turn["content"].sort(key=lambda block: block["type"] != "tool_result")
    return ("\n\n".join(system) or None), turns


def messages_payload(request: Request, model: str, config: GenerateConfig,
                     omit: Iterable[str] = ()) -> dict[str, Any]:
    """Keyword arguments of ``messages.create``. anthropic 2.x has no ``temperature``
    parameter, so it travels in ``extra_body``."""
    system, messages = anthropic_messages(request.messages)
    payload: dict[str, Any] = {"model": model, "max_tokens": config.max_tokens, "messages": messages,
                               "extra_body": {"temperature": config.temperature}}
    if system:
        payload["system"] = system
    if request.tools:
        payload["tools"] = anthropic_tools(request.tools)
        payload["tool_choice"] = anthropic_tool_choice(request.tool_choice, request.parallel_tool_calls)
    for field in omit:
        payload.pop(field, None)
        payload["extra_body"].pop(field, None)
    return payload


# ------------------------------------------------------------------ response
def _json_object_text(text: str) -> bool:
    """Is `text` the JSON text of an object (or blank: no arguments)?"""
    if not text.strip():
        return True
    try:
        return isinstance(loads(text), dict)
    except JsonError:
        return False


def parse_messages_response(body: Any, latency_s: float = 0.0) -> ModelOutput:
    """A Messages API answer as a ModelOutput.

    Tool inputs arrive as objects; one sent as the JSON text of an object (Anthropic-compatible
    endpoints of other vendors, proxies) is read as that object. Content blocks of other types
    (server tools, their results) are passed over. Two stop reasons mean there is no answer to
    score: ``refusal`` (the API's safety classifiers stopped the answer; kind ``content_filter``,
    not retried, as OpenAI's ``finish_reason: "content_filter"``) and ``pause_turn`` (the API
    paused a long turn for the client to continue, which fcbench does not do; kind
    ``incomplete``, retried).
    """
    try:
        blocks = body["content"]
        if not isinstance(blocks, list):
            raise TypeError("content is not a list")
    except (KeyError, TypeError) as exc:
        if isinstance(body, dict) and body.get("type") == "error":  # an error sent with status 200
            raise InfraError("server_error", f"the server answered with an error: {excerpt(shown(body.get('error')))}",
                             retryable=True) from None
        raise InfraError("bad_response", f"not a Messages API answer ({type(exc).__name__}: {exc}): "
                         f"{excerpt(shown(body))}", retryable=True) from None
    texts: list[str] = []
    uses: list[dict[str, Any]] = []
    problems: list[str] = []
    for block in blocks:
        if not isinstance(block, dict):
            continue
        if block.get("type") == "text":
            text, problem = text_of(block.get("text"))
            texts.append(text or "")
            if problem:
                problems.append(problem)
        elif block.get("type") == "tool_use":
            uses.append(block)
            if isinstance(block.get("input"), str) and _json_object_text(block["input"]):
                continue  # the object as JSON text: admit_calls reads it
            if not isinstance(block.get("input"), dict) and block.get("input") is not None:
                name, got = shown(block.get("name")), type_name(block.get("input"))
                problems.append(f"arguments of {name} are not a JSON object (got {got})")
    calls, problem = admit_calls([{"name": b.get("name"), "arguments": b.get("input"), "id": b.get("id")}
                                  for b in uses])
    if problem:
        problems.append(problem)
    usage = body.get("usage") if isinstance(body.get("usage"), dict) else {}
    stop = body.get("stop_reason")
    text = "".join(texts) or None
    if stop == "refusal":
        raise InfraError("content_filter", "the provider's content filter (its safety classifiers) stopped the "
                         "answer (stop_reason refusal)"
                         + (f": {excerpt(text)}" if text else ""), retryable=False)
    if stop == "pause_turn":
        raise InfraError("incomplete", "the API paused the turn (stop_reason pause_turn) for the client to "
                         "continue; fcbench does not continue paused turns", retryable=True)
    raw = {"content": blocks, "stop_reason": stop}
    common = {"finish_reason": FINISH_REASONS.get(stop, stop) if isinstance(stop, str) else None,
              "latency_s": latency_s, "raw": raw,
              "usage": Usage(count_of(usage.get("input_tokens")), count_of(usage.get("output_tokens")))}
    if problems:
        shown_text = "\n".join([text or "", *(shown(b) for b in uses)]).strip()
        return ModelOutput(text=shown_text or None, malformed=problems[0], **common)
    return ModelOutput(text=text, tool_calls=calls, **common)
