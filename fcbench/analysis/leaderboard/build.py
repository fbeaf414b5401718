"""Writing leaderboard files: per board Markdown, CSV and HTML, plus ``index.json``.

``index.json`` lists every board with the results files it was built from
(relative to the output folder when they lie inside it), so
``fcbench leaderboard rebuild DIR`` reproduces the folder from those files alone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fcbench.analysis.leaderboard.table import Board, group_entries, load_entries
from fcbench.analysis.leaderboard.text import render_csv, render_markdown, source_label
from fcbench.errors import UsageError
from fcbench.runlog import read_json
from fcbench.running.store import write_text_atomic

INDEX = "index.json"


def _previous_files(out_dir: Path) -> set[str]:
    index = out_dir / INDEX
    if not index.exists():
        return set()
    try:
        data = json.loads(index.read_text(encoding="utf-8"))
        return {f for board in data.get("boards", []) for f in board.get("files", [])}
    except (ValueError, AttributeError):
        return set()


def build(sources: list[Path], out_dir: Path) -> list[Board]:
    """Write every board for `sources` into `out_dir`; remove tables this folder's last build wrote."""
    from fcbench.analysis.leaderboard.chart import chart_svg
    from fcbench.analysis.leaderboard.html import render_html

    if not sources:
        raise UsageError("give at least one run folder or results.json")
    entries = load_entries([Path(s) for s in sources])
    boards = group_entries(entries)
    out_dir.mkdir(parents=True, exist_ok=True)
    stale = _previous_files(out_dir)
    index: dict[str, Any] = {"boards": []}
    for board in boards:
        files = {f"{board.slug}.md": render_markdown(board, out_dir),
                 f"{board.slug}.csv": render_csv(board),
                 f"{board.slug}.html": render_html(board, chart_svg(board), out_dir)}
        for name, text in files.items():
            write_text_atomic(out_dir / name, text)
            stale.discard(name)
        index["boards"].append({
            "slug": board.slug, "title": board.title, "suite": board.suite, "split": board.split,
            "mode": board.mode, "rules": board.rules,
            **({"protocol": board.protocol} if board.protocol != "plan" else {}),
            "data_version": board.data_version, "tasks": board.tasks,
            "models": [e.model for e in board.entries], "files": sorted(files),
            "sources": [source_label(e.source, out_dir) for e in board.entries]})
    for name in sorted(stale):
        path = out_dir / name
        if path.is_file() and "/" not in name:
            path.unlink()
    write_text_atomic(out_dir / INDEX, json.dumps(index, indent=2, ensure_ascii=False) + "\n")
    return boards


def sources_of(out_dir: Path) -> list[Path]:
    """The results files a leaderboard folder was built from, resolved against the folder."""
    index = out_dir / INDEX
    if not index.exists():
        raise UsageError(f"{out_dir}: no {INDEX} (not a folder written by fcbench leaderboard build)")
    data = read_json(index)
    try:
        listed = [s for board in data["boards"] for s in board["sources"]]
        if not all(isinstance(s, str) for s in listed):
            raise TypeError("a source is not a path")
    except (KeyError, TypeError):
        raise UsageError(f"{index}: not a leaderboard index (boards/sources: a list of paths per board)") from None
    return [p if p.is_absolute() else out_dir / p for p in map(Path, listed)]
