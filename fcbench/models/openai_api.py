"""`openai/MODEL`: OpenAI's Chat Completions through the official SDK.

The request and the answer are those of `fcbench.models.openai_wire`, the same
code as the ``openai-compatible`` backend; the SDK only carries them (see
`fcbench.models.api_base.SDKChatModel`).

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
* ``batch_poll_s``, ``batch_size``: with ``fcbench run --batch`` only, the seconds between polls
  of the provider's batch API (default 30) and the requests per batch (default the provider's
  limit); see `fcbench.models.provider_batches`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fcbench.models.api_base import SDKChatModel
from fcbench.models.http_options import HttpOptions
from fcbench.models.openai_stream import completion_from_events
from fcbench.models.openai_wire import answer_in_error, chat_payload, parse_chat_response
from fcbench.records import Request


class OpenAIModel(SDKChatModel):
    provider = "openai"
    sdk_name, client_class, sdk_error_class = "openai", "AsyncOpenAI", "OpenAIError"
    base_url_env = "OPENAI_BASE_URL"
    default_base_url = "https://api.openai.com/v1"
    http_defaults = HttpOptions("OPENAI_API_KEY", max_tokens_field="max_completion_tokens")
    parse_answer = staticmethod(parse_chat_response)
    fold_events = staticmethod(completion_from_events)
    answer_in_error = staticmethod(answer_in_error)

    def _payload(self, request: Request) -> dict[str, Any]:
        body = chat_payload(request, self.model_id, self.config, max_tokens_field=self.http.max_tokens_field,
                            omit=self.http.omit)
        return {**body, "extra_body": self.http.extra_body or None}

    def _create(self, client: Any) -> Callable[..., Awaitable[Any]]:
        return client.chat.completions.with_raw_response.create
