"""The sharding examples run as a scheduler would run them: each array task's script with the
index in the scheduler's variable, then the merge; the result equals a one-process run."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, installed, run_cli

EXAMPLES = REPO / "examples"
ARGS = "--tasks parameter_value,nested --limit 10"


def results_bytes(run_dir: Path) -> bytes:
    return re.sub(rb'"created": "[^"]*"', b'"created": ""', (run_dir / "results.json").read_bytes())


def script(path: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    # The `fcbench` console script of this interpreter's environment, as a job would find it on PATH.
    bin_dir = str(Path(sys.executable).parent)
    full = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""), **env}
    return subprocess.run(["bash", str(path)], env=full, capture_output=True, text=True, timeout=300)


def test_scripts_are_valid_bash():
    for path in [*EXAMPLES.glob("*.sh"), *EXAMPLES.glob("slurm/*")]:
        assert subprocess.run(["bash", "-n", str(path)], capture_output=True).returncode == 0, path


def test_array_job_scripts_shard_resume_and_merge_like_one_run(tmp_path):
    whole = tmp_path / "whole"
    assert run_cli("run", "--model", "reference/lexical", *ARGS.split(), "--quiet", "--out", str(whole)).returncode == 0
    root = tmp_path / "run"
    common = {"MODEL": "reference/lexical", "SHARDS": "3", "RUN_ROOT": str(root), "FCBENCH_ARGS": ARGS,
              "FCBENCH_EXAMPLES": str(EXAMPLES)}
    # Each scheduler's way of naming the index: a SLURM array task (through the sbatch file itself),
    # a Kubernetes indexed Job, and by hand.
    for env in ({"SLURM_ARRAY_TASK_ID": "0"}, {"JOB_COMPLETION_INDEX": "1"}, {"SHARD_INDEX": "2"}):
        slurm = "SLURM_ARRAY_TASK_ID" in env
        path = EXAMPLES / "slurm" / "fcbench-shards.sbatch" if slurm else EXAMPLES / "run-shard.sh"
        proc = script(path, {**common, **env})
        assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in (root / "shards").iterdir()) == ["shard-0-of-3", "shard-1-of-3", "shard-2-of-3"]

    # A retried task finds its folder and resumes it: nothing is asked again, nothing added.
    before = (root / "shards" / "shard-1-of-3" / "samples.jsonl").read_bytes()
    proc = script(EXAMPLES / "run-shard.sh", {**common, "JOB_COMPLETION_INDEX": "1"})
    assert proc.returncode == 0, proc.stderr
    assert (root / "shards" / "shard-1-of-3" / "samples.jsonl").read_bytes() == before

    proc = script(EXAMPLES / "slurm" / "fcbench-merge.sbatch", common)
    assert proc.returncode == 0, proc.stderr
    assert results_bytes(root) == results_bytes(whole)


def test_run_shard_without_an_index_says_so(tmp_path):
    proc = script(EXAMPLES / "run-shard.sh", {"MODEL": "reference/lexical", "SHARDS": "2", "RUN_ROOT": str(tmp_path),
                                              "SLURM_ARRAY_TASK_ID": "", "JOB_COMPLETION_INDEX": "", "SHARD_INDEX": ""})
    assert proc.returncode == 2 and "no shard index" in proc.stderr


@pytest.mark.skipif(not installed("PyYAML"), reason="PyYAML (a dependency of datasets) is not installed")
def test_kubernetes_indexed_job_runs_the_shard_script_with_matching_counts():
    import yaml

    shards, merge = yaml.safe_load_all((EXAMPLES / "kubernetes" / "fcbench-shards.yaml").read_text())
    spec = shards["spec"]
    assert spec["completionMode"] == "Indexed"
    container = spec["template"]["spec"]["containers"][0]
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert container["command"] == ["/opt/fcbench/examples/run-shard.sh"]
    assert int(env["SHARDS"]) == spec["completions"], "one pod per shard"
    merge_container = merge["spec"]["template"]["spec"]["containers"][0]
    assert merge_container["command"] == ["/opt/fcbench/examples/merge.sh"]
    assert {e["name"]: e["value"] for e in merge_container["env"]}["RUN_ROOT"] == env["RUN_ROOT"]
