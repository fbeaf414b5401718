"""``--protocol interactive`` end to end through the real openai and anthropic SDKs (and the lean
client) against the emulated server's scripted multi-turn agents (`fcbench.testing.agents`).

Every tool result travels in the backend's native form (OpenAI ``tool`` messages, Anthropic
``tool_result`` blocks, prompt-mode text turns) and the agent reads it back from the
conversation the client sends: nothing is shared with the client but HTTP.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli

from fcbench.running.conversation import resolved_gold
from fcbench.task_registry import discover_tasks
from fcbench.testing import EmulatedServer, ServerConfig

LIMIT = 6
TASKS = "nested,chaining,parallel,response_generation"
KEY = "sk-test-SECRET-77a1"
ENV = {"OPENAI_API_KEY": KEY, "ANTHROPIC_API_KEY": KEY, "OPENAI_BASE_URL": "", "ANTHROPIC_BASE_URL": ""}
PROVIDERS = ("openai", "anthropic", "openai-compatible")


def run_against(server: EmulatedServer, provider: str, out: Path, protocol: str, mode: str = "native") -> dict:
    url = server.base_url if provider == "anthropic" else server.base_url + "/v1"
    proc = run_cli("run", "--model", f"{provider}/emulated", "--tasks", TASKS, "--limit", str(LIMIT),
                   "--protocol", protocol, "--mode", mode, "--base-url", url, "--out", str(out), "--quiet",
                   "--retries", "1", "--retry-base-delay", "0.01", env=ENV)
    assert proc.returncode == 0, proc.stderr
    assert KEY not in proc.stdout + proc.stderr
    return json.loads((out / "results.json").read_text())


def agent_server(behaviour: str) -> EmulatedServer:
    return EmulatedServer(ServerConfig(tasks=TASKS, limit=LIMIT, behaviour=behaviour))


@pytest.mark.parametrize("provider", PROVIDERS)
def test_turn_by_turn_agent_scores_100_percent_interactive_and_fails_the_plan_protocol(tmp_path, provider):
    with agent_server("stepwise") as server:
        interactive = run_against(server, provider, tmp_path / "interactive", "interactive")
        plan = run_against(server, provider, tmp_path / "plan", "plan")
        assert server.stats()["unmatched"] == 0
    for name, t in interactive["tasks"].items():
        assert t["score"] == 1.0, (provider, name, t["failures"])
        assert t["metrics"]["turns"] > 2 and t["metrics"]["tool_error_rate"] == 0
    # Beside it, the plan protocol: the same agent writes only its first call.
    print(f"\nstepwise agent via {provider}: interactive "
          + ", ".join(f"{k} {v['score']:.0%}" for k, v in interactive["tasks"].items())
          + "; plan " + ", ".join(f"{k} {v['score']:.0%}" for k, v in plan["tasks"].items()))
    for name, t in plan["tasks"].items():
        if name != "response_generation":  # under the plan protocol its calls are given: it only answers
            assert t["score"] == 0.0 and "missing_call" in t["failures"], (name, t)


@pytest.mark.parametrize("provider", ["anthropic", "openai-compatible"])
def test_turn_by_turn_agent_in_prompt_mode(tmp_path, provider):
    with agent_server("stepwise") as server:
        results = run_against(server, provider, tmp_path / "run", "interactive", mode="prompt")
    for name, t in results["tasks"].items():
        assert t["score"] == 1.0, (provider, name, t["failures"])


def test_placeholder_agent_fails_nested_with_placeholder_sent(tmp_path):
    with agent_server("placeholder") as server:
        results = run_against(server, "openai", tmp_path / "run", "interactive")
    nested = results["tasks"]["nested"]
    assert nested["score"] == 0.0
    assert nested["failures"]["placeholder_sent"] == LIMIT
    # chaining and parallel golds refer to no earlier output: a whole plan in one turn is right there
    assert results["tasks"]["parallel"]["score"] == 1.0


@pytest.mark.parametrize("provider", ["anthropic", "openai-compatible"])
def test_never_stopping_agent_fails_with_budget_exhausted_and_stays_bounded(tmp_path, provider):
    with agent_server("endless") as server:
        results = run_against(server, provider, tmp_path / "run", "interactive")
        requests = server.stats()["requests"]
    gold_calls = {s.id: len(resolved_gold(s)[0]) for name in TASKS.split(",")
                  for s in discover_tasks()[name].load()[:LIMIT]}
    turns = 0
    lines = (tmp_path / "run" / "samples.jsonl").read_text().splitlines()
    for line in lines:
        row = json.loads(line)
        taken = len(row["details"]["transcript"])
        assert taken == gold_calls[row["sample_id"]] + 3  # the default budget: gold calls + 3 turns
        turns += taken
    assert len(lines) == 4 * LIMIT
    for name, t in results["tasks"].items():
        assert t["score"] == 0.0 and t["failures"]["budget_exhausted"] == LIMIT, (name, t["failures"])
    assert requests == turns  # one request a turn: nothing beyond the budget was asked


def test_recovering_agent_passes_after_a_tool_error(tmp_path):
    with agent_server("recovering") as server:
        results = run_against(server, "anthropic", tmp_path / "run", "interactive")
    for name, t in results["tasks"].items():
        assert t["score"] == 1.0, (name, t["failures"])
        assert t["metrics"]["recovered"] == 1.0 and t["metrics"]["tool_error_rate"] > 0


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_thinking_model_gets_its_reasoning_back_on_every_turn(tmp_path, provider):
    """Anthropic's extended thinking and DeepSeek's thinking mode refuse (400) a conversation whose
    tool-calling assistant turns lost their reasoning. The emulated server answers as such a model
    and refuses the same way; fcbench sends each turn's reasoning back as it came, so the
    stepwise agent scores as it does without thinking."""
    config = ServerConfig(tasks=TASKS, limit=LIMIT, behaviour="stepwise", thinking=True)
    with EmulatedServer(config) as server:
        results = run_against(server, provider, tmp_path / "run", "interactive")
        assert server.stats()["bad_requests"] == 0
    assert results["totals"]["infra_errors"] == 0
    for name, task in results["tasks"].items():
        assert task["score"] == 1.0, (provider, name, task["failures"])
