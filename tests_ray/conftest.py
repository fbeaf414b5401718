"""Shared fixtures of the Ray executor tests (`make test-ray`, with the ``ray`` extra installed).

One small local Ray instance serves the whole session (2 CPUs, a 100 MB object store, no
dashboard); `fcbench run --executor ray --ray-address ADDR` subprocesses join it, which
costs seconds where starting an instance per run would cost tens. One test lets the CLI
start its own local instance (no address).
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
os.environ.setdefault("FCBENCH_CACHE", tempfile.mkdtemp(prefix="fcbench-test-cache-"))
#: the emulated server takes any key; the Ray workers inherit it from this process
os.environ.setdefault("OPENAI_API_KEY", "sk-test-ray")


def run_cli(*args: str, env: dict | None = None, cwd: Path = REPO, timeout: float = 600) -> subprocess.CompletedProcess:
    """`python -m fcbench ARGS` as a user would run it."""
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    return subprocess.run([sys.executable, "-m", "fcbench", *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=timeout)


def stable(run_dir: Path) -> dict:
    """A run's results.json without its creation time (the one field a merged run may differ in)."""
    results = json.loads((run_dir / "results.json").read_text())
    results.pop("created")
    return results


@pytest.fixture(scope="session")
def ray_address():
    import ray  # make test-ray installs it: missing, the tests fail rather than skip

    ray.init(num_cpus=2, object_store_memory=100_000_000, include_dashboard=False,
             logging_level=logging.ERROR, log_to_driver=False)
    try:
        yield ray.get_runtime_context().gcs_address
    finally:
        ray.shutdown()
