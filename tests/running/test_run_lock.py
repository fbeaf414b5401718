"""One process at a time runs a run folder (`fcbench.running.store.RunStore.claim`).

A second ``fcbench run --resume`` of a folder another process is running would ask the same
samples again, append them twice and race the first for ``run.json``. It is refused in one line;
the lock goes with the process that held it, however that process ends, and a process it forked
does not keep it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
from conftest import REPO, run_cli

from fcbench.errors import UsageError
from fcbench.runlog import read_samples
from fcbench.running.store import RunStore

# Claims RUN_DIR, says so, and sleeps; with "fork", forks a child that sleeps on and exits itself.
HOLDER = """
import os, sys, time
from fcbench.running.store import RunStore
store = RunStore(sys.argv[1])
store.claim()
if sys.argv[2] == "fork":
    if os.fork() == 0:
        print("child", os.getpid(), flush=True)
        time.sleep(60)
        os._exit(0)
    time.sleep(0.2)
    print("parent done", flush=True)
    os._exit(0)
print("holding", flush=True)
time.sleep(60)
"""


@pytest.fixture()
def run_dir(tmp_path):
    out = tmp_path / "run"
    proc = run_cli("run", "--model", "reference/oracle", "--tasks", "parameter_value", "--limit", "3",
                   "--out", str(out), "--quiet")
    assert proc.returncode == 0, proc.stderr
    return out


def hold(run_dir, how: str) -> tuple[subprocess.Popen, str]:
    """The holding process, and the first line it printed."""
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(run_dir), how], cwd=REPO,
                              stdout=subprocess.PIPE, text=True)
    line = holder.stdout.readline()
    assert line.startswith(("holding", "child")), line
    return holder, line


def test_a_resume_while_another_process_runs_the_folder_is_refused_in_one_line(run_dir):
    before = (run_dir / "samples.jsonl").read_bytes()
    holder, _ = hold(run_dir, "sleep")
    try:
        refused = run_cli("run", "--resume", str(run_dir), "--quiet")
        assert refused.returncode == 2, refused.stderr
        assert refused.stderr.count("\n") == 1 and "another fcbench process is running this run" in refused.stderr
        assert (run_dir / "samples.jsonl").read_bytes() == before  # nothing appended, nothing changed
        with pytest.raises(UsageError, match="another fcbench process"):
            RunStore(run_dir).claim()
    finally:
        holder.kill()
        holder.wait()
    # the kernel let go of the lock with the killed process: no stale lock, no lock file
    resumed = run_cli("run", "--resume", str(run_dir), "--quiet")
    assert resumed.returncode == 0, resumed.stderr
    assert sorted(p.name for p in run_dir.iterdir()) == ["results.json", "run.json", "samples.jsonl"]
    assert len(read_samples(run_dir)) == 3


def test_a_forked_child_does_not_keep_the_lock(run_dir):
    """An engine or worker process forked by the run (vLLM forks by default) may outlive a killed
    run for a while; the run folder must still be resumable at once."""
    holder, first = hold(run_dir, "fork")
    child = int(first.split()[-1])
    assert holder.stdout.readline().strip() == "parent done"
    holder.wait()
    try:
        os.kill(child, 0)  # the child still lives
        resumed = run_cli("run", "--resume", str(run_dir), "--quiet")
        assert resumed.returncode == 0, resumed.stderr
    finally:
        os.kill(child, signal.SIGKILL)


def test_the_runner_lets_go_when_it_ends_so_one_process_may_run_twice(run_dir):
    """A Ray worker retries a shard in the same process: the lock of the first attempt is gone."""
    store = RunStore(run_dir)
    store.claim()
    store.release()
    again = RunStore(run_dir)
    again.claim()
    again.release()
    assert os.path.isdir(run_dir)
