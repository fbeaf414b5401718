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


# ------------------------------------------------------------------ a set-up that fails every request
def test_a_refused_key_stops_the_run_and_resume_finishes_it(tmp_path):
    """A wrong key fails every request the same way: after the first refusal nothing more is
    sent, the run says why (exit code 3, run.json ``stopped``), and --resume asks the rest."""
    limit = 6
    refusing = ServerConfig(tasks="parameter_value", limit=limit, fault_rate=1.0, faults=("401",))
    with EmulatedServer(refusing) as server:
        proc = run_cli("run", "--model", "openai-compatible/emulated", "--base-url", server.base_url + "/v1",
                       "--tasks", "parameter_value", "--limit", str(limit), "--concurrency", "1",
                       "--out", str(tmp_path / "run"), "--quiet", env=ENV)
        sent = server.stats()["requests"]
    assert proc.returncode == 3, proc.stderr
    assert "stopped: the first answers failed with auth" in proc.stderr and "--resume" in proc.stderr
    assert KEY not in proc.stderr
    assert sent == 1, "nothing more is sent once the set-up is known to be wrong"
    manifest = json.loads((tmp_path / "run" / "run.json").read_text())
    assert manifest["status"] == "stopped" and manifest["stopped_by"].startswith("auth")
    with EmulatedServer(ServerConfig(tasks="parameter_value", limit=limit)) as server:
        proc = run_cli("run", "--model", "openai-compatible/emulated", "--base-url", server.base_url + "/v1",
                       "--resume", str(tmp_path / "run"), "--quiet", env=ENV)
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in (tmp_path / "run" / "samples.jsonl").read_text().splitlines()]
    latest = {r["sample_id"]: r for r in rows}
    assert len(latest) == limit and all(r["passed"] for r in latest.values())
    assert json.loads((tmp_path / "run" / "run.json").read_text())["status"] == "complete"


def test_a_refusal_after_answers_is_one_samples_failure(tmp_path):
    """Once answers have come back, a 401 is that sample's infrastructure failure: the run goes on."""
    limit = 8
    config = ServerConfig(tasks="parameter_value", limit=limit, fault_rate=0.4, faults=("401",), seed=5)
    with EmulatedServer(config) as server:
        proc = run_cli("run", "--model", "openai-compatible/emulated", "--base-url", server.base_url + "/v1",
                       "--tasks", "parameter_value", "--limit", str(limit), "--concurrency", "1",
                       "--out", str(tmp_path / "run"), "--quiet", "--retries", "0", env=ENV)
    rows = [json.loads(line) for line in (tmp_path / "run" / "samples.jsonl").read_text().splitlines()]
    statuses = [r["status"] for r in rows]
    if statuses[0] == "infra_error":
        pytest.skip("this seed refuses the first request; the case above covers it")
    assert len(rows) == limit and "infra_error" in statuses, statuses
    assert proc.returncode == 0, "some samples were scored: the run is incomplete, not failed"
    assert json.loads((tmp_path / "run" / "run.json").read_text())["status"] == "incomplete"


def test_a_run_that_scored_nothing_exits_3(tmp_path):
    """Every sample an infrastructure failure (here: the server keeps failing): nothing to report."""
    config = ServerConfig(tasks="parameter_value", limit=LIMIT, fault_rate=1.0, faults=("500",))
    rows, proc = run(tmp_path, "openai-compatible", config)
    assert [r["status"] for r in rows] == ["infra_error"] * LIMIT
    assert proc.returncode == 3
    assert f"{LIMIT} samples ended in infrastructure failures (server_error {LIMIT}; excluded" in proc.stderr


@pytest.mark.parametrize("provider", ["openai-compatible", "anthropic"])
def test_answers_cut_off_at_the_token_limit_are_counted_and_said(tmp_path, provider):
    """A model out of tokens (a thinking model mid-thought, a call cut in half) is scored as it
    is, but the run says how many answers hit --max-tokens, so a low score is not misread."""
    if provider == "anthropic":
        bodies = [{"id": "m", "type": "message", "role": "assistant", "stop_reason": "max_tokens",
                   "content": [{"type": "text", "text": "Let me"}], "usage": {"input_tokens": 1, "output_tokens": 1}}
                  for _ in SAMPLES]
    else:
        bodies = [{"choices": [{"message": {"role": "assistant", "content": None, "tool_calls": [
            {"id": "c", "type": "function", "function": {"name": gold_call(s)[0], "arguments": '{"ci'}}]},
            "finish_reason": "length"}]} for s in SAMPLES]
    rows, proc = run(tmp_path, provider, raw([json.dumps(b).encode() for b in bodies]))
    assert [(r["status"], r["passed"]) for r in rows] == [("scored", False)] * LIMIT
    assert json.loads((tmp_path / "run" / "run.json").read_text())["totals"]["truncated"] == LIMIT
    assert f"{LIMIT} answers stopped at the token limit (--max-tokens 1024)" in proc.stderr
    assert f"{LIMIT} answers cut off at the token limit" in " ".join(proc.stdout.split())


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_the_sdk_backends_do_not_follow_a_redirect(tmp_path, provider):
    """The SDKs follow redirects by default, and Anthropic's x-api-key header goes along to
    another host. fcbench's SDK backends stop at the 3xx: an infrastructure failure that names
    the Location, not retried, and nothing sent to the host the user did not name."""
    import asyncio
    import threading

    elsewhere_hits = []

    async def serve():
        async def elsewhere(reader, writer):
            elsewhere_hits.append(await reader.read(4096))
            writer.close()

        async def redirecting(reader, writer):
            await reader.readuntil(b"\r\n\r\n")
            location = f"http://127.0.0.1:{other.sockets[0].getsockname()[1]}/v1/x"
            writer.write(f"HTTP/1.1 307 Temporary Redirect\r\nLocation: {location}\r\n"
                         f"Content-Length: 0\r\nConnection: close\r\n\r\n".encode())
            await writer.drain()
            writer.close()

        other = await asyncio.start_server(elsewhere, "127.0.0.1", 0)
        main_server = await asyncio.start_server(redirecting, "127.0.0.1", 0)
        return main_server.sockets[0].getsockname()[1]

    loop = asyncio.new_event_loop()
    port = loop.run_until_complete(serve())
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{port}" + ("" if provider == "anthropic" else "/v1")
        proc = run_cli("run", "--model", f"{provider}/emulated", "--base-url", url, "--tasks", "parameter_value",
                       "--limit", "1", "--out", str(tmp_path / "run"), "--quiet", "--retries", "2",
                       "--retry-base-delay", "0.01", env=ENV)
    finally:
        loop.call_soon_threadsafe(loop.stop)
    row = json.loads((tmp_path / "run" / "samples.jsonl").read_text().splitlines()[0])
    failure = row["output"]["infra_error"]
    assert failure["attempts"] == 1 and "redirected to http://127.0.0.1" in failure["message"], failure
    assert "--base-url" in failure["message"]
    assert elsewhere_hits == [], "nothing went to the other host"
    assert proc.returncode == 3  # nothing scored
