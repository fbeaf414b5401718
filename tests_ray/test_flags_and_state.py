"""The executor's command line and bookkeeping, without a Ray cluster (each check fails before one starts)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli

from fcbench.running.ray_executor import EXECUTOR_FILE, ExecutorState, RayOptions, ScoredCounter, pending_ray_run

ORACLE = ["--model", "reference/oracle", "--limit", "2", "--quiet"]


def one_line_error(proc) -> str:
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("fcbench: error: "), proc.stderr
    return lines[0]


@pytest.mark.parametrize("flags,says", [
    (["--executor", "ray", "--shards", "0"], "argument --shards: expected a positive integer, got '0'"),
    (["--shards", "3"], "--shards apply to --executor ray only"),
    (["--ray-cpus", "2", "--ray-retries", "1"], "--ray-cpus, --ray-retries apply to --executor ray only"),
    (["--executor", "ray", "--shards", "3", "--shard", "0/3"], "--shard runs one shard in this process"),
    (["--executor", "ray"], "--executor ray needs --shards N"),
    (["--executor", "ray", "--shards", "2", "--batch"], "--batch sends the whole run"),
    (["--executor", "ray", "--shards", "2", "--ray-resource", "accelerator"], "expected NAME=AMOUNT"),
    (["--executor", "ray", "--shards", "2", "--ray-gpus", "-1"], "argument --ray-gpus: expected a number >= 0"),
    (["--executor", "dask", "--shards", "2"], "argument --executor: invalid choice"),
])
def test_bad_flags_are_one_line_and_exit_2(tmp_path, flags, says):
    line = one_line_error(run_cli("run", *ORACLE, *flags, "--out", str(tmp_path / "run")))
    assert says in line, line
    assert not (tmp_path / "run").exists()


def test_without_ray_installed_the_executor_is_one_line(tmp_path):
    """A `ray` that cannot be imported (a stand-in first on the path) stops the run before any folder is made."""
    fake = tmp_path / "no_ray" / "ray"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('No module named ray (stand-in)')\n")
    proc = run_cli("run", *ORACLE, "--executor", "ray", "--shards", "2", "--out", str(tmp_path / "run"),
                   env={"PYTHONPATH": str(fake.parent)})
    line = one_line_error(proc)
    assert "--executor ray needs Ray" in line and "pip install 'fcbench[ray]'" in line, line
    assert not (tmp_path / "run").exists()


def pending_run(run_dir: Path, shards: int = 3) -> Path:
    """A Ray run folder as the driver leaves it before any shard ran (executor.json only)."""
    run_dir.mkdir()
    state = ExecutorState(RayOptions(shards), "0" * 16, {}, {"model": "reference/oracle", "limit": 2}, "now")
    (run_dir / EXECUTOR_FILE).write_text(json.dumps(state.to_dict()))
    return run_dir


def test_state_record_reads_back_and_marks_a_pending_run(tmp_path):
    run_dir = pending_run(tmp_path / "run")
    state = ExecutorState.read(run_dir)
    assert state.options == RayOptions(3) and state.settings["model"] == "reference/oracle"
    assert pending_ray_run(run_dir)
    (run_dir / "run.json").write_text("{}")  # merged: an ordinary run folder from now on
    assert not pending_ray_run(run_dir)


@pytest.mark.parametrize("flags,says", [
    (["--shards", "4"], "was run as 3 shards, not 4"),
    (["--executor", "local"], "is a Ray run not merged yet"),
])
def test_resume_of_a_ray_run_keeps_its_shards_and_executor(tmp_path, flags, says):
    run_dir = pending_run(tmp_path / "run")
    line = one_line_error(run_cli("run", "--resume", str(run_dir), *flags))
    assert says in line, line


def test_resume_with_ray_of_an_ordinary_run_is_refused(tmp_path):
    run_dir = tmp_path / "plain"
    assert run_cli("run", *ORACLE, "--out", str(run_dir)).returncode == 0
    line = one_line_error(run_cli("run", "--resume", str(run_dir), "--executor", "ray"))
    assert "not a Ray run" in line, line


def test_corrupt_state_record_is_one_line(tmp_path):
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / EXECUTOR_FILE).write_text('{"executor": "ray", "options": {"shards": 0}}')
    line = one_line_error(run_cli("run", "--resume", str(run_dir)))
    assert "executor.json: not a Ray executor record" in line, line


def test_scored_counter_reads_only_complete_new_lines(tmp_path):
    path = tmp_path / "samples.jsonl"
    counter = ScoredCounter(path)
    assert counter.count() == 0  # no file yet
    row = lambda sid, status: json.dumps({"sample_id": sid, "status": status}) + "\n"
    path.write_text(row("a", "scored") + row("b", "infra_error") + row("c", "scored")[:10])
    assert counter.count() == 1  # c's line is still being written
    with path.open("a") as fh:
        fh.write(row("c", "scored")[10:] + row("b", "scored") + row("a", "scored"))
    assert counter.count() == 3  # b re-run and scored; a twice counts once


def test_a_run_without_the_ray_executor_never_imports_ray(tmp_path):
    """Ray is installed here, yet an ordinary run (and its resume) does not load it."""
    import subprocess
    import sys

    code = ("import sys\nfrom fcbench.cli import main\n"
            f"assert main(['run', *{ORACLE!r}, '--out', {str(tmp_path / 'run')!r}]) == 0\n"
            f"assert main(['run', '--resume', {str(tmp_path / 'run')!r}, '--quiet']) == 0\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'ray'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_off_a_terminal_progress_is_a_line_per_shard_that_ends(tmp_path):
    import io

    from rich.console import Console

    from fcbench.running.ray_executor import ShardProgress
    from fcbench.running.shards import Shard

    shards = [Shard(0, 2), Shard(1, 2)]
    folders = {s: tmp_path / s.folder_name for s in shards}
    folders[shards[0]].mkdir()
    (folders[shards[0]] / "samples.jsonl").write_text(
        "".join(json.dumps({"sample_id": f"s{i}", "status": "scored"}) + "\n" for i in range(3)))
    out = io.StringIO()
    with ShardProgress(folders, {shards[0]: 3, shards[1]: 4}, Console(file=out, width=200), enabled=True) as bars:
        bars.refresh()
        bars.ended(shards[0], "done")
        bars.ended(shards[1], "failed")
    assert out.getvalue().splitlines() == ["shard 0/2: done (3/3 samples scored)",
                                           "shard 1/2: failed (0/4 samples scored)"]


def test_a_shard_task_no_node_can_hold_is_named():
    from fcbench.running.ray_executor import unplaceable

    nodes = [{"CPU": 2.0, "memory": 1e9}, {"CPU": 8.0, "GPU": 1.0, "accel": 1.0}]
    assert unplaceable(RayOptions(2, cpus=4, gpus=1).needs(), nodes) is None
    assert unplaceable(RayOptions(2, cpus=0.5).needs(), nodes) is None
    assert unplaceable(RayOptions(2, cpus=0, gpus=0).needs(), nodes[:1]) is None  # asks nothing
    why = unplaceable(RayOptions(2, cpus=4, gpus=1, resources={"accel": 2}).needs(), nodes)
    assert why == ("it asks CPU 4, GPU 1, accel 2 and no node has that much "
                   "(the nodes have: CPU 2, GPU 0, accel 0; CPU 8, GPU 1, accel 1)")
