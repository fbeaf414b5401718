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

import time
from typing import Any

from fcbench.errors import InfraError
from fcbench.intake import JsonError, loads
from fcbench.models.api_base import SDKChatModel
from fcbench.models.base import GenerateConfig
from fcbench.models.chat_format import (
    chat_payload,
    parse_chat_response,
    public_url,
    scrub,
    sdk_infra_error,
)
from fcbench.models.options import string_option
from fcbench.records import ModelOutput, Request


class OpenAIModel(SDKChatModel):
    provider = "openai"
    base_url_env = "OPENAI_BASE_URL"

    def __init__(self, name: str, config: GenerateConfig | None = None, *, api_key_env: str = "OPENAI_API_KEY",
                 max_tokens_field: str = "max_completion_tokens", **options: Any):
        super().__init__(name, config, api_key_env=api_key_env, **options)
        self.max_tokens_field = string_option("max_tokens_field", max_tokens_field,
                                              ("max_tokens", "max_completion_tokens"))

    def _open_client(self) -> Any:
        import openai

        self._client = openai.AsyncOpenAI(api_key=self._api_key, base_url=self.base_url, max_retries=0,
                                          timeout=self.timeout, http_client=self._http_client)
        return self._client

    async def _generate(self, request: Request) -> ModelOutput:
        import openai

        client = self._client or self._open_client()
        payload = chat_payload(request, self.model_id, self.config, max_tokens_field=self.max_tokens_field,
                               omit=self.omit)
        start = time.perf_counter()
        try:
            raw = await client.chat.completions.with_raw_response.create(
                **payload, extra_body=self.extra_body or None)
            answer = loads(raw.http_response.content)
        except openai.OpenAIError as exc:
            error = sdk_infra_error(exc, openai, [self._api_key])
            if error is None:
                raise InfraError("backend_error", scrub(f"{type(exc).__name__}: {exc}", [self._api_key]),
                                 retryable=False) from None
            raise error from None
        except JsonError as exc:  # the body was not JSON
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
