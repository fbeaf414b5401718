"""From results.json files to leaderboard tables (one per suite, split, mode, rules and data version).

Only ``results.json`` is read, so a published table can be rebuilt from the files
it lists. Runs over different suites, splits, modes or data (task versions, data
checksums, sample limit) never share a table: their numbers are not comparable.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fcbench.errors import UsageError
from fcbench.runfiles import load_manifest_file, load_results_file
from fcbench.stats import wilson_interval
from fcbench.store import MANIFEST, RESULTS


@dataclass(frozen=True)
class Cell:
    score: float | None
    ci: tuple[float, float] | None
    n: int


@dataclass(frozen=True)
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


@dataclass
class Board:
    suite: str
    split: str
    mode: str
    rules: str
    data_version: str
    tasks: list[str] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)

    @property
    def slug(self) -> str:
        rules = "" if self.rules == "fcbench" else f"-{self.rules}"
        raw = f"{self.suite}-{self.split}-{self.mode}{rules}-{self.data_version[:8]}"
        return re.sub(r"[^A-Za-z0-9_.-]+", "_", raw)

    @property
    def title(self) -> str:
        return (f"fcbench leaderboard · suite {self.suite} · {self.split} split · {self.mode} mode · "
                f"rules {self.rules} · data {self.data_version}")


def data_version(results: dict[str, Any]) -> str:
    """Short hash of what decides which samples were scored: task versions, data checksums, limit."""
    tasks = results["tasks"]
    missing = [name for name, t in tasks.items() if not t.get("checksum")]
    if missing:
        raise UsageError(f"results have no data checksum for {', '.join(missing)} "
                         "(written by an older fcbench: re-run, or rebuild results.json with this version)")
    key = {"limit": results.get("limit"),
           "tasks": {name: [t.get("version"), t["checksum"]] for name, t in sorted(tasks.items())}}
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:12]


def _cell(task: dict[str, Any]) -> Cell:
    n = int(task.get("n") or 0)
    score = task.get("score")
    ci = task.get("ci")
    if ci is None and score is not None and n and task.get("main_metric", "accuracy") == "accuracy":
        ci = wilson_interval(int(task.get("n_passed", round(score * n))), n)
    return Cell(score, (float(ci[0]), float(ci[1])) if ci else None, n)


def _fill_checksums_from_manifest(results: dict[str, Any], manifest_path: Path) -> None:
    """Older results.json files lack per-task checksums and the date; their run.json has them."""
    complete = all(t.get("checksum") for t in results["tasks"].values()) and results.get("created")
    if complete or not manifest_path.exists():
        return
    manifest = load_manifest_file(manifest_path)
    known = (manifest.get("fingerprint_fields") or {}).get("tasks") or {}
    for name, t in results["tasks"].items():
        if not t.get("checksum") and (known.get(name) or {}).get("checksum"):
            t["checksum"] = known[name]["checksum"]
    results.setdefault("limit", manifest.get("limit"))
    results["created"] = results.get("created") or manifest.get("created")


def load_entry(path: Path) -> Entry:
    path = Path(path)
    file = path / RESULTS if path.is_dir() else path
    if not file.exists():
        raise UsageError(f"{path}: no such run folder or results file")
    results = load_results_file(file)
    if not results["tasks"]:
        raise UsageError(f"{file}: not an fcbench results file")
    _fill_checksums_from_manifest(results, file.parent / MANIFEST)
    suite = (results.get("suite") or {}).get("name") or "fcbench-sim"
    return Entry(source=file, model=str(results.get("model") or "?"), mode=str(results.get("mode") or "?"),
                 rules=str(results.get("rules") or "fcbench"),
                 split=str(results.get("split") or "?"), suite=suite,
                 date=str(results.get("created") or "")[:10] or "unknown",
                 fcbench_version=str(results.get("fcbench_version") or "?"),
                 data_version=data_version(results),
                 cells={name: _cell(t) for name, t in results["tasks"].items()})


def group_entries(entries: list[Entry]) -> list[Board]:
    """One board per (suite, split, mode, rules, data version); rows sorted by model, then date."""
    boards: dict[tuple[str, str, str, str, str], Board] = {}
    for entry in entries:
        key = (entry.suite, entry.split, entry.mode, entry.rules, entry.data_version)
        board = boards.setdefault(key, Board(*key))
        board.entries.append(entry)
        board.tasks += [t for t in entry.cells if t not in board.tasks]
    for board in boards.values():
        board.entries.sort(key=lambda e: (e.model, e.date, str(e.source)))
    return [boards[k] for k in sorted(boards)]
