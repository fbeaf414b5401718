"""The OpenAI Chat Completions wire format, shared by the HTTP backends.

* `chat_payload`: a backend-neutral `Request` -> the JSON body of ``POST /chat/completions``.
* `parse_chat_response`: that endpoint's JSON answer -> `ModelOutput`. A call whose
  ``arguments`` string is not a JSON object makes the output *malformed* (a scoring
  outcome, never an exception); a body that is not a chat completion at all is an
  `InfraError` (no answer was obtained).
* `with_call_ids`: gives every assistant tool call an id and every tool result the id
  of the call it answers (``call_N`` when the data has none). The Anthropic backend
  uses it too, so that both formats pair calls and results the same way.
* `infra_error_for_status` / `retry_after_seconds` / `scrub`: the one mapping of HTTP
  statuses to `InfraError` kinds, used by every HTTP backend (SDK or not).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import replace
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from fcbench.errors import InfraError, UsageError
from fcbench.intake import admit_calls, count_of, shown, text_of
from fcbench.models.base import GenerateConfig
from fcbench.records import Message, ModelOutput, Request, Tool, ToolCall, Usage

#: Longest error text (from a server's body) kept in an InfraError message.
MAX_ERROR_TEXT = 400


# ------------------------------------------------------------------ call ids
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
            message = Message(message.role, message.content, calls, message.tool_call_id, message.name)
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


def omit_fields(value: Any) -> frozenset[str]:
    """The ``omit`` option (``"temperature,seed"`` or a JSON list) as a set of body fields."""
    if not value:
        return frozenset()
    items = value.split(",") if isinstance(value, str) else value
    fields = frozenset(str(item).strip() for item in items if str(item).strip())
    protected = fields & {"model", "messages"}
    if protected:
        raise UsageError(f"omit cannot drop {', '.join(sorted(protected))}")
    return fields


# ------------------------------------------------------------------ response
def parse_arguments(name: str, arguments: Any) -> tuple[dict[str, Any] | None, str | None]:
    """(arguments as a dict, None) or (None, why they are malformed); see `fcbench.intake`.

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
    raw call text in `text`, after any content, so a reader sees what came back.
    """
    try:
        choice = body["choices"][0]
        message = choice["message"]
        if not isinstance(message, dict):
            raise TypeError("message is not an object")
    except (KeyError, IndexError, TypeError) as exc:
        raise InfraError("bad_response", f"not a chat completion ({type(exc).__name__}: {exc}): "
                         f"{_excerpt(shown(body))}", retryable=True) from None
    text, problem = text_of(message.get("content"))
    text = text or None
    raw_calls = message.get("tool_calls")
    calls, calls_problem = admit_calls(raw_calls)
    usage = body.get("usage") if isinstance(body.get("usage"), dict) else {}
    common = {"finish_reason": choice.get("finish_reason"), "latency_s": latency_s, "raw": message,
              "usage": Usage(count_of(usage.get("prompt_tokens")), count_of(usage.get("completion_tokens")))}
    problems = [p for p in (problem, calls_problem) if p]
    if problems:
        wire = raw_calls if isinstance(raw_calls, list) else [raw_calls] if raw_calls is not None else []
        shown_text = "\n".join(part for part in (text, *(_call_text(c) for c in wire)) if part)
        return ModelOutput(text=shown_text or None, malformed="; ".join(problems), **common)
    return ModelOutput(text=text, tool_calls=calls, **common)


# ------------------------------------------------------------------ errors
def scrub(text: str, secrets: Iterable[str | None]) -> str:
    """`text` with every secret replaced by ``***``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_ERROR_TEXT else text[:MAX_ERROR_TEXT] + "..."


def public_url(url: str | None) -> str | None:
    """A URL without user info or query string, fit for settings and messages."""
    if not url:
        return url
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def retry_after_seconds(headers: Mapping[str, str] | None) -> float | None:
    """The server's wait hint: ``retry-after-ms``, else ``retry-after`` (seconds or an HTTP date)."""
    if not headers:
        return None

    def get(name: str) -> str | None:
        value = headers.get(name)
        return value if value is not None else headers.get(name.title())

    ms = get("retry-after-ms")
    if ms is not None:
        try:
            return max(float(ms) / 1000.0, 0.0)
        except ValueError:
            pass
    value = get("retry-after")
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        return max(parsedate_to_datetime(value).timestamp() - time.time(), 0.0)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


#: status -> (kind, retryable) for the statuses that are not simply 4xx/5xx.
STATUS_KINDS: dict[int, tuple[str, bool]] = {
    400: ("bad_request", False),
    401: ("auth", False),
    402: ("billing", False),
    403: ("auth", False),
    404: ("not_found", False),
    408: ("timeout", True),
    409: ("conflict", True),
    413: ("bad_request", False),
    422: ("bad_request", False),
    429: ("rate_limit", True),
    529: ("overloaded", True),
}


def status_kind(status: int) -> tuple[str, bool]:
    """(kind, retryable) for an HTTP error status."""
    if status in STATUS_KINDS:
        return STATUS_KINDS[status]
    if status >= 500:
        return "server_error", True
    if status >= 400:
        return "bad_request", False
    return "http_error", False


def infra_error_for_status(status: int, text: str, headers: Mapping[str, str] | None = None,
                           secrets: Iterable[str | None] = ()) -> InfraError:
    """The InfraError for an HTTP error answer; `text` is the server's message (scrubbed here)."""
    kind, retryable = status_kind(status)
    message = scrub(f"HTTP {status} ({kind}): {_excerpt(text)}", secrets)
    return InfraError(kind, message, retryable=retryable,
                      retry_after=retry_after_seconds(headers) if retryable else None, status=status)


def sdk_infra_error(exc: Exception, sdk: Any, secrets: list[str | None]) -> InfraError | None:
    """The InfraError for an exception of the OpenAI or Anthropic SDK (same class layout), else None."""
    if isinstance(exc, sdk.APIStatusError):
        headers = exc.response.headers if exc.response is not None else None
        return infra_error_for_status(exc.status_code, str(exc.message), headers, secrets)
    if isinstance(exc, sdk.APITimeoutError):
        return InfraError("timeout", scrub(f"{type(exc).__name__}: {exc}", secrets), retryable=True)
    if isinstance(exc, sdk.APIConnectionError):
        cause = exc.__cause__ or exc.__context__
        detail = f"{exc} ({type(cause).__name__}: {cause})" if cause else str(exc)
        return InfraError("connection", scrub(f"{type(exc).__name__}: {detail}", secrets), retryable=True)
    if isinstance(exc, sdk.APIError):  # e.g. a response the SDK could not validate
        return InfraError("bad_response", scrub(f"{type(exc).__name__}: {exc}", secrets), retryable=True)
    return None


# ------------------------------------------------------------ tool names
_API_NAME = re.compile(r"[^A-Za-z0-9_-]")


def api_safe_names(request: Request) -> tuple[Request, dict[str, str]]:
    """The request with tool names the APIs accept (``^[A-Za-z0-9_-]{1,64}$``), and the way back.

    Libraries imported from BFCL keep names such as ``calc.area``; OpenAI and
    Anthropic reject the dot. Like BFCL's own handlers, send ``calc_area`` and
    map the model's calls back to ``calc.area``. Names that are already safe,
    or whose safe form would collide with another tool, are left alone.
    """
    safe: dict[str, str] = {}
    for tool in request.tools:
        candidate = _API_NAME.sub("_", tool.name)[:64]
        if candidate != tool.name:
            safe[tool.name] = candidate
    taken = {t.name for t in request.tools if t.name not in safe}
    safe = {old: new for old, new in safe.items()
            if new not in taken and list(safe.values()).count(new) == 1}
    if not safe:
        return request, {}

    def rename_calls(calls: tuple[ToolCall, ...]) -> tuple[ToolCall, ...]:
        return tuple(replace(c, name=safe.get(c.name, c.name)) for c in calls)

    messages = tuple(replace(m, tool_calls=rename_calls(m.tool_calls), name=safe.get(m.name, m.name))
                     for m in request.messages)
    tools = tuple(replace(t, name=safe.get(t.name, t.name)) for t in request.tools)
    return replace(request, messages=messages, tools=tools), {new: old for old, new in safe.items()}


def restore_names(output: ModelOutput, back: dict[str, str]) -> ModelOutput:
    """Calls named with an API-safe name get the library's name again."""
    if not back or not output.tool_calls:
        return output
    return replace(output, tool_calls=tuple(replace(c, name=back.get(c.name, c.name)) for c in output.tool_calls))
