"""`openai-compatible/MODEL`: Chat Completions over fcbench's lean HTTP client (vLLM, llama.cpp, proxies).

Why not the OpenAI SDK, or aiohttp: against a local server answering hundreds of
requests a second, the client's own work per request caps the run on the event
loop's one core (the SDK costs about 6 ms of CPU per request, aiohttp about 0.4 ms,
and importing aiohttp a third of a second). This backend does one JSON encode, one
POST over kept-alive connections (`fcbench.models.http`) and one JSON decode per request.

Options (``-M KEY=VALUE``; ``--base-url`` fills ``base_url``/``base_urls``):

* ``base_urls`` / ``base_url``: endpoint(s) ending in ``/v1`` (default ``$OPENAI_BASE_URL``).
  With several, each request goes to the endpoint with the fewest requests in
  flight (ties: round robin).
  A URL with user info (``http://user:password@proxy/v1``) is sent basic auth
  instead of the bearer key; the password is never written anywhere.
* ``api_key_env``: environment variable holding the key (default ``OPENAI_API_KEY``;
  ``EMPTY`` when unset, which vLLM accepts).
* ``timeout``: seconds allowed to connect and to wait for the answer (default 120).
  Waiting for a free connection of the pool is not counted.
* ``max_connections``: connection pool size (default 0 = no limit beyond ``--concurrency``).
* ``max_tokens_field``: ``max_tokens`` (default) or ``max_completion_tokens``.
* ``tool_names``: send ``name`` on tool-result messages (default true; vLLM templates use it).
* ``extra_body``: a JSON object merged into every request body (e.g. vLLM's
  ``{"chat_template_kwargs": {"enable_thinking": false}}``).
* ``omit``: body fields not to send, comma-separated (e.g. ``seed``).
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import time
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from fcbench.credentials import register
from fcbench.errors import InfraError, UsageError
from fcbench.intake import JsonError, loads
from fcbench.models.api_base import ApiChatModel
from fcbench.models.base import GenerateConfig
from fcbench.models.chat_format import (
    chat_payload,
    infra_error_for_status,
    omit_fields,
    parse_chat_response,
    public_url,
    scrub,
)
from fcbench.models.http import HttpProtocolError, Origin
from fcbench.models.options import flag_option, int_option, number_option, object_option, string_option
from fcbench.records import ModelOutput, Request


class EndpointPool:
    """Picks the endpoint with the fewest requests in flight; ties go round robin."""

    def __init__(self, urls: list[str]):
        if not urls:
            raise ValueError("no endpoints")
        self.urls = list(urls)
        self.outstanding = [0] * len(urls)
        self.sent = [0] * len(urls)
        self._next = 0

    def acquire(self) -> int:
        n = len(self.urls)
        best = self._next
        for step in range(1, n):
            i = (self._next + step) % n
            if self.outstanding[i] < self.outstanding[best]:
                best = i
        self._next = (best + 1) % n
        self.outstanding[best] += 1
        self.sent[best] += 1
        return best

    def release(self, index: int) -> None:
        self.outstanding[index] -= 1


def _split_user_info(url: str, api_key: str) -> tuple[str, dict[str, str]]:
    """(the URL without user info, the request headers for it): basic auth when the URL
    carries ``user:password@``, else the bearer key."""
    parts = urlsplit(url)
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {api_key}"}
    if parts.username is None and parts.password is None:
        return url, headers
    user, password = unquote(parts.username or ""), unquote(parts.password or "")
    register(password)
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    register(token)
    headers["Authorization"] = f"Basic {token}"
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment)), headers


def _endpoint_list(base_url: Any, base_urls: Any) -> list[str]:
    urls = base_urls if base_urls else base_url
    if urls is None:
        urls = os.environ.get("OPENAI_BASE_URL")
    if isinstance(urls, str):
        urls = [urls]
    if not urls or not all(isinstance(u, str) and u.startswith(("http://", "https://")) for u in urls):
        raise UsageError("openai-compatible needs --base-url http://HOST:PORT/v1 (or OPENAI_BASE_URL); "
                         f"got {[public_url(u) if isinstance(u, str) else u for u in urls or []]}")
    return [u.rstrip("/") for u in urls]


class OpenAICompatibleModel(ApiChatModel):
    provider = "openai-compatible"

    def __init__(self, name: str, config: GenerateConfig | None = None, *, base_url: Any = None,
                 base_urls: Any = None, api_key_env: str = "OPENAI_API_KEY", timeout: float = 120,
                 max_connections: int = 0, max_tokens_field: str = "max_tokens", tool_names: Any = True,
                 extra_body: dict[str, Any] | None = None, omit: Any = None, **options: Any):
        super().__init__(name, config, **options)
        self.model_id = name.split("/", 1)[1]
        self.base_urls = _endpoint_list(base_url, base_urls)
        self._api_key = os.environ.get(str(api_key_env)) or "EMPTY"
        register(self._api_key)
        # User info in a URL (a proxy's basic auth) becomes that endpoint's Authorization header.
        endpoints = [_split_user_info(u, self._api_key) for u in self.base_urls]
        self.pool = EndpointPool([url + "/chat/completions" for url, _ in endpoints])
        self._paths = [(urlsplit(url).path or "") + "/chat/completions" for url, _ in endpoints]
        self._endpoint_headers = [headers for _, headers in endpoints]
        self.timeout = number_option("timeout", timeout, positive=True)
        self.max_connections = int_option("max_connections", max_connections or 0)
        self.max_tokens_field = string_option("max_tokens_field", max_tokens_field,
                                              ("max_tokens", "max_completion_tokens"))
        self.tool_names = flag_option("tool_names", tool_names)
        self.extra_body = object_option("extra_body", extra_body)
        self.omit = omit_fields(omit)
        self._origins: list[Origin] | None = None

    def _open_origins(self) -> list[Origin]:
        """One keep-alive pool per endpoint, created inside the running loop."""
        slots = asyncio.Semaphore(self.max_connections) if self.max_connections > 0 else None
        self._origins = [Origin(url, slots=slots, timeout=self.timeout) for url in self.pool.urls]
        return self._origins

    async def _generate(self, request: Request) -> ModelOutput:
        origins = self._origins or self._open_origins()
        payload = chat_payload(request, self.model_id, self.config, max_tokens_field=self.max_tokens_field,
                               tool_names=self.tool_names, extra_body=self.extra_body, omit=self.omit)
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        index = self.pool.acquire()
        start = time.perf_counter()
        try:
            response = await origins[index].post(self._paths[index], body, self._endpoint_headers[index])
        except asyncio.TimeoutError:
            raise InfraError("timeout", self._describe(None, index, f"no answer within {self.timeout:g} s"),
                             retryable=True) from None
        except (OSError, asyncio.IncompleteReadError, HttpProtocolError) as exc:  # refused, reset, cut off
            raise InfraError("connection", self._describe(exc, index), retryable=True) from None
        finally:
            self.pool.release(index)
        latency = time.perf_counter() - start
        status, data = response.status, response.body
        if status >= 400:
            raise infra_error_for_status(status, data.decode("utf-8", errors="replace"), response.headers,
                                         secrets=[self._api_key])
        try:
            answer = loads(data)
        except JsonError:
            raise InfraError("bad_response", self._describe(None, index, f"HTTP {status} body is not JSON: "
                                                            f"{data[:200]!r}"), retryable=True) from None
        return parse_chat_response(answer, latency)

    def _describe(self, exc: BaseException | None, index: int, detail: str = "") -> str:
        what = detail or f"{type(exc).__name__}: {exc}"
        return scrub(f"{public_url(self.pool.urls[index])}: {what}", [self._api_key])

    def settings(self) -> dict[str, Any]:
        return {"provider": self.provider, "model": self.model_id, "client": "fcbench.models.http",
                "base_urls": [public_url(u) for u in self.base_urls], "timeout": self.timeout,
                "max_connections": self.max_connections, "max_tokens_field": self.max_tokens_field,
                "tool_names": self.tool_names, "extra_body": self.extra_body, "omit": sorted(self.omit)}

    async def aclose(self) -> None:
        for origin in self._origins or ():
            await origin.close()
        self._origins = None
