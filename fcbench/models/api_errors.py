"""The one mapping of API failures to `fcbench.errors.InfraError` kinds.

Every HTTP backend, on the lean client or on a vendor SDK, reports the same
failure the same way: an HTTP status becomes a kind (``rate_limit``,
``server_error``...) and says whether a retry may help, a server's
``Retry-After`` hint is kept, and the API key never reaches the message.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from email.utils import parsedate_to_datetime
from typing import Any

from fcbench.errors import InfraError

#: Longest error text (from a server's body) kept in an InfraError message.
MAX_ERROR_TEXT = 400

#: status -> (kind, retryable) for the statuses that are not simply 4xx/5xx.
STATUS_KINDS: dict[int, tuple[str, bool]] = {
    400: ("bad_request", False),
    401: ("auth", False),
    402: ("billing", False),
    403: ("auth", False),
    404: ("not_found", False),
    408: ("timeout", True),
    409: ("conflict", True),
    413: ("bad_request", False),
    422: ("bad_request", False),
    429: ("rate_limit", True),
    529: ("overloaded", True),
}


def scrub(text: str, secrets: Iterable[str | None]) -> str:
    """`text` with every secret replaced by ``***``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def excerpt(text: str) -> str:
    """`text` on one line, cut to `MAX_ERROR_TEXT` characters."""
    text = " ".join(text.split())
    return text if len(text) <= MAX_ERROR_TEXT else text[:MAX_ERROR_TEXT] + "..."


def retry_after_seconds(headers: Mapping[str, str] | None) -> float | None:
    """The server's wait hint: ``retry-after-ms``, else ``retry-after`` (seconds or an HTTP date)."""
    if not headers:
        return None

    def get(name: str) -> str | None:
        value = headers.get(name)
        return value if value is not None else headers.get(name.title())

    ms = get("retry-after-ms")
    if ms is not None:
        try:
            return max(float(ms) / 1000.0, 0.0)
        except ValueError:
            pass
    value = get("retry-after")
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        return max(parsedate_to_datetime(value).timestamp() - time.time(), 0.0)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


#: words of a 429 that is not a rate limit but an exhausted quota or budget (OpenAI's
#: ``insufficient_quota``): waiting cannot help, so it is a billing failure, not retried
QUOTA_MARKERS = ("insufficient_quota", "billing_hard_limit_reached", "exceeded your current quota")


#: words of a 400/413/422 that says the request does not fit the model's context window
#: (OpenAI's ``context_length_exceeded``, vLLM's "maximum context length", Anthropic's
#: "prompt is too long", TGI's "must be <="): the sample is too long for this model and
#: max_tokens, so asking again cannot help; the kind says so in every summary
CONTEXT_MARKERS = ("context_length_exceeded", "maximum context length", "prompt is too long",
                   "context window", "max_new_tokens` must be <=", "max_new_tokens must be <=")


#: words of a 400 that says the provider's content filter refused the prompt (Azure OpenAI's
#: ``code: "content_filter"``, innererror ``ResponsibleAIPolicyViolation``): no answer exists, and
#: the same prompt meets the same filter, so it is not retried; the kind says why
CONTENT_FILTER_MARKERS = ('"content_filter"', "ResponsibleAIPolicyViolation")


def status_kind(status: int) -> tuple[str, bool]:
    """(kind, retryable) for an HTTP error status."""
    if status in STATUS_KINDS:
        return STATUS_KINDS[status]
    if status >= 500:
        return "server_error", True
    if status >= 400:
        return "bad_request", False
    return "http_error", False


def infra_error_for_status(status: int, text: str, headers: Mapping[str, str] | None = None,
                           secrets: Iterable[str | None] = (), body: str = "") -> InfraError:
    """The InfraError for an HTTP error answer; `text` is the server's message (scrubbed here).
    `body`, when `text` is not the whole body (an SDK's message), is read for the markers only."""
    kind, retryable = status_kind(status)
    said = f"{text}\n{body}" if body else text
    if status == 429 and any(marker in said for marker in QUOTA_MARKERS):
        kind, retryable = "billing", False
    if status in (400, 413, 422) and any(marker in said for marker in CONTEXT_MARKERS):
        kind, retryable = "context_length", False
    if status == 400 and any(marker in said for marker in CONTENT_FILTER_MARKERS):
        kind, retryable = "content_filter", False
    if 300 <= status < 400:  # the client asked the wrong URL: retrying it cannot help
        location = (headers or {}).get("location") or (headers or {}).get("Location")
        text = (f"redirected to {location}; " if location else "a redirect; ") + \
            "fcbench does not follow redirects: give the final URL as --base-url"
    message = scrub(f"HTTP {status} ({kind}): {excerpt(text)}", secrets)
    return InfraError(kind, message, retryable=retryable,
                      retry_after=retry_after_seconds(headers) if retryable else None, status=status)


def sdk_infra_error(exc: Exception, sdk: Any, secrets: list[str | None]) -> InfraError | None:
    """The InfraError for an exception of the OpenAI or Anthropic SDK (same class layout), else None."""
    if isinstance(exc, sdk.APIStatusError):
        headers = exc.response.headers if exc.response is not None else None
        try:  # the SDK's message keeps only the error's text; its code is in the body
            body = exc.response.text if exc.response is not None else ""
        except Exception:  # a body the SDK never read
            body = ""
        return infra_error_for_status(exc.status_code, str(exc.message), headers, secrets, body=body)
    if isinstance(exc, sdk.APITimeoutError):
        return InfraError("timeout", scrub(f"{type(exc).__name__}: {exc}", secrets), retryable=True)
    if isinstance(exc, sdk.APIConnectionError):
        cause = exc.__cause__ or exc.__context__
        detail = f"{exc} ({type(cause).__name__}: {cause})" if cause else str(exc)
        return InfraError("connection", scrub(f"{type(exc).__name__}: {detail}", secrets), retryable=True)
    if isinstance(exc, sdk.APIError):  # e.g. a response the SDK could not validate
        return InfraError("bad_response", scrub(f"{type(exc).__name__}: {exc}", secrets), retryable=True)
    return None


def sdk_error(exc: Exception, sdk: Any, secrets: list[str | None]) -> InfraError:
    """Like `sdk_infra_error`, for any exception the SDK raises: the rest are ``backend_error``, not retried."""
    error = sdk_infra_error(exc, sdk, secrets)
    if error is None:
        error = InfraError("backend_error", scrub(f"{type(exc).__name__}: {exc}", secrets), retryable=False)
    return error

