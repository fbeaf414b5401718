"""Shards of a run, and merging them back into one run folder.

``fcbench run --shard i/N`` evaluates the samples whose shard is ``i`` (0 <= i < N). A
sample's shard depends only on its task, its id and N (a hash), never on its position, so
adding samples to a suite moves no other sample, and N shards partition every task's
samples exactly (``--limit`` is applied before, so the shards of a limited run partition
the limited run). Each shard is an ordinary run folder: resumable, with the shard in its
fingerprint.

`fcbench.running.merge` checks that the shard folders are the N shards of one run (same fingerprint
apart from the shard, each index once, each finished, no sample twice, no sample in the
wrong shard) and writes one run folder whose ``results.json`` equals that of the same run
made in one process (``created`` aside, a timestamp), and which ``--resume`` continues like
any run (it re-runs the infrastructure failures the shards left).
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from fcbench.errors import UsageError
from fcbench.records import record

_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


@record
class Shard:
    """Shard ``index`` of ``count`` (0-based, as SLURM arrays from 0 and Kubernetes indexed Jobs number them)."""

    index: int
    count: int

    def __post_init__(self) -> None:
        if self.count < 1 or not 0 <= self.index < self.count:
            raise ValueError(f"shard {self.index}/{self.count}: expected 0 <= i < N")

    @classmethod
    def parse(cls, text: str) -> Shard:
        """``"i/N"`` -> Shard; `ValueError` with a one-line reason otherwise."""
        match = _SHARD.match(text)
        if not match:
            raise ValueError(f"expected i/N (e.g. 0/4), got {text!r}")
        index, count = int(match.group(1)), int(match.group(2))
        if count < 1 or index >= count:
            raise ValueError(f"expected i/N with 0 <= i < N, got {text!r}")
        return cls(index, count)

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    @property
    def folder_name(self) -> str:
        """A file-system-safe name: ``shard-02-of-04``."""
        width = len(str(self.count - 1))
        return f"shard-{self.index:0{width}d}-of-{self.count:0{width}d}"

    def holds(self, task: str, sample_id: str) -> bool:
        return shard_of(task, sample_id, self.count) == self.index


def shard_of(task: str, sample_id: str, count: int) -> int:
    """The shard of a sample among `count`: stable across runs, machines and Python versions."""
    digest = hashlib.sha256(f"{task}\0{sample_id}".encode("utf-8", errors="surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big") % count


def shard_from_fields(fields: dict[str, Any], *, where: str = "fingerprint field ") -> Shard | None:
    """The shard a run's fingerprint fields name (None: not a shard); `where` prefixes an error."""
    text = fields.get("shard")
    if text is None:
        return None
    try:
        return Shard.parse(str(text))
    except ValueError as exc:
        raise UsageError(f"{where}shard: {exc}") from None


def unsharded_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """The fingerprint fields of the whole run a shard belongs to."""
    return {k: v for k, v in fields.items() if k != "shard"}
