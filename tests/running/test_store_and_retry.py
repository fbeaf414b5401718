"""The run folder survives torn writes; the retry layer is bounded and never retries answers."""

from __future__ import annotations

import asyncio
import json

import pytest

from fcbench.errors import InfraError, UsageError
from fcbench.records import InfraFailure, ModelOutput, SampleResult, ToolCall
from fcbench.retry import RetriesExhausted, RetryPolicy, with_retries
from fcbench.runlog import read_samples
from fcbench.running.store import RunStore


def result(sid: str, status: str = "scored") -> SampleResult:
    if status == "scored":
        return SampleResult(sid, "t", "scored", ModelOutput(tool_calls=(ToolCall("f", {"a": 1}),)), True)
    return SampleResult(sid, "t", "infra_error", ModelOutput(infra_error=InfraFailure("timeout", "slow", 4)))


def test_torn_last_line_is_dropped_and_cut_before_appending(tmp_path):
    store = RunStore(tmp_path / "run")
    store.create({"fingerprint": "x"})
    store.open_for_append()
    store.append(result("a"))
    store.close()
    path = tmp_path / "run" / "samples.jsonl"
    with path.open("a") as fh:  # what a SIGKILL in the middle of a write leaves behind
        fh.write('{"sample_id": "b", "task": "t", "sta')
    assert list(read_samples(tmp_path / "run")) == ["a"], "a torn line is not a finished sample"
    store.open_for_append()
    store.append(result("c"))
    store.close()
    lines = path.read_text().splitlines()
    assert [json.loads(line)["sample_id"] for line in lines] == ["a", "c"]


def test_later_line_wins_for_a_rerun_sample(tmp_path):
    store = RunStore(tmp_path / "run")
    store.create({"fingerprint": "x"})
    store.open_for_append()
    store.append(result("a", "infra_error"))
    store.append(result("a"))
    store.close()
    assert read_samples(tmp_path / "run")["a"].status == "scored"


def test_create_refuses_a_non_empty_folder(tmp_path):
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "x").write_text("")
    with pytest.raises(UsageError, match="not empty"):
        RunStore(tmp_path / "run").create({"fingerprint": "x"})


class Flaky:
    """Fails with the given errors in turn, then answers."""

    def __init__(self, *errors: InfraError):
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self):
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "answer"


async def no_sleep(_seconds: float) -> None:
    return None


def run(coro):
    return asyncio.run(coro)


def test_transient_faults_are_retried_until_an_answer():
    call = Flaky(InfraError("server_error", "500"), InfraError("timeout", "slow"))
    value, attempts = run(with_retries(call, RetryPolicy(transient_retries=3), sleep=no_sleep))
    assert (value, attempts, call.calls) == ("answer", 3, 3)


def test_transient_budget_is_bounded():
    call = Flaky(*[InfraError("server_error", "500") for _ in range(10)])
    with pytest.raises(RetriesExhausted) as info:
        run(with_retries(call, RetryPolicy(transient_retries=2), sleep=no_sleep))
    assert info.value.attempts == 3 and call.calls == 3


def test_rate_limits_have_their_own_budget_and_honour_retry_after():
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    errors = [InfraError("rate_limit", "429", retry_after=1.5)] * 4 + [InfraError("server_error", "500")] * 2
    call = Flaky(*errors)
    value, attempts = run(with_retries(call, RetryPolicy(rate_limit_retries=4, transient_retries=2), sleep=record))
    assert value == "answer" and attempts == 7
    assert waits[:4] == [1.5] * 4, "Retry-After is honoured"


def test_non_retryable_fault_is_not_retried():
    call = Flaky(InfraError("bad_request", "400", retryable=False))
    with pytest.raises(RetriesExhausted):
        run(with_retries(call, RetryPolicy(), sleep=no_sleep))
    assert call.calls == 1


def test_validation_cache_never_hides_a_changed_file(tmp_path, monkeypatch):
    """A file that passed once is not re-validated; any byte changed and it is validated again."""
    import json as _json

    from conftest import param_sample, write_jsonl

    from fcbench.data.samples import load_samples

    monkeypatch.setenv("FCBENCH_CACHE", str(tmp_path / "cache"))
    path = write_jsonl(tmp_path / "t.jsonl", [param_sample(1)])
    assert len(load_samples(path, task="parameter_value")) == 1
    assert len(list((tmp_path / "cache" / "validated").iterdir())) == 1
    bad = {**param_sample(2), "messages": "not a list"}
    path.write_text(path.read_text() + _json.dumps(bad) + "\n")
    with pytest.raises(UsageError, match="t.jsonl:2: sample does not match the schema"):
        load_samples(path, task="parameter_value")
