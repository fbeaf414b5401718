"""What the HTTP backends share.

`ApiChatModel`: tools go out under API-safe names and calls come back under the
library's (`fcbench.models.tool_names`); the common HTTP options are read once
(`fcbench.models.http_options`).

`SDKChatModel`: what ``openai/`` and ``anthropic/`` share on top: one endpoint, a
key from the environment, the vendor's async client with its retries off
(`fcbench.retry` is the one retry layer), the answer read as raw JSON, and the
SDK's exceptions mapped by `fcbench.models.api_errors`. A subclass says which
SDK, builds the request and names the parser of the answer.
"""

from __future__ import annotations

import importlib
import os
import time
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

from fcbench.errors import InfraError, UsageError
from fcbench.models.api_errors import sdk_error
from fcbench.models.base import GenerateConfig, Model
from fcbench.models.endpoints import public_url
from fcbench.models.http_options import HttpOptions, http_option_names, read_http_options
from fcbench.models.openai_stream import answer_json
from fcbench.models.tool_names import api_safe_names, restore_names
from fcbench.parsing.intake import JsonError
from fcbench.records import ModelOutput, Request


class ApiChatModel(Model):
    """A backend that sends tools to an HTTP API, configured by the common HTTP options."""

    #: this API's HTTP options when the user gives none
    http_defaults: ClassVar[HttpOptions]

    def __init__(self, name: str, config: GenerateConfig | None = None, **options: Any):
        accepted = http_option_names(self.http_defaults)
        super().__init__(name, config, **{k: v for k, v in options.items() if k not in accepted})
        self.model_id = name.split("/", 1)[1]
        self.http = read_http_options({k: v for k, v in options.items() if k in accepted}, self.http_defaults)

    async def generate(self, request: Request) -> ModelOutput:
        safe_request, back = api_safe_names(request)
        output = await self._generate(safe_request)
        return restore_names(output, back) if request.restore_names else output

    async def _generate(self, request: Request) -> ModelOutput:
        raise NotImplementedError


class SDKChatModel(ApiChatModel):
    """A backend built on a vendor SDK (``openai`` or ``anthropic``: same client and error layout)."""

    #: read by ``--batch`` runs (`fcbench.models.provider_batches`), not by the per-request calls
    passthrough_options = frozenset({"batch_poll_s", "batch_size"})
    #: the SDK's import name, its async client class and the base class of its exceptions
    sdk_name: ClassVar[str]
    client_class: ClassVar[str]
    sdk_error_class: ClassVar[str]
    #: environment variable holding the endpoint when --base-url is not given
    base_url_env: ClassVar[str]
    #: the SDK's own endpoint, as recorded in settings when none is given
    default_base_url: ClassVar[str]
    #: the API's JSON answer -> ModelOutput (a `fcbench.models.*_wire` parser, as a staticmethod)
    parse_answer: ClassVar[Callable[[Any, float], ModelOutput]]
    #: server-sent events -> the one JSON answer they stream (None: cut off), for a server or
    #: proxy that streams although one answer was asked for; None where the API has no folder
    fold_events: ClassVar[Callable[[bytes], Any] | None] = None
    #: (HTTP status, error body, latency) -> the model's answer a server sent as an error
    #: (`fcbench.models.openai_wire.answer_in_error`), else None; None where the API has none
    answer_in_error: ClassVar[Callable[[int, bytes, float], ModelOutput | None] | None] = None

    def __init__(self, name: str, config: GenerateConfig | None = None, *, base_url: str | None = None,
                 base_urls: Any = None, http_client: Any = None, **options: Any):
        super().__init__(name, config, **options)
        if isinstance(base_urls, list) and len(base_urls) > 1:
            hint = "; use openai-compatible/ to spread requests over several servers" \
                if self.provider == "openai" else ""
            raise UsageError(f"{self.provider}/ takes one --base-url{hint}")
        self.base_url = base_url or os.environ.get(self.base_url_env) or None
        key = self.http.api_key()
        if not key and not self.base_url:
            raise UsageError(f"{self.provider}/ needs an API key in ${self.http.api_key_env}")
        self._api_key = key or "EMPTY"
        self._http_client = http_client  # tests inject an httpx2 client with a MockTransport
        self._client: Any = None

    # ------------------------------------------------------ what a subclass says
    def _payload(self, request: Request) -> dict[str, Any]:
        """Keyword arguments of the SDK call for one request."""
        raise NotImplementedError

    def _create(self, client: Any) -> Callable[..., Awaitable[Any]]:
        """The SDK's ``with_raw_response.create`` for this API."""
        raise NotImplementedError

    # ------------------------------------------------------------- the call
    def _sdk(self) -> Any:
        return importlib.import_module(self.sdk_name)

    def _open_client(self) -> Any:
        sdk = self._sdk()
        # Redirects are not followed (the SDKs' default is to follow them): a 3xx is then an
        # infrastructure failure naming the Location, as on openai-compatible/, and the key
        # (Anthropic's x-api-key header survives httpx's cross-origin redirects) never goes
        # to a host the user did not name.
        http_client = self._http_client or sdk.DefaultAsyncHttpxClient(follow_redirects=False)
        self._client = getattr(sdk, self.client_class)(api_key=self._api_key, base_url=self.base_url, max_retries=0,
                                                       timeout=self.http.timeout, http_client=http_client)
        return self._client

    async def _generate(self, request: Request) -> ModelOutput:
        sdk = self._sdk()
        any_sdk_error = getattr(sdk, self.sdk_error_class)
        client = self._client or self._open_client()
        payload = self._payload(request)
        start = time.perf_counter()
        try:
            raw = await self._create(client)(**payload)
            body = raw.http_response.content
        except any_sdk_error as exc:
            output = self._answer_in_error(exc, sdk, time.perf_counter() - start)
            if output is not None:
                return output
            raise sdk_error(exc, sdk, [self._api_key]) from None
        try:
            answer = answer_json(body, raw.http_response.headers.get("content-type"), self.fold_events)
        except JsonError as exc:
            raise InfraError("bad_response", f"response body is not JSON ({exc})", retryable=True) from None
        return self.parse_answer(answer, time.perf_counter() - start)

    def _answer_in_error(self, exc: Exception, sdk: Any, latency: float) -> ModelOutput | None:
        if self.answer_in_error is None or not isinstance(exc, sdk.APIStatusError) or exc.response is None:
            return None
        try:
            body = exc.response.content
        except Exception:  # a body the SDK never read: no answer in it
            return None
        return self.answer_in_error(exc.status_code, body, latency)

    def settings(self) -> dict[str, Any]:
        settings = {"provider": self.provider, "model": self.model_id,
                    "client": f"{self.sdk_name} {self._sdk().__version__}",
                    "base_url": public_url(self.base_url) or f"{self.default_base_url} (SDK default)",
                    "timeout": self.http.timeout}
        if self.http.max_tokens_field is not None:
            settings["max_tokens_field"] = self.http.max_tokens_field
        return {**settings, "extra_body": self.http.extra_body, "omit": sorted(self.http.omit)}

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None
