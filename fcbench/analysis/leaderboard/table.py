"""From results.json files to leaderboard tables (one per suite, split, mode, rules and data version).

Only ``results.json`` is read (with ``run.json`` beside it to upgrade an older file),
through `fcbench.analysis.frames.runs_df`, so a published table can be rebuilt from the files it
lists. Runs over different suites, splits, modes or data (task versions, data
checksums, sample limit) never share a table: their numbers are not comparable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fcbench.errors import UsageError
from fcbench.records import record
from fcbench.runlog import RESULTS
from fcbench.scoring.stats import wilson_interval


@record
class Cell:
    score: float | None
    ci: tuple[float, float] | None
    n: int
    #: samples the run asked but could not score (infrastructure failures): the score covers n only
    unscored: int = 0


@record
class Entry:
    """One run: a row of a leaderboard."""

    source: Path
    model: str
    mode: str
    rules: str
    split: str
    suite: str
    date: str
    fcbench_version: str
    data_version: str
    cells: dict[str, Cell]
    protocol: str = "plan"


@dataclass
class Board:
    suite: str
    split: str
    mode: str
    rules: str
    data_version: str
    protocol: str = "plan"
    tasks: list[str] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)

    @property
    def slug(self) -> str:
        rules = "" if self.rules == "fcbench" else f"-{self.rules}"
        protocol = "" if self.protocol == "plan" else f"-{self.protocol}"
        raw = f"{self.suite}-{self.split}-{self.mode}{rules}{protocol}-{self.data_version[:8]}"
        return re.sub(r"[^A-Za-z0-9_.-]+", "_", raw)

    @property
    def title(self) -> str:
        return (f"fcbench leaderboard · suite {self.suite} · {self.split} split · {self.mode} mode · "
                f"rules {self.rules}{'' if self.protocol == 'plan' else f' · protocol {self.protocol}'} · "
                f"data {self.data_version}")


def _cell(row: dict[str, Any]) -> Cell:
    n, score = int(row["n"] or 0), _number(row["score"])
    ci = (row["ci_low"], row["ci_high"]) if _number(row["ci_low"]) is not None else None
    if ci is None and score is not None and n and row["main_metric"] == "accuracy":
        ci = wilson_interval(int(row["n_passed"] if _number(row["n_passed"]) is not None else round(score * n)), n)
    unscored = _number(row.get("n_infra_error"))
    return Cell(score, (float(ci[0]), float(ci[1])) if ci else None, n, int(unscored or 0))


def _number(value: Any) -> float | None:
    """A DataFrame cell as a number (pandas writes a missing number as NaN)."""
    return None if value is None or value != value else value


def load_entries(sources: list[Path]) -> list[Entry]:
    """One entry per run folder or results.json, built from `fcbench.analysis.frames.runs_df`."""
    from fcbench.analysis.frames import runs_df

    frame = runs_df(sources)
    entries = []
    for source in sources:
        rows = frame[frame["source"] == str(source)].to_dict("records")
        if not rows:
            raise UsageError(f"{source}: not an fcbench results file (it lists no sub-task)")
        first = rows[0]
        if first.get("shard"):
            raise UsageError(f"{source}: shard {first['shard']} of a run, not a run's result "
                             "(join the shards with fcbench merge, then publish the merged run)")
        if first["data_version"] is None:
            missing = [r["task"] for r in rows if not r["checksum"]]
            raise UsageError(f"{source}: results have no data checksum for {', '.join(missing)} "
                             "(written by an older fcbench: re-run, or rebuild results.json with this version)")
        file = Path(source) / RESULTS if Path(source).is_dir() else Path(source)
        entries.append(Entry(
            source=file, model=first["model"], mode=first["mode"], rules=first["rules"], split=first["split"],
            suite=first["suite"], date=str(first["created"] or "")[:10] or "unknown",
            fcbench_version=str(first["fcbench_version"] or "?"), data_version=first["data_version"],
            cells={r["task"]: _cell(r) for r in rows}, protocol=first["protocol"]))
    return entries


def group_entries(entries: list[Entry]) -> list[Board]:
    """One board per (suite, split, mode, rules, data version, protocol): two protocols are never
    mixed in one table. Rows sorted by model, then date."""
    boards: dict[tuple[str, str, str, str, str, str], Board] = {}
    for entry in entries:
        key = (entry.suite, entry.split, entry.mode, entry.rules, entry.data_version, entry.protocol)
        board = boards.setdefault(key, Board(*key))
        board.entries.append(entry)
        board.tasks += [t for t in entry.cells if t not in board.tasks]
    for board in boards.values():
        board.entries.sort(key=lambda e: (e.model, e.date, str(e.source)))
    return [boards[k] for k in sorted(boards)]
