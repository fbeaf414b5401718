"""How real servers vary the answer shapes (Azure, Groq, TGI, vLLM, Ollama, Anthropic-compatible).

Each case has the emulated server send a few samples bytes such a server was seen to send, runs
``fcbench run`` through the lean client and the real SDKs, and checks the verdict against the
rule of `test_server_answers`: what the model wrote is scored (malformed or not); an answer the
provider withheld or a request it refused is an infrastructure failure with its kind.
"""

from __future__ import annotations

import json

import pytest
from conftest import run_cli

from fcbench.task_registry import discover_tasks
from fcbench.testing import EmulatedServer, ServerConfig

KEY = "sk-test-SECRET-variants-31"
ENV = {"OPENAI_API_KEY": KEY, "ANTHROPIC_API_KEY": KEY, "OPENAI_BASE_URL": "", "ANTHROPIC_BASE_URL": ""}
LIMIT = 2
TASK = discover_tasks()["parameter_value"]
ALL_SAMPLES = TASK.load("test")
SAMPLES = ALL_SAMPLES[:LIMIT]
OPENAI_BACKENDS = ["openai-compatible", "openai"]
FILTER_RESULTS = {"hate": {"filtered": False, "severity": "safe"}, "sexual": {"filtered": True, "severity": "high"},
                  "violence": {"filtered": False, "severity": "safe"}, "self_harm": {"filtered": False,
                                                                                      "severity": "safe"}}


def gold_call(sample) -> tuple[str, dict]:
    call = TASK.reference_calls(sample)[0]
    return call.name, call.arguments


def wire_calls(sample, **extra) -> list[dict]:
    name, args = gold_call(sample)
    return [{"id": "c1", "type": "function", "function": {"name": name, "arguments": json.dumps(args)}, **extra}]


def chat_body(message: dict, finish_reason: str | None = "tool_calls", **choice_extra) -> dict:
    return {"id": "x", "object": "chat.completion", "model": "m",
            "choices": [{"index": 0, "message": {"role": "assistant", **message}, "finish_reason": finish_reason,
                         **choice_extra}],
            "usage": {"prompt_tokens": 5, "completion_tokens": 5}}


def messages_body(content: list, stop_reason: str = "tool_use") -> dict:
    return {"id": "msg", "type": "message", "role": "assistant", "model": "m", "stop_reason": stop_reason,
            "content": content, "usage": {"input_tokens": 5, "output_tokens": 5}}


def tool_use(sample) -> dict:
    name, args = gold_call(sample)
    return {"type": "tool_use", "id": "tu1", "name": name, "input": args}


def run(tmp_path, provider: str, bodies: list, status: int = 200, samples=SAMPLES) -> tuple[list[dict], object]:
    keys = [f"parameter_value/{s.id}" for s in samples]
    config = ServerConfig(tasks="parameter_value", limit=len(samples),
                          raw_replies={k: json.dumps(b).encode() for k, b in zip(keys, bodies)},
                          raw_statuses={k: status for k in keys})
    with EmulatedServer(config) as server:
        url = server.base_url if provider == "anthropic" else server.base_url + "/v1"
        proc = run_cli("run", "--model", f"{provider}/emulated", "--base-url", url, "--tasks", "parameter_value",
                       "--limit", str(len(samples)), "--out", str(tmp_path / "run"), "--quiet", "--retries", "2",
                       "--rate-limit-retries", "2", "--retry-base-delay", "0.01", env=ENV)
    assert "Traceback" not in proc.stderr, proc.stderr
    text = (tmp_path / "run" / "samples.jsonl").read_text()
    assert KEY not in text and KEY not in proc.stderr and KEY not in proc.stdout
    rows = [json.loads(line) for line in text.splitlines()]
    order = {f"parameter_value/{s.id}": i for i, s in enumerate(samples)}
    return sorted(rows, key=lambda r: order[f"{r['task']}/{r['sample_id']}"]), proc


def infra(rows: list[dict]) -> list[tuple[str, str, int]]:
    return [(r["status"], r["output"]["infra_error"]["kind"], r["output"]["infra_error"]["attempts"]) for r in rows]


# ------------------------------------------------------------------ content filters
@pytest.mark.parametrize("provider", [*OPENAI_BACKENDS, "anthropic"])
def test_an_answer_withheld_by_the_providers_filter_is_not_scored(tmp_path, provider):
    """OpenAI's and Azure's ``finish_reason: "content_filter"`` (content null, the filter's verdict in
    ``content_filter_results``) and Anthropic's ``stop_reason: "refusal"`` (its safety classifiers
    stopped the answer) say the provider withheld the answer. There is nothing of the model's to
    score: kind ``content_filter``, not retried (the same prompt meets the same filter), never a
    ``no_call``."""
    if provider == "anthropic":
        bodies = [messages_body([{"type": "text", "text": "I"}], stop_reason="refusal")] * LIMIT
    else:
        bodies = [{**chat_body({"content": None}, "content_filter", content_filter_results=FILTER_RESULTS),
                   "prompt_filter_results": [{"prompt_index": 0, "content_filter_results": FILTER_RESULTS}]}] * LIMIT
    rows, proc = run(tmp_path, provider, bodies)
    assert infra(rows) == [("infra_error", "content_filter", 1)] * LIMIT, rows
    assert "content filter" in rows[0]["output"]["infra_error"]["message"]
    assert f"content_filter {LIMIT}" in proc.stderr


@pytest.mark.parametrize("provider", OPENAI_BACKENDS)
def test_a_prompt_azure_blocks_is_content_filter_at_once(tmp_path, provider):
    """Azure answers 400 ``code: "content_filter"`` when the *prompt* trips its filter: the request
    was refused, so no answer exists. The kind says why (not a generic ``bad_request``), and asking
    again cannot help. The openai SDK keeps only the message in its exception text; the code is in
    the body, which is read too."""
    body = {"error": {"message": "The response was filtered due to the prompt triggering Azure OpenAI's "
                                 "content management policy. Please modify your prompt and retry.",
                      "type": None, "param": "prompt", "code": "content_filter", "status": 400,
                      "innererror": {"code": "ResponsibleAIPolicyViolation",
                                     "content_filter_result": FILTER_RESULTS}}}
    rows, _ = run(tmp_path, provider, [body] * LIMIT, status=400)
    assert infra(rows) == [("infra_error", "content_filter", 1)] * LIMIT, rows


@pytest.mark.parametrize("provider", OPENAI_BACKENDS)
def test_azure_filter_fields_on_a_normal_answer_are_ignored(tmp_path, provider):
    """Azure adds ``prompt_filter_results`` and per-choice ``content_filter_results`` to every answer;
    with ``finish_reason: "tool_calls"`` the answer is an ordinary one."""
    bodies = [{**chat_body({"content": None, "tool_calls": wire_calls(s)}, content_filter_results=FILTER_RESULTS),
               "prompt_filter_results": [{"prompt_index": 0, "content_filter_results": FILTER_RESULTS}]}
              for s in SAMPLES]
    rows, _ = run(tmp_path, provider, bodies)
    assert [(r["status"], r["passed"]) for r in rows] == [("scored", True)] * LIMIT


# ------------------------------------------------------------------ Groq: the server refuses the model's call
@pytest.mark.parametrize("provider", OPENAI_BACKENDS)
def test_groq_tool_use_failed_is_the_models_malformed_answer(tmp_path, provider):
    """Groq answers 400 ``code: "tool_use_failed"`` with the model's text in ``failed_generation``
    when the model wrote a call the server could not read. That is the model's answer, malformed:
    scored ``malformed_output`` with that text kept, not an infrastructure failure that every
    ``--resume`` would ask again and that would leave the model's worst answers out of its score."""
    bodies = [{"error": {"message": "Failed to call a function. Please adjust your prompt. See 'failed_generation' "
                                    "for more details.", "type": "invalid_request_error", "code": "tool_use_failed",
                         "failed_generation": f'<function={gold_call(s)[0]}{{"x": 1</function>'}} for s in SAMPLES]
    rows, proc = run(tmp_path, provider, bodies, status=400)
    assert proc.returncode == 0, proc.stderr
    for row, sample in zip(rows, SAMPLES):
        assert (row["status"], row["passed"], row["failures"]) == ("scored", False, ["malformed_output"]), row
        assert row["output"]["text"] == f'<function={gold_call(sample)[0]}{{"x": 1</function>'
        assert "tool_use_failed" in row["output"]["malformed"]
        assert row["output"]["attempts"] == 1, "a model's answer is never retried"


# ------------------------------------------------------------------ finish reasons that say more than the body
@pytest.mark.parametrize("provider", OPENAI_BACKENDS)
def test_tool_calls_finish_without_any_call_is_malformed(tmp_path, provider):
    """vLLM and llama.cpp can end with ``finish_reason: "tool_calls"`` but send neither calls nor
    text (the server's tool parser found the call's start and nothing it could read). The model
    did try to call: ``malformed_output``, not ``no_call``."""
    rows, _ = run(tmp_path, provider, [chat_body({"content": None})] * LIMIT)
    assert [(r["status"], r["failures"]) for r in rows] == [("scored", ["malformed_output"])] * LIMIT, rows
    assert "finish_reason" in rows[0]["output"]["malformed"]


def test_anthropic_context_window_stop_is_a_truncated_answer(tmp_path):
    """``stop_reason: "model_context_window_exceeded"``: the answer was cut off where the context
    window ended, like ``max_tokens``. It is scored as it is, and counted with the truncated answers."""
    bodies = [messages_body([{"type": "text", "text": "Let me"}], "model_context_window_exceeded")] * LIMIT
    rows, proc = run(tmp_path, "anthropic", bodies)
    verdicts = [(r["status"], r["passed"], r["output"]["finish_reason"]) for r in rows]
    assert verdicts == [("scored", False, "length")] * LIMIT
    assert json.loads((tmp_path / "run" / "run.json").read_text())["totals"]["truncated"] == LIMIT


def test_anthropic_pause_turn_is_an_unfinished_answer(tmp_path):
    """``stop_reason: "pause_turn"``: the API paused a long turn for the client to continue. The
    answer is not finished (fcbench does not continue paused turns), so it is not scored as the
    model's: kind ``incomplete``, retried within the budget."""
    bodies = [messages_body([{"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search",
                              "input": {"query": "x"}}], "pause_turn")] * LIMIT
    rows, _ = run(tmp_path, "anthropic", bodies)
    assert infra(rows) == [("infra_error", "incomplete", 3)] * LIMIT, rows
    assert "pause_turn" in rows[0]["output"]["infra_error"]["message"]


def test_anthropic_tool_input_as_a_json_string_is_read(tmp_path):
    """Anthropic-compatible endpoints of other vendors (and proxies in front of Chat Completions
    models) send ``tool_use.input`` as the JSON text of the object. The call is the same; reading
    it, as the Chat Completions reader reads ``arguments`` either way, scores the model and not
    the proxy's wire form. A string that is not a JSON object stays malformed."""
    bodies = [messages_body([{**tool_use(s), "input": json.dumps(tool_use(s)["input"]) + "\n"}]) for s in SAMPLES]
    bodies[1]["content"][0]["input"] = '{"cut'
    rows, _ = run(tmp_path, "anthropic", bodies)
    assert (rows[0]["status"], rows[0]["passed"]) == ("scored", True), rows[0]
    assert (rows[1]["status"], rows[1]["failures"]) == ("scored", ["malformed_output"]), rows[1]


# ------------------------------------------------------------------ shapes fcbench already reads (guards)
def chat_variants(sample) -> dict[str, dict]:
    """The gold call in the shapes servers send it, by who sends it."""
    name, args = gold_call(sample)
    calls = wire_calls(sample)
    no_type = [{k: v for k, v in c.items() if k != "type"} for c in calls]
    no_id = [{k: v for k, v in c.items() if k != "id"} for c in calls]
    two = chat_body({"content": None, "tool_calls": calls})
    two["choices"].append({"index": 1, "message": {"role": "assistant", "content": "other"}, "finish_reason": "stop"})
    only_second = chat_body({"content": None, "tool_calls": calls})
    only_second["choices"][0]["index"] = 1
    no_usage = chat_body({"content": None, "tool_calls": calls})
    del no_usage["usage"]
    null_usage = {**chat_body({"content": None, "tool_calls": calls}), "usage": None}
    return {
        "tgi: arguments as an object, description null, finish stop": chat_body({"content": None, "tool_calls": [
            {"id": "0", "type": "function", "function": {"description": None, "name": name, "arguments": args}}]},
            "stop"),
        "proxy: type missing": chat_body({"content": None, "tool_calls": no_type}),
        "proxy: id missing": chat_body({"content": None, "tool_calls": no_id}),
        "proxy: id empty": chat_body({"content": None, "tool_calls": wire_calls(sample, id="")}),
        "streaming proxy: index kept": chat_body({"content": None, "tool_calls": wire_calls(sample, index=0)}),
        "ollama: content empty, finish stop": chat_body({"content": "", "tool_calls": calls}, "stop"),
        "llama.cpp: arguments with whitespace around": chat_body({"content": None, "tool_calls": [
            {**calls[0], "function": {"name": name, "arguments": " " + json.dumps(args) + "\n\n\t"}}]}),
        "vllm: stop_reason an integer, reasoning_content": chat_body(
            {"content": None, "reasoning_content": "think", "tool_calls": calls}, stop_reason=128009, logprobs=None),
        "vllm: usage missing": no_usage,
        "proxy: usage null": null_usage,
        "n>1 not asked: two choices": two,
        "one choice of index 1": only_second,
    }


def test_call_shapes_of_other_servers_are_the_gold_answer(tmp_path):
    """Guard: these shapes were read right before this file existed; kept so no change loses them."""
    names = list(chat_variants(SAMPLES[0]))
    samples = ALL_SAMPLES[:len(names)]
    bodies = [chat_variants(s)[n] for n, s in zip(names, samples)]
    rows, _ = run(tmp_path, "openai-compatible", bodies, samples=samples)
    assert {n: (r["status"], r["passed"]) for n, r in zip(names, rows)} == {n: ("scored", True) for n in names}


def test_anthropic_blocks_of_other_kinds_are_read_around(tmp_path):
    """Guard: server tool blocks, citations on text, a ``thinking`` block without ``signature``
    (Anthropic-compatible endpoints of other vendors) and a missing ``usage`` leave the call readable."""
    bodies = []
    for i, s in enumerate(SAMPLES):
        content = [{"type": "thinking", "thinking": "hmm"},
                   {"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": {"query": "x"}},
                   {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_1", "content": []},
                   {"type": "text", "text": "Found it.", "citations": [{"type": "web_search_result_location",
                                                                      "url": "http://x", "cited_text": "c"}]},
                   tool_use(s)]
        body = messages_body(content)
        if i:
            del body["usage"]
        bodies.append(body)
    rows, _ = run(tmp_path, "anthropic", bodies)
    assert [(r["status"], r["passed"]) for r in rows] == [("scored", True)] * LIMIT
