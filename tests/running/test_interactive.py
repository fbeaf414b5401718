"""``--protocol interactive``: multi-step sub-tasks run as tool-use conversations on the simulated tools.

Scripted in-process agents (a `Model` whose answer depends on the conversation so far) pass
or fail for stated reasons; the CLI, the run folder, the report, the leaderboard and the
gate keep the protocol apart from the plan protocol.
"""

from __future__ import annotations

import asyncio
import json

import pytest
from conftest import run_cli

from fcbench.errors import InfraError
from fcbench.models.base import Model
from fcbench.records import ModelOutput, Request, ToolCall
from fcbench.retry import RetryPolicy
from fcbench.running.conversation import (
    Budget,
    TurnBatcher,
    next_gold_calls,
    resolved_gold,
    run_interactive,
)
from fcbench.scoring.references import parse_reference
from fcbench.task_registry import discover_tasks

TASKS = discover_tasks()
NO_RETRY = RetryPolicy(rate_limit_retries=0, transient_retries=0, base_delay=0.0)


def sample_of(task: str, index: int = 0):
    return TASKS[task].load()[index]


def made_so_far(request: Request) -> list[tuple[ToolCall, object]]:
    """The calls of the conversation so far with their results (native mode)."""
    calls = {c.id: c for m in request.messages if m.role == "assistant" for c in m.tool_calls}
    return [(calls[m.tool_call_id], json.loads(m.content)) for m in request.messages if m.role == "tool"]


class Agent(Model):
    """A scripted in-process model: `policy(request, turn, golds)` -> ModelOutput."""

    provider = "agent"

    def __init__(self, policy, golds):
        super().__init__("agent/test")
        self.policy, self.golds, self.requests = policy, golds, []

    async def generate(self, request: Request) -> ModelOutput:
        self.requests.append(request)
        return self.policy(request, request.turn, self.golds)


def calls_out(calls):
    return ModelOutput(tool_calls=tuple(calls), finish_reason="tool_calls") if calls else ModelOutput(text="Done.")


def stepwise(request, turn, golds):
    return calls_out(next_gold_calls("", golds, made_so_far(request), one_at_a_time=True))


def converse(task: str, policy, *, index: int = 0, budget: Budget | None = None, mode: str = "native"):
    sample = sample_of(task, index)
    golds, _ = resolved_gold(sample)
    agent = Agent(policy, golds)
    result = asyncio.run(run_interactive(TASKS[task], sample, mode, agent, NO_RETRY, budget or Budget()))
    return result, agent, golds


# ------------------------------------------------------------------ verdicts, each with its reason
@pytest.mark.parametrize("task", ["nested", "chaining", "parallel"])
def test_one_call_a_turn_with_real_values_passes(task):
    result, agent, golds = converse(task, stepwise)
    assert result.passed, result.failures
    assert result.metrics["turns"] == len(golds) + 1  # one call a turn, then the answer
    assert result.metrics["tool_error_rate"] == 0 and result.metrics["budget_exhausted"] == 0
    assert [t["calls"][0]["name"] for t in result.details["transcript"][:-1]] == [g["name"] for g in golds]
    assert [r.turn for r in agent.requests] == list(range(1, len(golds) + 2))


def test_a_nested_answer_uses_the_value_an_earlier_call_returned():
    """The gold of a nested sample refers to var1's output; resolved, it holds that output's value."""
    sample = sample_of("nested")
    raw = [v for g in sample.gold["calls"] for vals in g["arguments"].values() for v in vals]
    assert any(parse_reference(v) for v in raw), "the sample has a reference"
    golds, results = resolved_gold(sample)
    resolved = [v for g in golds for vals in g["arguments"].values() for v in vals]
    assert not any(parse_reference(v) for v in resolved)
    assert json.dumps(results[-1], sort_keys=True) == json.dumps(sample.gold["result"], sort_keys=True)


def test_placeholders_sent_as_values_fail_with_their_own_category():
    def placeholders(request, turn, golds):
        if turn > 1:
            return ModelOutput(text="Done.")
        raw = sample_of("nested").gold["calls"]
        return calls_out([ToolCall(g["name"], {k: v[0] for k, v in g["arguments"].items()}) for g in raw])

    result, _, _ = converse("nested", placeholders)
    assert not result.passed
    assert "placeholder_sent" in result.failures
    assert result.metrics["tool_error_rate"] > 0  # the tool rejected the placeholder


def test_an_agent_that_never_stops_exhausts_the_budget_and_fails():
    def endless(request, turn, golds):
        return calls_out(next_gold_calls("", golds, [], one_at_a_time=True))

    result, agent, golds = converse("chaining", endless, budget=Budget(extra_turns=2))
    assert not result.passed and "budget_exhausted" in result.failures
    assert len(agent.requests) == len(golds) + 2  # the turn budget, not one request more
    assert result.metrics["budget_exhausted"] == 1


def test_the_call_cap_stops_many_calls_in_one_turn():
    def flood(request, turn, golds):
        return calls_out([ToolCall(golds[0]["name"], {})] * 50)

    result, _, _ = converse("parallel", flood, budget=Budget(max_calls=7))
    assert "budget_exhausted" in result.failures
    assert sum(len(t["calls"]) for t in result.details["transcript"]) == 7


def test_an_error_then_the_right_calls_passes_and_counts_as_recovered():
    def recovering(request, turn, golds):
        if turn == 1:
            return calls_out([ToolCall(golds[0]["name"], {})])  # required arguments missing
        return stepwise(request, turn, golds)

    result, _, _ = converse("nested", recovering)
    assert result.passed, result.failures
    assert result.metrics["recovered"] == 1 and result.metrics["tool_error_rate"] > 0


def test_giving_up_after_an_error_fails_without_a_crash():
    def gives_up(request, turn, golds):
        return calls_out([ToolCall("no_such_function", {"x": 1})]) if turn == 1 else ModelOutput(text="Sorry.")

    result, _, _ = converse("chaining", gives_up)
    assert not result.passed
    assert "hallucinated_function" in result.failures
    assert result.metrics.get("recovered") == 0


def test_right_calls_in_the_wrong_order_fail_chaining():
    def reversed_order(request, turn, golds):
        done = made_so_far(request)
        todo = [g for g in reversed(golds)][len(done):len(done) + 1]
        return calls_out([next_gold_calls("", [g], [])[0] for g in todo])

    sample = sample_of("chaining")
    golds, _ = resolved_gold(sample)
    if len({g["name"] for g in golds}) < 2:
        pytest.skip("first chaining sample has one function")
    result, _, _ = converse("chaining", reversed_order)
    assert not result.passed


def test_odd_answers_never_crash_a_conversation():
    answers = iter([ModelOutput(tool_calls=(ToolCall("x", "not an object"),)),  # arguments not an object
                    ModelOutput(text="[{\"name\": \"x\", \"arguments\": {"),      # a call cut off
                    ])

    def odd(request, turn, golds):
        return next(answers)

    result, _, _ = converse("nested", odd)
    assert result.status == "scored" and not result.passed
    assert result.failures


def test_an_infrastructure_fault_mid_conversation_fails_the_whole_sample_as_infra():
    def faulty(request, turn, golds):
        if turn == 2:
            raise InfraError("server_error", "HTTP 500", retryable=False)
        return stepwise(request, turn, golds)

    result, agent, _ = converse("nested", faulty)
    assert result.status == "infra_error" and result.passed is None
    assert result.output.infra_error.kind == "server_error"
    assert not result.metrics and not result.failures  # a partial conversation is never scored


def test_prompt_mode_renders_results_as_text_turns():
    sample = sample_of("nested")
    golds, _ = resolved_gold(sample)
    seen = []

    def prompt_agent(request, turn, _golds):
        seen.append(request)
        made = []
        for m in request.messages:
            if m.role == "user" and m.content.startswith("Output of "):
                made.append((None, json.loads(m.content.split(": ", 1)[1])))
        calls = next_gold_calls("", golds, made, one_at_a_time=True)
        return ModelOutput(text=json.dumps([c.to_dict() for c in calls])) if calls else ModelOutput(text="Done.")

    result, _, _ = converse("nested", prompt_agent, mode="prompt")
    assert result.passed, result.failures
    assert not seen[0].tools and seen[1].messages[-1].content.startswith("Output of ")


# ------------------------------------------------------------------ response generation, end to end
def answers_with(text):
    def agent(request, turn, golds):
        calls = next_gold_calls("", golds, made_so_far(request), one_at_a_time=True)
        return calls_out(calls) if calls else ModelOutput(text=text)
    return agent


def test_response_generation_end_to_end_passes_when_the_answer_rests_on_what_the_tools_returned():
    reference = sample_of("response_generation").gold["reference"]
    result, agent, golds = converse("response_generation", answers_with(reference))
    assert result.passed, result.failures
    assert result.metrics["fact_recall"] == 1.0 and result.metrics["turns"] == len(golds) + 1
    # turn 1 holds the request only: the sample's own calls and results are not shown
    assert [m.role for m in agent.requests[0].messages] == ["system", "user"]


def test_response_generation_end_to_end_right_words_without_the_calls_are_not_faithful():
    """The reference answer, stated without making a call: every fact is right and none was retrieved."""
    reference = sample_of("response_generation").gold["reference"]
    result, _, _ = converse("response_generation", lambda request, turn, golds: ModelOutput(text=reference))
    assert not result.passed
    assert {"missing_call", "missing_fact"} <= set(result.failures)
    assert result.metrics["fact_recall"] == 0.0


def test_response_generation_end_to_end_calls_without_the_facts_in_the_answer_fail():
    result, _, _ = converse("response_generation", answers_with("All done."))
    assert not result.passed and "missing_fact" in result.failures
    assert "missing_call" not in result.failures


# ------------------------------------------------------------------ batched backends
class FakeBatched(Model):
    provider = "fake"
    batched = True

    def __init__(self, golds_by_id):
        super().__init__("fake/batched")
        self.golds_by_id, self.sizes = golds_by_id, []

    async def generate_batch(self, requests):
        self.sizes.append(len(requests))
        return [stepwise(r, r.turn, self.golds_by_id[r.sample_id]) for r in requests]


def test_turn_batcher_sends_turn_k_of_every_live_conversation_as_one_batch():
    samples = TASKS["nested"].load()[:6]
    golds = {s.id: resolved_gold(s)[0] for s in samples}
    model = FakeBatched(golds)
    batcher = TurnBatcher(model, len(samples))

    async def one(sample):
        try:
            return await run_interactive(TASKS["nested"], sample, "native", batcher, NO_RETRY, Budget())
        finally:
            batcher.finished()

    async def everything():
        return await asyncio.gather(*(one(s) for s in samples))

    results = asyncio.run(everything())
    assert all(r.passed for r in results)
    turns = [len(golds[s.id]) + 1 for s in samples]
    assert model.sizes[0] == len(samples)  # turn 1 of every sample at once
    assert model.sizes == [sum(t > k for t in turns) for k in range(max(turns))]


# ------------------------------------------------------------------ the CLI and the run folder
def test_oracle_scores_100_percent_interactive_in_both_modes(tmp_path):
    for mode in ("native", "prompt"):
        out = tmp_path / mode
        proc = run_cli("run", "--model", "reference/oracle", "--protocol", "interactive", "--mode", mode,
                       "--limit", "15", "--out", str(out), "--quiet")
        assert proc.returncode == 0, proc.stderr
        results = json.loads((out / "results.json").read_text())
        assert results["protocol"] == "interactive" and results["budget"] == {"extra_turns": 3, "max_calls": None}
        for name, t in results["tasks"].items():
            assert t["score"] == 1.0, (mode, name, t["failures"])
        assert "turns" in results["tasks"]["nested"]["metrics"]
        assert "turns" in results["tasks"]["response_generation"]["metrics"]  # the end-to-end variant
        assert "turns" not in results["tasks"]["next_best"]["metrics"]  # a single decision runs unchanged
        assert "protocol interactive" in proc.stdout


def test_replay_rescores_an_interactive_run_turn_by_turn_without_a_model(tmp_path):
    first = tmp_path / "lexical"
    args = ["--protocol", "interactive", "--tasks", "nested,chaining,parallel", "--limit", "20", "--quiet"]
    assert run_cli("run", "--model", "reference/lexical", *args, "--out", str(first)).returncode == 0
    replayed = tmp_path / "replayed"
    proc = run_cli("run", "--model", f"replay/{first / 'samples.jsonl'}", *args, "--out", str(replayed))
    assert proc.returncode == 0, proc.stderr
    a, b = (json.loads((d / "results.json").read_text())["tasks"] for d in (first, replayed))
    assert {k: (v["score"], v["metrics"], v["failures"]) for k, v in a.items()} == \
           {k: (v["score"], v["metrics"], v["failures"]) for k, v in b.items()}


def test_protocol_is_part_of_the_fingerprint(tmp_path):
    out = tmp_path / "run"
    assert run_cli("run", "--model", "reference/oracle", "--tasks", "parallel", "--limit", "3",
                   "--protocol", "interactive", "--out", str(out), "--quiet").returncode == 0
    proc = run_cli("run", "--resume", str(out), "--protocol", "plan", "--quiet")
    assert proc.returncode == 2 and "protocol" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("args,message", [
    (["--extra-turns", "2"], "apply to --protocol interactive only"),
    (["--protocol", "interactive", "--max-calls", "0"], "--max-calls"),
    (["--protocol", "chatty"], "--protocol"),
])
def test_bad_protocol_arguments_are_one_line_exit_2(tmp_path, args, message):
    proc = run_cli("run", "--model", "reference/oracle", "--limit", "1", "--out", str(tmp_path / "r"), *args)
    assert proc.returncode == 2 and message in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_suite_without_executable_tools_is_refused_in_one_line(tmp_path):
    sample = sample_of("nested").to_dict()
    sample["metadata"] = {}
    suite = tmp_path / "suite" / "nested"
    suite.mkdir(parents=True)
    (suite / "test.jsonl").write_text(json.dumps(sample) + "\n")
    proc = run_cli("run", "--model", "reference/oracle", "--suite", str(tmp_path / "suite"), "--tasks", "nested",
                   "--protocol", "interactive", "--out", str(tmp_path / "r"))
    assert proc.returncode == 2 and "executable tools" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_protocols_are_never_mixed_in_a_leaderboard_or_a_gate(tmp_path):
    runs = {}
    for protocol in ("plan", "interactive"):
        runs[protocol] = tmp_path / protocol
        assert run_cli("run", "--model", "reference/lexical", "--tasks", "nested", "--limit", "5",
                       "--protocol", protocol, "--out", str(runs[protocol]), "--quiet").returncode == 0
    board = tmp_path / "board"
    proc = run_cli("leaderboard", "build", str(runs["plan"]), str(runs["interactive"]), "--out", str(board))
    assert proc.returncode == 0, proc.stderr
    index = json.loads((board / "index.json").read_text())
    assert sorted(b.get("protocol", "plan") for b in index["boards"]) == ["interactive", "plan"]
    gate = run_cli("gate", "--baseline", str(runs["plan"]), "--candidate", str(runs["interactive"]))
    assert gate.returncode == 2 and "different protocols" in gate.stderr


def test_report_names_the_protocol(tmp_path):
    out = tmp_path / "run"
    assert run_cli("run", "--model", "reference/oracle", "--tasks", "nested,parameter_value", "--limit", "3",
                   "--protocol", "interactive", "--out", str(out), "--quiet").returncode == 0
    md = run_cli("report", str(out), "--format", "markdown").stdout
    assert "protocol interactive" in md.splitlines()[0]
    assert "parameter_value are single decisions and ran unchanged" in md
    assert "turns" in md


def test_records_keep_the_whole_transcript(tmp_path):
    out = tmp_path / "run"
    assert run_cli("run", "--model", "reference/oracle", "--tasks", "nested", "--limit", "2",
                   "--protocol", "interactive", "--out", str(out), "--quiet").returncode == 0
    for line in (out / "samples.jsonl").read_text().splitlines():
        row = json.loads(line)
        transcript = row["details"]["transcript"]
        assert transcript[-1]["calls"] == [] and all("result" in c for t in transcript[:-1] for c in t["calls"])
        assert len(row["output"]["tool_calls"]) == sum(len(t["calls"]) for t in transcript)



def test_call_ids_a_server_repeats_each_turn_are_made_unique():
    """Some servers number calls afresh each turn; a result must still name exactly one call."""
    def same_ids(request, turn, golds):
        calls = next_gold_calls("", golds, made_so_far(request), one_at_a_time=True)
        return calls_out([ToolCall(c.name, c.arguments, id="call_0") for c in calls])

    result, agent, golds = converse("nested", same_ids)
    assert result.passed, result.failures
    last = agent.requests[-1].messages
    ids = [c.id for m in last if m.role == "assistant" for c in m.tool_calls]
    assert len(ids) == len(set(ids)) == len(golds)
    assert [m.tool_call_id for m in last if m.role == "tool"] == ids


def test_show_prints_the_conversation_turn_by_turn(tmp_path):
    out = tmp_path / "run"
    assert run_cli("run", "--model", "reference/oracle", "--tasks", "nested", "--limit", "1",
                   "--protocol", "interactive", "--out", str(out), "--quiet").returncode == 0
    shown = run_cli("show", str(out), "--verdict", "all").stdout
    golds, results = resolved_gold(sample_of("nested"))
    assert "turns:" in shown and f"1. {golds[0]['name']}(" in shown
    assert f"{len(golds) + 1}. answered: Done." in shown
    assert "transcript" not in shown  # shown as turns, not as raw JSON
