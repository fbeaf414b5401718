"""``--shard i/N`` and ``fcbench merge``: N shard runs joined equal one run, and every way a
merge can go wrong is refused in one line before anything is written."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from conftest import REPO, param_sample, run_cli, write_jsonl

from fcbench.running.shards import Shard, shard_of

LEXICAL = ["--model", "reference/lexical", "--limit", "15", "--quiet"]


def results_bytes(run_dir: Path) -> bytes:
    """results.json with its one timestamp blanked (two runs are never created at the same second)."""
    return re.sub(rb'"created": "[^"]*"', b'"created": ""', (run_dir / "results.json").read_bytes())


def run_shards(tmp_path: Path, args: list[str], count: int) -> list[Path]:
    dirs = []
    for i in range(count):
        out = tmp_path / f"shard{i}"
        proc = run_cli("run", *args, "--shard", f"{i}/{count}", "--out", str(out))
        assert proc.returncode == 0, proc.stderr
        dirs.append(out)
    return dirs


# ------------------------------------------------------------------ assignment
def test_shard_parse_accepts_i_of_n_and_refuses_the_rest():
    assert Shard.parse("2/4") == Shard(2, 4) and str(Shard.parse(" 0 / 1 ")) == "0/1"
    for bad in ("4/4", "1/0", "-1/4", "a/4", "3", "1/2/3", ""):
        with pytest.raises(ValueError):
            Shard.parse(bad)


def test_assignment_is_by_id_balanced_and_unmoved_by_new_samples():
    """Each sample is in exactly one shard; the shards are of similar size; adding samples to a
    task leaves every existing sample where it was (the shard is a function of the id alone)."""
    ids = [f"sample-{i}" for i in range(4000)]
    before = {i: shard_of("parameter_value", i, 4) for i in ids}
    sizes = Counter(before.values())
    assert set(sizes) == {0, 1, 2, 3} and all(900 <= n <= 1100 for n in sizes.values()), sizes
    shards = [Shard(k, 4) for k in range(4)]
    assert all(sum(s.holds("parameter_value", i) for s in shards) == 1 for i in ids[:200])
    more = ids + [f"new-{i}" for i in range(1000)]
    assert all(shard_of("parameter_value", i, 4) == before[i] for i in more if i in before)
    # The same id in another task is placed independently (tasks are sharded, not just ids).
    assert any(shard_of("nested", i, 4) != before[i] for i in ids[:50])


# ---------------------------------------------------------------- shard + merge
def test_four_shards_merged_equal_one_process_run_byte_for_byte(tmp_path):
    whole = tmp_path / "whole"
    assert run_cli("run", *LEXICAL, "--out", str(whole)).returncode == 0
    dirs = run_shards(tmp_path, LEXICAL, 4)
    sizes = [json.loads((d / "results.json").read_text())["totals"]["samples"] for d in dirs]
    total = json.loads((whole / "results.json").read_text())["totals"]["samples"]
    assert sum(sizes) == total and all(n > 0 for n in sizes)

    merged = tmp_path / "merged"
    proc = run_cli("merge", *map(str, reversed(dirs)), "--out", str(merged))  # any order
    assert proc.returncode == 0, proc.stderr
    assert results_bytes(merged) == results_bytes(whole)
    manifest = json.loads((merged / "run.json").read_text())
    whole_manifest = json.loads((whole / "run.json").read_text())
    assert manifest["fingerprint"] == whole_manifest["fingerprint"] and "shard" not in manifest
    assert [m["shard"] for m in manifest["merged_from"]] == ["0/4", "1/4", "2/4", "3/4"]
    assert len(manifest["sessions"]) == 4 and manifest["status"] == "complete"
    # Every sample once, in data order (the same file whatever order the shards ran in).
    ids = [json.loads(line)["sample_id"] for line in (merged / "samples.jsonl").read_text().splitlines()]
    assert len(ids) == len(set(ids)) == total
    # The merged folder is an ordinary run: resume finds nothing to do and changes no score.
    proc = run_cli("run", "--resume", str(merged), "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert results_bytes(merged) == results_bytes(whole)


@pytest.mark.parametrize("settings", [["--protocol", "interactive"], ["--mode", "prompt", "--rules", "bfcl"]],
                         ids=["interactive", "prompt-bfcl"])
def test_shards_merge_like_one_run_under_every_protocol_and_rules(tmp_path, settings):
    """The shard filter sits before the protocol and the rules profile: conversations and BFCL's
    own verdicts merge back to the one-process results too."""
    args = ["--model", "reference/lexical", "--limit", "8", "--quiet", *settings]
    whole = tmp_path / "whole"
    assert run_cli("run", *args, "--out", str(whole)).returncode == 0
    merged = tmp_path / "merged"
    proc = run_cli("merge", *map(str, run_shards(tmp_path, args, 2)), "--out", str(merged))
    assert proc.returncode == 0, proc.stderr
    assert results_bytes(merged) == results_bytes(whole)


def test_shard_fingerprint_names_the_shard_and_resume_keeps_it(tmp_path):
    (one,) = run_shards(tmp_path, [*LEXICAL, "--tasks", "parameter_value"], 1)
    manifest = json.loads((one / "run.json").read_text())
    assert manifest["shard"] == "0/1" and manifest["fingerprint_fields"]["shard"] == "0/1"
    proc = run_cli("run", "--resume", str(one), "--shard", "1/2", "--quiet")
    assert proc.returncode == 2 and "shard: run has '0/1', asked '1/2'" in proc.stderr


def _finished(run_dir: Path) -> int:
    path = run_dir / "samples.jsonl"
    return path.read_text().count("\n") if path.exists() else 0


def test_a_killed_shard_resumes_then_merges_like_one_run(tmp_path):
    """SIGKILL one shard mid-run: merging refuses it as unfinished; resumed, it completes without
    repeating a sample, and the merge equals the one-process run."""
    args = ["--model", "reference/oracle", "--limit", "12", "--quiet", "--concurrency", "2"]
    whole = tmp_path / "whole"
    assert run_cli("run", *args, "--out", str(whole)).returncode == 0
    dirs = run_shards(tmp_path, args, 2)
    killed = tmp_path / "shard1"
    shutil.rmtree(killed)
    log = tmp_path / "requests.log"
    slow = ["-M", "delay=0.05", "-M", f"request_log={log}"]
    proc = subprocess.Popen([sys.executable, "-m", "fcbench", "run", *args, *slow, "--shard", "1/2",
                             "--out", str(killed)], cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while _finished(killed) < 5 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.01)
    assert proc.poll() is None, proc.stderr.read()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    refused = run_cli("merge", *map(str, dirs), "--out", str(tmp_path / "early"))
    assert refused.returncode == 2 and "is unfinished" in refused.stderr and f"--resume {killed}" in refused.stderr
    assert not (tmp_path / "early").exists()

    done_before = {json.loads(line)["sample_id"]
                   for line in (killed / "samples.jsonl").read_text().splitlines(keepends=True) if line.endswith("\n")}
    resumed = run_cli("run", "--resume", str(killed), "-M", f"request_log={log}", "--quiet")
    assert resumed.returncode == 0, resumed.stderr
    asked = Counter(log.read_text().splitlines())  # one sample id per request
    assert done_before and not [s for s in done_before if asked[s] > 1], "a finished sample was asked again"
    merged = tmp_path / "merged"
    assert run_cli("merge", *map(str, dirs), "--out", str(merged)).returncode == 0
    assert results_bytes(merged) == results_bytes(whole)


# ------------------------------------------------------------------- refusals
@pytest.fixture(scope="module")
def three_shards(tmp_path_factory) -> list[Path]:
    root = tmp_path_factory.mktemp("three")
    return run_shards(root, [*LEXICAL, "--tasks", "parameter_value,name_detection"], 3)


def refused(*args: str) -> str:
    proc = run_cli("merge", *args)
    assert proc.returncode == 2, proc.stdout
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr, proc.stderr
    return proc.stderr


def test_merge_refuses_a_missing_shard(three_shards, tmp_path):
    err = refused(str(three_shards[0]), str(three_shards[2]), "--out", str(tmp_path / "m"))
    assert "missing shard(s) 1/3" in err
    assert not (tmp_path / "m").exists(), "nothing is written before every check passed"


def test_merge_refuses_a_shard_given_twice(three_shards, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(three_shards[1], copy)
    err = refused(*map(str, three_shards), str(copy), "--out", str(tmp_path / "m"))
    assert "shard 1/3 given twice" in err


def test_merge_refuses_a_sample_recorded_by_the_wrong_shard(three_shards, tmp_path):
    """A line copied from shard 2 into shard 0 would count that sample twice."""
    bad = tmp_path / "bad0"
    shutil.copytree(three_shards[0], bad)
    stray = (three_shards[2] / "samples.jsonl").read_text().splitlines(keepends=True)[0]
    with (bad / "samples.jsonl").open("a") as fh:
        fh.write(stray)
    err = refused(str(bad), str(three_shards[1]), str(three_shards[2]), "--out", str(tmp_path / "m"))
    assert "a sample of another shard" in err and str(bad) in err


def test_merge_refuses_shards_of_different_runs(three_shards, tmp_path):
    other = tmp_path / "other1"
    proc = run_cli("run", "--model", "reference/oracle", "--limit", "15", "--quiet",
                   "--tasks", "parameter_value,name_detection", "--shard", "1/3", "--out", str(other))
    assert proc.returncode == 0, proc.stderr
    err = refused(str(three_shards[0]), str(other), str(three_shards[2]), "--out", str(tmp_path / "m"))
    assert "a shard of another run" in err and "model" in err


def test_merge_refuses_a_non_shard_and_a_full_out_folder(three_shards, tmp_path, tiny_suite):
    plain = tmp_path / "plain"
    assert run_cli("run", "--model", "reference/oracle", "--suite", str(tiny_suite), "--quiet",
                   "--out", str(plain)).returncode == 0
    assert "not a shard" in refused(str(plain), "--out", str(tmp_path / "m"))
    full = tmp_path / "full"
    write_jsonl(full / "x.jsonl", [param_sample(0)])
    assert "not an empty folder" in refused(*map(str, three_shards), "--out", str(full))


def test_a_merge_killed_midway_is_merged_again_over_what_it_left(three_shards, tmp_path):
    """run.json is written last: a folder without it holds only a killed merge's leftovers."""
    out = tmp_path / "m"
    out.mkdir()
    (out / "samples.jsonl").write_text('{"sample_id": "half a li')
    (out / "results.json.tmp").write_text("{")
    proc = run_cli("merge", *map(str, three_shards), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["results.json", "run.json", "samples.jsonl"]
    again = run_cli("merge", *map(str, three_shards), "--out", str(out))
    assert again.returncode == 2 and "not an empty folder" in again.stderr, "a finished merge is never overwritten"


def test_merged_infra_failures_are_resumed_like_any_run(tmp_path, tiny_suite):
    """Shards may end with infrastructure failures (here: answers missing from a replay file);
    the merged run says incomplete, and --resume on it re-runs exactly those samples."""
    oracle = tmp_path / "oracle"
    assert run_cli("run", "--model", "reference/oracle", "--suite", str(tiny_suite), "--quiet",
                   "--out", str(oracle)).returncode == 0
    lines = (oracle / "samples.jsonl").read_text().splitlines(keepends=True)
    answers = tmp_path / "answers.jsonl"
    answers.write_text("".join(lines[:2]))  # three samples have no recorded answer yet
    args = ["--model", f"replay/{answers}", "--suite", str(tiny_suite), "--quiet"]
    dirs = run_shards(tmp_path, args, 2)
    merged = tmp_path / "merged"
    assert run_cli("merge", *map(str, dirs), "--out", str(merged)).returncode == 0
    manifest = json.loads((merged / "run.json").read_text())
    assert manifest["status"] == "incomplete" and manifest["totals"]["infra_errors"] == 3

    answers.write_text("".join(lines))
    proc = run_cli("run", "--resume", str(merged), "--quiet")
    assert proc.returncode == 0, proc.stderr
    result = json.loads((merged / "results.json").read_text())
    assert result["totals"]["infra_errors"] == 0 and result["tasks"]["parameter_value"]["score"] == 1.0


def test_a_shard_is_shown_as_a_part_and_never_published_or_gated_against_a_whole_run(three_shards, tmp_path):
    """A shard's score is a subset's: its report says so, a leaderboard refuses it, and a gate
    will not compare it with a whole run."""
    results = json.loads((three_shards[0] / "results.json").read_text())
    assert results["shard"] == "0/3"
    report = run_cli("report", str(three_shards[0]), "--format", "markdown")
    assert report.returncode == 0 and "shard 0/3 (part of a run" in report.stdout
    board = run_cli("leaderboard", "build", str(three_shards[0]), "--out", str(tmp_path / "board"))
    assert board.returncode == 2 and "shard 0/3 of a run, not a run's result" in board.stderr
    merged = tmp_path / "merged"
    assert run_cli("merge", *map(str, three_shards), "--out", str(merged)).returncode == 0
    assert "shard" not in json.loads((merged / "results.json").read_text())
    gate = run_cli("gate", "--baseline", str(merged), "--candidate", str(three_shards[0]))
    assert gate.returncode == 2 and "cover different samples (a whole run vs shard 0/3)" in gate.stderr
