"""Counters of an emulated server, readable from any thread.

Header values are never stored: only whether an ``Authorization`` or
``x-api-key`` header was present.
"""

from __future__ import annotations

import copy
import threading
from typing import Any


class ServerStats:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._reset()

    def _reset(self) -> None:
        self.requests = 0          # model requests (chat completions + messages) received
        self.endpoints: dict[str, int] = {}
        self.auth_present = 0
        self.auth_missing = 0
        self.bad_requests = 0      # unreadable payloads, unsupported options
        self.unmatched = 0         # conversations that are no sample of the script
        self.faults: dict[str, int] = {}
        self.answers: dict[str, int] = {}   # by behaviour
        self.modes: dict[str, int] = {}     # native / prompt
        self.per_sample: dict[str, int] = {}
        self.in_flight = 0
        self.max_in_flight = 0
        #: batch API events by provider: files_uploaded, batches_created, batch_requests
        self.batches: dict[str, dict[str, int]] = {}

    @staticmethod
    def _bump(counter: dict[str, int], key: str) -> None:
        counter[key] = counter.get(key, 0) + 1

    def reset(self) -> None:
        with self._lock:
            self._reset()

    def hit(self, endpoint: str) -> None:
        with self._lock:
            self._bump(self.endpoints, endpoint)

    def begin(self, endpoint: str, has_auth: bool) -> None:
        with self._lock:
            self.requests += 1
            self._bump(self.endpoints, endpoint)
            if has_auth:
                self.auth_present += 1
            else:
                self.auth_missing += 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def end(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def bad_request(self) -> None:
        with self._lock:
            self.bad_requests += 1

    def no_match(self) -> None:
        with self._lock:
            self.unmatched += 1

    def attempt(self, sample_key: str) -> int:
        """Count a request for a sample; returns its 0-based attempt number."""
        with self._lock:
            n = self.per_sample.get(sample_key, 0)
            self.per_sample[sample_key] = n + 1
            return n

    def fault(self, kind: str) -> None:
        with self._lock:
            self._bump(self.faults, kind)

    def answer(self, behaviour: str, mode: str) -> None:
        with self._lock:
            self._bump(self.answers, behaviour)
            self._bump(self.modes, mode)

    def batch_event(self, provider: str, event: str, n: int = 1) -> None:
        with self._lock:
            counter = self.batches.setdefault(provider, {})
            counter[event] = counter.get(event, 0) + n

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return copy.deepcopy({
                "requests": self.requests, "endpoints": self.endpoints,
                "auth_present": self.auth_present, "auth_missing": self.auth_missing,
                "bad_requests": self.bad_requests, "unmatched": self.unmatched,
                "faults": self.faults, "answers": self.answers, "modes": self.modes,
                "per_sample": self.per_sample, "in_flight": self.in_flight,
                "max_in_flight": self.max_in_flight, "batches": self.batches,
            })
