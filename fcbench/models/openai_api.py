"""`openai/MODEL`: OpenAI's Chat Completions through the official SDK.

The SDK never retries (``max_retries=0``): `fcbench.retry` is the one retry layer.
The answer is read as raw JSON (``with_raw_response``) and parsed by
`fcbench.models.chat_format`, the same code as the ``openai-compatible`` backend.

Options (``-M KEY=VALUE``; ``--base-url`` fills ``base_url``):

* ``base_url``: default ``$OPENAI_BASE_URL``, else the SDK's (api.openai.com).
* ``api_key_env``: environment variable holding the key (default ``OPENAI_API_KEY``);
  it must be set unless a ``base_url`` is given (then ``EMPTY`` is sent).
* ``timeout``: seconds per request (default 120).
* ``max_tokens_field``: ``max_completion_tokens`` (default: OpenAI's current name, the
  only one its reasoning models accept) or ``max_tokens`` (older compatible servers).
* ``extra_body``: a JSON object merged into every request body.
* ``omit``: body fields not to send, comma-separated (e.g. ``temperature,seed`` for
  reasoning models that accept only their default temperature).
"""

from __future__ import annotations

import os
import time
from typing import Any

from fcbench.errors import InfraError, UsageError
from fcbench.models.base import GenerateConfig, Model
from fcbench.models.chat_format import (
    api_safe_names,
    chat_payload,
    omit_fields,
    parse_chat_response,
    public_url,
    restore_names,
    scrub,
    sdk_infra_error,
)
from fcbench.records import ModelOutput, Request


class OpenAIModel(Model):
    provider = "openai"

    def __init__(self, name: str, config: GenerateConfig | None = None, *, base_url: str | None = None,
                 base_urls: Any = None, api_key_env: str = "OPENAI_API_KEY", timeout: float = 120,
                 max_tokens_field: str = "max_completion_tokens", extra_body: dict[str, Any] | None = None,
                 omit: Any = None, http_client: Any = None, **options: Any):
        super().__init__(name, config, **options)
        if isinstance(base_urls, list) and len(base_urls) > 1:
            raise UsageError("openai/ takes one --base-url; use openai-compatible/ to spread requests "
                             "over several servers")
        self.model_id = name.split("/", 1)[1]
        self.base_url = (base_url or os.environ.get("OPENAI_BASE_URL") or None)
        key = os.environ.get(str(api_key_env))
        if not key and not self.base_url:
            raise UsageError(f"openai/ needs an API key in ${api_key_env}")
        self._api_key = key or "EMPTY"
        self.timeout = float(timeout)
        if max_tokens_field not in ("max_tokens", "max_completion_tokens"):
            raise UsageError(f"max_tokens_field must be max_tokens or max_completion_tokens, got {max_tokens_field!r}")
        self.max_tokens_field = max_tokens_field
        if extra_body is not None and not isinstance(extra_body, dict):
            raise UsageError("extra_body must be a JSON object")
        self.extra_body = extra_body or {}
        self.omit = omit_fields(omit)
        self._http_client = http_client  # tests inject an httpx2 client with a MockTransport
        self._client: Any = None

    def _open_client(self) -> Any:
        import openai

        self._client = openai.AsyncOpenAI(api_key=self._api_key, base_url=self.base_url, max_retries=0,
                                          timeout=self.timeout, http_client=self._http_client)
        return self._client

    async def generate(self, request: Request) -> ModelOutput:
        request, back = api_safe_names(request)
        return restore_names(await self._generate(request), back)

    async def _generate(self, request: Request) -> ModelOutput:
        import openai

        client = self._client or self._open_client()
        payload = chat_payload(request, self.model_id, self.config, max_tokens_field=self.max_tokens_field,
                               omit=self.omit)
        start = time.perf_counter()
        try:
            raw = await client.chat.completions.with_raw_response.create(
                **payload, extra_body=self.extra_body or None)
            answer = raw.http_response.json()
        except openai.OpenAIError as exc:
            error = sdk_infra_error(exc, openai, [self._api_key])
            if error is None:
                raise InfraError("backend_error", scrub(f"{type(exc).__name__}: {exc}", [self._api_key]),
                                 retryable=False) from None
            raise error from None
        except ValueError as exc:  # the body was not JSON
            raise InfraError("bad_response", f"response body is not JSON ({exc})", retryable=True) from None
        return parse_chat_response(answer, time.perf_counter() - start)

    def settings(self) -> dict[str, Any]:
        import openai

        return {"provider": self.provider, "model": self.model_id, "client": f"openai {openai.__version__}",
                "base_url": public_url(self.base_url) or "https://api.openai.com/v1 (SDK default)",
                "timeout": self.timeout, "max_tokens_field": self.max_tokens_field,
                "extra_body": self.extra_body, "omit": sorted(self.omit)}

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None
