"""``fcbench run --batch`` with ``anthropic/``: the real CLI and SDK against emulated Message Batches."""

from __future__ import annotations

import json

import batch_support
import pytest
from batch_support import (
    LIMIT,
    POLL,
    batch_counts,
    cli_resume,
    cli_run,
    ledger,
    manifest,
    samples,
    scores,
)
from conftest import param_sample, write_jsonl

from fcbench.running.provider_batch import ProviderBatchRun
from fcbench.testing import EmulatedServer, ServerConfig
from fcbench.testing.batches import BATCHES
from fcbench.testing.config import BatchSettings

# the batch tests' fixtures, shared (tests/batch_support.py)
shared_server, serve = batch_support.shared_server, batch_support.serve

N = 7 * LIMIT


def stop_after_submission(monkeypatch, server: EmulatedServer, run_dir) -> None:
    """Run until the batch is submitted, then stop as Ctrl-C would (in this process: anthropic takes
    seconds to import in a fresh one; the OpenAI tests kill a real process with SIGKILL)."""
    def interrupt(self, subs, wanted):
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(ProviderBatchRun, "_wait_and_collect", interrupt)
        proc = cli_run(server, "anthropic", run_dir, "--batch", *POLL, check=False)
    assert proc.returncode == 130, proc.stderr
    assert [e["event"] for e in ledger(run_dir)] == ["intent", "batch"]
    assert manifest(run_dir)["status"] == "interrupted"


@pytest.fixture(scope="module")
def direct_run(tmp_path_factory, shared_server):
    run_dir = tmp_path_factory.mktemp("direct") / "run"
    cli_run(shared_server, "anthropic", run_dir)
    return run_dir


def test_clean_batch_run_scores_exactly_like_the_direct_run(direct_run, tmp_path, serve):
    """Why: the same bodies go out (temperature included) and the same parser reads the answers."""
    run_dir = tmp_path / "run"
    server = serve(polls=2)
    cli_run(server, "anthropic", run_dir, "--batch", *POLL)
    counts = batch_counts(server, "anthropic")
    plain_requests = server.stats()["requests"]
    assert scores(run_dir) == scores(direct_run)
    assert samples(run_dir) == samples(direct_run)
    assert counts == {"batches_created": 1, "batch_requests": N}
    assert plain_requests == 0


def test_odd_sample_ids_are_mapped_to_safe_custom_ids_and_back(tmp_path):
    """Why: Anthropic refuses custom ids outside ^[a-zA-Z0-9_-]{1,64}$; sample ids may be anything."""
    odd = ["pv/0 ünïcode", "x" * 80, "plain_id-3"]  # LIMIT samples, as cli_run runs at most that many
    suite = tmp_path / "suite"
    rows = [dict(param_sample(i, city), id=sid) for i, (sid, city) in enumerate(zip(odd, ["Lisbon", "Paris",
                                                                                         "Oslo"]))]
    write_jsonl(suite / "parameter_value" / "test.jsonl", rows)
    run_dir = tmp_path / "run"
    with EmulatedServer(ServerConfig(suite=suite, tasks="parameter_value")) as server:
        cli_run(server, "anthropic", run_dir, "--batch", *POLL, "--suite", str(suite), "--tasks", "parameter_value")
    mapping = ledger(run_dir)[0]["custom_ids"]
    assert sorted(mapping.values()) == sorted(odd), "the map is recorded in the run folder"
    assert all(len(c) <= 64 and c.replace("_", "").replace("-", "").isalnum() and c.isascii() for c in mapping)
    assert mapping["plain_id-3"] == "plain_id-3", "safe ids are kept as they are"
    rows = samples(run_dir)
    assert set(rows) == set(odd) and all(r["passed"] for r in rows.values())


def test_run_stopped_after_submission_resumes_without_submitting_again(direct_run, tmp_path, serve, monkeypatch):
    """Why: a message batch whose id was recorded is polled and collected, never created again."""
    run_dir = tmp_path / "run"
    server = serve(polls=10**6)
    stop_after_submission(monkeypatch, server, run_dir)
    for batch in server.app[BATCHES].batches.values():
        batch.polls_left = 0
    cli_resume(server, "anthropic", run_dir)
    counts = batch_counts(server, "anthropic")
    assert counts == {"batches_created": 1, "batch_requests": N}
    assert manifest(run_dir)["status"] == "complete"
    assert scores(run_dir) == scores(direct_run)


def test_errored_and_expired_requests_are_infra_errors_then_resumed(direct_run, tmp_path, serve):
    """Why: errored/expired results are the provider's, not the model's; resume re-runs only them."""
    run_dir = tmp_path / "run"
    flaky = serve(errors=0.2, expired=0.2)
    cli_run(flaky, "anthropic", run_dir, "--batch", *POLL)
    first = samples(run_dir)
    failed = {sid for sid, row in first.items() if row["status"] == "infra_error"}
    kinds = {first[sid]["output"]["infra_error"]["kind"] for sid in failed}
    assert kinds == {"batch_error", "batch_expired"}
    assert json.loads((run_dir / "results.json").read_text())["totals"]["infra_errors"] == len(failed)
    healthy = serve()
    cli_resume(healthy, "anthropic", run_dir)
    counts = batch_counts(healthy, "anthropic")
    assert counts == {"batches_created": 1, "batch_requests": len(failed)}
    assert scores(run_dir) == scores(direct_run)


def test_stopped_before_the_id_was_recorded_submits_again_as_documented(direct_run, tmp_path, serve, monkeypatch):
    """Why: Anthropic's batches carry no metadata, so the window between "created" and "id recorded"
    cannot be closed; the resume must still end complete and correct (paying that one batch twice)."""
    run_dir = tmp_path / "run"
    server = serve(polls=10**6)
    stop_after_submission(monkeypatch, server, run_dir)
    intent = [line for line in (run_dir / "batches.jsonl").read_text().splitlines()
              if json.loads(line)["event"] == "intent"]
    (run_dir / "batches.jsonl").write_text("".join(x + "\n" for x in intent))  # as if killed before the id
    server.app[BATCHES].settings = BatchSettings()  # the new batch ends at once
    cli_resume(server, "anthropic", run_dir)
    assert batch_counts(server, "anthropic")["batches_created"] == 2
    assert scores(run_dir) == scores(direct_run)
