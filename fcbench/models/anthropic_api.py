"""`anthropic/MODEL`: Anthropic's Messages API through the official SDK.

The request and the answer are those of `fcbench.models.anthropic_wire`; the SDK
only carries them (see `fcbench.models.api_base.SDKChatModel`).

Options (``-M KEY=VALUE``; ``--base-url`` fills ``base_url``):

* ``base_url``: default ``$ANTHROPIC_BASE_URL``, else the SDK's (api.anthropic.com).
* ``api_key_env``: environment variable holding the key (default ``ANTHROPIC_API_KEY``);
  it must be set unless a ``base_url`` is given.
* ``timeout``: seconds per request (default 120).
* ``extra_body``: a JSON object merged into every request body.
* ``omit``: body fields not to send, comma-separated (e.g. ``temperature``).
* ``batch_poll_s``, ``batch_size``: with ``fcbench run --batch`` only, the seconds between polls
  of the provider's batch API (default 30) and the requests per batch (default the provider's
  limit); see `fcbench.models.provider_batches`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fcbench.models.anthropic_wire import messages_payload, parse_messages_response
from fcbench.models.api_base import SDKChatModel
from fcbench.models.http_options import HttpOptions
from fcbench.records import Request


class AnthropicModel(SDKChatModel):
    provider = "anthropic"
    sdk_name, client_class, sdk_error_class = "anthropic", "AsyncAnthropic", "AnthropicError"
    base_url_env = "ANTHROPIC_BASE_URL"
    default_base_url = "https://api.anthropic.com"
    http_defaults = HttpOptions("ANTHROPIC_API_KEY")
    parse_answer = staticmethod(parse_messages_response)

    def _payload(self, request: Request) -> dict[str, Any]:
        payload = messages_payload(request, self.model_id, self.config, self.http.omit)
        payload["extra_body"].update(self.http.extra_body)
        return payload

    def _create(self, client: Any) -> Callable[..., Awaitable[Any]]:
        return client.messages.with_raw_response.create
