"""What real servers and proxies send besides a plain answer, end to end over HTTP.

Each case has the emulated server answer a few samples with bytes a real server was seen to
send, runs ``fcbench run`` through the lean client and the real SDKs, and checks the verdict:
the model's answer is scored; a server's or provider's fault is an infrastructure failure
with its kind (retried when waiting can help, at once when it cannot); never the other way.
"""

from __future__ import annotations

import json

import pytest
from conftest import run_cli

from fcbench.task_registry import discover_tasks
from fcbench.testing import EmulatedServer, ServerConfig

KEY = "sk-test-SECRET-answers-77"
ENV = {"OPENAI_API_KEY": KEY, "ANTHROPIC_API_KEY": KEY, "OPENAI_BASE_URL": "", "ANTHROPIC_BASE_URL": ""}
LIMIT = 2
SAMPLES = discover_tasks()["parameter_value"].load("test")[:LIMIT]
KEYS = [f"parameter_value/{s.id}" for s in SAMPLES]


def gold_call(sample) -> tuple[str, dict]:
    call = sample.gold["calls"][0]
    return call["name"], {k: v[0] for k, v in call["arguments"].items() if v and v[0] != ""}


def chat_body(sample, **choice_extra) -> dict:
    name, args = gold_call(sample)
    message = {"role": "assistant", "content": None,
               "tool_calls": [{"id": "c1", "type": "function",
                               "function": {"name": name, "arguments": json.dumps(args)}}]}
    return {"id": "x", "object": "chat.completion", "model": "m",
            "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls", **choice_extra}],
            "usage": {"prompt_tokens": 5, "completion_tokens": 5}}


def messages_body(sample) -> dict:
    name, args = gold_call(sample)
    return {"id": "msg", "type": "message", "role": "assistant", "model": "m", "stop_reason": "tool_use",
            "content": [{"type": "tool_use", "id": "tu1", "name": name, "input": args}],
            "usage": {"input_tokens": 5, "output_tokens": 5}}


def events(sample) -> bytes:
    """The gold call streamed as chat completion chunks (the arguments in two pieces)."""
    name, args = gold_call(sample)
    text = json.dumps(args)
    chunks = [{"choices": [{"index": 0, "delta": {"role": "assistant", "tool_calls": [
                  {"index": 0, "id": "c1", "type": "function", "function": {"name": name, "arguments": text[:3]}}]}}]},
              {"choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "function": {"arguments": text[3:]}}]}}]},
              {"choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]}]
    return b"".join(b"data: " + json.dumps(c).encode() + b"\n\n" for c in chunks) + b"data: [DONE]\n\n"


def run(tmp_path, provider: str, config: ServerConfig) -> tuple[list[dict], object]:
    with EmulatedServer(config) as server:
        url = server.base_url if provider == "anthropic" else server.base_url + "/v1"
        proc = run_cli("run", "--model", f"{provider}/emulated", "--base-url", url, "--tasks", "parameter_value",
                       "--limit", str(LIMIT), "--out", str(tmp_path / "run"), "--quiet", "--retries", "2",
                       "--rate-limit-retries", "2", "--retry-base-delay", "0.01", env=ENV)
    assert "Traceback" not in proc.stderr, proc.stderr
    rows = [json.loads(line) for line in (tmp_path / "run" / "samples.jsonl").read_text().splitlines()]
    assert KEY not in (tmp_path / "run" / "samples.jsonl").read_text()
    return rows, proc


def raw(bodies: list[bytes]) -> ServerConfig:
    return ServerConfig(tasks="parameter_value", limit=LIMIT, raw_replies=dict(zip(KEYS, bodies)))


@pytest.mark.parametrize("provider", ["openai-compatible", "openai", "anthropic"])
def test_a_byte_order_mark_before_the_json_is_read(tmp_path, provider):
    """Some proxies and Windows tools write a UTF-8 BOM; `json.loads` of bytes accepts it."""
    make = messages_body if provider == "anthropic" else chat_body
    rows, proc = run(tmp_path, provider, raw([b"\xef\xbb\xbf" + json.dumps(make(s)).encode() for s in SAMPLES]))
    assert proc.returncode == 0, proc.stderr
    assert [(r["status"], r["passed"]) for r in rows] == [("scored", True)] * LIMIT


@pytest.mark.parametrize("provider", ["openai-compatible", "openai"])
def test_an_error_inside_a_choice_is_the_servers_fault(tmp_path, provider):
    """OpenRouter reports an upstream provider's failure in a 200 answer: ``finish_reason:
    "error"`` and an ``error`` object in the choice. Scored, it would be a wrong answer (no call)."""
    bodies = [json.dumps({"choices": [{"message": {"role": "assistant", "content": ""}, "finish_reason": "error",
                                       "error": {"code": 502, "message": "Upstream provider returned an error"}}]}
                         ).encode() for _ in SAMPLES]
    rows, _ = run(tmp_path, provider, raw(bodies))
    for row in rows:
        failure = row["output"]["infra_error"]
        assert row["status"] == "infra_error" and failure["kind"] == "server_error", row
        assert "Upstream provider returned an error" in failure["message"]
        assert failure["attempts"] == 3, "retried: the next attempt may reach a healthy provider"


@pytest.mark.parametrize("provider", ["openai-compatible", "openai", "anthropic"])
def test_an_exhausted_quota_is_billing_and_not_retried(tmp_path, provider):
    """A 429 that says the quota is spent is not a rate limit: waiting cannot help."""
    config = ServerConfig(tasks="parameter_value", limit=LIMIT, fault_rate=1.0, faults=("quota",))
    rows, _ = run(tmp_path, provider, config)
    for row in rows:
        failure = row["output"]["infra_error"]
        assert (row["status"], failure["kind"], failure["attempts"]) == ("infra_error", "billing", 1), row


def test_the_openai_sdk_backend_reads_a_streamed_answer(tmp_path):
    """A proxy that always streams: the events are folded into one answer, as for openai-compatible/."""
    rows, proc = run(tmp_path, "openai", raw([events(s) for s in SAMPLES]))
    assert proc.returncode == 0, proc.stderr
    assert [(r["status"], r["passed"]) for r in rows] == [("scored", True)] * LIMIT


def test_an_anthropic_error_sent_with_status_200_keeps_its_message(tmp_path):
    body = json.dumps({"type": "error", "error": {"type": "api_error", "message": "Internal server error"}}).encode()
    rows, _ = run(tmp_path, "anthropic", raw([body] * LIMIT))
    for row in rows:
        failure = row["output"]["infra_error"]
        assert (row["status"], failure["kind"]) == ("infra_error", "server_error"), row
        assert "Internal server error" in failure["message"]


def test_a_refusal_is_the_answers_text(tmp_path):
    """OpenAI puts a refusal in ``refusal`` with no content: it is the model's answer (no call),
    and what it said is kept where a reader looks for it."""
    body = {"choices": [{"message": {"role": "assistant", "content": None, "refusal": "I can't help with that."},
                         "finish_reason": "stop"}]}
    rows, _ = run(tmp_path, "openai-compatible", raw([json.dumps(body).encode()] * LIMIT))
    for row in rows:
        assert (row["status"], row["passed"], row["failures"]) == ("scored", False, ["no_call"]), row
        assert row["output"]["text"] == "I can't help with that."
