"""Credentials never reach disk, a report or an error line: URL passwords, credential-named
options, API keys in the environment. A resumed run asks for them again."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

from fcbench.cli import main
from fcbench.credentials import redact, redacted_options, register, scrub
from fcbench.testing import EmulatedServer, ServerConfig

PASSWORD = "hunter2-Pa55w0rd-xyz"
API_KEY = "sk-live-THIS-IS-A-KEY-8d1f"
EXTRA_TOKEN = "tok-EXTRA-BODY-SECRET-77"


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def every_byte(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


@pytest.fixture(scope="module")
def server():
    with EmulatedServer(ServerConfig(limit=2)) as s:
        yield s


def test_a_url_password_works_and_is_never_written(server, tmp_path, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
    url = server.base_url.replace("http://", f"http://alice:{PASSWORD}@") + "/v1"
    run_dir = tmp_path / "run"
    code, out, err = cli("run", "--model", "openai-compatible/emulated", "--base-url", url, "--limit", "2",
                         "--out", str(run_dir), "--quiet", "-M", f'extra_body={{"api_token": "{EXTRA_TOKEN}"}}')
    assert code == 0, err
    written = every_byte(run_dir) + out.encode() + err.encode()
    for secret in (PASSWORD, API_KEY, EXTRA_TOKEN):
        assert secret.encode() not in written, f"{secret} reached the run folder or the terminal"
    manifest = json.loads((run_dir / "run.json").read_text())
    assert manifest["model_args"]["base_url"].startswith("http://***@127.0.0.1")
    assert manifest["model_args"]["extra_body"] == {"api_token": "<redacted>"}
    assert json.loads((run_dir / "results.json").read_text())["totals"]["scored"] == 14

    # A resume must be given the credentials again: they were never written.
    code, _, err = cli("run", "--resume", str(run_dir), "--quiet")
    assert code == 2 and "held credentials" in err and PASSWORD not in err
    code, _, err = cli("run", "--resume", str(run_dir), "--quiet", "--base-url", url,
                       "-M", f'extra_body={{"api_token": "{EXTRA_TOKEN}"}}')
    assert code == 0, err
    assert PASSWORD.encode() not in every_byte(run_dir)


def test_infrastructure_errors_never_carry_the_password(tmp_path, monkeypatch):
    """Nothing listens on port 9: every sample is a connection failure whose message names the URL."""
    run_dir = tmp_path / "run"
    code, out, err = cli("run", "--model", "openai-compatible/x", "--base-url", f"http://bob:{PASSWORD}@127.0.0.1:9/v1",
                         "--tasks", "parameter_value", "--limit", "2", "--retries", "0", "--out", str(run_dir),
                         "--quiet")
    assert code == 3, err  # nothing was scored
    lines = (run_dir / "samples.jsonl").read_text().splitlines()
    assert all(json.loads(line)["status"] == "infra_error" for line in lines)
    assert "127.0.0.1:9" in lines[0]
    assert PASSWORD not in every_byte(run_dir).decode() + out + err


def test_error_lines_are_scrubbed(tmp_path, monkeypatch):
    monkeypatch.setenv("FCBENCH_TEST_API_KEY", API_KEY)
    code, _, err = cli("run", "--model", f"replay/{tmp_path / API_KEY}")
    assert code == 2 and API_KEY not in err and "***" in err


@pytest.mark.parametrize("options, lost", [
    ({"base_url": f"http://u:{PASSWORD}@h/v1"}, ["base_url"]),
    ({"base_urls": ["http://h1/v1", f"https://u:{PASSWORD}@h2/v1"]}, ["base_urls"]),
    ({"base_url": f"http://h/v1?api_key={PASSWORD}&x=1"}, ["base_url"]),
    ({"extra_body": {"nested": {"Authorization": f"Bearer {PASSWORD}"}}}, ["extra_body.nested.Authorization"]),
    ({"api_key_env": "MY_KEY", "timeout": 5, "base_url": "http://h/v1"}, []),
])
def test_redaction_keeps_names_drops_values(options, lost):
    recorded = redact(options)
    assert PASSWORD not in json.dumps(recorded)
    assert redacted_options(recorded) == lost
    if not lost:
        assert recorded == options  # nothing secret: recorded as given


def test_scrub_replaces_registered_values_and_url_passwords():
    register("s3cr3t-value-123")
    assert scrub("key s3cr3t-value-123 and http://me:pw@host/x") == "key *** and http://***@host/x"
    register("short")  # too short to scrub as free text: it would hit innocent words
    assert scrub("a short word") == "a short word"
