"""The ``-M`` options every HTTP backend reads, parsed in one place.

``openai/``, ``anthropic/``, ``openai-compatible/`` and the client of
``vllm-server/`` take these names with the same checks and the same errors:

* ``api_key_env``: the environment variable holding the API key;
* ``timeout``: seconds per request, a number > 0 (default 120);
* ``max_tokens_field``: ``max_tokens`` or ``max_completion_tokens``; Chat Completions
  only (Anthropic's API has one name, so ``anthropic/`` refuses it as an unknown option);
* ``extra_body``: a JSON object merged into every request body;
* ``omit``: body fields not to send, comma-separated or a JSON list.

Options of one backend only (``max_connections``, ``tool_names``...) stay with it.
"""

from __future__ import annotations

import os
from dataclasses import field
from typing import Any

from fcbench.credentials import register
from fcbench.errors import UsageError
from fcbench.models.options import number_option, object_option, string_option
from fcbench.records import record

HTTP_OPTIONS = ("api_key_env", "timeout", "max_tokens_field", "extra_body", "omit")
MAX_TOKENS_FIELDS = ("max_tokens", "max_completion_tokens")


@record
class HttpOptions:
    api_key_env: str
    timeout: float = 120.0
    #: None for an API without the choice: the option is then not accepted at all
    max_tokens_field: str | None = None
    extra_body: dict[str, Any] = field(default_factory=dict)
    omit: frozenset[str] = frozenset()

    def api_key(self) -> str | None:
        """The key in ``$api_key_env`` (registered, so it is scrubbed from anything written), or None."""
        key = os.environ.get(self.api_key_env) or None
        register(key)
        return key


def http_option_names(defaults: HttpOptions) -> frozenset[str]:
    """The HTTP options a backend with these defaults accepts."""
    return frozenset(n for n in HTTP_OPTIONS if n != "max_tokens_field" or defaults.max_tokens_field is not None)


def read_http_options(given: dict[str, Any], defaults: HttpOptions) -> HttpOptions:
    """The HTTP options the user `given` (a subset of `http_option_names`), checked.

    `defaults` gives the backend's key variable, timeout and max_tokens field.
    """
    timeout = number_option("timeout", given.get("timeout", defaults.timeout), positive=True)
    max_tokens_field = None
    if defaults.max_tokens_field is not None:
        max_tokens_field = string_option("max_tokens_field", given.get("max_tokens_field", defaults.max_tokens_field),
                                         MAX_TOKENS_FIELDS)
    return HttpOptions(api_key_env=str(given.get("api_key_env", defaults.api_key_env)), timeout=timeout,
                       max_tokens_field=max_tokens_field,
                       extra_body=object_option("extra_body", given.get("extra_body")),
                       omit=omit_fields(given.get("omit")))


def omit_fields(value: Any) -> frozenset[str]:
    """The ``omit`` option (``"temperature,seed"`` or a JSON list) as a set of body fields."""
    if not value:
        return frozenset()
    items = value.split(",") if isinstance(value, str) else value
    fields = frozenset(str(item).strip() for item in items if str(item).strip())
    protected = fields & {"model", "messages"}
    if protected:
        raise UsageError(f"omit cannot drop {', '.join(sorted(protected))}")
    return fields
