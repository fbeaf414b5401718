"""The backend interface the runner calls.

A backend turns a `Request` into a `ModelOutput`. It never raises for a bad
*answer* (that is data for the scorer); it raises `fcbench.errors.InfraError`
when it could not get an answer, and the runner's retry layer decides what
happens next. Backends that prefer whole batches (in-process vLLM) set
``batched = True`` and implement `generate_batch`.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from typing import Any, ClassVar, Sequence

from fcbench.errors import UsageError
from fcbench.records import ModelOutput, Request, record


@record
class GenerateConfig:
    """Sampling parameters; part of a run's fingerprint."""

    temperature: float = 0.0
    max_tokens: int = 1024
    seed: int | None = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


#: options any backend accepts: the CLI's --base-url, and the price overrides used for cost estimates.
COMMON_OPTIONS = frozenset({"base_url", "base_urls", "prices", "price_in", "price_out"})


class Model:
    """Base class for backends. Subclasses implement `generate` (or `generate_batch`)."""

    #: the provider prefix of the model name (``openai``, ``reference``...).
    provider: ClassVar[str] = ""
    #: True when the backend wants the whole run at once (`generate_batch`).
    batched: ClassVar[bool] = False
    #: True when the backend answers from the sample's gold or a file, not a model.
    offline: ClassVar[bool] = False

    #: options a subclass reads from `self.options` rather than naming in its __init__.
    passthrough_options: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, name: str, config: GenerateConfig | None = None, **options: Any):
        unknown = sorted(set(options) - COMMON_OPTIONS - self.passthrough_options)
        if unknown:
            raise UsageError(f"unknown option(s) for {self.provider or name.split('/')[0]}/ models: "
                             f"{', '.join(unknown)} (a misspelt -M KEY=VALUE?)")
        self.name = name
        self.config = config or GenerateConfig()
        self.options = options

    async def generate(self, request: Request) -> ModelOutput:
        raise NotImplementedError

    async def generate_batch(self, requests: Sequence[Request]) -> list[ModelOutput]:
        return list(await asyncio.gather(*(self.generate(r) for r in requests)))

    async def start(self) -> None:
        """Get ready before the first request (start a server, load an engine); a no-op by default.

        Raise `InfraError` when the backend cannot start: the runner then stops
        before any sample is sent, instead of recording every sample as failed.
        """

    def settings(self) -> dict[str, Any]:
        """Backend settings recorded in run.json. Never include secrets."""
        return {"provider": self.provider}

    async def aclose(self) -> None:
        """Release connections, servers or engines."""
