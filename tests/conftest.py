"""Shared helpers: run the real CLI in a subprocess, write small suites by hand."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# Tests (and the CLI subprocesses they start) keep fcbench's cache to themselves.
os.environ.setdefault("FCBENCH_CACHE", tempfile.mkdtemp(prefix="fcbench-test-cache-"))


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess:
    """`python -m fcbench ARGS` as a user would run it; returns the completed process."""
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    return subprocess.run([sys.executable, "-m", "fcbench", *args], cwd=cwd or REPO, env=full_env,
                          capture_output=True, text=True, timeout=timeout)


def write_jsonl(path: Path, rows: list) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write((row if isinstance(row, str) else json.dumps(row)) + "\n")
    return path


WEATHER_TOOL = {
    "name": "get_weather", "description": "Get the current weather for a city.",
    "parameters": {"type": "object", "properties": {
        "city": {"type": "string"},
        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"], "default": "celsius"}},
        "required": ["city"]},
}


def param_sample(i: int, city: str = "Lisbon") -> dict:
    """A hand-written parameter_value sample."""
    return {"id": f"pv-{i}", "task": "parameter_value",
            "messages": [{"role": "user", "content": f"What's the weather in {city}?"}],
            "tools": [WEATHER_TOOL],
            "gold": {"calls": [{"name": "get_weather", "arguments": {"city": [city], "unit": ["", "celsius"]}}]},
            "metadata": {"domain": "weather"}}


@pytest.fixture
def tiny_suite(tmp_path: Path) -> Path:
    """A suite folder with five parameter_value samples written by hand."""
    suite = tmp_path / "suite"
    write_jsonl(suite / "parameter_value" / "test.jsonl",
                [param_sample(i, c) for i, c in enumerate(["Lisbon", "Paris", "Oslo", "Lima", "Rome"])])
    return suite


def suite_samples(suite: Path, task: str) -> dict[str, dict]:
    """A suite folder's samples of one task, by id ({} when the suite has none of that task)."""
    path = suite / task / "test.jsonl"
    return {r["id"]: r for r in map(json.loads, path.read_text().splitlines())} if path.exists() else {}


def import_suite(out: Path, source: str, *args: str) -> Path:
    """`fcbench data import SOURCE ARGS --out OUT` as a user runs it (it must succeed); the suite folder."""
    proc = run_cli("data", "import", source, *args, "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    return out


def installed(dist: str) -> bool:
    """Is the distribution `dist` installed (optional packages some tests need)?"""
    from importlib import metadata

    try:
        metadata.distribution(dist)
        return True
    except metadata.PackageNotFoundError:
        return False
