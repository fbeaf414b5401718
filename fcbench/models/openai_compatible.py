"""`openai-compatible/MODEL`: Chat Completions over fcbench's lean HTTP client (vLLM, llama.cpp, proxies).

Why not the OpenAI SDK, or aiohttp: against a local server answering hundreds of
requests a second, the client's own work per request caps the run on the event
loop's one core (the SDK costs about 6 ms of CPU per request, aiohttp about 0.4 ms,
and importing aiohttp a third of a second). This backend does one JSON encode, one
POST over kept-alive connections (`fcbench.models.http`) and one JSON decode per request.
A server that streams the answer anyway (server-sent events) is read too
(`fcbench.models.openai_stream`).

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
import json
import os
import time
from typing import Any
from urllib.parse import urlsplit

from fcbench.errors import InfraError, UsageError
from fcbench.models.api_base import ApiChatModel
from fcbench.models.api_errors import infra_error_for_status, scrub
from fcbench.models.base import GenerateConfig
from fcbench.models.endpoints import EndpointPool, public_url, split_user_info
from fcbench.models.http import HttpProtocolError, Origin
from fcbench.models.http_options import HTTP_OPTIONS, HttpOptions
from fcbench.models.openai_stream import answer_json, completion_from_events
from fcbench.models.openai_wire import answer_in_error, chat_payload, parse_chat_response
from fcbench.models.options import flag_option, int_option
from fcbench.parsing.intake import JsonError
from fcbench.records import ModelOutput, Request

#: every option of this backend's client (``vllm-server/`` hands these on)
CLIENT_OPTIONS = (*HTTP_OPTIONS, "max_connections", "tool_names")

#: ``json.dumps(payload, ensure_ascii=False)`` without building an encoder per request
_encode_json = json.JSONEncoder(ensure_ascii=False).encode


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
    http_defaults = HttpOptions("OPENAI_API_KEY", max_tokens_field="max_tokens")

    def __init__(self, name: str, config: GenerateConfig | None = None, *, base_url: Any = None,
                 base_urls: Any = None, max_connections: int = 0, tool_names: Any = True, **options: Any):
        super().__init__(name, config, **options)
        self.base_urls = _endpoint_list(base_url, base_urls)
        self._api_key = self.http.api_key() or "EMPTY"
        # User info in a URL (a proxy's basic auth) becomes that endpoint's Authorization header.
        endpoints = [split_user_info(u, self._api_key) for u in self.base_urls]
        self.pool = EndpointPool([url + "/chat/completions" for url, _ in endpoints])
        self._paths = [(urlsplit(url).path or "") + "/chat/completions" for url, _ in endpoints]
        self._endpoint_headers = [headers for _, headers in endpoints]
        self.max_connections = int_option("max_connections", max_connections or 0)
        self.tool_names = flag_option("tool_names", tool_names)
        self._origins: list[Origin] | None = None

    def _open_origins(self) -> list[Origin]:
        """One keep-alive pool per endpoint, created inside the running loop."""
        slots = asyncio.Semaphore(self.max_connections) if self.max_connections > 0 else None
        self._origins = [Origin(url, slots=slots, timeout=self.http.timeout) for url in self.pool.urls]
        return self._origins

    async def _generate(self, request: Request) -> ModelOutput:
        origins = self._origins or self._open_origins()
        # The payload's dicts are dropped before the wait: the garbage collector would scan
        # those of every request in flight, again and again.
        body = _encode_json(chat_payload(request, self.model_id, self.config, tool_names=self.tool_names,
                                         max_tokens_field=self.http.max_tokens_field,
                                         extra_body=self.http.extra_body, omit=self.http.omit)).encode("utf-8")
        index = self.pool.acquire()
        start = time.perf_counter()
        try:
            response = await origins[index].post(self._paths[index], body, self._endpoint_headers[index])
        except asyncio.TimeoutError:
            raise InfraError("timeout", self._describe(None, index, f"no answer within {self.http.timeout:g} s"),
                             retryable=True) from None
        except (OSError, asyncio.IncompleteReadError, HttpProtocolError) as exc:  # refused, reset, cut off
            raise InfraError("connection", self._describe(exc, index), retryable=True) from None
        finally:
            self.pool.release(index)
        latency = time.perf_counter() - start
        status, data = response.status, response.body
        if not 200 <= status < 300:  # an error, or a redirect (never followed: see fcbench.models.http)
            output = answer_in_error(status, data, latency)  # Groq's tool_use_failed: the model's answer
            if output is not None:
                return output
            raise infra_error_for_status(status, data.decode("utf-8", errors="replace"), response.headers,
                                         secrets=[self._api_key])
        try:
            answer = answer_json(data, response.headers.get("content-type"), completion_from_events)
        except JsonError:
            raise InfraError("bad_response", self._describe(None, index, f"HTTP {status} body is not JSON: "
                                                            f"{data[:200]!r}"), retryable=True) from None
        return parse_chat_response(answer, latency)

    def _describe(self, exc: BaseException | None, index: int, detail: str = "") -> str:
        what = detail or f"{type(exc).__name__}: {exc}"
        return scrub(f"{public_url(self.pool.urls[index])}: {what}", [self._api_key])

    def settings(self) -> dict[str, Any]:
        return {"provider": self.provider, "model": self.model_id, "client": "fcbench.models.http",
                "base_urls": [public_url(u) for u in self.base_urls], "timeout": self.http.timeout,
                "max_connections": self.max_connections, "max_tokens_field": self.http.max_tokens_field,
                "tool_names": self.tool_names, "extra_body": self.http.extra_body,
                "omit": sorted(self.http.omit)}

    async def aclose(self) -> None:
        for origin in self._origins or ():
            await origin.close()
        self._origins = None
