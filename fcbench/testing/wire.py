"""Response bodies in the exact shapes the OpenAI and Anthropic SDKs parse.

Pure functions of a `Reply` (plus ids and token counts), so they can be
checked without a server. Streaming renders the same reply as SSE events:
OpenAI ``chat.completion.chunk`` deltas (tool calls split into a header
delta and argument pieces, merged by ``index`` on the client) and the
Anthropic event sequence (``message_start`` ... ``message_stop``).
"""

from __future__ import annotations

import json
from typing import Any, Iterator

from fcbench.testing.behaviours import Reply

STREAM_PIECE = 24  # characters per streamed text / argument delta


def estimate_tokens(text: str) -> int:
    """A deterministic stand-in for a tokenizer: about four characters per token."""
    return max(1, (len(text) + 3) // 4)


def reply_tokens(reply: Reply) -> int:
    return estimate_tokens((reply.text or "") + "".join(c.name + c.arguments for c in reply.calls))


def _pieces(text: str) -> list[str]:
    return [text[i:i + STREAM_PIECE] for i in range(0, len(text), STREAM_PIECE)] or [""]


# ------------------------------------------------------------------ OpenAI
def openai_tool_calls(reply: Reply, response_id: str) -> list[dict[str, Any]]:
    return [{"id": f"call_{response_id.rsplit('-', 1)[-1]}_{i}", "type": "function",
             "function": {"name": c.name, "arguments": c.arguments}}
            for i, c in enumerate(reply.calls)]


def openai_completion(reply: Reply, *, response_id: str, model: str, created: int,
                      prompt_tokens: int) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": reply.text, "refusal": None}
    if reply.calls:
        message["tool_calls"] = openai_tool_calls(reply, response_id)
    completion_tokens = reply_tokens(reply)
    return {
        "id": response_id, "object": "chat.completion", "created": created, "model": model,
        "system_fingerprint": None,
        "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": reply.finish_reason}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
    }


def openai_chunks(reply: Reply, *, response_id: str, model: str, created: int,
                  prompt_tokens: int, include_usage: bool) -> Iterator[dict[str, Any]]:
    """The chunks of a streamed completion, in order (without the final ``[DONE]``)."""

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {"id": response_id, "object": "chat.completion.chunk", "created": created, "model": model,
                "system_fingerprint": None,
                "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]}

    yield chunk({"role": "assistant", "content": ""})
    if reply.text:
        for piece in _pieces(reply.text):
            yield chunk({"content": piece})
    for i, call in enumerate(openai_tool_calls(reply, response_id)):
        fn = call["function"]
        yield chunk({"tool_calls": [{"index": i, "id": call["id"], "type": "function",
                                     "function": {"name": fn["name"], "arguments": ""}}]})
        for piece in _pieces(fn["arguments"]):
            yield chunk({"tool_calls": [{"index": i, "function": {"arguments": piece}}]})
    yield chunk({}, reply.finish_reason)
    if include_usage:
        completion_tokens = reply_tokens(reply)
        yield {"id": response_id, "object": "chat.completion.chunk", "created": created, "model": model,
               "choices": [], "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                                        "total_tokens": prompt_tokens + completion_tokens}}


def openai_error(message: str, kind: str, code: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}


# ------------------------------------------------------------------ Anthropic
def anthropic_stop_reason(reply: Reply) -> str:
    return "tool_use" if reply.calls else "end_turn"


def anthropic_blocks(reply: Reply, response_id: str) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    if reply.text:
        blocks.append({"type": "text", "text": reply.text})
    for i, call in enumerate(reply.calls):
        blocks.append({"type": "tool_use", "id": f"toolu_{response_id.rsplit('_', 1)[-1]}_{i}",
                       "name": call.name, "input": json.loads(call.arguments)})
    return blocks


def anthropic_message(reply: Reply, *, response_id: str, model: str, input_tokens: int) -> dict[str, Any]:
    return {
        "id": response_id, "type": "message", "role": "assistant", "model": model,
        "content": anthropic_blocks(reply, response_id),
        "stop_reason": anthropic_stop_reason(reply), "stop_sequence": None,
        "usage": {"input_tokens": input_tokens, "output_tokens": reply_tokens(reply),
                  "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0},
    }


def anthropic_events(reply: Reply, *, response_id: str, model: str,
                     input_tokens: int) -> Iterator[tuple[str, dict[str, Any]]]:
    """(event name, data) pairs of a streamed message."""
    start = anthropic_message(reply, response_id=response_id, model=model, input_tokens=input_tokens)
    yield "message_start", {"type": "message_start",
                            "message": {**start, "content": [], "stop_reason": None,
                                        "usage": {**start["usage"], "output_tokens": 1}}}
    for index, block in enumerate(start["content"]):
        if block["type"] == "text":
            yield "content_block_start", {"type": "content_block_start", "index": index,
                                          "content_block": {"type": "text", "text": ""}}
            for piece in _pieces(block["text"]):
                yield "content_block_delta", {"type": "content_block_delta", "index": index,
                                              "delta": {"type": "text_delta", "text": piece}}
        else:
            yield "content_block_start", {"type": "content_block_start", "index": index,
                                          "content_block": {**block, "input": {}}}
            for piece in _pieces(json.dumps(block["input"], ensure_ascii=False)):
                yield "content_block_delta", {"type": "content_block_delta", "index": index,
                                              "delta": {"type": "input_json_delta", "partial_json": piece}}
        yield "content_block_stop", {"type": "content_block_stop", "index": index}
    yield "message_delta", {"type": "message_delta",
                            "delta": {"stop_reason": start["stop_reason"], "stop_sequence": None},
                            "usage": {"output_tokens": start["usage"]["output_tokens"]}}
    yield "message_stop", {"type": "message_stop"}


def anthropic_error(message: str, kind: str) -> dict[str, Any]:
    return {"type": "error", "error": {"type": kind, "message": message}}


# ------------------------------------------------------------------ injected faults
#: status, OpenAI error type/code, Anthropic error type, message
FAULT_ERRORS: dict[str, tuple[int, str, str | None, str, str]] = {
    "429": (429, "requests", "rate_limit_exceeded", "rate_limit_error",
            "Rate limit reached for the emulated model (injected fault); retry shortly."),
    "500": (500, "server_error", None, "api_error",
            "The emulated server had an internal error (injected fault)."),
    "529": (529, "overloaded_error", None, "overloaded_error",
            "The emulated server is overloaded (injected fault)."),
    "401": (401, "invalid_request_error", "invalid_api_key", "authentication_error",
            "Incorrect API key provided (injected fault)."),
    "quota": (429, "insufficient_quota", "insufficient_quota", "rate_limit_error",
              "You exceeded your current quota, please check your plan and billing details (injected fault)."),
}


def fault_body(kind: str, provider: str) -> tuple[int, dict[str, Any]]:
    status, openai_type, code, anthropic_type, message = FAULT_ERRORS[kind]
    if provider == "anthropic":
        return status, anthropic_error(message, anthropic_type)
    return status, openai_error(message, openai_type, code)


# ------------------------------------------------------------------ thinking models
def add_thinking(body: dict[str, Any], provider: str, n: int) -> dict[str, Any]:
    """`body` as a thinking model answers: the reasoning before the answer (signed, for Anthropic)."""
    thought = f"The user needs a function; thought {n}."
    if provider == "anthropic":
        body["content"] = [{"type": "thinking", "thinking": thought, "signature": f"sig-{n}"}, *body["content"]]
    else:
        body["choices"][0]["message"]["reasoning_content"] = thought
    return body


def lost_thinking(payload: dict[str, Any], provider: str) -> str | None:
    """The API's complaint when an assistant turn that called tools comes back without its
    reasoning (Anthropic's extended thinking; DeepSeek's thinking mode), else None."""
    for i, message in enumerate(payload.get("messages") or []):
        if not isinstance(message, dict) or message.get("role") != "assistant":
            continue
        if provider == "anthropic":
            content = message.get("content")
            blocks = content if isinstance(content, list) else []
            calls = any(isinstance(b, dict) and b.get("type") == "tool_use" for b in blocks)
            first = blocks[0] if blocks and isinstance(blocks[0], dict) else {}
            if calls and not (first.get("type") == "thinking" and str(first.get("signature", "")).startswith("sig-")):
                return (f"messages.{i}.content.0.type: Expected `thinking` or `redacted_thinking`, but found "
                        f"`{first.get('type')}`. When `thinking` is enabled, a final `assistant` message must "
                        "start with a thinking block")
        elif message.get("tool_calls") and not message.get("reasoning_content"):
            return "The reasoning_content in the thinking mode must be passed back to the API."
    return None
