"""Provider batch APIs (``fcbench run --batch``): what the run's batch flow asks of a provider.

OpenAI's Batch API and Anthropic's Message Batches take many requests at once and answer
within 24 hours at half the price. `ProviderBatchAPI` is the part that speaks to the
provider through its SDK; the run folder's state and the order of steps live in
`fcbench.running.provider_batch`, which drives one of these in four steps::

    upload(items, key) -> file id or None   # OpenAI uploads a JSONL file; Anthropic has no file
    create(items, key, file id) -> batch id
    poll(batch id) -> BatchProgress         # until it has ended
    results(batch id, items) -> {custom id: ModelOutput | InfraError}

Each step is its own call so that the flow can record what now exists (a file, a batch)
before taking the next one. A request goes out exactly as the non-batch backend sends it
(the backend's own ``_payload``, tools under API-safe names), and its answer is read by
the backend's own parser, with the library's tool names restored: a batch run scores
like a direct run. Anything that is not an answer (an error line, an expired or
cancelled request, a failed batch) is an `InfraError` for that request, never a wrong answer.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from fcbench.errors import InfraError, UsageError
from fcbench.models.api_base import SDKChatModel
from fcbench.models.api_errors import sdk_error
from fcbench.models.tool_names import api_safe_names, restore_names
from fcbench.records import ModelOutput, Request, record

if TYPE_CHECKING:
    from fcbench.models.base import Model

T = TypeVar("T")

#: providers with a batch API, and the module and class that speak to it
BATCH_PROVIDERS: dict[str, tuple[str, str]] = {
    "openai": ("fcbench.models.openai_batch", "OpenAIBatchAPI"),
    "anthropic": ("fcbench.models.anthropic_batch", "AnthropicBatchAPI"),
}
#: backend options (``-M``) read by the batch flow, not by the backend
BATCH_OPTIONS = SDKChatModel.passthrough_options
DEFAULT_POLL_S = 30.0

_SAFE_ID = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
_UNSAFE_CHAR = re.compile(r"[^a-zA-Z0-9_-]")


@record
class BatchItem:
    """One request of a batch: its custom id and the request as the runner built it."""

    custom_id: str
    request: Request


@record
class BatchProgress:
    """A batch as last seen: the provider's own status word, whether it has ended, counts."""

    batch_id: str
    status: str
    ended: bool
    done: int = 0
    total: int = 0


def check_batch_provider(model_name: str, protocol: str) -> None:
    """`UsageError` unless ``--batch`` can run this model under this protocol."""
    provider = model_name.partition("/")[0]
    if provider not in BATCH_PROVIDERS:
        known = ", ".join(f"{name}/" for name in sorted(BATCH_PROVIDERS))
        raise UsageError(f"--batch needs a provider with a batch API ({known}), not {provider}/")
    if protocol == "interactive":
        raise UsageError("--batch cannot run --protocol interactive (each turn waits for the last answer)")


def batch_api_class(provider: str) -> type[ProviderBatchAPI]:
    """The batch API class of a provider (its module imports no SDK until a call is made)."""
    import importlib

    entry = BATCH_PROVIDERS.get(provider)
    if entry is None:
        raise UsageError(f"{provider}/ has no batch API in fcbench")
    module, cls = entry
    return getattr(importlib.import_module(module), cls)


def batch_api_for(model: Model) -> ProviderBatchAPI:
    """The batch API of an ``openai/`` or ``anthropic/`` backend."""
    return batch_api_class(model.provider)(model)  # type: ignore[arg-type]


def unique_custom_ids(sample_ids: Iterable[str], *, strict: bool) -> dict[str, str]:
    """sample id -> custom id. The sample id itself, unless `strict` (Anthropic:
    ``^[a-zA-Z0-9_-]{1,64}$``) refuses it: then its safe characters cut short plus a hash
    of the whole id, so that two ids never share a custom id."""
    out: dict[str, str] = {}
    for sample_id in sample_ids:
        if not strict or _SAFE_ID.match(sample_id):
            out[sample_id] = sample_id
            continue
        digest = hashlib.sha256(sample_id.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        out[sample_id] = f"{_UNSAFE_CHAR.sub('_', sample_id)[:40]}-h{digest}"
    if len(set(out.values())) != len(out):
        raise UsageError("two samples map to one batch custom_id; rename one of them")
    return out


def batch_options(options: dict[str, Any], max_requests: int) -> tuple[float, int]:
    """(poll interval in seconds, requests per batch) from ``-M batch_poll_s=`` and ``-M batch_size=``."""
    poll = options.get("batch_poll_s", DEFAULT_POLL_S)
    size = options.get("batch_size", max_requests)
    if isinstance(poll, bool) or not isinstance(poll, (int, float)) or not poll > 0:
        raise UsageError(f"batch_poll_s must be a number of seconds > 0, got {poll!r}")
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= max_requests:
        raise UsageError(f"batch_size must be a whole number from 1 to {max_requests}, got {size!r}")
    return float(poll), size


class ProviderBatchAPI:
    """One provider's batch API, on top of its non-batch backend (`SDKChatModel`)."""

    provider: ClassVar[str]
    #: requests one batch may hold (the provider's limit)
    max_requests: ClassVar[int]
    #: does the provider restrict custom ids to ``^[a-zA-Z0-9_-]{1,64}$``?
    strict_custom_ids: ClassVar[bool] = False

    def __init__(self, model: SDKChatModel):
        self.model = model
        self.poll_s, self.batch_size = batch_options(model.options, self.max_requests)

    # ------------------------------------------------------------ what a subclass says
    async def upload(self, items: list[BatchItem], key: str) -> str | None:
        raise NotImplementedError

    async def create(self, items: list[BatchItem], key: str, file_id: str | None) -> str:
        raise NotImplementedError

    async def find(self, key: str, since: float) -> str | None:
        """The batch created under `key` (at or after the time `since`), if the provider can say."""
        return None

    async def poll(self, batch_id: str) -> BatchProgress:
        raise NotImplementedError

    async def results(self, batch_id: str, items: list[BatchItem]) -> dict[str, ModelOutput | InfraError]:
        raise NotImplementedError

    # ------------------------------------------------------------ shared
    def custom_ids(self, sample_ids: Iterable[str]) -> dict[str, str]:
        return unique_custom_ids(sample_ids, strict=self.strict_custom_ids)

    def body(self, request: Request) -> dict[str, Any]:
        """The JSON body the non-batch backend sends for `request` (``extra_body`` merged in,
        as the SDK merges it), tools under their API-safe names."""
        safe, _ = api_safe_names(request)
        payload = dict(self.model._payload(safe))
        extra = payload.pop("extra_body", None) or {}
        return {**payload, **extra}

    def answer(self, request: Request, body: Any) -> ModelOutput | InfraError:
        """An answer's JSON body read by the backend's parser, the library's tool names restored."""
        try:
            output = self.model.parse_answer(body, 0.0)
        except InfraError as exc:
            return exc
        _, back = api_safe_names(request)
        return restore_names(output, back) if request.restore_names else output

    def client(self) -> Any:
        return self.model._client or self.model._open_client()

    async def call(self, make: Callable[[Any], Awaitable[T]]) -> T:
        """One SDK call, its exceptions as `InfraError` (the caller's retry layer decides)."""
        sdk = self.model._sdk()
        try:
            return await make(self.client())
        except getattr(sdk, self.model.sdk_error_class) as exc:
            raise sdk_error(exc, sdk, [self.model._api_key]) from None

    def settings(self) -> dict[str, Any]:
        return {"poll_s": self.poll_s, "batch_size": self.batch_size}


def error_text(error: Any) -> str:
    """A provider's error object in one short line."""
    if isinstance(error, dict):
        inner = error.get("error") if isinstance(error.get("error"), dict) else error
        parts = [str(inner.get(k)) for k in ("type", "code", "message") if inner.get(k)]
        return ": ".join(parts)[:300] or "error"
    return str(error)[:300]
