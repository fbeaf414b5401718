"""The emulated server's batch endpoints, through the real openai and anthropic SDKs over HTTP.

What matters: a batched request is answered exactly as its non-batch endpoint answers it
(so a batch run can be compared with a direct run), the SDKs accept every object the
server returns, and the configured delays and failures show the way the real APIs show them.
"""

from __future__ import annotations

import json

import anthropic
import openai
import pytest

from fcbench.models.anthropic_wire import messages_payload
from fcbench.models.base import GenerateConfig
from fcbench.models.openai_wire import chat_payload
from fcbench.task_registry import discover_tasks
from fcbench.testing import EmulatedServer, ServerConfig
from fcbench.testing.config import BatchSettings

KEY = "test-key"
CONFIG = GenerateConfig(temperature=0.0, max_tokens=64, seed=0)
TASK = "parameter_value"


@pytest.fixture(scope="module")
def requests_():
    """Three real requests of the built-in suite, as native-mode Request objects."""
    task = discover_tasks()[TASK]
    return [task.build_request(s, "native") for s in task.load("test")[:3]]


def serve(**batches) -> EmulatedServer:
    return EmulatedServer(ServerConfig(tasks=TASK, limit=3, behaviour="gold=0.5,perturbed=0.5",
                                       batches=BatchSettings(**batches)))


def openai_client(server: EmulatedServer) -> openai.OpenAI:
    return openai.OpenAI(api_key=KEY, base_url=server.base_url + "/v1", max_retries=0)


def upload(client: openai.OpenAI, lines: list[dict]) -> str:
    data = "".join(json.dumps(line) + "\n" for line in lines).encode()
    return client.files.create(file=("in.jsonl", data, "application/jsonl"), purpose="batch").id


def without_ids(body: dict) -> dict:
    """A chat completion or message without what differs between two answers (ids, times)."""
    body = json.loads(json.dumps(body))
    body.pop("id", None)
    body.pop("created", None)
    for choice in body.get("choices", []):
        for call in choice["message"].get("tool_calls") or []:
            call.pop("id", None)
    for block in body.get("content", []) if isinstance(body.get("content"), list) else []:
        block.pop("id", None)
    return body


def test_openai_batch_answers_like_the_chat_endpoint_after_its_delay(requests_):
    """Why: a batch run can score like a direct run only if each batched answer is the direct one."""
    with serve(polls=2) as server:
        client = openai_client(server)
        bodies = [chat_payload(r, "emulated", CONFIG) for r in requests_]
        direct = [client.chat.completions.with_raw_response.create(**b).http_response.json() for b in bodies]
        file_id = upload(client, [{"custom_id": f"c{i}", "method": "POST", "url": "/v1/chat/completions", "body": b}
                                  for i, b in enumerate(bodies)])
        assert client.files.retrieve(file_id).bytes > 0
        batch = client.batches.create(input_file_id=file_id, endpoint="/v1/chat/completions",
                                      completion_window="24h", metadata={"k": "v1"})
        seen = [client.batches.retrieve(batch.id).status for _ in range(3)]
        assert seen == ["in_progress", "in_progress", "completed"], "two polls in progress, then done"
        done = client.batches.retrieve(batch.id)
        assert done.request_counts.total == 3 and done.request_counts.completed == 3
        assert done.error_file_id is None
        lines = [json.loads(x) for x in client.files.content(done.output_file_id).text.splitlines()]
        stats = server.stats()
    assert [line["custom_id"] for line in lines] == ["c0", "c1", "c2"]
    assert all(line["response"]["status_code"] == 200 and line["error"] is None for line in lines)
    assert [without_ids(line["response"]["body"]) for line in lines] == [without_ids(d) for d in direct]
    assert stats["batches"]["openai"] == {"files_uploaded": 1, "batches_created": 1, "batch_requests": 3}


def test_openai_errors_expiry_failure_list_and_cancel(requests_):
    """Why: the failure paths a run must survive look like OpenAI's (error file, statuses)."""
    bodies = [chat_payload(r, "emulated", CONFIG) for r in requests_]
    lines = [{"custom_id": f"c{i}", "method": "POST", "url": "/v1/chat/completions", "body": b}
             for i, b in enumerate(bodies)]
    lines.append({"custom_id": "nomatch", "method": "POST", "url": "/v1/chat/completions",
                  "body": {**bodies[0], "messages": [{"role": "user", "content": "no sample says this"}]}})
    with serve(errors=["c1"], expired=["c2"]) as server:
        client = openai_client(server)
        batch = client.batches.create(input_file_id=upload(client, lines), endpoint="/v1/chat/completions",
                                      completion_window="24h", metadata={"fcbench_submission": "abc"})
        done = client.batches.retrieve(batch.id)
        error_lines = client.files.content(done.error_file_id).text.splitlines()
        errors = {x["custom_id"]: x for x in map(json.loads, error_lines)}
        output = [json.loads(x)["custom_id"] for x in client.files.content(done.output_file_id).text.splitlines()]
        listed = [(b.id, b.metadata) for b in client.batches.list(limit=1)]
    with serve(fail=True) as failing:
        client = openai_client(failing)
        failed = client.batches.create(input_file_id=upload(client, lines[:1]), endpoint="/v1/chat/completions",
                                       completion_window="24h")
        failed = client.batches.retrieve(failed.id)
    with serve(polls=5) as slow:
        client = openai_client(slow)
        pending = client.batches.create(input_file_id=upload(client, lines[:1]), endpoint="/v1/chat/completions",
                                        completion_window="24h")
        cancelled_batch = client.batches.cancel(pending.id)
    assert done.status == "expired", "an expired request makes the batch end expired"
    assert output == ["c0"]
    assert errors["c1"]["response"]["status_code"] == 500
    assert errors["c2"]["error"]["code"] == "batch_expired" and errors["c2"]["response"] is None
    assert errors["nomatch"]["response"]["status_code"] == 400, "the same 400 as the chat endpoint gives"
    assert listed == [(batch.id, {"fcbench_submission": "abc"})], "list shows the metadata a resume looks for"
    assert failed.status == "failed" and failed.errors.data and failed.output_file_id is None
    assert cancelled_batch.status == "cancelled"


def test_anthropic_message_batch_answers_like_the_messages_endpoint(requests_):
    """Why: the SDK's own results() follows results_url back to this server and parses every line."""
    with serve(polls=1, errors=["r1"], expired=["r2"]) as server:
        client = anthropic.Anthropic(api_key=KEY, base_url=server.base_url, max_retries=0)
        params = []
        for r in requests_:
            p = messages_payload(r, "emulated", CONFIG)
            params.append({**{k: v for k, v in p.items() if k != "extra_body"}, **p["extra_body"]})
        sdk_kwargs = messages_payload(requests_[0], "emulated", CONFIG)  # temperature in extra_body
        direct = client.messages.with_raw_response.create(**sdk_kwargs).http_response.json()
        batch = client.messages.batches.create(requests=[{"custom_id": f"r{i}", "params": p}
                                                         for i, p in enumerate(params)])
        first = client.messages.batches.retrieve(batch.id)
        ended = client.messages.batches.retrieve(batch.id)
        results = {r.custom_id: r.result for r in client.messages.batches.results(batch.id)}
        stats = server.stats()
    assert first.processing_status == "in_progress" and first.results_url is None
    assert ended.processing_status == "ended" and ended.results_url.startswith(server.base_url)
    assert (ended.request_counts.succeeded, ended.request_counts.errored, ended.request_counts.expired) == (1, 1, 1)
    assert results["r0"].type == "succeeded"
    assert without_ids(results["r0"].message.model_dump(mode="json", exclude_none=True)) == \
        without_ids({k: v for k, v in direct.items() if v is not None})
    assert results["r1"].type == "errored" and results["r2"].type == "expired"
    assert stats["batches"]["anthropic"] == {"batches_created": 1, "batch_requests": 2}, "expired never ran"
