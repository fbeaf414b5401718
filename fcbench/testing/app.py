"""The aiohttp application of the emulated server.

Routes: ``POST /v1/chat/completions`` (OpenAI), ``POST /v1/messages``
(Anthropic), ``GET /v1/models``, ``GET /health``, ``GET /_stats``; the
batch APIs of both are added by `fcbench.testing.batches`, which builds on this module.

One model request goes: read JSON -> reduce to a `Conversation` -> match a
script entry (400 if none) -> count the attempt -> sleep `latency_s` -> maybe
inject a fault -> answer the entry's behaviour, plain or streamed. Everything
waits with ``asyncio.sleep``, so hundreds of concurrent requests cost one
event loop and no threads.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from aiohttp import web

from fcbench.records import record
from fcbench.testing import wire
from fcbench.testing.agents import agent_reply
from fcbench.testing.behaviours import Reply, make_reply
from fcbench.testing.chance import FaultPlan
from fcbench.testing.config import ServerConfig
from fcbench.testing.conversation import Conversation, from_anthropic, from_openai
from fcbench.testing.script import NoMatch, Script, ScriptEntry
from fcbench.testing.server_stats import ServerStats


@dataclass
class EmulatorState:
    config: ServerConfig
    script: Script
    stats: ServerStats = field(default_factory=ServerStats)
    ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        self.faults = FaultPlan(self.config.fault_rate, self.config.fault_kinds(), self.config.seed)


STATE = web.AppKey("fcbench_emulator", EmulatorState)


@record
class Provider:
    name: str                                   # openai | anthropic
    endpoint: str
    parse: Callable[[dict[str, Any]], Conversation]

    def error(self, status: int, message: str, kind: str = "invalid_request_error") -> web.Response:
        body = (wire.anthropic_error(message, kind) if self.name == "anthropic"
                else wire.openai_error(message, kind))
        return web.json_response(body, status=status)


OPENAI = Provider("openai", "chat.completions", from_openai)
ANTHROPIC = Provider("anthropic", "messages", from_anthropic)


def _prompt_tokens(conv: Conversation) -> int:
    return wire.estimate_tokens(" ".join(" ".join(t[1:]) for t in conv.turns))


async def _model_request(request: web.Request, provider: Provider) -> web.StreamResponse:
    state = request.app[STATE]
    stats = state.stats
    has_auth = "Authorization" in request.headers or "x-api-key" in request.headers
    stats.begin(provider.endpoint, has_auth)
    try:
        try:
            payload = await request.json()
        except (ValueError, UnicodeDecodeError):
            stats.bad_request()
            return provider.error(400, "emulated server: the request body is not valid JSON")
        if not isinstance(payload, dict) or not isinstance(payload.get("messages"), list):
            stats.bad_request()
            return provider.error(400, "emulated server: the request needs a 'messages' list")
        if state.config.thinking:
            lost = wire.lost_thinking(payload, provider.name)
            if lost is not None:
                stats.bad_request()
                return provider.error(400, lost)
        conv = provider.parse(payload)
        try:
            entry = state.script.match(conv)
        except NoMatch as exc:
            stats.no_match()
            return provider.error(400, str(exc))
        attempt = stats.attempt(entry.key)
        if state.config.latency_s > 0:
            await asyncio.sleep(state.config.latency_s)
        fault = state.faults.fault_for(entry.key, attempt)
        if fault is not None:
            stats.fault(fault)
        if fault in wire.FAULT_ERRORS:
            return _fault_response(fault, provider, state.config.retry_after_s)
        if fault == "timeout":
            await asyncio.sleep(state.config.hang_s)  # longer than the client waits
            if _client_gone(request):
                return web.Response(status=499)  # never sent: nobody is listening
        try:
            return await _answer(request, state, provider, payload, conv, entry, drop=fault == "drop")
        except ConnectionError:  # the client hung up while we were writing
            return web.Response(status=499)
    finally:
        stats.end()


def _client_gone(request: web.Request) -> bool:
    return request.transport is None or request.transport.is_closing()


def _fault_response(kind: str, provider: Provider, retry_after_s: float) -> web.Response:
    status, body = wire.fault_body(kind, provider.name)
    headers = {}
    if kind == "429":
        headers = {"Retry-After": f"{retry_after_s:g}", "retry-after-ms": f"{retry_after_s * 1000:g}"}
    return web.json_response(body, status=status, headers=headers)


async def _answer(request: web.Request, state: EmulatorState, provider: Provider, payload: dict[str, Any],
                  conv: Conversation, entry: ScriptEntry, *, drop: bool) -> web.StreamResponse:
    raw = (state.config.raw_replies or {}).get(entry.key)
    if raw is not None:
        state.stats.answer("raw", entry.target.mode)
        status = (state.config.raw_statuses or {}).get(entry.key, 200)
        return web.Response(status=status, body=raw, content_type="application/json")
    if not payload.get("stream"):
        data = answer_body(state, provider, payload, conv, entry, count=not drop)
        if drop:
            return await _drop_json(request, data)
        return web.Response(body=data, content_type="application/json")
    reply = _reply(state, provider, conv, entry, count=not drop)
    n = next(state.ids)
    model = str(payload.get("model") or state.config.model_name)
    tokens = _prompt_tokens(conv)
    if provider.name == "openai":
        rid = f"chatcmpl-emu{n:08d}"
        include_usage = bool((payload.get("stream_options") or {}).get("include_usage"))
        events = [(None, c) for c in wire.openai_chunks(reply, response_id=rid, model=model,
                                                         created=int(time.time()), prompt_tokens=tokens,
                                                         include_usage=include_usage)]
        events.append((None, "[DONE]"))
        return await _sse(request, events, drop)
    rid = f"msg_emu{n:08d}"
    events = list(wire.anthropic_events(reply, response_id=rid, model=model, input_tokens=tokens))
    return await _sse(request, events, drop)


def _reply(state: EmulatorState, provider: Provider, conv: Conversation, entry: ScriptEntry, *,
           count: bool) -> Reply:
    if entry.interactive is not None:
        reply = agent_reply(entry.interactive, entry.behaviour, conv)
    else:
        reply = make_reply(entry.target, entry.behaviour, provider.name)
    if count:
        state.stats.answer(entry.behaviour, entry.target.mode)
    return reply


def answer_body(state: EmulatorState, provider: Provider, payload: dict[str, Any], conv: Conversation,
                entry: ScriptEntry, *, count: bool = True) -> bytes:
    """The body of the plain (not streamed) answer to a matched request: a raw reply, else the
    behaviour's. The batch endpoints (`fcbench.testing.batches`) answer each batched request with it."""
    raw = (state.config.raw_replies or {}).get(entry.key)
    if raw is not None:
        if count:
            state.stats.answer("raw", entry.target.mode)
        return raw
    reply = _reply(state, provider, conv, entry, count=count)
    n = next(state.ids)
    model = str(payload.get("model") or state.config.model_name)
    tokens = _prompt_tokens(conv)
    if provider.name == "openai":
        body = wire.openai_completion(reply, response_id=f"chatcmpl-emu{n:08d}", model=model,
                                      created=int(time.time()), prompt_tokens=tokens)
    else:
        body = wire.anthropic_message(reply, response_id=f"msg_emu{n:08d}", model=model, input_tokens=tokens)
    if state.config.thinking:
        body = wire.add_thinking(body, provider.name, n)
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def _sse_bytes(event: str | None, data: Any) -> bytes:
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {text}\n\n".encode()


async def _sse(request: web.Request, events: list[tuple[str | None, Any]], drop: bool) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
    await response.prepare(request)
    for i, (event, data) in enumerate(events):
        if drop and i >= max(1, len(events) // 2):
            return _abort(request, response)
        await response.write(_sse_bytes(event, data))
    await response.write_eof()
    return response


async def _drop_json(request: web.Request, data: bytes) -> web.StreamResponse:
    """Send the headers and half the body, then cut the connection."""
    response = web.StreamResponse(headers={"Content-Type": "application/json"})
    response.content_length = len(data)
    await response.prepare(request)
    await response.write(data[: len(data) // 2])
    return _abort(request, response)


def _abort(request: web.Request, response: web.StreamResponse) -> web.StreamResponse:
    if request.transport is not None:
        request.transport.abort()
    return response


# ------------------------------------------------------------------ other routes
async def chat_completions(request: web.Request) -> web.StreamResponse:
    return await _model_request(request, OPENAI)


async def messages(request: web.Request) -> web.StreamResponse:
    return await _model_request(request, ANTHROPIC)


async def models(request: web.Request) -> web.Response:
    state = request.app[STATE]
    state.stats.hit("models")
    name = state.config.model_name
    if "anthropic-version" in request.headers:
        return web.json_response({"data": [{"type": "model", "id": name, "display_name": name,
                                            "created_at": "2026-01-01T00:00:00Z"}],
                                  "has_more": False, "first_id": name, "last_id": name})
    return web.json_response({"object": "list", "data": [{"id": name, "object": "model", "created": 0,
                                                          "owned_by": "fcbench"}]})


async def health(request: web.Request) -> web.Response:
    request.app[STATE].stats.hit("health")
    return web.json_response({"status": "ok"})


async def stats(request: web.Request) -> web.Response:
    state = request.app[STATE]
    return web.json_response({**state.stats.snapshot(), "samples": len(state.script),
                              "loaded": state.script.loaded})


def build_app(config: ServerConfig, script: Script) -> web.Application:
    app = web.Application(client_max_size=64 * 1024 * 1024)
    app[STATE] = EmulatorState(config, script)
    app.router.add_post("/v1/chat/completions", chat_completions)
    app.router.add_post("/chat/completions", chat_completions)
    app.router.add_post("/v1/messages", messages)
    app.router.add_get("/v1/models", models)
    app.router.add_get("/health", health)
    app.router.add_get("/_stats", stats)
    return app
