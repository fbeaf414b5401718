"""Anthropic's Message Batches for ``anthropic/`` runs (``fcbench run --batch``), through the official SDK.

Each request goes as ``{"custom_id", "params"}`` with ``params`` the body the non-batch
backend sends (``temperature``, which anthropic 2.x takes only through ``extra_body``,
included). Anthropic limits custom ids to ``^[a-zA-Z0-9_-]{1,64}$``, so odd sample ids
are mapped (`fcbench.models.provider_batches.unique_custom_ids`) and the run folder
records the map.

Message batches carry no metadata, so a run killed after ``batches.create`` returned
but before it recorded the batch id cannot find that batch again: the flow records its
intent first and, on resume, submits such a batch once more. That window (one HTTP
answer long) is accepted; a batch whose id was recorded is never submitted twice.

Results (``batches.results``, JSONL read raw, so the same parser reads the message as
in a direct run): ``succeeded`` is an answer; ``errored``, ``expired`` and ``canceled``
are `InfraError` for that request.
"""

from __future__ import annotations

from typing import Any

from fcbench.errors import InfraError
from fcbench.models.openai_batch import count, read_output_lines
from fcbench.models.provider_batches import BatchItem, BatchProgress, ProviderBatchAPI, error_text
from fcbench.records import ModelOutput


def read_result_line(line: dict[str, Any]) -> tuple[str | None, Any | InfraError]:
    """(custom id, the message body) of a results line, or (custom id, InfraError)."""
    custom_id = line.get("custom_id")
    custom_id = custom_id if isinstance(custom_id, str) else None
    result = line.get("result") if isinstance(line.get("result"), dict) else {}
    kind = result.get("type")
    if kind == "succeeded":
        return custom_id, result.get("message")
    if kind == "errored":
        return custom_id, InfraError("batch_error", f"batch request errored: {error_text(result.get('error'))}",
                                     retryable=False)
    return custom_id, InfraError(f"batch_{kind or 'unknown'}", f"batch request {kind or 'has no result'}",
                                 retryable=False)


class AnthropicBatchAPI(ProviderBatchAPI):
    provider = "anthropic"
    max_requests = 100_000
    strict_custom_ids = True

    async def upload(self, items: list[BatchItem], key: str) -> str | None:
        return None  # the requests travel in the create call itself

    async def create(self, items: list[BatchItem], key: str, file_id: str | None) -> str:
        requests = [{"custom_id": i.custom_id, "params": self.body(i.request)} for i in items]
        batch = await self.call(lambda c: c.messages.batches.create(requests=requests))
        return batch.id

    async def poll(self, batch_id: str) -> BatchProgress:
        batch = await self.call(lambda c: c.messages.batches.retrieve(batch_id))
        counts = batch.request_counts
        done = sum(count(counts, name) for name in ("succeeded", "errored", "expired", "canceled"))
        return BatchProgress(batch_id, batch.processing_status, batch.processing_status == "ended",
                             done, done + count(counts, "processing"))

    async def results(self, batch_id: str, items: list[BatchItem]) -> dict[str, ModelOutput | InfraError]:
        async def read(client: Any) -> bytes:
            async with client.messages.batches.with_streaming_response.results(batch_id) as response:
                return await response.read()

        by_id = {i.custom_id: i.request for i in items}
        out: dict[str, ModelOutput | InfraError] = {}
        for line in read_output_lines(await self.call(read)):
            custom_id, answer = read_result_line(line)
            if custom_id in by_id:
                out[custom_id] = answer if isinstance(answer, InfraError) else self.answer(by_id[custom_id], answer)
        for custom_id in by_id:
            out.setdefault(custom_id, InfraError("batch_missing", f"batch {batch_id} has no result for this request",
                                                 retryable=False))
        return out
