"""`fcbench run` end to end through the real openai and anthropic SDKs (and the lean client)
against fcbench's emulated server on 127.0.0.1: scripted replies, latency and faults.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli

from fcbench.testing import EmulatedServer, ServerConfig

LIMIT = 5  # samples per task, 35 in all
KEY = "sk-test-SECRET-4f9c2e71d0"
ENV = {"OPENAI_API_KEY": KEY, "ANTHROPIC_API_KEY": KEY, "OPENAI_BASE_URL": "", "ANTHROPIC_BASE_URL": ""}
PROVIDERS = ("openai", "anthropic", "openai-compatible")
FAST_RETRIES = ["--retry-base-delay", "0.01", "--retries", "4", "-M", "timeout=1"]


def base_url(server: EmulatedServer, provider: str) -> str:
    return server.base_url if provider == "anthropic" else server.base_url + "/v1"


def run_against(server: EmulatedServer, provider: str, out: Path, *extra: str, mode: str = "native",
                code: int = 0):
    """`code`: the exit code expected (3 when nothing is scored)."""
    proc = run_cli("run", "--model", f"{provider}/emulated", "--limit", str(LIMIT), "--mode", mode,
                   "--base-url", base_url(server, provider), "--concurrency", "8", "--out", str(out), "--quiet",
                   *FAST_RETRIES, *extra, env=ENV)
    assert proc.returncode == code, proc.stderr
    return json.loads((out / "results.json").read_text()), proc


def scores(results: dict) -> dict:
    return {name: (t["n"], t["score"], t["failures"]) for name, t in results["tasks"].items()}


@pytest.fixture(scope="module")
def gold_server():
    with EmulatedServer(ServerConfig(limit=LIMIT, behaviour="gold")) as server:
        yield server


@pytest.fixture(scope="module")
def clean_scores(gold_server, tmp_path_factory):
    results, _ = run_against(gold_server, "openai-compatible", tmp_path_factory.mktemp("clean") / "run")
    return scores(results)


@pytest.mark.parametrize("mode", ["native", "prompt"])
@pytest.mark.parametrize("provider", PROVIDERS)
def test_gold_answering_server_scores_100_percent(gold_server, tmp_path, provider, mode):
    results, proc = run_against(gold_server, provider, tmp_path / "run", mode=mode)
    assert len(results["tasks"]) == 7
    for name, task in results["tasks"].items():
        assert task["n"] == LIMIT and task["score"] == 1.0, (provider, mode, name, task["failures"])
    assert results["totals"]["infra_errors"] == 0
    assert KEY not in proc.stdout + proc.stderr


def test_thirty_percent_faults_give_the_same_scores_with_faults_counted(clean_scores, tmp_path):
    config = ServerConfig(limit=LIMIT, behaviour="gold", fault_rate=0.3, hang_s=3.0, seed=7,
                          faults=("429", "500", "529", "timeout", "drop"))
    with EmulatedServer(config) as server:
        results, _ = run_against(server, "openai-compatible", tmp_path / "run", "--retries", "8",
                                 "--rate-limit-retries", "8")
        stats = server.stats()
    assert scores(results) == clean_scores
    assert sum(stats["faults"].values()) > 0, stats
    manifest = json.loads((tmp_path / "run" / "run.json").read_text())
    assert manifest["totals"]["retried_attempts"] == sum(stats["faults"].values())


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_sdk_backends_survive_faults_too(clean_scores, tmp_path, provider):
    config = ServerConfig(limit=LIMIT, behaviour="gold", fault_rate=0.3, seed=3, faults=("429", "500", "529", "drop"))
    with EmulatedServer(config) as server:
        results, _ = run_against(server, provider, tmp_path / "run", "--retries", "8", "--rate-limit-retries", "8")
        assert sum(server.stats()["faults"].values()) > 0
    assert scores(results) == clean_scores


def test_exhausted_retries_are_infra_failures_and_resume_restores_the_scores(clean_scores, tmp_path):
    """A server that always fails: every sample is an infrastructure failure, not a wrong answer.
    Resumed against a healthy server, the run ends with the clean scores."""
    run_dir = tmp_path / "run"
    with EmulatedServer(ServerConfig(limit=LIMIT, fault_rate=1.0, faults=("500", "529", "drop"))) as broken:
        results, proc = run_against(broken, "openai-compatible", run_dir, "--retries", "2", code=3)
        per_sample = broken.stats()["per_sample"]
    assert results["totals"]["infra_errors"] == 7 * LIMIT
    assert all(t["n"] == 0 and t["score"] is None for t in results["tasks"].values())
    assert set(per_sample.values()) == {3}, "bounded: 1 attempt + 2 retries per sample"
    assert "infrastructure failures" in proc.stderr and "--resume" in proc.stderr
    with EmulatedServer(ServerConfig(limit=LIMIT, behaviour="gold")) as healthy:
        proc = run_cli("run", "--resume", str(run_dir), "--base-url", base_url(healthy, "openai-compatible"),
                       "--quiet", env=ENV)
        assert proc.returncode == 0, proc.stderr
        assert sum(healthy.stats()["per_sample"].values()) == 7 * LIMIT
    assert scores(json.loads((run_dir / "results.json").read_text())) == clean_scores


def test_wrong_answers_are_never_retried_and_are_categorised(tmp_path):
    with EmulatedServer(ServerConfig(limit=LIMIT, behaviour="perturbed")) as server:
        results, _ = run_against(server, "openai", tmp_path / "run")
        per_sample = server.stats()["per_sample"]
    assert set(per_sample.values()) == {1}, "one request per sample: answers are not retried"
    for name, task in results["tasks"].items():
        assert task["score"] < 1.0 and task["failures"], name


@pytest.mark.parametrize("behaviour,category", [("malformed", "malformed_output"), ("text", "no_call")])
def test_unreadable_or_missing_calls_are_scored_not_crashed(tmp_path, behaviour, category):
    with EmulatedServer(ServerConfig(limit=LIMIT, behaviour=behaviour, tasks="parallel,parameter_value")) as server:
        results, _ = run_against(server, "openai-compatible", tmp_path / "run", "--tasks", "parallel,parameter_value")
    for name, task in results["tasks"].items():
        assert task["score"] == 0.0 and category in task["failures"], (name, task["failures"])
    lines = [json.loads(x) for x in (tmp_path / "run" / "samples.jsonl").read_text().splitlines()]
    if behaviour == "malformed":
        assert all(line["output"].get("malformed") for line in lines)
        assert all(line["output"].get("text") for line in lines), "the raw text is kept"


def test_calls_returned_as_text_in_content_are_still_scored(tmp_path, clean_scores):
    with EmulatedServer(ServerConfig(limit=LIMIT, behaviour="content_calls")) as server:
        results, _ = run_against(server, "openai-compatible", tmp_path / "run")
    assert scores(results) == clean_scores


def test_api_key_never_reaches_a_run_file(gold_server, tmp_path):
    """Every byte of every file a run writes, for every backend, is free of the key."""
    for provider in PROVIDERS:
        run_against(gold_server, provider, tmp_path / provider)
    with EmulatedServer(ServerConfig(limit=LIMIT, fault_rate=1.0, faults=("500",))) as broken:
        run_against(broken, "openai", tmp_path / "faulty", "--retries", "0", code=3)
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(files) >= 3 * (len(PROVIDERS) + 1)
    for path in files:
        assert KEY.encode() not in path.read_bytes(), path


def test_requests_are_spread_over_several_endpoints(tmp_path, clean_scores):
    """Repeating --base-url spreads one run over replicas (least outstanding first)."""
    with EmulatedServer(ServerConfig(limit=LIMIT, latency_s=0.02)) as first, \
            EmulatedServer(ServerConfig(limit=LIMIT, latency_s=0.02)) as second:
        proc = run_cli("run", "--model", "openai-compatible/emulated", "--limit", str(LIMIT),
                       "--base-url", first.base_url + "/v1", "--base-url", second.base_url + "/v1",
                       "--concurrency", "8", "--out", str(tmp_path / "run"), "--quiet", env=ENV)
        assert proc.returncode == 0, proc.stderr
        counts = [first.stats()["requests"], second.stats()["requests"]]
    assert sum(counts) == 7 * LIMIT and min(counts) >= 7 * LIMIT // 4, counts
    assert scores(json.loads((tmp_path / "run" / "results.json").read_text())) == clean_scores


def test_vllm_server_backend_attaches_to_a_running_server(gold_server, tmp_path):
    """`vllm-server/` with --base-url starts nothing: it talks to the server that is there."""
    results, _ = run_against(gold_server, "vllm-server", tmp_path / "run")
    assert all(t["score"] == 1.0 for t in results["tasks"].values())
    backend = json.loads((tmp_path / "run" / "run.json").read_text())["backend"]
    assert backend.get("server_command") in (None, []), backend


def test_a_streamed_answer_is_read_like_one_json_answer(gold_server, tmp_path, clean_scores):
    """Asked to stream (as some servers and proxies do whatever the client asks), the emulated
    server answers in server-sent events: text and call arguments in pieces, usage last. The
    lean client folds them back into one completion, so every score, and the token counts,
    equal the unstreamed run's."""
    body = json.dumps({"stream": True, "stream_options": {"include_usage": True}})
    results, _ = run_against(gold_server, "openai-compatible", tmp_path / "run", "-M", f"extra_body={body}")
    assert scores(results) == clean_scores
    assert results["totals"]["infra_errors"] == 0
    rows = [json.loads(line) for line in (tmp_path / "run" / "samples.jsonl").read_text().splitlines()]
    assert all(row["output"]["usage"]["completion_tokens"] > 0 for row in rows), "usage came in the last event"
