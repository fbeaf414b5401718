"""BFCL's question and possible-answer files (JSON Lines), shared by the harness scripts.

Runs under any Python >= 3.10 with the stdlib only, so both the bfcl venv and fcbench's venv
can import it (the scripts put this folder on ``sys.path`` by being run from it).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

CATEGORIES = (
    "simple_python", "simple_java", "simple_javascript", "multiple", "parallel", "parallel_multiple",
    "live_simple", "live_multiple", "live_parallel", "live_parallel_multiple", "irrelevance", "live_irrelevance",
)
VENV = Path(os.environ.get("BFCL_VENV", Path.home() / ".cache" / "fcbench" / "bfcl-venv"))
DEFAULT_DATA = VENV / "lib" / "python3.11" / "site-packages" / "bfcl_eval" / "data"
DEFAULT_WORK = Path(os.environ.get("BFCL_PORT_WORK", Path(__file__).resolve().parent.parent / "build" / "bfcl_port"))


def read_jsonl(path: Path) -> Iterator[dict]:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def write_jsonl(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def load_entries(data_dir: Path = DEFAULT_DATA) -> dict[str, dict]:
    """``{id: {"id", "category", "function", "ground_truth"}}`` for the 12 categories
    (``ground_truth`` is ``[]`` for the two irrelevance categories)."""
    entries: dict[str, dict] = {}
    for category in CATEGORIES:
        gold = {}
        answer_file = data_dir / "possible_answer" / f"BFCL_v4_{category}.json"
        if answer_file.exists():
            gold = {row["id"]: row["ground_truth"] for row in read_jsonl(answer_file)}
        for row in read_jsonl(data_dir / f"BFCL_v4_{category}.json"):
            entries[row["id"]] = {"id": row["id"], "category": category, "function": row["function"],
                                  "ground_truth": gold.get(row["id"], [])}
    return entries
