"""A backend that cannot start stops the run before any sample, with one clear error."""

from __future__ import annotations

import asyncio

import pytest

from fcbench.errors import InfraError, UsageError
from fcbench.models.base import Model
from fcbench.records import ModelOutput, Request
from fcbench.runlog import read_samples
from fcbench.running.runner import RunConfig, Runner


class NeverStarts(Model):
    provider = "test"

    def __init__(self):
        super().__init__("test/never-starts")
        self.asked = 0
        self.closed = False

    async def start(self) -> None:
        raise InfraError("server_start", "the server exited with code 1\nlog line 1\nlog line 2", retryable=False)

    async def generate(self, request: Request) -> ModelOutput:
        self.asked += 1
        return ModelOutput(text="unreachable")

    async def aclose(self) -> None:
        self.closed = True


def test_start_failure_is_one_usage_error_and_no_sample_is_recorded(tmp_path, capsys):
    model = NeverStarts()
    runner = Runner(RunConfig(model="test/never-starts", tasks="parameter_value", limit=3), model, tmp_path / "run")
    with pytest.raises(UsageError) as info:
        asyncio.run(runner.run())
    assert "\n" not in str(info.value) and "could not start: the server exited with code 1" in str(info.value)
    assert "--resume" in str(info.value)
    assert info.value.detail == "log line 1\nlog line 2", "the detail (a server log tail) travels with the error"
    assert capsys.readouterr().err == "", "library code prints nothing: the CLI shows the error"
    assert model.asked == 0 and model.closed
    assert read_samples(tmp_path / "run") == {}


def test_the_cli_shows_a_start_failure_once_detail_first(tmp_path, capsys, monkeypatch):
    import fcbench.cli.run as run_command
    from fcbench.cli import main

    def start_fails(args):
        model = NeverStarts()
        runner = Runner(RunConfig(model="test/never-starts", tasks="parameter_value", limit=3), model,
                        tmp_path / "run")
        asyncio.run(runner.run())

    monkeypatch.setattr(run_command, "cmd_run", start_fails)
    assert main(["run", "--model", "test/never-starts"]) == 2
    err = capsys.readouterr().err
    assert err.count("log line 2") == 1 and err.count("could not start") == 1
    assert err.index("log line 1") < err.index("fcbench: error:"), "the log tail first, then the one-line error"


def test_scoring_is_prepared_before_the_first_request_and_only_for_tasks_that_run(tmp_path, monkeypatch):
    """Slow scorer imports (nltk for ROUGE-L) happen before any answer is in flight: scored on
    the event loop mid-run, they would hold every answer and add to its measured latency."""
    from fcbench.models.reference import OracleModel
    from fcbench.task_registry import tasks_for

    events: list[str] = []
    rg_class = type(tasks_for("response_generation")[0])
    pv_class = type(tasks_for("parameter_value")[0])
    monkeypatch.setattr(rg_class, "prepare_scoring", lambda self: events.append("prepare response_generation"))
    monkeypatch.setattr(pv_class, "prepare_scoring", lambda self: events.append("prepare parameter_value"))

    class Recording(OracleModel):
        async def generate(self, request: Request) -> ModelOutput:
            events.append("request")
            return await super().generate(request)

    config = RunConfig(model="reference/oracle", tasks="response_generation", limit=3)
    asyncio.run(Runner(config, Recording("reference/oracle"), tmp_path / "run").run())
    assert events == ["prepare response_generation", "request", "request", "request"]

    events.clear()  # a resumed run with nothing left to ask prepares nothing
    asyncio.run(Runner(config, Recording("reference/oracle"), tmp_path / "run", resume=True).run())
    assert events == []


def test_response_generation_builds_its_text_metric_scorers_when_prepared():
    from fcbench.scoring import reply_similarity
    from fcbench.task_registry import tasks_for

    reply_similarity._rouge_scorer.cache_clear()
    reply_similarity._bleu_metric.cache_clear()
    tasks_for("response_generation")[0].prepare_scoring()
    assert reply_similarity._rouge_scorer.cache_info().currsize == 1
    assert reply_similarity._bleu_metric.cache_info().currsize == 1
