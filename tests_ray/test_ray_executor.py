"""`fcbench run --executor ray --shards N`: the same results as one process, retried shards, resume, bad flags."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli, stable

from fcbench.running.shards import Shard
from fcbench.testing import EmulatedServer, ServerConfig

LIMIT = 10  # samples per task: 70 in all
SHARDS = 3
TASKS = "nested,chaining,parallel,name_detection,parameter_value,next_best,response_generation"


def ran(proc) -> None:
    assert proc.returncode == 0, proc.stderr


def sample_ids(run_dir: Path) -> list[tuple[str, str]]:
    """(task, sample id) of every line of a run folder's samples.jsonl, in order."""
    rows = [json.loads(line) for line in (run_dir / "samples.jsonl").read_text().splitlines()]
    return [(row["task"], row["sample_id"]) for row in rows]


def shard_dirs(run_dir: Path) -> list[Path]:
    return [run_dir / "shards" / Shard(i, SHARDS).folder_name for i in range(SHARDS)]


# ---------------------------------------------------------------- same results as one process
@pytest.mark.parametrize("model,local_instance", [("reference/oracle", False), ("reference/lexical", True)])
def test_reference_models_on_ray_equal_one_process(tmp_path, ray_address, model, local_instance):
    """lexical lets the CLI start its own local Ray instance; oracle joins the session's."""
    common = ["--model", model, "--limit", str(LIMIT), "--quiet"]
    ran(run_cli("run", *common, "--out", str(tmp_path / "plain")))
    where = [] if local_instance else ["--ray-address", ray_address]
    ran(run_cli("run", *common, "--executor", "ray", "--shards", str(SHARDS), *where, "--out", str(tmp_path / "ray")))

    assert stable(tmp_path / "ray") == stable(tmp_path / "plain")
    # Each shard folder holds exactly its own samples, and together they hold every sample once.
    everyone = sorted(sample_ids(tmp_path / "plain"))
    held = []
    for index, folder in enumerate(shard_dirs(tmp_path / "ray")):
        mine = sample_ids(folder)
        assert mine and all(Shard(index, SHARDS).holds(task, sid) for task, sid in mine), folder
        held += mine
    assert sorted(held) == everyone
    state = json.loads((tmp_path / "ray" / "executor.json").read_text())
    assert state["options"]["shards"] == SHARDS
    assert state["fingerprint"] == json.loads((tmp_path / "plain" / "run.json").read_text())["fingerprint"]


@pytest.fixture
def server():
    """The emulated OpenAI-compatible server: mostly gold answers, some wrong ones, 20 ms each."""
    config = ServerConfig(limit=LIMIT, behaviour="gold=0.7,perturbed=0.3", latency_s=0.02, seed=5)
    with EmulatedServer(config) as emulated:
        yield emulated


def emulated(server: EmulatedServer, *extra: str) -> list[str]:
    return ["--model", "openai-compatible/emulated", "--base-url", server.base_url + "/v1", "--limit", str(LIMIT),
            "--quiet", *extra]


def requests_per_sample(server: EmulatedServer) -> dict[str, int]:
    return dict(server.stats()["per_sample"])


def test_emulated_server_on_ray_equals_one_process(tmp_path, ray_address, server):
    ran(run_cli("run", *emulated(server), "--out", str(tmp_path / "plain")))
    plain_requests = requests_per_sample(server)
    server.reset_stats()
    ran(run_cli("run", *emulated(server, "--executor", "ray", "--shards", str(SHARDS), "--ray-address", ray_address,
                                 "--ray-cpus", "0.5"), "--out", str(tmp_path / "ray")))

    results = stable(tmp_path / "ray")
    assert results == stable(tmp_path / "plain")
    assert 0 < sum(t["n_passed"] for t in results["tasks"].values()) < 7 * LIMIT  # not a trivial all-pass run
    assert requests_per_sample(server) == plain_requests  # every sample asked once, as in one process
    assert set(plain_requests.values()) == {1}


# ---------------------------------------------------------------- a failing shard task
@pytest.mark.parametrize("how", ["exit", "raise"])
def test_failed_shard_is_retried_without_repeating_finished_samples(tmp_path, ray_address, server, how):
    """Shard 1's task dies (its worker exits) or raises after recording 4 samples, once; Ray
    retries it, the retry resumes the shard folder, and the result is the one-process result."""
    ran(run_cli("run", *emulated(server), "--out", str(tmp_path / "plain")))
    server.reset_stats()
    marker = tmp_path / "fault-happened"
    ran(run_cli("run", *emulated(server, "--executor", "ray", "--shards", str(SHARDS), "--ray-address", ray_address,
                                 "--concurrency", "2"), "--out", str(tmp_path / "ray"),
                env={"FCBENCH_RAY_TEST_FAULT": f"1:4:{how}:{marker}"}))

    assert marker.exists(), "the fault hook never fired"
    assert stable(tmp_path / "ray") == stable(tmp_path / "plain")
    requests = requests_per_sample(server)
    first_attempt = sample_ids(shard_dirs(tmp_path / "ray")[1])[:4]  # recorded before the fault
    assert all(requests[f"{task}/{sid}"] == 1 for task, sid in first_attempt), requests
    # Only the requests in flight when the task failed (at most --concurrency) were asked twice.
    assert sum(requests.values()) - len(requests) <= 2
    manifest = json.loads((shard_dirs(tmp_path / "ray")[1] / "run.json").read_text())
    assert len(manifest["sessions"]) == 1 and manifest["status"] == "complete"


def test_resume_runs_only_the_unfinished_shard(tmp_path, ray_address, server):
    """With no retries left the run stops (one line, exit 2) and keeps what the shards did;
    --resume runs shard 1's missing samples only and merges."""
    ran(run_cli("run", *emulated(server), "--out", str(tmp_path / "plain")))
    server.reset_stats()
    run_dir = tmp_path / "ray"
    marker = tmp_path / "fault-happened"
    proc = run_cli("run", *emulated(server, "--executor", "ray", "--shards", str(SHARDS), "--ray-address", ray_address,
                                    "--ray-retries", "0", "--concurrency", "1"), "--out", str(run_dir),
                   env={"FCBENCH_RAY_TEST_FAULT": f"1:5:exit:{marker}"})
    assert proc.returncode == 2, proc.stderr
    line = proc.stderr.strip().splitlines()[-1]  # Ray may report the dead worker on the lines before
    assert line.startswith("fcbench: error: 1 of 3 shard(s) failed") and proc.stderr.count("fcbench: error") == 1
    assert "shard 1/3" in line and f"--resume {run_dir}" in line, line
    assert not (run_dir / "results.json").exists(), "nothing is merged while a shard is unfinished"
    folders = shard_dirs(run_dir)
    done_before = sample_ids(folders[1])
    assert len(done_before) == 5
    untouched = {f: (f / "samples.jsonl").stat().st_mtime_ns for f in (folders[0], folders[2])}
    asked_before = requests_per_sample(server)
    server.reset_stats()

    proc = run_cli("run", "--resume", str(run_dir), "--base-url", server.base_url + "/v1", "--quiet")
    ran(proc)
    assert stable(run_dir) == stable(tmp_path / "plain")
    asked = requests_per_sample(server)
    missing = set(sample_ids(folders[1])) - set(done_before)
    assert set(asked) == {f"{task}/{sid}" for task, sid in missing}  # shard 1's missing samples, nothing else
    assert set(asked.values()) == {1} and not set(asked) & set(asked_before)
    assert {f: (f / "samples.jsonl").stat().st_mtime_ns for f in untouched} == untouched
    assert len(json.loads((folders[1] / "run.json").read_text())["sessions"]) == 1  # the resumed session

    # Merged now: an ordinary run folder, which --resume continues in one process (nothing left to do).
    server.reset_stats()
    ran(run_cli("run", "--resume", str(run_dir), "--base-url", server.base_url + "/v1", "--quiet"))
    assert requests_per_sample(server) == {}
    assert stable(run_dir) == stable(tmp_path / "plain")


def test_a_local_instance_without_the_resources_asked_is_one_line(tmp_path):
    """No autoscaler will add a GPU to the local instance: the run stops at once instead of waiting."""
    proc = run_cli("run", "--model", "reference/oracle", "--limit", "2", "--quiet", "--executor", "ray", "--shards",
                   "2", "--ray-gpus", "1", "--ray-resource", "fcbench_test=1", "--out", str(tmp_path / "run"))
    assert proc.returncode == 2, proc.stderr
    line = proc.stderr.strip().splitlines()[-1]
    assert line.startswith("fcbench: error: the local Ray instance cannot run a shard task: it asks CPU 1, GPU 1, "
                           "fcbench_test 1 and no node has that much (the nodes have: CPU "), line
    assert line.endswith(", GPU 0, fcbench_test 0)"), line
    assert not (tmp_path / "run" / "shards").exists()


def test_relative_paths_mean_what_they_mean_to_the_driver(tmp_path, ray_address):
    """A relative --suite (the session's workers work elsewhere) is found, and recorded as given."""
    from conftest import REPO

    rows = (REPO / "tasks" / "parameter_value" / "data" / "test.jsonl").read_text().splitlines(keepends=True)
    (tmp_path / "suite" / "parameter_value").mkdir(parents=True)
    (tmp_path / "suite" / "parameter_value" / "test.jsonl").write_text("".join(rows[:12]))
    common = ["--model", "reference/lexical", "--suite", "suite", "--quiet"]
    ran(run_cli("run", *common, "--out", "plain", cwd=tmp_path))
    ran(run_cli("run", *common, "--executor", "ray", "--shards", "2", "--ray-address", ray_address, "--out", "ray",
                cwd=tmp_path))
    results = stable(tmp_path / "ray")
    assert results == stable(tmp_path / "plain") and results["suite"]["path"] == "suite"
    assert results["totals"]["samples"] == 12


def test_resume_after_every_shard_finished_only_merges(tmp_path, ray_address):
    """The driver was stopped between the last shard and the merge: --resume merges, starting no Ray
    task (the address it is given leads nowhere, and nothing tries to join it)."""
    run_dir = tmp_path / "ray"
    common = ["--model", "reference/oracle", "--limit", "3", "--quiet"]
    ran(run_cli("run", *common, "--executor", "ray", "--shards", "2", "--ray-address", ray_address,
                "--out", str(run_dir)))
    expected = stable(run_dir)
    for name in ("run.json", "samples.jsonl", "results.json"):
        (run_dir / name).unlink()
    ran(run_cli("run", "--resume", str(run_dir), "--ray-address", "127.0.0.1:9", "--quiet"))
    assert stable(run_dir) == expected
    assert json.loads((run_dir / "executor.json").read_text())["options"]["address"] == "127.0.0.1:9"
