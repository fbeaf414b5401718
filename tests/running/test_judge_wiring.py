"""The optional LLM judge (``--judge``) grades response generation only, and never flips pass/fail."""

from __future__ import annotations

import asyncio
import json

from conftest import run_cli

from fcbench.models.base import Model
from fcbench.models.reference import OracleModel
from fcbench.records import ModelOutput, Request
from fcbench.running.runner import RunConfig, Runner
from fcbench.task_registry import discover_tasks


class AlwaysA(Model):
    """A judge that always prefers answer A and counts what it was asked."""

    provider = "test"

    def __init__(self):
        super().__init__("test/always-a")
        self.requests: list[Request] = []

    async def generate(self, request: Request) -> ModelOutput:
        self.requests.append(request)
        return ModelOutput(text="Verdict: A")


def test_judge_adds_a_score_to_response_generation_only(tmp_path):
    judge = AlwaysA()
    config = RunConfig(model="reference/oracle", tasks="response_generation,parameter_value", limit=4,
                       judge="test/always-a")
    runner = Runner(config, OracleModel("reference/oracle"), tmp_path / "run", judge=judge)
    results = asyncio.run(runner.run())
    rg = results.tasks["response_generation"]
    # Asked twice per reply (both orders); "A" wins once and loses once: a tie, 0.5.
    assert len(judge.requests) == 2 * 4
    assert rg.metrics["judge_score"] == 0.5
    assert rg.score == 1.0, "the judge never changes pass/fail"
    assert "judge_score" not in results.tasks["parameter_value"].metrics
    assert json.loads((tmp_path / "run" / "run.json").read_text())["fingerprint_fields"]["judge"] == "test/always-a"
    assert "response_generation" in discover_tasks()


def test_unknown_judge_is_a_usage_error(tmp_path):
    proc = run_cli("run", "--model", "reference/oracle", "--judge", "nope/x", "--out", str(tmp_path / "r"))
    assert proc.returncode == 2 and "unknown model provider" in proc.stderr


def test_judge_grades_the_end_to_end_answer_under_the_interactive_protocol(tmp_path):
    judge = AlwaysA()
    config = RunConfig(model="reference/oracle", tasks="response_generation", limit=3, judge="test/always-a",
                       protocol="interactive")
    runner = Runner(config, OracleModel("reference/oracle"), tmp_path / "run", judge=judge)
    results = asyncio.run(runner.run())
    rg = results.tasks["response_generation"]
    assert len(judge.requests) == 2 * 3
    assert rg.metrics["judge_score"] == 0.5 and rg.score == 1.0
    assert "turns" in rg.metrics  # it ran as a conversation
