"""The run store writes whatever it is given, reads back strictly, and a stopped run can finish."""

from __future__ import annotations

import asyncio
import json

import pytest
from conftest import param_sample, write_jsonl

from fcbench.errors import UsageError
from fcbench.models.base import Model
from fcbench.records import ModelOutput, SampleResult, ToolCall
from fcbench.runlog import read_samples
from fcbench.running.runner import RunConfig, Runner
from fcbench.running.store import MAX_STORED_STRING, RunStore, encode_line


def result(output: ModelOutput, details: dict | None = None, sample_id: str = "s1") -> SampleResult:
    return SampleResult(sample_id, "parameter_value", "scored", output, False, {"pair_tp": 0.0},
                        ("malformed_output",), details or {})


def round_trip(tmp_path, res: SampleResult) -> SampleResult:
    store = RunStore(tmp_path)
    store.open_for_append()
    store.append(res)
    store.close()
    raw = (tmp_path / "samples.jsonl").read_bytes()
    raw.decode("utf-8")  # always valid UTF-8
    assert raw.count(b"\n") == 1
    return read_samples(tmp_path)[res.sample_id]


def test_a_lone_surrogate_is_escaped_and_reads_back_exactly(tmp_path):
    text = "half an emoji \ud83d and a NUL \x00"
    back = round_trip(tmp_path, result(ModelOutput(text=text, tool_calls=(ToolCall("f", {"x": "\udc00"}),))))
    assert back.output.text == text and back.output.tool_calls[0].arguments == {"x": "\udc00"}
    assert not back.notes  # nothing was lost, so nothing to note


def test_numbers_json_has_no_words_for_are_written_as_strings_with_a_note(tmp_path):
    back = round_trip(tmp_path, result(ModelOutput(tool_calls=(ToolCall("f", {"a": float("nan"),
                                                                            "b": float("-inf")}),))))
    assert back.output.tool_calls[0].arguments == {"a": "nan", "b": "-inf"}
    assert any("written as a string" in n for n in back.notes)
    assert b"NaN" not in (tmp_path / "samples.jsonl").read_bytes()


def test_a_huge_text_is_cut_with_a_note(tmp_path):
    back = round_trip(tmp_path, result(ModelOutput(text="x" * 3_000_000)))
    assert len(back.output.text) == MAX_STORED_STRING
    assert back.notes == (f"output/text: 3,000,000 characters cut to {MAX_STORED_STRING:,}",)


def test_a_value_nested_past_the_limit_is_cut_with_a_note(tmp_path):
    deep: object = 1
    for _ in range(3000):
        deep = [deep]
    back = round_trip(tmp_path, result(ModelOutput(text="t"), details={"deep": deep}))
    assert any("nested deeper than" in n for n in back.notes)


def test_an_integer_python_cannot_print_is_written_as_a_string(tmp_path):
    back = round_trip(tmp_path, result(ModelOutput(raw={"n": 10**5000})))
    assert back.output.raw["n"].startswith("<integer of") and back.notes


def test_line_encoding_is_the_cheap_path_for_ordinary_results():
    res = result(ModelOutput(text="fine", tool_calls=(ToolCall("f", {"city": "Zürich"}),)))
    line = encode_line(res.to_dict())
    assert "Zürich".encode() in line  # readable UTF-8, not escaped
    assert b"notes" not in line


def test_a_torn_tail_is_ignored_but_a_foreign_tail_is_refused(tmp_path):
    store = RunStore(tmp_path)
    store.open_for_append()
    store.append(result(ModelOutput(text="ok")))
    store.close()
    path = tmp_path / "samples.jsonl"
    good = path.read_bytes()
    path.write_bytes(good + b'{"sample_id": "s2", "task": "param')  # killed mid-write
    assert list(read_samples(tmp_path)) == ["s1"]
    path.write_bytes(good + b"GARBAGE")
    with pytest.raises(UsageError, match="not a result line cut off by a kill"):
        read_samples(tmp_path)


class Interrupting(Model):
    """Answers with the gold answer, but the third request is a Ctrl-C."""

    provider = "test"

    def __init__(self):
        super().__init__("test/interrupting")
        self.calls = 0

    async def generate(self, request):
        self.calls += 1
        if self.calls == 3:
            raise KeyboardInterrupt
        return request.reference_output


def test_a_run_stopped_by_an_exception_says_so_and_resume_finishes_it(tmp_path):
    suite = tmp_path / "suite"
    write_jsonl(suite / "parameter_value" / "test.jsonl", [param_sample(i) for i in range(5)])
    config = RunConfig(model="test/interrupting", suite=suite, concurrency=1)
    runner = Runner(config, Interrupting(), tmp_path / "run")
    with pytest.raises(KeyboardInterrupt):
        asyncio.run(runner.run())
    manifest = json.loads((tmp_path / "run" / "run.json").read_text())
    assert manifest["status"] == "interrupted" and manifest["stopped_by"] == "interrupted"
    assert len(read_samples(tmp_path / "run")) == 2

    class Gold(Interrupting):
        async def generate(self, request):
            self.calls += 1
            return request.reference_output

    backend = Gold()
    results = asyncio.run(Runner(config, backend, tmp_path / "run", resume=True).run())
    assert backend.calls == 3  # only the samples that had not finished
    assert results.tasks["parameter_value"].score == 1.0
    manifest = json.loads((tmp_path / "run" / "run.json").read_text())
    assert manifest["status"] == "complete" and "stopped_by" not in manifest
