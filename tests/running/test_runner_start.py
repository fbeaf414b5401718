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
