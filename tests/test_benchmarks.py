"""The benchmark scripts run and print their figures (small sizes; no timing is asserted).

`make bench` and `make soak` are not part of `make test`; these keep the scripts from rotting,
and the soak's own checks (nothing lost, repeated or changed by kills) count here too.
"""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO


def run_script(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=REPO, capture_output=True, text=True, timeout=300)


def test_throughput_prints_the_floor_row_and_a_backend_row():
    proc = run_script("benchmarks/throughput.py", "-n", "20", "--backends", "bare-aiohttp,openai-compatible")
    assert proc.returncode == 0, proc.stderr
    rows = {line.split()[0]: line.split()[1:] for line in proc.stdout.splitlines() if line.split()}
    assert len(rows["bare-aiohttp"]) == len(rows["openai-compatible"]) == 8
    assert rows["bare-aiohttp"][6] == "-", "the floor has no oracle run to subtract"
    assert "server: 40 requests" in proc.stdout, "both rows sent every request"


def test_kill_soak_loses_repeats_and_changes_nothing():
    proc = run_script("benchmarks/kill_soak.py", "--trials", "2", "--samples", "21", "--seed", "1")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    last = proc.stdout.strip().splitlines()[-1]
    assert last.startswith("2 trials,") and "lost 0, repeated 0, changed 0, files with the key 0" in last
