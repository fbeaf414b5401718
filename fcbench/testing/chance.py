"""Deterministic "random" choices: hashes of (seed, what is decided, who it is for).

Hashing instead of drawing from one shared RNG makes every decision
independent of request order, so 64 concurrent clients see the same
behaviours and faults as one client sending the samples in sequence.
"""

from __future__ import annotations

import hashlib
from typing import Sequence


def unit_draw(*parts: object) -> float:
    """A number in [0, 1) fixed by `parts`."""
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2.0 ** 64


def pick_behaviour(mix: Sequence[tuple[str, float]], seed: int, sample_key: str) -> str:
    """One behaviour of the mix for a sample; shares are respected over many samples."""
    if len(mix) == 1:
        return mix[0][0]
    u = unit_draw(seed, "behaviour", sample_key)
    edge = 0.0
    for name, share in mix:
        edge += share
        if u < edge:
            return name
    return mix[-1][0]


class FaultPlan:
    """Which attempt of which sample gets which fault.

    Attempt ``n`` (0-based) of a sample fails with probability `rate`; the kind
    is another hash of the same attempt. A retried sample is a new attempt, so
    it may succeed.
    """

    def __init__(self, rate: float, kinds: Sequence[str], seed: int):
        self.rate = rate
        self.kinds = tuple(kinds)
        self.seed = seed

    def fault_for(self, sample_key: str, attempt: int) -> str | None:
        if self.rate <= 0 or not self.kinds:
            return None
        if unit_draw(self.seed, "fault", sample_key, attempt) >= self.rate:
            return None
        return self.kinds[int(unit_draw(self.seed, "fault-kind", sample_key, attempt) * len(self.kinds))]
