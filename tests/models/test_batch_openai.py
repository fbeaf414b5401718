"""``fcbench run --batch`` with ``openai/``: the real CLI and SDK against the emulated Batch API.

The server answers a mix of right, wrong, malformed and prose answers, so "scores like the
direct run" compares more than a row of 100 %.
"""

from __future__ import annotations

import json

import batch_support
import pytest
from batch_support import (
    KEY,
    LIMIT,
    POLL,
    base_url,
    batch_counts,
    cli_resume,
    cli_run,
    in_process,
    kill_once_recorded,
    ledger,
    manifest,
    samples,
    scores,
    start_run,
)

from fcbench.testing.batches import BATCHES

# the batch tests' fixtures, shared (tests/batch_support.py)
shared_server, serve = batch_support.shared_server, batch_support.serve

N = 7 * LIMIT
PRICES = ["-M", "price_in=2", "-M", "price_out=8"]


@pytest.fixture(scope="module")
def direct_run(tmp_path_factory, shared_server):
    """The same samples through the non-batch openai/ backend: what every batch run must equal."""
    run_dir = tmp_path_factory.mktemp("direct") / "run"
    cli_run(shared_server, "openai", run_dir, *PRICES)
    return run_dir


def test_clean_batch_run_scores_exactly_like_the_direct_run(direct_run, tmp_path, serve):
    """Why: batch mode is only a cheaper transport; any difference in a score would be a bug."""
    run_dir = tmp_path / "run"
    server = serve(polls=2)
    cli_run(server, "openai", run_dir, "--batch", *POLL, *PRICES)
    counts = batch_counts(server, "openai")
    plain_requests = server.stats()["requests"]
    assert scores(run_dir) == scores(direct_run)
    assert samples(run_dir) == samples(direct_run), "same answers, parsed the same, per sample"
    assert counts == {"files_uploaded": 1, "batches_created": 1, "batch_requests": N}
    assert plain_requests == 0, "nothing went to /v1/chat/completions"
    events = [e["event"] for e in ledger(run_dir)]
    assert events[:3] == ["intent", "file", "batch"] and events[-1] == "collected"
    assert KEY not in "".join(p.read_text() for p in run_dir.iterdir()), "no credential in the run folder"
    data = manifest(run_dir)
    assert data["batch"] is True and data["status"] == "complete"
    assert "batch" not in data["fingerprint_fields"], "transport, not a scoring setting"
    assert data["fingerprint"] == manifest(direct_run)["fingerprint"]


def test_cost_estimate_is_halved_under_batch(direct_run, tmp_path, serve):
    """Why: batch APIs bill 50 %; the estimate must say what the run costs."""
    run_dir = tmp_path / "run"
    server = serve()
    cli_run(server, "openai", run_dir, "--batch", *POLL, *PRICES)
    direct, batch = manifest(direct_run)["totals"], manifest(run_dir)["totals"]
    assert batch["prompt_tokens"] == direct["prompt_tokens"] > 0
    listed = (direct["prompt_tokens"] * 2 + direct["completion_tokens"] * 8) / 1e6
    assert direct["cost_usd_estimate"] == pytest.approx(listed)
    assert batch["cost_usd_estimate"] == pytest.approx(listed / 2)


def test_run_killed_after_submission_resumes_without_submitting_again(direct_run, tmp_path, serve):
    """Why: a batch is paid for when created; a killed run must collect it, never pay twice."""
    run_dir = tmp_path / "run"
    server = serve(polls=10**6)  # in progress until the test lets it end
    proc = start_run(server, "openai", run_dir, "--batch", *POLL)
    kill_once_recorded(proc, run_dir, "batch")
    assert not (run_dir / "samples.jsonl").exists() or not (run_dir / "samples.jsonl").read_text()
    for batch in server.app[BATCHES].batches.values():
        batch.polls_left = 0
    cli_resume(server, "openai", run_dir)  # no --batch: the run's own mode is kept
    counts = batch_counts(server, "openai")
    plain_requests = server.stats()["requests"]
    assert counts == {"files_uploaded": 1, "batches_created": 1, "batch_requests": N}
    assert plain_requests == 0, "the resume stayed in batch mode"
    assert manifest(run_dir)["status"] == "complete" and manifest(run_dir)["batch"] is True
    assert scores(run_dir) == scores(direct_run)


def test_killed_between_create_and_record_finds_its_batch_by_metadata(direct_run, tmp_path, serve):
    """Why: the one window a ledger cannot close (create returned, id not yet written) is closed
    by the submission key in the batch's metadata: the resume finds the batch through list()."""
    run_dir = tmp_path / "run"
    server = serve(polls=10**6)
    proc = start_run(server, "openai", run_dir, "--batch", *POLL)
    kill_once_recorded(proc, run_dir, "batch")
    lines = (run_dir / "batches.jsonl").read_text().splitlines()
    kept = [x for x in lines if json.loads(x)["event"] in ("intent", "file")]
    (run_dir / "batches.jsonl").write_text("".join(x + "\n" for x in kept))  # as if killed before the id
    for batch in server.app[BATCHES].batches.values():
        batch.polls_left = 0
    cli_resume(server, "openai", run_dir)
    counts = batch_counts(server, "openai")
    assert counts["batches_created"] == 1 and counts["files_uploaded"] == 1
    assert [e["event"] for e in ledger(run_dir)][2] == "batch", "the found id is recorded first"
    assert scores(run_dir) == scores(direct_run)


def test_partial_failures_are_infra_errors_and_resume_submits_only_those(direct_run, tmp_path, serve):
    """Why: a request the batch did not answer is the provider's fault, not the model's: it is
    excluded from scores, counted, and re-run alone by --resume."""
    run_dir = tmp_path / "run"
    flaky = serve(errors=0.3)
    proc = cli_run(flaky, "openai", run_dir, "--batch", *POLL)
    first = samples(run_dir)
    failed = {sid for sid, row in first.items() if row["status"] == "infra_error"}
    assert 0 < len(failed) < N, "some, not all, requests were picked to fail"
    assert {first[sid]["output"]["infra_error"]["kind"] for sid in failed} == {"batch_error"}
    assert all(first[sid].get("passed") is None for sid in failed), "never scored as wrong answers"
    assert json.loads((run_dir / "results.json").read_text())["totals"]["infra_errors"] == len(failed)
    assert "--resume" in proc.stderr
    healthy = serve()
    cli_resume(healthy, "openai", run_dir)
    counts = batch_counts(healthy, "openai")
    per_sample = healthy.stats()["per_sample"]
    assert counts == {"files_uploaded": 1, "batches_created": 1, "batch_requests": len(failed)}
    assert sum(per_sample.values()) == len(failed)
    assert scores(run_dir) == scores(direct_run)


@pytest.mark.parametrize("setting,kind", [({"expired": 1.0}, "batch_expired"), ({"fail": True}, "batch_failed")])
def test_expired_or_failed_batch_gives_infra_errors_not_wrong_answers(tmp_path, setting, kind, serve):
    """Why: a batch that ended without answers says nothing about the model."""
    run_dir = tmp_path / "run"
    server = serve(**setting)
    cli_run(server, "openai", run_dir, "--batch", *POLL, code=3)  # nothing was scored
    rows = samples(run_dir)
    assert len(rows) == N
    assert {row["status"] for row in rows.values()} == {"infra_error"}
    assert {row["output"]["infra_error"]["kind"] for row in rows.values()} == {kind}
    data = json.loads((run_dir / "results.json").read_text())
    assert all(t["n"] == 0 and t["score"] is None for t in data["tasks"].values())
    assert manifest(run_dir)["status"] == "incomplete"
    assert ledger(run_dir)[-1]["event"] == "collected", "a batch that ended is closed; resume submits anew"


def test_batches_split_by_batch_size(direct_run, tmp_path, serve):
    """Why: -M batch_size bounds each batch; the answers still all arrive."""
    run_dir = tmp_path / "run"
    server = serve()
    cli_run(server, "openai", run_dir, "--batch", *POLL, "-M", "batch_size=8")
    counts = batch_counts(server, "openai")
    assert counts == {"files_uploaded": 3, "batches_created": 3, "batch_requests": N}
    assert scores(run_dir) == scores(direct_run)


def test_progress_shows_while_waiting(tmp_path, serve):
    """Why: a batch may take hours; without a terminal (CI logs) each change of status is a line."""
    server = serve(polls=2)
    proc = in_process("run", "--model", "openai/emulated", "--limit", "1", "--base-url", base_url(server, "openai"),
                      "--out", str(tmp_path / "run"), "--batch", *POLL)
    assert proc.returncode == 0, proc.stderr
    assert "1 batch(es) in_progress: 0/7 answered" in proc.stderr
    assert "1 batch(es) completed: 7/7 answered" in proc.stderr


def test_a_lost_create_answer_is_retried_by_finding_the_batch_not_by_creating_another(direct_run, tmp_path, serve):
    """Why: a create whose answer was lost (a 500 after the batch was made) must not be paid twice:
    the retry looks the batch up by its submission key first."""
    run_dir = tmp_path / "run"
    server = serve(lost_creates=1)
    cli_run(server, "openai", run_dir, "--batch", *POLL)
    assert batch_counts(server, "openai")["batches_created"] == 1
    assert manifest(run_dir)["status"] == "complete"
    assert scores(run_dir) == scores(direct_run)


@pytest.mark.parametrize("path, error", [
    ("/v1/batches/batch_unknown", {"message": "No such batch", "type": "invalid_request_error"}),
    ("/v1/messages/batches/msgbatch_unknown", {"message": "batch not found", "type": "not_found_error"}),
])
def test_an_unknown_batch_is_each_providers_404(shared_server, path, error):
    """The emulated batch endpoints answer an unknown id as the provider would: 404 and its error body."""
    import urllib.error
    import urllib.request

    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(shared_server.base_url + path, timeout=30)
    assert info.value.code == 404
    body = json.loads(info.value.read())
    assert {k: body["error"][k] for k in error} == error
