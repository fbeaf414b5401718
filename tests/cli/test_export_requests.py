"""``fcbench data export-requests`` -> a batch runner -> ``replay/`` scores like the direct run;
and ``--batch`` is refused, in one line with exit code 2, where it cannot work.

The batch runner here is the emulated server's own OpenAI Batch API, driven by the real SDK:
it answers each line exactly as its chat endpoint would, as ``vllm run-batch`` does.
"""

from __future__ import annotations

import json
from pathlib import Path

import openai
import pytest
from batch_support import ENV, KEY, LIMIT, MIX, cli_run, results
from conftest import run_cli

from fcbench.testing import EmulatedServer, ServerConfig


def run_batch(server: EmulatedServer, requests: Path, answers: Path) -> None:
    """Upload `requests`, run them as one batch, write the output and error files to `answers`."""
    client = openai.OpenAI(api_key=KEY, base_url=server.base_url + "/v1", max_retries=0)
    file_id = client.files.create(file=requests.open("rb"), purpose="batch").id
    batch = client.batches.create(input_file_id=file_id, endpoint="/v1/chat/completions", completion_window="24h")
    batch = client.batches.retrieve(batch.id)
    assert batch.status == "completed"
    parts = [client.files.content(f).text for f in (batch.output_file_id, batch.error_file_id) if f]
    answers.write_text("".join(parts))


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """(direct run folder, batch output file) for the same samples and the same server."""
    root = tmp_path_factory.mktemp("export")
    requests = root / "requests.jsonl"
    proc = run_cli("data", "export-requests", "--format", "openai-batch", "--model", "openai/emulated",
                   "--limit", str(LIMIT), "--out", str(requests))
    assert proc.returncode == 0, proc.stderr
    with EmulatedServer(ServerConfig(limit=LIMIT, behaviour=MIX)) as server:
        cli_run(server, "openai", root / "direct")
        run_batch(server, requests, root / "answers.jsonl")
        assert server.stats()["unmatched"] == 0, "every exported body is one the server knows"
    return root / "direct", root / "answers.jsonl", requests


def replay(answers: Path, out: Path) -> dict:
    proc = run_cli("run", "--model", f"replay/{answers}", "--limit", str(LIMIT), "--out", str(out), "--quiet")
    assert proc.returncode == 0, proc.stderr
    return results(out)


def test_export_lines_are_batch_requests_with_sample_ids(exported):
    """Why: a batch runner needs custom_id/method/url/body, and replay/ keys answers by sample id."""
    _, _, requests = exported
    lines = [json.loads(x) for x in requests.read_text().splitlines()]
    assert len(lines) == 7 * LIMIT
    assert {(x["method"], x["url"]) for x in lines} == {("POST", "/v1/chat/completions")}
    assert len({x["custom_id"] for x in lines}) == len(lines)
    assert all(x["body"]["model"] == "emulated" and x["body"]["messages"] for x in lines)
    assert all("max_completion_tokens" in x["body"] for x in lines), "openai/'s own field"


def test_export_then_batch_then_replay_scores_like_the_direct_run(exported, tmp_path):
    """Why: the point of exporting is to score elsewhere-run requests exactly as a direct run."""
    direct, answers, _ = exported
    replayed = replay(answers, tmp_path / "replayed")
    expected = results(direct)
    assert replayed["tasks"] == expected["tasks"]
    assert replayed["totals"] == expected["totals"]


def test_error_or_non_200_line_is_an_infra_failure_of_that_sample(exported, tmp_path):
    """Why: a line without an answer says nothing about the model: excluded, counted, never wrong."""
    _, answers, _ = exported
    lines = [json.loads(x) for x in answers.read_text().splitlines()]
    lines[0]["response"] = {"status_code": 500, "body": {"error": {"message": "boom", "type": "server_error"}}}
    lines[1]["response"], lines[1]["error"] = None, {"code": "batch_expired", "message": "expired"}
    broken = tmp_path / "broken.jsonl"
    broken.write_text("".join(json.dumps(x) + "\n" for x in lines))
    replayed = replay(broken, tmp_path / "run")
    rows = {json.loads(x)["sample_id"]: json.loads(x) for x in (tmp_path / "run" / "samples.jsonl").read_text()
            .splitlines()}
    assert replayed["totals"]["infra_errors"] == 2
    assert rows[lines[0]["custom_id"]]["status"] == "infra_error"
    assert "HTTP 500" in rows[lines[0]["custom_id"]]["output"]["infra_error"]["message"]
    assert rows[lines[1]["custom_id"]]["output"]["infra_error"]["kind"] == "batch_expired"


@pytest.mark.parametrize("args,says", [
    (["--model", "reference/lexical", "--batch"], "--batch needs a provider with a batch API"),
    (["--model", "openai-compatible/x", "--base-url", "http://127.0.0.1:9/v1", "--batch"], "not openai-compatible/"),
    (["--model", "openai/x", "--batch", "--protocol", "interactive"], "--protocol interactive"),
    (["--model", "openai/x", "-M", "batch_size=5"], "apply to --batch runs only"),
    (["--model", "openai/x", "--batch", "-M", "batch_size=0"], "batch_size must be"),
])
def test_batch_refused_where_it_cannot_work(tmp_path, args, says):
    """Why: a run that cannot batch must stop before it starts, with one clear line and exit 2."""
    proc = run_cli("run", *args, "--limit", "1", "--out", str(tmp_path / "run"), env=ENV)
    assert proc.returncode == 2, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert says in proc.stderr
    assert not (tmp_path / "run").exists(), "refused before the run folder is made"


def test_export_refuses_other_providers(tmp_path):
    """Why: the body is openai/'s; writing it for another backend would misstate what was sent."""
    proc = run_cli("data", "export-requests", "--format", "openai-batch", "--model", "anthropic/x",
                   "--out", str(tmp_path / "r.jsonl"))
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_resume_cannot_switch_a_direct_run_to_batch(tmp_path):
    """Why: a run is billed one way; half of it at batch price would make its cost estimate wrong."""
    run_dir = tmp_path / "run"
    proc = run_cli("run", "--model", "reference/lexical", "--tasks", "parallel", "--limit", "1", "--out", str(run_dir),
                   "--quiet")
    assert proc.returncode == 0, proc.stderr
    proc = run_cli("run", "--resume", str(run_dir), "--batch")
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "is not a --batch run" in proc.stderr
