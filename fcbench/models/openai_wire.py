"""The OpenAI Chat Completions wire format: the request body out, the answer back in.

Used by ``openai/``, ``openai-compatible/`` (and so ``vllm-server/``), and by the
in-process ``vllm/`` backend for its chat templates.

* `chat_payload`: a backend-neutral `Request` -> the JSON body of ``POST /chat/completions``.
* `parse_chat_response`: that endpoint's JSON answer -> `ModelOutput`. A call whose
  ``arguments`` string is not a JSON object makes the output *malformed* (a scoring
  outcome, never an exception); a body that is not a chat completion at all is an
  `InfraError` (no answer was obtained).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from fcbench.errors import InfraError
from fcbench.models.api_errors import excerpt
from fcbench.models.base import GenerateConfig
from fcbench.models.call_ids import with_call_ids
from fcbench.models.reasoning import REASONING_FIELDS
from fcbench.parsing.intake import JsonError, admit_calls, count_of, loads, shown, text_of
from fcbench.records import Message, ModelOutput, Request, Tool, Usage


# ------------------------------------------------------------------ request
def openai_tools(tools: Iterable[Tool]) -> list[dict[str, Any]]:
    return [{"type": "function",
             "function": {"name": t.name, "description": t.description, "parameters": t.parameters}}
            for t in tools]


def openai_messages(messages: Iterable[Message], *, tool_names: bool = False) -> list[dict[str, Any]]:
    """Chat messages in OpenAI form. `tool_names` adds ``name`` to tool results: vLLM's chat
    templates may use it, but it is not part of OpenAI's documented tool message."""
    out: list[dict[str, Any]] = []
    for m in with_call_ids(messages):
        if m.role == "assistant" and m.tool_calls:
            out.append({"role": "assistant", "content": m.content or None,
                        "tool_calls": [{"id": c.id, "type": "function",
                                        "function": {"name": c.name,
                                                     "arguments": json.dumps(c.arguments, ensure_ascii=False)}}
                                       for c in m.tool_calls]})
            for field in REASONING_FIELDS:  # as the server sent it (DeepSeek and Kimi require it)
                if m.reasoning and m.reasoning.get(field):
                    out[-1][field] = m.reasoning[field]
        elif m.role == "tool":
            d = {"role": "tool", "tool_call_id": m.tool_call_id, "content": m.content or ""}
            if tool_names and m.name:
                d["name"] = m.name
            out.append(d)
        else:
            out.append({"role": m.role, "content": m.content or ""})
    return out


def chat_payload(request: Request, model: str, config: GenerateConfig, *,
                 max_tokens_field: str = "max_tokens", tool_names: bool = False,
                 extra_body: Mapping[str, Any] | None = None,
                 omit: Iterable[str] = ()) -> dict[str, Any]:
    """The JSON body of ``POST /chat/completions`` for one request.

    `tool_choice` and `parallel_tool_calls` are sent only with tools (OpenAI rejects
    them otherwise). Fields named in `omit` are left out; `extra_body` is merged last.
    `max_tokens_field` is ``max_tokens`` (understood by every OpenAI-compatible
    server) or ``max_completion_tokens`` (required by OpenAI's reasoning models;
    vLLM accepts both).
    """
    body: dict[str, Any] = {"model": model,
                            "messages": openai_messages(request.messages, tool_names=tool_names),
                            "temperature": config.temperature,
                            max_tokens_field: config.max_tokens}
    if config.seed is not None:
        body["seed"] = config.seed
    if request.tools:
        body["tools"] = openai_tools(request.tools)
        body["tool_choice"] = request.tool_choice
        body["parallel_tool_calls"] = request.parallel_tool_calls
    for field in omit:
        body.pop(field, None)
    if extra_body:
        body.update(extra_body)
    return body


# ------------------------------------------------------------------ response
def parse_arguments(name: str, arguments: Any) -> tuple[dict[str, Any] | None, str | None]:
    """(arguments as a dict, None) or (None, why they are malformed); see `fcbench.parsing.intake`.

    An empty string means "no arguments" (some servers send it for parameterless functions).
    """
    calls, problem = admit_calls([{"name": name, "arguments": arguments}])
    return (None, problem) if problem else (calls[0].arguments, None)


def _call_text(item: Any) -> str:
    """A wire call as text, for the record of a malformed answer."""
    function = item.get("function") if isinstance(item, dict) else None
    if isinstance(function, dict):
        arguments = function.get("arguments")
        return f"{shown(function.get('name'))} {shown(arguments)}"
    return shown(item)


def parse_chat_response(body: Any, latency_s: float = 0.0) -> ModelOutput:
    """A Chat Completions answer as a ModelOutput. Total: any JSON in any field is an answer
    (well-formed or malformed); only a body that is no chat completion is an `InfraError`.

    Malformed calls leave `tool_calls` empty (like the text parsers do) and keep the
    raw call text in `text`, after any content, so a reader sees what came back. A message
    without ``tool_calls`` but with the deprecated ``function_call`` (``{"name", "arguments"}``)
    is read as that one call. A refusal (``refusal`` without content) is the answer's text. A
    choice that reports an error (``finish_reason: "error"`` or an ``error`` object, as OpenRouter
    sends when the upstream provider fails) is an infrastructure failure, never the model's answer.

    ``finish_reason: "content_filter"`` (OpenAI, Azure, Gemini's compatible endpoint) says the
    provider's content filter withheld the answer: an infrastructure failure of kind
    ``content_filter``, not retried (the same prompt meets the same filter), since nothing of the
    model's came back to score. ``finish_reason: "tool_calls"`` with neither calls nor text (a
    server's tool parser that found the start of a call and nothing it could read) is the model's
    attempt at a call: malformed.
    """
    try:
        choice = body["choices"][0]
        message = choice["message"]
        if not isinstance(message, dict):
            raise TypeError("message is not an object")
    except (KeyError, IndexError, TypeError) as exc:
        raise InfraError("bad_response", f"not a chat completion ({type(exc).__name__}: {exc}): "
                         f"{excerpt(shown(body))}", retryable=True) from None
    if choice.get("finish_reason") == "error" or isinstance(choice.get("error"), dict):
        # OpenRouter and some proxies: the upstream provider failed, reported inside a 200
        raise InfraError("server_error", f"the server reported an error instead of an answer: "
                         f"{excerpt(shown(choice.get('error') or choice))}", retryable=True)
    if choice.get("finish_reason") == "content_filter":
        verdict = choice.get("content_filter_results") or message.get("content") or "no content"
        raise InfraError("content_filter", f"the provider's content filter withheld the answer "
                         f"(finish_reason content_filter): {excerpt(shown(verdict))}", retryable=False)
    text, problem = text_of(message.get("content"))
    text = text or None
    refusal = message.get("refusal")
    if text is None and not problem and isinstance(refusal, str) and refusal.strip():
        text = refusal  # the model's words when it refuses (OpenAI's `refusal` field)
    raw_calls = message.get("tool_calls")
    if not raw_calls and isinstance(message.get("function_call"), dict):
        raw_calls = [message["function_call"]]  # the legacy single call some servers still send
    calls, calls_problem = admit_calls(raw_calls)
    usage = body.get("usage") if isinstance(body.get("usage"), dict) else {}
    common = {"finish_reason": choice.get("finish_reason"), "latency_s": latency_s, "raw": message,
              "usage": Usage(count_of(usage.get("prompt_tokens")), count_of(usage.get("completion_tokens")))}
    problems = [p for p in (problem, calls_problem) if p]
    if not problems and not calls and text is None and choice.get("finish_reason") == "tool_calls":
        problems.append("finish_reason is tool_calls but the answer holds no call and no text")
    if problems:
        wire = raw_calls if isinstance(raw_calls, list) else [raw_calls] if raw_calls is not None else []
        shown_text = "\n".join(part for part in (text, *(_call_text(c) for c in wire)) if part)
        return ModelOutput(text=shown_text or None, malformed="; ".join(problems), **common)
    return ModelOutput(text=text, tool_calls=calls, **common)


def answer_in_error(status: int, data: bytes | str, latency_s: float = 0.0) -> ModelOutput | None:
    """The model's answer when a server sent it as an HTTP error, else None (an ordinary failure).

    Groq answers 400 ``{"error": {"code": "tool_use_failed", "failed_generation": TEXT}}`` when the
    model wrote a tool call the server could not read or that broke the tool's schema. No
    infrastructure failed and asking again at temperature 0 gives the same text: it is the model's
    answer, malformed, with `TEXT` kept as what it wrote.
    """
    if status != 400:
        return None
    try:
        body = loads(data)
    except JsonError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return None
    generation = error.get("failed_generation")
    if error.get("code") != "tool_use_failed" and not isinstance(generation, str):
        return None
    text, _ = text_of(generation)
    reason = (f"the server could not read the model's tool call ({shown(error.get('code') or 'failed_generation')}): "
              f"{excerpt(shown(error.get('message') or ''))}")
    return ModelOutput(text=text or None, malformed=reason.rstrip(": "), latency_s=latency_s, raw=error)
