"""Settings of an emulated model server, and the names of its behaviours and faults."""

from __future__ import annotations

from dataclasses import field
from pathlib import Path
from typing import Mapping, Sequence

from fcbench.errors import UsageError
from fcbench.records import record

#: What the server answers for a matched sample (see `fcbench.testing.behaviours`).
BEHAVIOURS = ("gold", "perturbed", "malformed", "text", "content_calls",
              "stepwise", "placeholder", "recovering", "endless")  # the last four: multi-turn agents
#: Faults it can inject instead of (or on the way to) an answer.
#: The transient ones (a retry may succeed) are the default; "quota" (a 429 for an exhausted budget)
#: and "401" (a refused key) fail every retry, and are asked for by name.
TRANSIENT_FAULTS = ("429", "500", "529", "timeout", "drop")
FAULTS = (*TRANSIENT_FAULTS, "quota", "401")


@record
class BatchSettings:
    """How the emulated batch endpoints (`fcbench.testing.batches`) behave.

    A batch stays in progress for `polls` retrieves and at least `delay_s` seconds. `errors`
    and `expired` pick requests by custom id: a share in [0, 1] (a hash of seed and custom
    id decides, so the same requests are picked every time) or the custom ids themselves.
    An errored request is answered with a 500 error; expired ones make the batch end
    ``expired`` (Anthropic: those requests ``expired``). `fail` fails the whole batch
    (OpenAI: status ``failed``, no output; Anthropic: every request ``errored``). The first
    `lost_creates` batches are created but answered with a 500, as when a response is lost
    on its way: the client cannot know the batch exists.
    """

    polls: int = 0
    delay_s: float = 0.0
    errors: float | Sequence[str] = 0.0
    expired: float | Sequence[str] = 0.0
    fail: bool = False
    lost_creates: int = 0


@record
class ServerConfig:
    """Everything that decides what an `EmulatedServer` answers.

    `raw_replies` overrides the behaviour for the samples it names.

    `behaviour` is one behaviour name for every sample, or a mix such as
    ``{"gold": 0.7, "perturbed": 0.3}`` (or the string ``"gold=0.7,perturbed=0.3"``):
    each sample gets one behaviour, picked by a hash of (seed, task, sample id),
    so the choice does not depend on request order. `fault_rate` is the share
    of requests that get one of `faults`; the decision hashes (seed, sample,
    attempt number), so the same sample can fail once and succeed on retry,
    identically from run to run.
    """

    tasks: str | Sequence[str] = "all"
    limit: int | None = None
    suite: str | Path | None = None
    split: str = "test"
    behaviour: str | Mapping[str, float] = "gold"
    latency_s: float = 0.0
    fault_rate: float = 0.0
    faults: Sequence[str] = TRANSIENT_FAULTS
    hang_s: float = 5.0
    retry_after_s: float = 0.05
    seed: int = 0
    host: str = "127.0.0.1"
    port: int = 0
    model_name: str = "emulated"
    #: ``task/sample_id`` -> the exact bytes to answer (status 200, JSON content type) instead of
    #: the behaviour's reply: anything at all, for tests of what a client does with odd bodies.
    raw_replies: Mapping[str, bytes] | None = None
    #: ``task/sample_id`` -> the HTTP status of its raw reply (default 200), for error answers
    #: a server sends with a body worth reading (Groq's ``tool_use_failed``, Azure's content filter)
    raw_statuses: Mapping[str, int] | None = None
    #: the batch endpoints' timing and failures
    batches: BatchSettings = field(default_factory=BatchSettings)
    #: answer as a thinking model does (Anthropic ``thinking`` blocks, ``reasoning_content``) and,
    #: like those APIs, refuse a conversation whose tool-calling assistant turns lost it (400)
    thinking: bool = False

    def behaviour_mix(self) -> tuple[tuple[str, float], ...]:
        """The behaviour mix as ((name, share), ...) with shares summing to 1."""
        return parse_behaviour_mix(self.behaviour)

    def fault_kinds(self) -> tuple[str, ...]:
        kinds = tuple(self.faults.split(",")) if isinstance(self.faults, str) else tuple(self.faults)
        kinds = tuple(k.strip() for k in kinds if k.strip())
        unknown = [k for k in kinds if k not in FAULTS]
        if unknown:
            raise UsageError(f"unknown fault kind(s) {unknown} (known: {', '.join(FAULTS)})")
        if self.fault_rate > 0 and not kinds:
            raise UsageError("fault_rate > 0 but no fault kind chosen")
        if not 0.0 <= self.fault_rate <= 1.0:
            raise UsageError(f"fault_rate must be within [0, 1], got {self.fault_rate}")
        return kinds


def parse_behaviour_mix(spec: str | Mapping[str, float]) -> tuple[tuple[str, float], ...]:
    if isinstance(spec, str):
        pairs: list[tuple[str, float]] = []
        for part in (p.strip() for p in spec.split(",")):
            if not part:
                continue
            name, _, share = part.partition("=")
            pairs.append((name.strip(), float(share) if share else 1.0))
    else:
        pairs = [(str(k), float(v)) for k, v in spec.items()]
    unknown = [name for name, _ in pairs if name not in BEHAVIOURS]
    if unknown or not pairs:
        raise UsageError(f"unknown behaviour(s) {unknown or spec!r} (known: {', '.join(BEHAVIOURS)})")
    total = sum(share for _, share in pairs)
    if total <= 0 or any(share < 0 for _, share in pairs):
        raise UsageError(f"behaviour shares must be >= 0 with a positive sum: {spec!r}")
    return tuple((name, share / total) for name, share in pairs)
