"""OpenAI's Batch API for ``openai/`` runs (``fcbench run --batch``), through the official SDK.

The requests go up as one JSONL file (``files.create(purpose="batch")``), each line
``{"custom_id", "method": "POST", "url": "/v1/chat/completions", "body"}`` with the body
the non-batch backend would send. The batch is created with a submission key in its
``metadata``, so that a run killed between "create returned" and "batch id recorded"
finds its batch again (`find`, through ``batches.list``) instead of paying twice.

Answers come back in the output file (``{"custom_id", "response": {"status_code", "body"}}``)
and the error file; `read_output_lines` reads both (and ``replay/`` reads such a file made
by any batch runner, e.g. ``vllm run-batch``). A line with an error or a status other
than 200, and a request with no line at all (the batch expired, failed or was cancelled),
is an `InfraError` for that request.
"""

from __future__ import annotations

import json
from typing import Any

from fcbench.errors import InfraError
from fcbench.models.provider_batches import BatchItem, BatchProgress, ProviderBatchAPI, error_text
from fcbench.parsing.intake import JsonError, loads
from fcbench.records import ModelOutput

ENDPOINT = "/v1/chat/completions"
#: the metadata key that names a batch's submission
KEY_FIELD = "fcbench_submission"
ENDED = frozenset({"completed", "failed", "expired", "cancelled"})
#: how far back (seconds before the submission was first recorded) `find` looks
FIND_SLACK_S = 600


def input_line(custom_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """One line of a batch input file."""
    return {"custom_id": custom_id, "method": "POST", "url": ENDPOINT, "body": body}


def read_output_line(line: dict[str, Any]) -> tuple[str | None, Any | InfraError]:
    """(custom id, the chat completion body) of a batch output or error line, or
    (custom id, InfraError) when the line holds no answer."""
    custom_id = line.get("custom_id")
    custom_id = custom_id if isinstance(custom_id, str) else None
    error = line.get("error")
    response = line.get("response")
    status = response.get("status_code") if isinstance(response, dict) else None
    body = response.get("body") if isinstance(response, dict) else None
    if error:
        kind = "batch_expired" if isinstance(error, dict) and error.get("code") == "batch_expired" else "batch_error"
        return custom_id, InfraError(kind, f"batch request failed: {error_text(error)}", retryable=False)
    if status != 200:
        return custom_id, InfraError("batch_error", f"batch request answered HTTP {status}: "
                                     f"{error_text(body) if body is not None else 'no body'}",
                                     retryable=False, status=status if isinstance(status, int) else None)
    return custom_id, body


def read_output_lines(data: bytes) -> list[dict[str, Any]]:
    """The JSON objects of a batch output (or results) file.

    A line that is not a JSON object is left out: its request then has no answer
    (``batch_missing``, an infrastructure failure that ``--resume`` submits again), while
    every readable line still counts. Refusing the whole file instead would keep the batch
    open, and each resume would read the same broken file again.
    """
    lines = []
    for raw in data.split(b"\n"):
        if not raw.strip():
            continue
        try:
            line = loads(raw)
        except JsonError:
            continue
        if isinstance(line, dict):
            lines.append(line)
    return lines


def count(counts: Any, name: str) -> int:
    """A request count of a batch (0 where a server leaves it out or sends null)."""
    value = getattr(counts, name, None)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


class OpenAIBatchAPI(ProviderBatchAPI):
    provider = "openai"
    max_requests = 50_000

    async def upload(self, items: list[BatchItem], key: str) -> str | None:
        data = "".join(json.dumps(input_line(i.custom_id, self.body(i.request)), ensure_ascii=False) + "\n"
                       for i in items).encode("utf-8", "surrogatepass")
        uploaded = await self.call(lambda c: c.files.create(file=(f"fcbench-{key}.jsonl", data,
                                                                  "application/jsonl"), purpose="batch"))
        return uploaded.id

    async def create(self, items: list[BatchItem], key: str, file_id: str | None) -> str:
        assert file_id is not None, "upload first"
        batch = await self.call(lambda c: c.batches.create(input_file_id=file_id, endpoint=ENDPOINT,
                                                           completion_window="24h",
                                                           metadata={KEY_FIELD: key}))
        return batch.id

    async def find(self, key: str, since: float) -> str | None:
        """Newest first: stop at batches older than the submission could have made."""
        async def scan(client: Any) -> str | None:
            async for batch in client.batches.list(limit=100):
                if (batch.metadata or {}).get(KEY_FIELD) == key:
                    return batch.id
                if batch.created_at < since - FIND_SLACK_S:
                    return None
            return None
        return await self.call(scan)

    async def poll(self, batch_id: str) -> BatchProgress:
        batch = await self.call(lambda c: c.batches.retrieve(batch_id))
        counts = batch.request_counts
        done = count(counts, "completed") + count(counts, "failed")
        return BatchProgress(batch_id, batch.status, batch.status in ENDED, done, count(counts, "total"))

    async def results(self, batch_id: str, items: list[BatchItem]) -> dict[str, ModelOutput | InfraError]:
        batch = await self.call(lambda c: c.batches.retrieve(batch_id))
        by_id = {i.custom_id: i.request for i in items}
        out: dict[str, ModelOutput | InfraError] = {}
        for file_id in (batch.output_file_id, batch.error_file_id):
            if not file_id:
                continue
            content = await self.call(lambda c, file_id=file_id: c.files.content(file_id))
            for line in read_output_lines(content.content):
                custom_id, answer = read_output_line(line)
                if custom_id in by_id:
                    out[custom_id] = answer if isinstance(answer, InfraError) else self.answer(by_id[custom_id], answer)
        if batch.status != "completed":
            why = batch.status
            errors = batch.errors.data if batch.errors and batch.errors.data else []
            if errors:
                why += f" ({'; '.join(str(e.message) for e in errors[:3])})"
            for custom_id in by_id:
                out.setdefault(custom_id, InfraError(f"batch_{batch.status}", f"batch {batch_id} ended {why} "
                                                     "without an answer to this request", retryable=False))
        return out
