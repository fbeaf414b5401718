"""A run killed with SIGKILL at any moment resumes without losing or repeating finished samples.

The oracle backend logs every request it receives (``-M request_log=...``)
and waits a little per request, so the run can be killed mid-way for real.
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

LIMIT = 12  # samples per task
ARGS = ["--model", "reference/oracle", "--tasks", "all", "--limit", str(LIMIT), "--concurrency", "4", "--quiet"]


def finished_ids(run_dir: Path) -> list[str]:
    """Sample ids with a complete, scored line in samples.jsonl."""
    path = run_dir / "samples.jsonl"
    if not path.exists():
        return []
    ids = []
    for line in path.read_text().splitlines(keepends=True):
        if line.endswith("\n"):
            row = json.loads(line)
            if row["status"] == "scored":
                ids.append(row["sample_id"])
    return ids


def start_run(args: list[str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "fcbench", "run", *args], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def kill_after(proc: subprocess.Popen, run_dir: Path, at_least: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if len(finished_ids(run_dir)) >= at_least:
            break
        time.sleep(0.01)
    assert proc.poll() is None, f"run ended before it could be killed: {proc.stderr.read()}"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


def stable(results: dict) -> dict:
    return {"tasks": results["tasks"], "totals": results["totals"]}


@pytest.mark.parametrize("protocol", ["plan", "interactive"])
def test_sigkill_then_resume_matches_uninterrupted_run(tmp_path, protocol):
    """Under the interactive protocol a kill lands mid-conversation: the unfinished
    conversations run again from turn 1, and no finished one is asked again."""
    reference_dir = tmp_path / "uninterrupted"
    args = [*ARGS, "--protocol", protocol]
    proc = run_cli("run", *args, "--out", str(reference_dir))
    assert proc.returncode == 0, proc.stderr
    expected = json.loads((reference_dir / "results.json").read_text())
    total = sum(t["n"] for t in expected["tasks"].values())
    assert total == LIMIT * len(expected["tasks"])

    run_dir = tmp_path / "killed"
    log = tmp_path / "requests.log"
    slow = ["-M", "delay=0.03", "-M", f"request_log={log}"]

    # Kill twice, at two different moments, resuming in between.
    proc = start_run([*args, *slow, "--out", str(run_dir)])
    kill_after(proc, run_dir, at_least=total // 4)
    for fraction in (0.6, None):
        done_before = set(finished_ids(run_dir))
        requests_before = len(log.read_text().splitlines())
        resume = start_run(["--resume", str(run_dir), *slow])
        if fraction is not None:
            kill_after(resume, run_dir, at_least=int(total * fraction))
        else:
            assert resume.wait(timeout=300) == 0, resume.stderr.read()
        new_requests = log.read_text().splitlines()[requests_before:]
        repeated = done_before & set(new_requests)
        assert not repeated, f"finished samples were requested again: {sorted(repeated)[:5]}"

    got = json.loads((run_dir / "results.json").read_text())
    assert stable(got) == stable(expected)
    lines = finished_ids(run_dir)
    assert len(lines) == len(set(lines)) == total, "each sample recorded exactly once"
    manifest = json.loads((run_dir / "run.json").read_text())
    assert manifest["status"] == "complete"
    assert len(manifest["sessions"]) >= 1
    assert manifest["protocol"] == protocol


def test_a_run_killed_before_it_started_leaves_a_folder_a_new_run_may_take(tmp_path):
    """Killed between creating its folder and putting run.json in place, a run leaves at most
    ``run.json.tmp``. There is nothing to resume (no manifest), so `--resume` says to start with
    `--out`, and `--out` takes the folder instead of refusing it as "not empty"."""
    run_dir = tmp_path / "early"
    run_dir.mkdir()
    (run_dir / "run.json.tmp").write_text('{"fcbench_version": "0.1.0", "mod')  # cut off mid-write
    resume = run_cli("run", "--resume", str(run_dir))
    assert resume.returncode == 2 and "start it with --out" in resume.stderr, resume.stderr
    proc = run_cli("run", *ARGS, "--tasks", "parallel", "--out", str(run_dir))
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in run_dir.iterdir()) == ["results.json", "run.json", "samples.jsonl"]
    assert len(finished_ids(run_dir)) == LIMIT

    gone = run_cli("run", "--resume", str(tmp_path / "never"))
    assert gone.returncode == 2 and "no such run folder" in gone.stderr and "--out" in gone.stderr

    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    refused = run_cli("run", *ARGS, "--out", str(other))
    assert refused.returncode == 2 and "not an empty folder" in refused.stderr, "anything else is still refused"
