"""The one retry layer: bounded attempts, separate budgets for rate limits and transient faults.

Only `InfraError`s are retried, and only when ``retryable``. A model's answer,
however wrong, is never an exception and so is never retried. When a budget
is spent the last error propagates with the number of attempts made; the
runner records it as an infrastructure failure (excluded from scores,
re-run by ``--resume``).
"""

from __future__ import annotations

import asyncio
import random
from typing import Awaitable, Callable, TypeVar

from fcbench.errors import InfraError
from fcbench.records import record

T = TypeVar("T")

RATE_LIMIT_KINDS = frozenset({"rate_limit"})


@record
class RetryPolicy:
    """How many extra attempts each kind of fault gets, and how long to wait between them."""

    rate_limit_retries: int = 6
    transient_retries: int = 3
    base_delay: float = 0.5
    max_delay: float = 30.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_delay)
        backoff = self.base_delay * (2 ** (attempt - 1))
        return min(backoff * (0.5 + random.random() / 2), self.max_delay)


class RetriesExhausted(InfraError):
    """The last fault, after the budget for its kind was spent."""

    def __init__(self, last: InfraError, attempts: int):
        super().__init__(last.kind, str(last), retryable=False, status=last.status)
        self.attempts = attempts


async def with_retries(call: Callable[[], Awaitable[T]], policy: RetryPolicy,
                       sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> tuple[T, int]:
    """Run `call` until it succeeds or a budget is spent; return (result, attempts)."""
    attempts = 0
    rate_limited = transient = 0
    while True:
        attempts += 1
        try:
            return await call(), attempts
        except InfraError as exc:
            if not exc.retryable:
                raise RetriesExhausted(exc, attempts) from exc
            if exc.kind in RATE_LIMIT_KINDS:
                rate_limited += 1
                if rate_limited > policy.rate_limit_retries:
                    raise RetriesExhausted(exc, attempts) from exc
                await sleep(policy.delay(rate_limited, exc.retry_after))
            else:
                transient += 1
                if transient > policy.transient_retries:
                    raise RetriesExhausted(exc, attempts) from exc
                await sleep(policy.delay(transient, exc.retry_after))
