"""HTTP backends without the network: wire-format conversion, error mapping, endpoint choice, prices.

SDK backends run against `httpx2.MockTransport`; the aiohttp backend against a tiny
aiohttp server on 127.0.0.1 that answers with canned statuses.
"""

from __future__ import annotations

import asyncio
import json
import socket
from contextlib import asynccontextmanager
from email.utils import formatdate

import anthropic
import httpx2
import openai
import pytest
from aiohttp import web

from fcbench.errors import InfraError, UsageError
from fcbench.models.anthropic_api import AnthropicModel
from fcbench.models.anthropic_wire import (
    anthropic_messages,
    anthropic_tool_choice,
    messages_payload,
    parse_messages_response,
)
from fcbench.models.api_errors import infra_error_for_status, retry_after_seconds, sdk_infra_error
from fcbench.models.base import GenerateConfig
from fcbench.models.call_ids import with_call_ids
from fcbench.models.endpoints import EndpointPool
from fcbench.models.openai_api import OpenAIModel
from fcbench.models.openai_compatible import OpenAICompatibleModel
from fcbench.models.openai_wire import chat_payload, parse_chat_response
from fcbench.models.pricing import estimate_cost
from fcbench.models.registry import resolve_model
from fcbench.records import Message, Request, Tool, ToolCall

KEY = "sk-test-SECRET123"
WEATHER = Tool("get_weather", "Weather of a city.", {"type": "object", "properties": {"city": {"type": "string"}},
                                                     "required": ["city"]})
CONFIG = GenerateConfig(temperature=0.0, max_tokens=256, seed=7)


def request(*messages: Message, tools=(WEATHER,), choice="auto", parallel=True) -> Request:
    return Request("s1", "nested", "native", tuple(messages), tuple(tools), choice, parallel)


# A conversation in the shape of a next_best sample: calls without ids, results without ids.
HISTORY = (
    Message("system", "Be brief."),
    Message("user", "Weather in Paris and Rome?"),
    Message("assistant", None, (ToolCall("get_weather", {"city": "Paris"}),
                                ToolCall("get_weather", {"city": "Rome"}))),
    Message("tool", '{"temp": 20}', name="get_weather"),
    Message("tool", '{"temp": 25}', name="get_weather"),
)


def chat_answer(message: dict, finish="tool_calls", usage=None) -> dict:
    return {"choices": [{"index": 0, "message": {"role": "assistant", **message}, "finish_reason": finish}],
            "usage": usage or {"prompt_tokens": 11, "completion_tokens": 3}}


def call(name: str, arguments, call_id: str | None = "c1") -> dict:
    d = {"type": "function", "function": {"name": name, "arguments": arguments}}
    return {**d, "id": call_id} if call_id else d


# ------------------------------------------------------------------ request -> OpenAI payload
def test_payload_plain_chat_sends_no_tool_fields():
    body = chat_payload(request(Message("system", "S"), Message("user", "hi"), tools=()), "m", CONFIG)
    assert body == {"model": "m", "messages": [{"role": "system", "content": "S"}, {"role": "user", "content": "hi"}],
                    "temperature": 0.0, "max_tokens": 256, "seed": 7}


@pytest.mark.parametrize("choice, parallel", [("auto", True), ("required", False), ("none", True)])
def test_payload_with_tools_carries_choice_and_parallel(choice, parallel):
    body = chat_payload(request(Message("user", "hi"), choice=choice, parallel=parallel), "m", CONFIG)
    assert body["tools"] == [{"type": "function", "function": {
        "name": "get_weather", "description": "Weather of a city.", "parameters": WEATHER.parameters}}]
    assert (body["tool_choice"], body["parallel_tool_calls"]) == (choice, parallel)


def test_payload_options_field_name_seed_omit_extra_body():
    cfg = GenerateConfig(temperature=0.5, max_tokens=9, seed=None)
    body = chat_payload(request(Message("user", "hi")), "m", cfg, max_tokens_field="max_completion_tokens",
                        omit={"temperature"}, extra_body={"top_k": 1})
    assert body["max_completion_tokens"] == 9 and "max_tokens" not in body
    assert "seed" not in body, "seed None is not sent"
    assert "temperature" not in body, "omitted"
    assert body["top_k"] == 1


def test_payload_history_gets_consistent_call_ids():
    messages = chat_payload(request(*HISTORY), "m", CONFIG, tool_names=True)["messages"]
    assistant, first, second = messages[2], messages[3], messages[4]
    ids = [c["id"] for c in assistant["tool_calls"]]
    assert ids == ["call_1", "call_2"]
    assert assistant["content"] is None
    assert json.loads(assistant["tool_calls"][1]["function"]["arguments"]) == {"city": "Rome"}
    assert (first["tool_call_id"], second["tool_call_id"]) == ("call_1", "call_2"), "results answer calls in order"
    assert first == {"role": "tool", "tool_call_id": "call_1", "content": '{"temp": 20}', "name": "get_weather"}
    plain = chat_payload(request(*HISTORY), "m", CONFIG)["messages"]
    assert "name" not in plain[3], "OpenAI's tool message has no name field"


def test_call_ids_keep_existing_ids_and_avoid_collisions():
    messages = with_call_ids([
        Message("assistant", None, (ToolCall("a", {}, id="call_1"), ToolCall("b", {}))),
        Message("tool", "B", name="b"),  # matched by name, not by position
        Message("tool", "A", tool_call_id="call_1", name="a"),
    ])
    assert [c.id for c in messages[0].tool_calls] == ["call_1", "call_2"], "call_1 was taken by the data"
    assert messages[1].tool_call_id == "call_2"
    assert messages[2].tool_call_id == "call_1"


# ------------------------------------------------------------------ OpenAI answer -> ModelOutput
PARSE_CASES = [
    # (case, message, expected calls, expected text, malformed substring or None)
    ("one call", {"content": None, "tool_calls": [call("get_weather", '{"city": "Paris"}')]},
     [("get_weather", {"city": "Paris"}, "c1")], None, None),
    ("several calls keep order", {"tool_calls": [call("f", '{"x": 1}', "a"), call("g", '{}', "b")]},
     [("f", {"x": 1}, "a"), ("g", {}, "b")], None, None),
    ("text and calls", {"content": "Let me check.", "tool_calls": [call("f", '{"x": 1}')]},
     [("f", {"x": 1}, "c1")], "Let me check.", None),
    ("missing id stays None", {"tool_calls": [call("f", '{"x": 1}', None)]}, [("f", {"x": 1}, None)], None, None),
    ("empty arguments mean none", {"tool_calls": [call("f", "")]}, [("f", {}, "c1")], None, None),
    ("arguments already an object", {"tool_calls": [call("f", {"x": 2})]}, [("f", {"x": 2}, "c1")], None, None),
    ("text only", {"content": "It is sunny."}, [], "It is sunny.", None),
    ("invalid JSON is malformed, raw text kept", {"tool_calls": [call("get_weather", '{"city": "Par')]},
     [], 'get_weather {"city": "Par', "arguments of get_weather are not valid JSON"),
    ("arguments not an object", {"tool_calls": [call("f", "[1, 2]")]}, [], "f [1, 2]",
     "arguments of f are not a JSON object"),
    ("one bad call spoils the output", {"content": "ok", "tool_calls": [call("f", "{}"), call("g", "{oops")]},
     [], "ok\nf {}\ng {oops", "arguments of g are not valid JSON"),
    ("call without a name", {"tool_calls": [call("", "{}")]}, [], None, "no function name"),
    ("the legacy function_call is that one call", {"content": None, "tool_calls": None,
                                                   "function_call": {"name": "f", "arguments": '{"x": 1}'}},
     [("f", {"x": 1}, None)], None, None),
    ("a legacy function_call with bad arguments is malformed",
     {"function_call": {"name": "f", "arguments": "{oops"}}, [], None, "arguments of f are not valid JSON"),
    ("tool_calls win over a legacy function_call", {"tool_calls": [call("g", "{}")],
                                                     "function_call": {"name": "f", "arguments": "{}"}},
     [("g", {}, "c1")], None, None),
]


@pytest.mark.parametrize("case, message, calls, text, malformed", PARSE_CASES, ids=[c[0] for c in PARSE_CASES])
def test_parse_chat_response(case, message, calls, text, malformed):
    out = parse_chat_response(chat_answer(message), latency_s=0.5)
    assert [(c.name, c.arguments, c.id) for c in out.tool_calls] == calls
    if malformed is None:
        assert out.malformed is None and out.text == text
    else:
        assert malformed in out.malformed
        assert text is None or out.text == text
    assert (out.usage.prompt_tokens, out.usage.completion_tokens, out.latency_s) == (11, 3, 0.5)
    assert out.finish_reason == "tool_calls" and out.raw["role"] == "assistant"


@pytest.mark.parametrize("body", [{}, {"choices": []}, {"choices": [{"message": "x"}]}, ["not", "an object"]])
def test_parse_chat_response_without_a_completion_is_an_infra_error(body):
    with pytest.raises(InfraError) as info:
        parse_chat_response(body)
    assert info.value.kind == "bad_response" and info.value.retryable


# ------------------------------------------------------------------ Anthropic conversion
def test_anthropic_messages_system_tool_use_and_merged_results():
    system, turns = anthropic_messages(HISTORY + (Message("user", "And Oslo?"),))
    assert system == "Be brief."
    assert [t["role"] for t in turns] == ["user", "assistant", "user"], "results and the next question merge"
    assert turns[1]["content"] == [
        {"type": "tool_use", "id": "call_1", "name": "get_weather", "input": {"city": "Paris"}},
        {"type": "tool_use", "id": "call_2", "name": "get_weather", "input": {"city": "Rome"}}]
    assert turns[2]["content"] == [
        {"type": "tool_result", "tool_use_id": "call_1", "content": '{"temp": 20}'},
        {"type": "tool_result", "tool_use_id": "call_2", "content": '{"temp": 25}'},
        {"type": "text", "text": "And Oslo?"}]


def test_anthropic_messages_merge_same_role_and_sanitise_ids():
    _, turns = anthropic_messages([
        Message("user", "a"), Message("user", "b"),
        Message("assistant", "Checking.", (ToolCall("f", {"x": 1}, id="call.7/x"),)),
        Message("tool", "r", tool_call_id="call.7/x", name="f")])
    assert turns[0] == {"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]}
    assert turns[1]["content"][0] == {"type": "text", "text": "Checking."}
    assert turns[1]["content"][1]["id"] == turns[2]["content"][0]["tool_use_id"] == "call_7_x"


@pytest.mark.parametrize("choice, parallel, expected", [
    ("auto", True, {"type": "auto"}),
    ("auto", False, {"type": "auto", "disable_parallel_tool_use": True}),
    ("required", True, {"type": "any"}),
    ("required", False, {"type": "any", "disable_parallel_tool_use": True}),
    ("none", False, {"type": "none"}),  # the API refuses disable_parallel_tool_use with none
])
def test_anthropic_tool_choice(choice, parallel, expected):
    assert anthropic_tool_choice(choice, parallel) == expected


def test_anthropic_payload_temperature_in_extra_body_and_omit():
    payload = messages_payload(request(Message("user", "hi"), choice="required"), "claude-x", CONFIG)
    assert payload["extra_body"] == {"temperature": 0.0}
    assert payload["max_tokens"] == 256 and "system" not in payload and "seed" not in payload
    assert payload["tools"][0]["input_schema"] == WEATHER.parameters
    assert payload["tool_choice"] == {"type": "any"}
    assert messages_payload(request(Message("user", "hi")), "c", CONFIG, omit={"temperature"})["extra_body"] == {}


def test_parse_messages_response():
    out = parse_messages_response({
        "content": [{"type": "text", "text": "Sure. "}, {"type": "tool_use", "id": "tu_1", "name": "f",
                                                          "input": {"x": 1}},
                    {"type": "text", "text": "Done."}, {"type": "tool_use", "id": "tu_2", "name": "g", "input": {}}],
        "stop_reason": "tool_use", "usage": {"input_tokens": 30, "output_tokens": 8}}, 0.2)
    assert out.text == "Sure. Done."
    assert [(c.name, c.arguments, c.id) for c in out.tool_calls] == [("f", {"x": 1}, "tu_1"), ("g", {}, "tu_2")]
    assert (out.finish_reason, out.usage.prompt_tokens, out.usage.completion_tokens) == ("tool_calls", 30, 8)
    assert out.raw["stop_reason"] == "tool_use"
    length = parse_messages_response({"content": [{"type": "text", "text": "x"}], "stop_reason": "max_tokens"})
    assert length.finish_reason == "length" and not length.tool_calls
    bad = parse_messages_response({"content": [{"type": "tool_use", "id": "t", "name": "f", "input": "oops"}]})
    assert bad.malformed == "arguments of f are not a JSON object (got string)" and "oops" in bad.text
    with pytest.raises(InfraError):
        parse_messages_response({"type": "error"})


# ------------------------------------------------------------------ error mapping
@pytest.mark.parametrize("status, kind, retryable", [
    (400, "bad_request", False), (401, "auth", False), (403, "auth", False), (404, "not_found", False),
    (422, "bad_request", False), (408, "timeout", True), (409, "conflict", True), (429, "rate_limit", True),
    (500, "server_error", True), (503, "server_error", True), (529, "overloaded", True), (418, "bad_request", False),
])
def test_status_to_kind(status, kind, retryable):
    error = infra_error_for_status(status, "boom", {"retry-after": "3"})
    assert (error.kind, error.retryable, error.status) == (kind, retryable, status)
    assert error.retry_after == (3.0 if retryable else None), "only retryable faults carry a wait hint"


@pytest.mark.parametrize("status, text, kind, why", [
    (400, '{"error": {"code": "context_length_exceeded", "message": "too long"}}', "context_length", "OpenAI"),
    (400, "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens",
     "context_length", "vLLM"),
    (400, '{"type": "error", "error": {"message": "prompt is too long: 210000 tokens > 200000 maximum"}}',
     "context_length", "Anthropic"),
    (422, "Input validation error: `inputs` tokens + `max_new_tokens` must be <= 2048", "context_length", "TGI"),
    (429, '{"error": {"code": "insufficient_quota"}}', "billing", "a spent quota is not a rate limit"),
    (400, "unknown field 'foo'", "bad_request", "another bad request stays one"),
    (429, "maximum context length", "rate_limit", "a 429 is about rate, whatever its words"),
])
def test_statuses_whose_words_name_the_kind(status, text, kind, why):
    error = infra_error_for_status(status, text)
    assert (error.kind, error.retryable) == (kind, kind == "rate_limit"), why


@pytest.mark.parametrize("headers, expected", [
    ({"retry-after": "2"}, 2.0), ({"Retry-After": "1.5"}, 1.5), ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),
    ({"retry-after": "soon"}, None), ({}, None), ({"retry-after": formatdate(0, usegmt=True)}, 0.0),
])
def test_retry_after_headers(headers, expected):
    assert retry_after_seconds(headers) == expected


def _status_exc(sdk, cls, status: int, headers=None, message="error"):
    response = httpx2.Response(status, headers=headers or {}, request=httpx2.Request("POST", "http://h/v1/x"))
    return cls(message, response=response, body=None)


@pytest.mark.parametrize("sdk", [openai, anthropic], ids=["openai", "anthropic"])
@pytest.mark.parametrize("make, kind, retryable, retry_after", [
    (lambda sdk: _status_exc(sdk, sdk.RateLimitError, 429, {"retry-after": "4"}), "rate_limit", True, 4.0),
    (lambda sdk: _status_exc(sdk, sdk.InternalServerError, 500), "server_error", True, None),
    (lambda sdk: _status_exc(sdk, sdk.InternalServerError, 529, {"retry-after-ms": "1500"}), "overloaded", True, 1.5),
    (lambda sdk: _status_exc(sdk, sdk.BadRequestError, 400), "bad_request", False, None),
    (lambda sdk: _status_exc(sdk, sdk.AuthenticationError, 401, message=f"bad key {KEY}"), "auth", False, None),
    (lambda sdk: _status_exc(sdk, sdk.NotFoundError, 404), "not_found", False, None),
    (lambda sdk: _status_exc(sdk, sdk.ConflictError, 409), "conflict", True, None),
    (lambda sdk: sdk.APITimeoutError(request=httpx2.Request("POST", "http://h")), "timeout", True, None),
    (lambda sdk: sdk.APIConnectionError(request=httpx2.Request("POST", "http://h")), "connection", True, None),
])
def test_sdk_exceptions_map_to_infra_errors(sdk, make, kind, retryable, retry_after):
    error = sdk_infra_error(make(sdk), sdk, [KEY])
    assert (error.kind, error.retryable, error.retry_after) == (kind, retryable, retry_after)
    assert KEY not in str(error)


def test_anthropic_overloaded_error_class_maps_to_overloaded():
    error = sdk_infra_error(_status_exc(anthropic, anthropic.OverloadedError, 529), anthropic, [])
    assert (error.kind, error.retryable, error.status) == ("overloaded", True, 529)


# ------------------------------------------------------------------ SDK backends over a mock transport
def _mock_client(handler) -> httpx2.AsyncClient:
    return httpx2.AsyncClient(transport=httpx2.MockTransport(handler))


def test_openai_backend_round_trip_and_errors(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    seen = []
    replies = iter([
        httpx2.Response(200, json=chat_answer({"tool_calls": [call("get_weather", '{"city": "Paris"}')]})),
        httpx2.Response(429, headers={"retry-after": "7"}, json={"error": {"message": "slow down"}}),
        httpx2.Response(401, json={"error": {"message": f"Incorrect API key provided: {KEY}"}}),
    ])

    def handler(req: httpx2.Request) -> httpx2.Response:
        seen.append(req)
        return next(replies)

    model = OpenAIModel("openai/gpt-4o", CONFIG, http_client=_mock_client(handler))

    async def scenario():
        out = await model.generate(request(Message("user", "Weather in Paris?"), parallel=False))
        with pytest.raises(InfraError) as limited:
            await model.generate(request(Message("user", "again")))
        with pytest.raises(InfraError) as denied:
            await model.generate(request(Message("user", "again")))
        await model.aclose()
        return out, limited.value, denied.value

    out, limited, denied = asyncio.run(scenario())
    assert out.tool_calls == (ToolCall("get_weather", {"city": "Paris"}, None, "c1"),)
    body = json.loads(seen[0].content)
    assert (body["model"], body["max_completion_tokens"], body["parallel_tool_calls"]) == ("gpt-4o", 256, False)
    assert seen[0].headers["authorization"] == f"Bearer {KEY}"
    assert len(seen) == 3, "the SDK never retries by itself"
    assert (limited.kind, limited.retry_after) == ("rate_limit", 7.0)
    assert denied.kind == "auth" and not denied.retryable and KEY not in str(denied)


def test_anthropic_backend_round_trip_and_overload(monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    seen = []
    replies = iter([
        httpx2.Response(200, json={"content": [{"type": "tool_use", "id": "tu1", "name": "get_weather",
                                                "input": {"city": "Rome"}}],
                                   "stop_reason": "tool_use", "usage": {"input_tokens": 5, "output_tokens": 2}}),
        httpx2.Response(529, json={"type": "error", "error": {"type": "overloaded_error", "message": "busy"}}),
    ])

    def handler(req: httpx2.Request) -> httpx2.Response:
        seen.append(req)
        return next(replies)

    model = AnthropicModel("anthropic/claude-test", CONFIG, http_client=_mock_client(handler))

    async def scenario():
        out = await model.generate(request(*HISTORY, parallel=False))
        with pytest.raises(InfraError) as busy:
            await model.generate(request(Message("user", "x")))
        await model.aclose()
        return out, busy.value

    out, busy = asyncio.run(scenario())
    assert out.tool_calls == (ToolCall("get_weather", {"city": "Rome"}, None, "tu1"),)
    body = json.loads(seen[0].content)
    assert body["system"] == "Be brief." and body["temperature"] == 0.0
    assert body["tool_choice"] == {"type": "auto", "disable_parallel_tool_use": True}
    assert (busy.kind, busy.retryable) == ("overloaded", True)
    assert len(seen) == 2


# ------------------------------------------------------------------ aiohttp backend against a canned server
@asynccontextmanager
async def canned_server():
    """A server on 127.0.0.1: the first path segment chooses the answer (``/ok/v1``, ``/s429/v1``...)."""
    received = []

    async def handle(req: web.Request) -> web.StreamResponse:
        mode = req.match_info["mode"]
        received.append((mode, req.headers.get("Authorization"), await req.json()))
        if mode == "ok":
            return web.json_response(chat_answer({"content": "hi", "tool_calls": [call("f", '{"a": 1}')]}))
        if mode == "slow":
            await asyncio.sleep(0.5)
            return web.json_response(chat_answer({"content": "late"}))
        if mode == "notjson":
            return web.Response(text="<html>proxy</html>")
        if mode == "drop":
            req.transport.close()  # the client sees ServerDisconnectedError
            await asyncio.sleep(0.2)
            return web.Response()
        if mode == "moved":  # a base URL that is not the final one
            return web.Response(status=307, headers={"Location": "https://elsewhere.example/v1/chat/completions"})
        if mode == "echo":  # a server that quotes the key back
            return web.json_response({"error": f"bad key {req.headers.get('Authorization')}"}, status=401)
        status = int(mode[1:])
        return web.json_response({"error": {"message": "canned"}}, status=status, headers={"Retry-After": "2"})

    app = web.Application()
    app.router.add_post("/{mode}/v1/chat/completions", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}", received
    finally:
        await runner.cleanup()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_openai_compatible_statuses_and_faults(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)

    async def scenario():
        async with canned_server() as (root, received):
            ok = OpenAICompatibleModel("openai-compatible/tiny", CONFIG, base_url=f"{root}/ok/v1")
            out = await ok.generate(request(*HISTORY))
            await ok.aclose()
            faults = {}
            for mode in ["s429", "s500", "s529", "s400", "s404", "echo", "notjson", "drop", "slow", "moved"]:
                model = OpenAICompatibleModel("openai-compatible/tiny", CONFIG, base_urls=[f"{root}/{mode}/v1"],
                                              timeout=0.25)
                try:
                    await model.generate(request(Message("user", "hi")))
                except InfraError as exc:
                    faults[mode] = exc
                finally:
                    await model.aclose()
            refused = OpenAICompatibleModel("openai-compatible/tiny", CONFIG,
                                            base_url=f"http://127.0.0.1:{_free_port()}/v1")
            try:
                await refused.generate(request(Message("user", "hi")))
            except InfraError as exc:
                faults["refused"] = exc
            finally:
                await refused.aclose()
            return out, faults, received

    out, faults, received = asyncio.run(scenario())
    assert out.text == "hi" and out.tool_calls == (ToolCall("f", {"a": 1}, None, "c1"),)
    assert out.latency_s > 0
    _mode, auth, body = received[0]
    assert auth == f"Bearer {KEY}" and body["model"] == "tiny" and body["max_tokens"] == 256
    assert body["messages"][3]["tool_call_id"] == "call_1" and body["messages"][3]["name"] == "get_weather"
    expected = {"s429": ("rate_limit", True), "s500": ("server_error", True), "s529": ("overloaded", True),
                "s400": ("bad_request", False), "s404": ("not_found", False), "echo": ("auth", False),
                "notjson": ("bad_response", True), "drop": ("connection", True), "slow": ("timeout", True),
                "refused": ("connection", True), "moved": ("http_error", False)}
    assert {m: (e.kind, e.retryable) for m, e in faults.items()} == expected
    assert "redirected to https://elsewhere.example/v1/chat/completions" in str(faults["moved"])
    assert "--base-url" in str(faults["moved"]), "a redirect says what to do, and is not retried"
    assert faults["s429"].retry_after == 2.0
    assert all(KEY not in str(e) for e in faults.values())


# ------------------------------------------------------------------ endpoint choice
def test_endpoint_pool_least_outstanding_then_round_robin():
    pool = EndpointPool(["a", "b", "c"])
    assert [pool.acquire() for _ in range(3)] == [0, 1, 2], "all idle: round robin"
    pool.release(1)
    assert pool.acquire() == 1, "b has the fewest in flight"
    pool.release(0)
    pool.release(2)
    assert [pool.acquire(), pool.acquire()] == [2, 0], "ties resume round robin after the last pick"
    assert pool.outstanding == [1, 1, 1] and pool.sent == [2, 2, 2]


def test_endpoint_pool_spreads_concurrent_requests():
    pool = EndpointPool(["a", "b"])
    held = [pool.acquire() for _ in range(4)]
    assert sorted(held) == [0, 0, 1, 1]
    pool.release(0)
    pool.release(0)
    assert [pool.acquire(), pool.acquire()] == [0, 0], "the idle endpoint takes the next ones"


# ------------------------------------------------------------------ settings, registry, secrets
def test_registry_settings_and_no_secret(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    urls = ["http://user:pw@127.0.0.1:9/v1?token=x", "http://127.0.0.1:10/v1"]
    models = [resolve_model("openai/gpt-4o", CONFIG, timeout=30),
              resolve_model("openai-compatible/org/model", CONFIG, base_url=urls[0], base_urls=urls),
              resolve_model("anthropic/claude-haiku-4-5", CONFIG)]
    assert [type(m) for m in models] == [OpenAIModel, OpenAICompatibleModel, AnthropicModel]
    for model in models:
        text = json.dumps(model.settings())
        assert KEY not in text and "pw@" not in text and "token=" not in text
    assert models[0].settings()["timeout"] == 30.0
    assert models[1].settings()["base_urls"] == ["http://127.0.0.1:9/v1", "http://127.0.0.1:10/v1"]
    assert models[1].model_id == "org/model"


@pytest.mark.parametrize("name, options, env_unset", [
    ("openai/gpt-4o", {}, "OPENAI_API_KEY"),
    ("anthropic/claude-x", {}, "ANTHROPIC_API_KEY"),
    ("openai-compatible/x", {}, "OPENAI_BASE_URL"),
    ("openai/gpt-4o", {"base_urls": ["http://a/v1", "http://b/v1"], "base_url": "http://a/v1"}, None),
    ("openai-compatible/x", {"base_url": "http://a/v1", "omit": "model"}, None),
])
def test_unusable_options_are_usage_errors(monkeypatch, name, options, env_unset):
    for var in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_BASE_URL"):
        monkeypatch.delenv(var, raising=False)
    with pytest.raises(UsageError):
        resolve_model(name, CONFIG, **options)


# ------------------------------------------------------------------ prices
@pytest.mark.parametrize("name, overrides, expected, reason", [
    ("openai/gpt-4o", {}, 2.5 + 10.0, "exact name"),
    ("openai/gpt-4o-2024-08-06", {}, 12.5, "dated name finds its family"),
    ("openai/gpt-4o-mini", {}, 0.15 + 0.60, "longest prefix wins over gpt-4o"),
    ("anthropic/claude-sonnet-4-5-20250929", {}, 18.0, "dated Anthropic name"),
    ("openai/gpt-4o2", {}, None, "a prefix must end at a dash"),
    ("openai-compatible/gpt-4o", {}, None, "a local server has no list price"),
    ("openai-compatible/tiny", {"price_in": 1, "price_out": 2}, 3.0, "explicit prices apply to any model"),
    ("openai/unknown-model", {}, None, "unknown model"),
])
def test_estimate_cost(name, overrides, expected, reason):
    cost = estimate_cost(name, 1_000_000, 1_000_000, overrides)
    assert cost == (None if expected is None else pytest.approx(expected)), reason


def test_price_file_overrides_and_bad_files(tmp_path):
    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps({"models": {"gpt-4o": {"input": 1, "output": 1}, "tiny": {"input": 0, "output": 4}}}))
    assert estimate_cost("openai/gpt-4o", 500_000, 500_000, {"prices": str(prices)}) == pytest.approx(1.0)
    assert estimate_cost("openai-compatible/tiny", 0, 250_000, {"prices": str(prices)}) == pytest.approx(1.0)
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"models": {"x": {"input": "cheap"}}}))
    for path in (broken, tmp_path / "missing.json"):
        with pytest.raises(UsageError):
            estimate_cost("openai/x", 1, 1, {"prices": str(path)})
