"""``--batch`` pieces without a server: the run's ledger (``RUN_DIR/batches.jsonl``), custom ids,
and the request bodies and answers of a batch (tool names as the direct backend sends them).

The ledger is what stops a resumed run from paying twice, so it must read back exactly what
was recorded, shrug off a line torn by a kill, and refuse (not guess) when it is damaged.
"""

from __future__ import annotations

import pytest

from fcbench.errors import UsageError
from fcbench.models.provider_batches import unique_custom_ids
from fcbench.running.provider_batch import BatchLedger


def test_ledger_reads_back_each_submission_at_its_last_recorded_step(tmp_path):
    """Why: resume continues each submission from the step it had reached."""
    ledger = BatchLedger(tmp_path)
    ledger.append({"event": "intent", "key": "a", "provider": "openai", "custom_ids": {"c1": "s1"}, "time": 1.0})
    ledger.append({"event": "file", "key": "a", "file_id": "file-1"})
    ledger.append({"event": "intent", "key": "b", "provider": "openai", "custom_ids": {"c2": "s2"}, "time": 2.0})
    ledger.append({"event": "file", "key": "b", "file_id": "file-2"})
    ledger.append({"event": "batch", "key": "b", "batch_id": "batch-2"})
    ledger.append({"event": "collected", "key": "b", "batch_id": "batch-2"})
    subs = ledger.read()
    assert (subs["a"].file_id, subs["a"].batch_id, subs["a"].collected) == ("file-1", None, False)
    assert (subs["b"].batch_id, subs["b"].collected) == ("batch-2", True)
    assert subs["a"].custom_ids == {"c1": "s1"}


def test_a_torn_last_line_is_ignored_but_a_damaged_line_is_refused(tmp_path):
    """Why: SIGKILL mid-write leaves a partial last line (never a fact); damage elsewhere could make
    a resume pay twice, so it stops with one line instead of guessing."""
    ledger = BatchLedger(tmp_path)
    ledger.append({"event": "intent", "key": "a", "provider": "anthropic", "custom_ids": {"c": "s"}, "time": 1.0})
    with ledger.path.open("ab") as fh:
        fh.write(b'{"event": "batch", "key": "a", "batch_')
    assert ledger.read()["a"].batch_id is None
    ledger.path.write_bytes(b'{"event": "batch", "key": "zzz", "batch_id": "x"}\n')
    with pytest.raises(UsageError, match="batches.jsonl:1"):
        ledger.read()


def test_custom_ids_are_safe_and_distinct_only_where_the_provider_needs_it():
    """Why: Anthropic refuses ids outside ^[a-zA-Z0-9_-]{1,64}$; two samples must never share one."""
    ids = ["ok-1", "a/b", "a_b", "é" * 70, "x" * 64 + "y"]
    strict = unique_custom_ids(ids, strict=True)
    assert strict["ok-1"] == "ok-1" and strict["a_b"] == "a_b"
    assert len(set(strict.values())) == len(ids)
    assert all(len(c) <= 64 and all(ch.isascii() and (ch.isalnum() or ch in "_-") for ch in c)
               for c in strict.values())
    assert unique_custom_ids(ids, strict=False) == {i: i for i in ids}, "OpenAI takes the sample ids as they are"


def test_batched_requests_use_api_safe_tool_names_and_answers_get_the_library_names_back():
    """Why: imported libraries hold names like ``calc.area`` that the APIs refuse; a batch must
    send and read them exactly as the direct backend does, or scores would differ."""
    from fcbench.models.openai_api import OpenAIModel
    from fcbench.models.openai_batch import OpenAIBatchAPI
    from fcbench.records import Message, Request, Tool

    tool = Tool("calc.area", "Area of a triangle.", {"type": "object", "properties": {"base": {"type": "number"}}})
    request = Request("s1", "parameter_value", "native", (Message("user", "area of base 10?"),), (tool,),
                      library=(tool,))
    model = OpenAIModel("openai/m", base_url="http://127.0.0.1:9/v1", extra_body={"top_p": 1})
    api = OpenAIBatchAPI(model)
    body = api.body(request)
    assert body["tools"][0]["function"]["name"] == "calc_area"
    assert body["top_p"] == 1 and "extra_body" not in body, "extra_body merged as the SDK merges it"
    answer = {"choices": [{"message": {"role": "assistant", "content": None, "tool_calls": [
        {"id": "c1", "type": "function", "function": {"name": "calc_area", "arguments": '{"base": 10}'}}]},
        "finish_reason": "tool_calls"}], "usage": {"prompt_tokens": 5, "completion_tokens": 3}}
    output = api.answer(request, answer)
    assert [(c.name, c.arguments) for c in output.tool_calls] == [("calc.area", {"base": 10})]


def test_a_broken_line_of_a_results_file_costs_only_its_own_request():
    """A provider (or a proxy) that garbles one line must not poison the batch: the other
    answers are read, the garbled request has no answer (batch_missing, re-run by --resume)."""
    from types import SimpleNamespace

    from fcbench.models.openai_batch import count, read_output_line, read_output_lines

    data = (b'{"custom_id": "a", "response": {"status_code": 200, "body": {"choices": []}}}\n'
            b'{"custom_id": "b", "respo\xff\n'
            b'[1, 2]\n'
            b'\n'
            b'{"custom_id": "c", "error": {"code": "batch_expired", "message": "expired"}}\n')
    lines = read_output_lines(data)
    assert [line["custom_id"] for line in lines] == ["a", "c"]
    assert read_output_line(lines[0]) == ("a", {"choices": []})
    custom_id, error = read_output_line(lines[1])
    assert custom_id == "c" and error.kind == "batch_expired"
    # request counts a server leaves out or sends as null read as 0, never a TypeError
    assert count(SimpleNamespace(completed=None, failed=3), "completed") == 0
    assert count(SimpleNamespace(failed=3), "failed") == 3 and count(None, "total") == 0
