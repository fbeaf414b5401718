"""Helpers of the ``--batch`` tests: runs against the emulated server, and what to compare.

Everything goes through the real CLI, the real openai / anthropic SDKs and real HTTP to
an `EmulatedServer` on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO

from fcbench.testing import EmulatedServer, ServerConfig
from fcbench.testing.batches import BATCHES
from fcbench.testing.config import BatchSettings

KEY = "sk-batch-test-SECRET-7e21"
ENV = {"OPENAI_API_KEY": KEY, "ANTHROPIC_API_KEY": KEY, "OPENAI_BASE_URL": "", "ANTHROPIC_BASE_URL": ""}
LIMIT = 3  # samples per task: 21 in all
#: a mix, so that "scores like the direct run" compares passes, failures and malformed answers
MIX = "gold=0.6,perturbed=0.2,malformed=0.1,text=0.1"
POLL = ["-M", "batch_poll_s=0.05"]
FAST = ["--retry-base-delay", "0.01", "-M", "timeout=5", "--quiet"]


@pytest.fixture(scope="module")
def shared_server():
    """One server per test module that imports it (starting one loads the whole suite); each test
    sets its batch behaviour and clears the counters through `serve`."""
    with EmulatedServer(ServerConfig(limit=LIMIT, behaviour=MIX)) as server:
        yield server


@pytest.fixture
def serve(shared_server):
    """`serve(**batch_settings)`: the shared server with these batch settings and fresh counters
    (back to the defaults after the test)."""
    def configure(**batches) -> EmulatedServer:
        shared_server.app[BATCHES].settings = BatchSettings(**batches)
        shared_server.reset_stats()
        return shared_server
    yield configure
    configure()


def base_url(server: EmulatedServer, provider: str) -> str:
    return server.base_url if provider == "anthropic" else server.base_url + "/v1"


def in_process(*args: str) -> subprocess.CompletedProcess:
    """`fcbench ARGS` through the CLI's own entry point, in this process (the SDKs are imported
    once, not once per run: a test makes several runs). Same arguments, exit code and output."""
    from fcbench.cli import main

    saved = {k: os.environ.get(k) for k in ENV}
    os.environ.update(ENV)
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return subprocess.CompletedProcess(["fcbench", *args], code, out.getvalue(), err.getvalue())


def cli_run(server: EmulatedServer, provider: str, out: Path, *extra: str, check: bool = True, code: int = 0):
    """`fcbench run` in this process; `code` is the exit code expected (3: nothing was scored)."""
    proc = in_process("run", "--model", f"{provider}/emulated", "--limit", str(LIMIT), "--base-url",
                      base_url(server, provider), "--out", str(out), *FAST, *extra)
    if check:
        assert proc.returncode == code, proc.stderr
    return proc


def cli_resume(server: EmulatedServer, provider: str, run_dir: Path, *extra: str):
    proc = in_process("run", "--resume", str(run_dir), "--base-url", base_url(server, provider), "--quiet", *extra)
    assert proc.returncode == 0, proc.stderr
    return proc


def results(run_dir: Path) -> dict:
    return json.loads((run_dir / "results.json").read_text())


def manifest(run_dir: Path) -> dict:
    return json.loads((run_dir / "run.json").read_text())


def scores(run_dir: Path) -> dict:
    """results.json without what differs between two runs of the same samples (times)."""
    data = results(run_dir)
    return {k: v for k, v in data.items() if k not in ("created",)}


def samples(run_dir: Path) -> dict[str, dict]:
    """The latest line per sample, without latencies (a batch answer's latency is its wait) and
    with the server's call ids numbered per answer (the server numbers responses as they come)."""
    out = {}
    for line in (run_dir / "samples.jsonl").read_text().splitlines():
        row = json.loads(re.sub(r"\b(call|toolu)_emu\d+_(\d+)", r"\1_ID_\2", line))
        row["output"].pop("latency_s", None)
        out[row["sample_id"]] = row
    return out


def ledger(run_dir: Path) -> list[dict]:
    path = run_dir / "batches.jsonl"
    return [json.loads(x) for x in path.read_text().splitlines()] if path.exists() else []


def batch_counts(server: EmulatedServer, provider: str) -> dict[str, int]:
    return server.stats()["batches"].get(provider, {})


def start_run(server: EmulatedServer, provider: str, out: Path, *extra: str) -> subprocess.Popen:
    args = ["run", "--model", f"{provider}/emulated", "--limit", str(LIMIT), "--base-url", base_url(server, provider),
            "--out", str(out), *FAST, *extra]
    return subprocess.Popen([sys.executable, "-m", "fcbench", *args], cwd=REPO, env={**os.environ, **ENV},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def kill_once_recorded(proc: subprocess.Popen, run_dir: Path, event: str = "batch", timeout: float = 60) -> None:
    """SIGKILL the run as soon as its ledger records `event` (the batch id: it has paid)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if any(e["event"] == event for e in ledger(run_dir)):
            break
        time.sleep(0.01)
    assert proc.poll() is None, f"the run ended before it could be killed: {proc.stderr.read()}"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
