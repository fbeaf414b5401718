"""Replay files: the file's own shape may be refused (one line, exit 2); what a record says
about the answer never is. Each odd record below is scored and categorised on its own,
beside well-formed ones, in one run."""

from __future__ import annotations

import json

import pytest
from conftest import run_cli, write_jsonl

from fcbench.parsing.intake import output_from_record
from fcbench.records import ToolCall
from fcbench.task_registry import discover_tasks

TASK = discover_tasks()["parameter_value"]
SAMPLES = TASK.load("dev")[:12]


def gold_call(i: int) -> ToolCall:
    return TASK.reference_calls(SAMPLES[i])[0]


@pytest.mark.parametrize("record, calls, malformed, why", [
    ({"text": 5}, 0, "text is not a string (got integer)", "a number where text belongs"),
    ({"text": "\ud83d half an emoji"}, 0, None, "a lone surrogate is text like any other"),
    ({"tool_calls": [{"name": "f", "arguments": '{"a": 1}'}]}, 1, None, "OpenAI's wire form: arguments as a string"),
    ({"tool_calls": [{"type": "function", "function": {"name": "f", "arguments": '{"a": 1}'}}]}, 1, None,
     "the whole OpenAI wire call"),
    ({"tool_calls": [{"name": "f", "arguments": [1, 2]}]}, 0, "not a JSON object", "arguments that are a list"),
    ({"tool_calls": {"name": "f"}}, 1, None, "one call object where a list belongs is that call"),
    ({"tool_calls": "f()"}, 0, "tool_calls is not a list", "a string where calls belong"),
    ({"tool_calls": [{"name": 7}]}, 0, "function name is not a string", "a number as a function name"),
    ({"content": "plain answer"}, 0, None, "an OpenAI message's content"),
    ({"output": "just text"}, 0, None, "an output that is only text"),
    ({"output": {"text": None, "tool_calls": [{"name": "f", "arguments": {"a": float("nan")}}],
                 "usage": {"prompt_tokens": "many"}, "latency_s": "slow"}}, 1, None, "odd usage and latency ignored"),
])
def test_a_record_of_any_shape_is_an_answer(record, calls, malformed, why):
    out = output_from_record(record)
    assert len(out.tool_calls) == calls, why
    assert (out.malformed is None) if malformed is None else (malformed in out.malformed), (why, out.malformed)


def test_odd_records_are_scored_one_by_one_in_a_real_run(tmp_path):
    deep = "[" * 5000 + "]" * 5000
    lines = [
        json.dumps({"id": SAMPLES[0].id, "tool_calls": [{"name": gold_call(0).name,
                                                          "arguments": json.dumps(gold_call(0).arguments)}]}),
        json.dumps({"id": SAMPLES[1].id, "text": 12}),
        json.dumps({"id": SAMPLES[2].id, "tool_calls": [{"name": "x", "arguments": "oops"}]}),
        # too deep for Python's JSON reader
        '{"id": "' + SAMPLES[3].id + '", "tool_calls": [{"name": "f", "arguments": {"a": ' + deep + "}}]}",
        json.dumps({"id": SAMPLES[4].id, "text": "\ud83d"}),           # written as the escape \\ud83d
        json.dumps({"id": SAMPLES[5].id, "output": {"tool_calls": [{"name": gold_call(5).name,
                                                                     "arguments": gold_call(5).arguments}]}}),
        json.dumps({"id": SAMPLES[6].id, "text": "x" * 300_000}),
    ]
    replay = tmp_path / "answers.jsonl"
    replay.write_text("\n".join(lines) + "\n")
    suite = tmp_path / "suite"
    write_jsonl(suite / "parameter_value" / "test.jsonl", [s.to_dict() for s in SAMPLES[:7]])
    proc = run_cli("run", "--model", f"replay/{replay}", "--suite", str(suite), "--out", str(tmp_path / "run"),
                   "--quiet")
    assert proc.returncode == 0, proc.stderr
    got = {json.loads(line)["sample_id"]: json.loads(line)
           for line in (tmp_path / "run" / "samples.jsonl").read_text().splitlines()}
    verdicts = [(got[s.id]["passed"], got[s.id]["failures"]) for s in SAMPLES[:7]]
    assert verdicts == [
        (True, []),                        # wire-form arguments read, and right
        (False, ["malformed_output"]),     # text that is a number
        (False, ["malformed_output"]),     # arguments that are not JSON
        (False, ["malformed_output"]),     # nested 5,000 levels deep
        (False, ["no_call"]),              # a lone surrogate: text, not a call
        (True, []),                        # fcbench's own output record
        (False, ["malformed_output"]),     # 300,000 characters: longer than fcbench reads
    ]
    assert "nested deeper" in got[SAMPLES[3].id]["output"]["malformed"]
