"""SIGTERM and SIGHUP stop `fcbench run` the way Ctrl-C does (`fcbench.cli.Terminated`).

CI cancels a job, a scheduler pre-empts one, a terminal closes: each sends SIGTERM or SIGHUP.
Python's default is to die on the spot, without exit handlers: a vLLM server that fcbench started
(in its own process group) would be left running, holding memory and its port, and run.json would
still say "running". Here the signal unwinds the run: run.json says "interrupted" and by what,
the server is stopped, the exit code is 128 + the signal's number, and --resume finishes the run.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, run_cli

from fcbench.runlog import read_samples

# A stand-in for the interpreter that runs `python -m vllm.entrypoints.openai.api_server ...`:
# it notes its pid, then serves fcbench's emulated server (gold answers, 0.2 s each) on --port.
FAKE_VLLM = """#!{python}
import os, sys
port = sys.argv[sys.argv.index("--port") + 1]
with open({pidfile!r}, "w") as fh:
    fh.write(str(os.getpid()))
os.execv({python!r}, [{python!r}, "-m", "fcbench.testing.server", "--port", port, "--latency", "0.2",
                      "--tasks", "parameter_value"])
"""


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_for(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def default_signals() -> None:
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)


def started_run(tmp_path: Path, args: list[str]) -> tuple[subprocess.Popen, Path]:
    run_dir = tmp_path / "run"
    # Started as a terminal starts it: the signals at their defaults. (Under `nohup`, which CI
    # runners and this suite may run in, SIGHUP is ignored, and fcbench keeps ignoring it.)
    proc = subprocess.Popen([sys.executable, "-m", "fcbench", "run", *args, "--out", str(run_dir), "--quiet"],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"}, preexec_fn=default_signals)
    samples = run_dir / "samples.jsonl"
    wait_for(lambda: samples.exists() and samples.stat().st_size > 0)
    return proc, run_dir


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_signal_stops_the_run_its_server_and_resume_finishes(tmp_path, signum):
    pidfile = tmp_path / "server.pid"
    fake = tmp_path / "fake-python"
    fake.write_text(FAKE_VLLM.format(python=sys.executable, pidfile=str(pidfile)))
    fake.chmod(0o755)
    args = ["--model", "vllm-server/fake-model", "-M", f"python={fake}", "-M", "tool_parser=hermes",
            "--tasks", "parameter_value",
            "--limit", "40", "--concurrency", "2"]
    proc, run_dir = started_run(tmp_path, args)
    server = int(pidfile.read_text())
    assert alive(server)
    proc.send_signal(signum)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signum, stderr
    assert f"stopped by {signal.Signals(signum).name}" in stderr and "Traceback" not in stderr
    manifest = json.loads((run_dir / "run.json").read_text())
    assert manifest["status"] == "interrupted"
    assert manifest["stopped_by"] == f"interrupted ({signal.Signals(signum).name})"
    wait_for(lambda: not alive(server), timeout=30)  # the server fcbench started went with it
    done = read_samples(run_dir)
    assert 0 < len(done) < 40
    resumed = run_cli("run", "--resume", str(run_dir), "-M", f"python={fake}", "--quiet")
    assert resumed.returncode == 0, resumed.stderr
    results = read_samples(run_dir)
    assert len(results) == 40 and all(r.passed for r in results.values())
    assert all(results[sid] == result for sid, result in done.items()), "finished samples are kept as they were"
