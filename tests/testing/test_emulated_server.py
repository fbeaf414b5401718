"""The emulated model server, exercised through the real openai / anthropic SDKs and backends.

A small hand-written suite (parameter_value, next_best, response_generation) is
served; every request is matched by its conversation alone, as a real client
sends no sample id. Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import anthropic
import openai
import pytest

from fcbench.errors import UsageError
from fcbench.models.anthropic_api import AnthropicModel
from fcbench.models.anthropic_wire import messages_payload
from fcbench.models.base import GenerateConfig
from fcbench.models.openai_api import OpenAIModel
from fcbench.models.openai_wire import chat_payload
from fcbench.parsing import extract_calls
from fcbench.records import Sample, ToolCall
from fcbench.running.pipeline import score_output
from fcbench.task_registry import discover_tasks
from fcbench.testing import EmulatedServer, NoMatch, Script, ServerConfig
from fcbench.testing.behaviours import PROSE
from fcbench.testing.chance import FaultPlan
from fcbench.testing.conversation import from_anthropic, from_openai
from fcbench.testing.perturb import gold_accepts, gold_calls, perturb_calls, perturb_text

REPO = Path(__file__).resolve().parents[2]
KEY = "test-key"
CONFIG = GenerateConfig(temperature=0.0, max_tokens=64, seed=0)

WEATHER = {"name": "get_weather", "description": "Current weather of a city.",
           "parameters": {"type": "object", "properties": {
               "city": {"type": "string"},
               "unit": {"type": "string", "enum": ["celsius", "fahrenheit"], "default": "celsius"}},
               "required": ["city"]}}
CONVERT = {"name": "convert_temperature", "description": "Convert a temperature.",
           "parameters": {"type": "object", "properties": {
               "value": {"type": "number"}, "to_unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
               "required": ["value", "to_unit"]}}


def _pv(i: int, city: str) -> dict:
    return {"id": f"pv-{i}", "task": "parameter_value",
            "messages": [{"role": "user", "content": f"What's the weather in {city}?"}],
            "tools": [WEATHER, CONVERT],
            "gold": {"calls": [{"name": "get_weather", "arguments": {"city": [city], "unit": ["", "celsius"]}}]}}


LISBON_F = "What's the weather in Lisbon, in fahrenheit?"
WEATHER_CALL = {"role": "assistant", "content": None,
                "tool_calls": [{"name": "get_weather", "arguments": {"city": "Lisbon"}, "id": "call_a"}]}
WEATHER_RESULT = {"role": "tool", "tool_call_id": "call_a", "name": "get_weather",
                  "content": '{"temp": 21, "unit": "celsius"}'}
NEXT_BEST = [
    # Same request, different progress: only the tool results tell them apart.
    {"id": "nb-0", "task": "next_best", "tools": [WEATHER, CONVERT],
     "messages": [{"role": "user", "content": LISBON_F}, WEATHER_CALL, WEATHER_RESULT],
     "gold": {"next": [{"name": "convert_temperature",
                        "arguments": {"value": [21], "to_unit": ["fahrenheit"]}}], "stop": False}},
    {"id": "nb-1", "task": "next_best", "tools": [WEATHER, CONVERT],
     "messages": [{"role": "user", "content": LISBON_F}, WEATHER_CALL, WEATHER_RESULT,
                  {"role": "assistant", "content": None, "tool_calls": [
                      {"name": "convert_temperature", "arguments": {"value": 21, "to_unit": "fahrenheit"},
                       "id": "call_b"}]},
                  {"role": "tool", "tool_call_id": "call_b", "name": "convert_temperature",
                   "content": '{"value": 69.8, "unit": "fahrenheit"}'}],
     "gold": {"next": [], "stop": True}},
]
RESPONSE = [{"id": "rg-0", "task": "response_generation", "tools": [WEATHER],
             "messages": [{"role": "user", "content": "How warm is it in Oslo right now?"},
                          {"role": "assistant", "content": None, "tool_calls": [
                              {"name": "get_weather", "arguments": {"city": "Oslo"}, "id": "c1"}]},
                          {"role": "tool", "tool_call_id": "c1", "name": "get_weather",
                           "content": '{"temp": 5, "unit": "celsius"}'}],
             "gold": {"reference": "It is 5 degrees Celsius in Oslo right now.",
                      "facts": [{"value": 5, "kind": "number"}]}}]


def _write(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


@pytest.fixture(scope="module")
def suite(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("emulated") / "suite"
    _write(root / "parameter_value" / "test.jsonl", [_pv(i, c) for i, c in enumerate(["Lisbon", "Paris", "Oslo"])])
    _write(root / "next_best" / "test.jsonl", NEXT_BEST)
    _write(root / "response_generation" / "test.jsonl", RESPONSE)
    return root


@pytest.fixture(scope="module")
def tasks():
    return discover_tasks()


@pytest.fixture(scope="module")
def samples(suite, tasks) -> list[tuple[object, Sample]]:
    names = ("parameter_value", "next_best", "response_generation")
    return [(tasks[n], s) for n in names for s in tasks[n].load("test", suite)]


def serve(suite: Path, **overrides) -> EmulatedServer:
    return EmulatedServer(ServerConfig(suite=suite, **overrides))


@pytest.fixture(scope="module")
def gold_server(suite):
    with serve(suite) as server:
        yield server


def oai(server: EmulatedServer, **kw) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.base_url + "/v1", api_key=KEY, max_retries=kw.pop("max_retries", 0), **kw)


def anth(server: EmulatedServer, **kw) -> anthropic.Anthropic:
    return anthropic.Anthropic(base_url=server.base_url, api_key=KEY, max_retries=kw.pop("max_retries", 0), **kw)


def ask_openai(client: openai.OpenAI, task, sample: Sample, mode: str, **kw):
    return client.chat.completions.create(**chat_payload(task.build_request(sample, mode), "emulated", CONFIG), **kw)


def ask_anthropic(client: anthropic.Anthropic, task, sample: Sample, mode: str, **kw):
    return client.messages.create(**messages_payload(task.build_request(sample, mode), "emulated", CONFIG), **kw)


def _ref(task, sample, mode):
    return task.build_request(sample, mode).reference_output


def _calls(reference) -> list[tuple[str, dict]]:
    return [(c.name, c.arguments) for c in reference.tool_calls]


def _pick(samples, sample_id):
    return next((t, s) for t, s in samples if s.id == sample_id)


# ------------------------------------------------------------------ gold answers
def test_gold_native_openai_returns_the_reference_calls_or_text(gold_server, samples):
    client = oai(gold_server)
    for task, sample in samples:
        ref = _ref(task, sample, "native")
        choice = ask_openai(client, task, sample, "native").choices[0]
        got = [(c.function.name, json.loads(c.function.arguments)) for c in choice.message.tool_calls or []]
        assert got == _calls(ref), sample.id
        assert choice.message.content == ref.text, sample.id
        assert choice.finish_reason == ("tool_calls" if ref.tool_calls else "stop")


def test_gold_native_anthropic_returns_tool_use_blocks(gold_server, samples):
    client = anth(gold_server)
    for task, sample in samples:
        ref = _ref(task, sample, "native")
        message = ask_anthropic(client, task, sample, "native")
        assert [(b.name, b.input) for b in message.content if b.type == "tool_use"] == _calls(ref), sample.id
        text = "".join(b.text for b in message.content if b.type == "text") or None
        assert text == ref.text
        assert message.stop_reason == ("tool_use" if ref.tool_calls else "end_turn")
        assert message.type == "message" and message.role == "assistant" and message.usage.output_tokens > 0


def test_prompt_mode_returns_the_reference_text(gold_server, samples):
    o, a = oai(gold_server), anth(gold_server)
    for task, sample in samples:
        ref = _ref(task, sample, "prompt")
        assert ask_openai(o, task, sample, "prompt").choices[0].message.content == ref.text
        assert ask_anthropic(a, task, sample, "prompt").content[0].text == ref.text
    stats = gold_server.stats()
    assert stats["modes"].get("prompt", 0) >= 2 * len(samples)


def test_fcbench_backends_get_exactly_the_reference_output(gold_server, samples):
    """End to end through fcbench's own OpenAI and Anthropic backends, both modes."""
    async def run(model):
        try:
            for task, sample in samples:
                for mode in ("native", "prompt"):
                    request = task.build_request(sample, mode)
                    out = await model.generate(request)
                    assert out.text == request.reference_output.text, (model.provider, sample.id, mode)
                    assert _calls(out) == _calls(request.reference_output), (model.provider, sample.id, mode)
                    assert score_output(sample, task, request, out).passed, (model.provider, sample.id, mode)
        finally:
            await model.aclose()

    asyncio.run(run(OpenAIModel("openai/emulated", CONFIG, base_url=gold_server.base_url + "/v1")))
    asyncio.run(run(AnthropicModel("anthropic/emulated", CONFIG, base_url=gold_server.base_url)))


# ------------------------------------------------------------------ matching
def test_matching_ignores_serialisation_details(gold_server, samples):
    """Ids, whitespace, content-part lists, an extra system prompt, block grouping: same sample."""
    script = gold_server.script
    task, nb0 = _pick(samples, "nb-0")
    base = chat_payload(task.build_request(nb0, "native"), "m", CONFIG)
    variants = []
    v = json.loads(json.dumps(base))
    v["messages"][1]["tool_calls"][0]["id"] = v["messages"][2]["tool_call_id"] = "other-id"
    variants.append(v)
    v = json.loads(json.dumps(base))
    v["messages"][0]["content"] = [{"type": "text", "text": "  What's the weather in\nLisbon, in fahrenheit? "}]
    v["messages"][2]["content"] = '{"unit":"celsius",   "temp":21}'  # same JSON, other spelling
    variants.append(v)
    v = json.loads(json.dumps(base))
    v["messages"].insert(0, {"role": "system", "content": "You are a helpful assistant."})  # loose key
    variants.append(v)
    for variant in variants:
        entry = script.match(from_openai(variant))
        assert (entry.sample_id, entry.target.mode) == ("nb-0", "native")

    a = messages_payload(task.build_request(nb0, "prompt"), "m", CONFIG)
    a["system"] = [{"type": "text", "text": a["system"]}]  # system as text blocks
    assert script.match(from_anthropic(a)).target.mode == "prompt"

    # The tool results are what separates nb-0 from nb-1 (same user text).
    _, nb1 = _pick(samples, "nb-1")
    assert script.match(from_openai(chat_payload(task.build_request(nb1, "native"), "m", CONFIG))).sample_id == "nb-1"


def test_unknown_conversation_is_a_400_in_the_providers_format(gold_server):
    before = gold_server.stats()["unmatched"]
    with pytest.raises(openai.BadRequestError) as err:
        oai(gold_server).chat.completions.create(model="m", messages=[{"role": "user", "content": "Hello?"}])
    assert "no sample of the script matches" in err.value.message
    with pytest.raises(anthropic.BadRequestError) as err:
        anth(gold_server).messages.create(model="m", max_tokens=5, messages=[{"role": "user", "content": "Hi"}])
    assert err.value.body["error"]["type"] == "invalid_request_error"
    assert gold_server.stats()["unmatched"] == before + 2


def test_identical_conversations_with_different_answers_are_reported_ambiguous(samples, tasks):
    task, nb1 = _pick(samples, "nb-1")
    twin = Sample("rg-twin", "response_generation", nb1.messages, nb1.tools,
                  {"reference": "It is 69.8 F in Lisbon.", "facts": []})
    script = Script.from_samples([(task, nb1), (tasks["response_generation"], twin)])
    assert script.ambiguities() and "rg-twin" in script.ambiguities()[0]
    with pytest.raises(NoMatch, match="ambiguous"):
        script.match(from_openai(chat_payload(task.build_request(nb1, "native"), "m", CONFIG)))


# ------------------------------------------------------------------ behaviours
def test_behaviours_return_what_they_say(suite, samples):
    task, pv0 = _pick(samples, "pv-0")
    ref_calls = _calls(_ref(task, pv0, "native"))
    for behaviour in ("perturbed", "malformed", "text", "content_calls"):
        with serve(suite, behaviour=behaviour) as server:
            o = ask_openai(oai(server), task, pv0, "native").choices[0].message
            a = ask_anthropic(anth(server), task, pv0, "native").content
            prompt_text = ask_openai(oai(server), task, pv0, "prompt").choices[0].message.content
            if behaviour == "perturbed":  # well-formed, same function, one value the gold does not accept
                (name, args), = [(c.function.name, json.loads(c.function.arguments)) for c in o.tool_calls]
                assert name == "get_weather" and args != ref_calls[0][1]
                assert args["city"] not in ("Lisbon",) or args["unit"] not in ("", "celsius")
                assert [(b.name, b.input) for b in a] == [(name, args)]
                assert [(c.name, c.arguments) for c in extract_calls(prompt_text).calls] == [(name, args)]
                out = asyncio.run(_backend_answer(server, task, pv0))
                result = score_output(pv0, task, task.build_request(pv0, "native"), out)
                assert not result.passed and "wrong_value" in result.failures
            elif behaviour == "malformed":  # invalid JSON arguments / unreadable call text
                with pytest.raises(ValueError):
                    json.loads(o.tool_calls[0].function.arguments)
                assert a[0].type == "text" and extract_calls(a[0].text).malformed
                assert extract_calls(prompt_text).malformed
            elif behaviour == "text":  # prose, no call
                assert o.tool_calls is None and o.content == PROSE
                assert [b.text for b in a] == [PROSE] and prompt_text == PROSE
                assert not extract_calls(prompt_text).calls and not extract_calls(prompt_text).malformed
            else:  # content_calls: Hermes text in content, no parsed calls (vLLM parser failure)
                assert o.tool_calls is None and o.content.startswith("<tool_call>")
                assert [(c.name, c.arguments) for c in extract_calls(o.content).calls] == ref_calls
                assert a[0].type == "text" and a[0].text == o.content
            answers = server.stats()["answers"]
            assert list(answers) == [behaviour] and answers[behaviour] >= 3


async def _backend_answer(server, task, sample):
    model = OpenAIModel("openai/emulated", CONFIG, base_url=server.base_url + "/v1")
    try:
        return await model.generate(task.build_request(sample, "native"))
    finally:
        await model.aclose()


PORTFOLIO_TWINS = [ToolCall("get_portfolio", {"include_cash": False}),
                   ToolCall("get_portfolio", {"include_cash": True})]
TWINS_GOLD = {"calls": [{"name": "get_portfolio", "arguments": {"include_cash": [False]}},
                        {"name": "get_portfolio", "arguments": {"include_cash": ["", True]}}]}
TWO_NEXT_GOLD = {"next": [{"name": "stats", "arguments": {"id": ["P1"], "per_90": [False]}},
                          {"name": "stats", "arguments": {"id": ["P1"], "per_90": [True]}}], "stop": False}


@pytest.mark.parametrize("calls, gold, expect, why", [
    (PORTFOLIO_TWINS, TWINS_GOLD, "dropped",
     "flipping either flag turns one twin into the other, so a call is dropped"),
    ([ToolCall("stats", {"id": "P1", "per_90": False})], TWO_NEXT_GOLD, "changed",
     "flipping per_90 gives the other acceptable next call, so the id changes instead"),
    ([ToolCall("get_weather", {"city": "Lisbon"})],
     {"calls": [{"name": "get_weather", "arguments": {"city": ["Lisbon", "nobsiL"]}}]}, "renamed",
     "the reversed city is accepted too, so the function is renamed"),
])
def test_perturbed_calls_are_accepted_by_no_gold_call(calls, gold, expect, why):
    out = perturb_calls(calls, (), "s-1", gold)
    changed = [c for c in out if c not in calls]
    if expect == "dropped":
        assert out == calls[:-1], why
    else:
        assert len(out) == len(calls) and len(changed) == 1, why
        assert (changed[0].name != calls[0].name) == (expect == "renamed"), why
        assert not any(gold_accepts(g, changed[0]) for g in gold_calls(gold)), why


def test_perturbed_text_changes_every_fact():
    gold = {"facts": [{"value": 3, "kind": "number"}, {"value": 1, "kind": "number"},
                      {"value": "Daily Basket", "kind": "text"}]}
    text = "The count is 3, the other count is 1 (and 1 again), the shop is Daily Basket, id EV8001."
    assert perturb_text(text, gold) == ("The count is 4, the other count is 2 (and 2 again), "
                                        "the shop is (unknown), id EV8001.")
    assert perturb_text("No numbers here.", {}) == "I could not find that information."


def test_behaviour_mix_is_per_sample_and_seeded(tasks):
    task = tasks["parameter_value"]
    many = [Sample.from_dict(_pv(i, f"City{i}")) for i in range(300)]
    mix = {"gold": 0.5, "text": 0.5}
    first = Script.from_samples([(task, s) for s in many], behaviour=mix, seed=1).behaviours()
    again = Script.from_samples([(task, s) for s in reversed(many)], behaviour=mix, seed=1).behaviours()
    other = Script.from_samples([(task, s) for s in many], behaviour=mix, seed=2).behaviours()
    assert first == again  # independent of order
    assert first != other
    assert 0.4 < sum(b == "gold" for b in first.values()) / len(first) < 0.6


def test_bad_settings_are_usage_errors(suite):
    with pytest.raises(UsageError, match="unknown behaviour"):
        serve(suite, behaviour="clever")
    with pytest.raises(UsageError, match="unknown fault"):
        serve(suite, fault_rate=0.5, faults=("503",))
    with pytest.raises(UsageError, match="no test data"):
        serve(suite, tasks="nested")


# ------------------------------------------------------------------ faults
def test_429_carries_retry_after_in_each_providers_format(suite, samples):
    task, pv0 = _pick(samples, "pv-0")
    with serve(suite, fault_rate=1.0, faults=("429",), retry_after_s=0.05) as server:
        with pytest.raises(openai.RateLimitError) as err:
            ask_openai(oai(server), task, pv0, "native")
        assert err.value.response.headers["retry-after"] == "0.05"
        assert err.value.body["code"] == "rate_limit_exceeded"
        with pytest.raises(anthropic.RateLimitError) as aerr:
            ask_anthropic(anth(server), task, pv0, "native")
        assert aerr.value.body["error"]["type"] == "rate_limit_error"
        assert server.stats()["faults"] == {"429": 2} and server.stats()["answers"] == {}


@pytest.mark.parametrize("kind, openai_error, anthropic_error", [
    ("500", openai.InternalServerError, anthropic.InternalServerError),
    ("529", openai.InternalServerError, anthropic.OverloadedError),
    ("timeout", openai.APITimeoutError, anthropic.APITimeoutError),
    ("drop", openai.APIConnectionError, anthropic.APIConnectionError),
])
def test_injected_faults_surface_as_the_sdk_errors(suite, samples, kind, openai_error, anthropic_error):
    task, pv0 = _pick(samples, "pv-0")
    with serve(suite, fault_rate=1.0, faults=(kind,), hang_s=1.0) as server:
        with pytest.raises(openai_error) as err:
            ask_openai(oai(server, timeout=0.2), task, pv0, "native")
        with pytest.raises(anthropic_error):
            ask_anthropic(anth(server, timeout=0.2), task, pv0, "prompt")
        if kind in ("500", "529"):
            assert err.value.status_code == int(kind)
        stats = server.stats()
        assert stats["faults"] == {kind: 2} and stats["per_sample"] == {"parameter_value/pv-0": 2}


def test_faults_are_seeded_per_attempt_and_retries_get_through(suite, samples):
    task, _ = samples[0]
    pvs = [s for t, s in samples if t.name == "parameter_value"]

    def run() -> dict:
        with serve(suite, fault_rate=0.5, faults=("429",), retry_after_s=0.01, seed=3) as server:
            client = oai(server, max_retries=12)
            for sample in pvs:
                assert ask_openai(client, task, sample, "native").choices[0].finish_reason == "tool_calls"
            return server.stats()

    first, second = run(), run()
    assert first["per_sample"] == second["per_sample"] and first["faults"] == second["faults"]
    assert first["faults"]["429"] == sum(first["per_sample"].values()) - len(pvs) > 0
    plan = FaultPlan(0.3, ("429", "500"), seed=0)
    drawn = [plan.fault_for(f"t/s{i}", 0) for i in range(2000)]
    assert 0.25 < sum(d is not None for d in drawn) / len(drawn) < 0.35
    assert {d for d in drawn if d} == {"429", "500"}


# ------------------------------------------------------------------ streaming, concurrency, endpoints
def test_streaming_openai_and_anthropic(gold_server, samples, suite):
    task, pv1 = _pick(samples, "pv-1")
    ref = _calls(_ref(task, pv1, "native"))
    chunks = list(ask_openai(oai(gold_server), task, pv1, "native", stream=True,
                             stream_options={"include_usage": True}))
    merged: dict[int, dict] = {}
    for chunk in chunks:
        for delta in (chunk.choices[0].delta.tool_calls or []) if chunk.choices else []:
            slot = merged.setdefault(delta.index, {"name": "", "arguments": ""})
            slot["name"] += delta.function.name or ""
            slot["arguments"] += delta.function.arguments or ""
    assert [(c["name"], json.loads(c["arguments"])) for c in merged.values()] == ref
    assert chunks[-2].choices[0].finish_reason == "tool_calls" and chunks[-1].usage.total_tokens > 0

    payload = messages_payload(task.build_request(pv1, "native"), "emulated", CONFIG)
    with anth(gold_server).messages.stream(**payload) as stream:
        final = stream.get_final_message()
    assert [(b.name, b.input) for b in final.content] == ref and final.stop_reason == "tool_use"

    with serve(suite, fault_rate=1.0, faults=("drop",)) as server:
        with pytest.raises(openai.APIConnectionError):
            list(ask_openai(oai(server), task, pv1, "native", stream=True))


def test_latency_is_concurrent(suite, samples):
    task, _ = samples[0]
    pvs = [s for t, s in samples if t.name == "parameter_value"]

    async def burst(server) -> float:
        client = openai.AsyncOpenAI(base_url=server.base_url + "/v1", api_key=KEY, max_retries=0)
        payloads = [chat_payload(task.build_request(pvs[i % len(pvs)], "native"), "m", CONFIG) for i in range(48)]
        start = time.perf_counter()
        await asyncio.gather(*(client.chat.completions.create(**p) for p in payloads))
        elapsed = time.perf_counter() - start
        await client.close()
        return elapsed

    with serve(suite, latency_s=0.3) as server:
        elapsed = asyncio.run(burst(server))
        stats = server.stats()
    assert 0.3 <= elapsed < 1.5, elapsed  # 48 sequential requests would take 14 s
    assert stats["max_in_flight"] >= 24 and stats["requests"] == 48


def test_models_health_stats_and_auth_never_stored(gold_server):
    assert [m.id for m in oai(gold_server).models.list()] == ["emulated"]
    with urllib.request.urlopen(gold_server.base_url + "/health", timeout=5) as r:
        assert json.load(r) == {"status": "ok"}
    with urllib.request.urlopen(gold_server.base_url + "/_stats", timeout=5) as r:
        over_http = json.load(r)
    assert over_http["samples"] == 6 and over_http["loaded"]["next_best"] == 2
    stats = gold_server.stats()
    assert stats["auth_present"] == stats["requests"] > 0 and stats["auth_missing"] == 0
    assert KEY not in json.dumps(stats) and KEY not in json.dumps(over_http)


def test_command_line_serves_until_interrupted(suite):
    proc = subprocess.Popen([sys.executable, "-m", "fcbench.testing.server", "--suite", str(suite),
                             "--tasks", "parameter_value", "--port", "0", "--latency", "0.01"],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        line = proc.stdout.readline()
        url = line.split(" on ", 1)[1].split()[0]
        with urllib.request.urlopen(url + "/health", timeout=5) as r:
            assert r.status == 200
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err
    assert json.loads(out.strip().splitlines()[-1])["endpoints"] == {"health": 1}
