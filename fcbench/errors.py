"""Errors that cross layer boundaries.

`UsageError` is the one exception the CLI turns into a single line on stderr
and exit code 2: bad arguments, missing or malformed files, refused resumes.
Everything a model does wrong is *data* (a failure category), never an
exception, and a backend fault is an `InfraError` recorded on the sample.
"""

from __future__ import annotations

import signal


class UsageError(Exception):
    """The user gave us something we cannot use. Message is one line.

    `detail` is context worth seeing first (the tail of a server's log that would not
    start); the CLI prints it once, above the one-line error.
    """

    def __init__(self, message: str, detail: str | None = None):
        super().__init__(message)
        self.detail = detail


class InfraError(Exception):
    """A backend could not produce an answer (network, 5xx, rate limit, timeout).

    `kind` is a short machine-readable category (``rate_limit``, ``server_error``,
    ``timeout``, ``connection``, ``bad_request``...). `retryable` tells the retry
    layer whether another attempt may help; `retry_after` honours a server's
    ``Retry-After`` hint in seconds.
    """

    def __init__(self, kind: str, message: str, *, retryable: bool = True,
                 retry_after: float | None = None, status: int | None = None):
        super().__init__(message)
        self.kind = kind
        self.retryable = retryable
        self.retry_after = retry_after
        self.status = status


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised where the program stands (the CLI installs the handler), so a stop
    asked by CI (a cancelled job, a timeout), a scheduler or a closed terminal unwinds like Ctrl-C:
    the run records that it was interrupted and by what, exit handlers stop what the command
    started (a vLLM server in its own process group would otherwise be left running), and the
    exit code is 128 + the signal's number.

    `received` is the last such signal this process got (a `signal.Signals`): the exception
    itself may reach the run as a cancellation of its tasks instead."""

    received: signal.Signals | None = None
