"""Bad input gets one clear line on stderr and exit code 2, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import param_sample, run_cli, write_jsonl


def assert_one_line_exit_2(proc, must_contain: str) -> None:
    err = proc.stderr.strip()
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    assert len(err.splitlines()) == 1, f"expected one line, got: {proc.stderr!r}"
    assert err.startswith("fcbench: error:"), err
    assert must_contain.lower() in err.lower(), err


def _suite_with(tmp_path: Path, lines: list) -> Path:
    suite = tmp_path / "bad_suite"
    write_jsonl(suite / "parameter_value" / "test.jsonl", lines)
    return suite


CASES = [
    # (reason, args builder, text the message must contain)
    ("unknown provider", lambda t: ["run", "--model", "nope/x"], "unknown model provider"),
    ("unknown reference model", lambda t: ["run", "--model", "reference/genius"], "unknown reference model"),
    ("model name without provider", lambda t: ["run", "--model", "gpt4"], "provider/model"),
    ("unknown task", lambda t: ["run", "--model", "reference/oracle", "--tasks", "parameter_value,bogus"],
     "unknown task 'bogus'"),
    ("negative concurrency", lambda t: ["run", "--model", "reference/oracle", "--concurrency", "-3"],
     "positive integer"),
    ("zero limit", lambda t: ["run", "--model", "reference/oracle", "--limit", "0"], "positive integer"),
    ("temperature not a number", lambda t: ["run", "--model", "reference/oracle", "--temperature", "hot"],
     "number"),
    ("misspelt backend option", lambda t: ["run", "--model", "reference/oracle", "-M", "dealy=0.1"],
     "unknown option(s) for reference/ models: dealy"),
    ("model arg without '='", lambda t: ["run", "--model", "reference/oracle", "-M", "delay"], "KEY=VALUE"),
    ("missing suite folder", lambda t: ["run", "--model", "reference/oracle", "--suite", str(t / "nowhere")],
     "no such suite folder"),
    ("missing replay file", lambda t: ["run", "--model", f"replay/{t / 'none.jsonl'}"], "no such replay file"),
    ("bad JSONL line", lambda t: ["run", "--model", "reference/oracle", "--tasks", "parameter_value",
                                  "--suite", str(_suite_with(t, [param_sample(0), "{not json"]))],
     "test.jsonl:2: not valid JSON"),
    ("sample missing messages", lambda t: ["run", "--model", "reference/oracle", "--tasks", "parameter_value",
                                           "--suite", str(_suite_with(t, [{"id": "a", "task": "parameter_value",
                                                                            "tools": [], "gold": {}}]))],
     "test.jsonl:1: sample does not match the schema"),
    ("gold of the wrong shape", lambda t: ["run", "--model", "reference/oracle", "--tasks", "parameter_value",
                                           "--suite", str(_suite_with(t, [{**param_sample(0),
                                                                            "gold": {"calls": "get_weather"}}]))],
     "gold"),
    ("duplicate sample id", lambda t: ["run", "--model", "reference/oracle", "--tasks", "parameter_value",
                                       "--suite", str(_suite_with(t, [param_sample(0), param_sample(0)]))],
     "duplicate sample id"),
    ("sample of another task", lambda t: ["run", "--model", "reference/oracle", "--tasks", "parameter_value",
                                          "--suite", str(_suite_with(t, [{**param_sample(0), "task": "nested"}]))],
     "belongs to task"),
    ("resume of a folder that is no run", lambda t: ["run", "--resume", str(t)], "not a run folder"),
    ("report of a missing run", lambda t: ["report", str(t / "nope")], "no such run folder"),
    ("out folder not empty", lambda t: ["run", "--model", "reference/oracle", "--out", str(Path(__file__).parent)],
     "not an empty folder"),
    ("no model at all", lambda t: ["run"], "--model is required"),
    ("unknown subcommand", lambda t: ["frobnicate"], "invalid choice"),
]


@pytest.mark.parametrize("reason,build,message", CASES, ids=[c[0] for c in CASES])
def test_bad_input_exits_2_with_one_line(tmp_path, reason, build, message):
    assert_one_line_exit_2(run_cli(*build(tmp_path)), message)


def test_resume_of_a_different_run_is_refused(tmp_path, tiny_suite):
    """A resume must not mix answers of two models (or data versions) in one run."""
    run_dir = tmp_path / "run"
    first = run_cli("run", "--model", "reference/oracle", "--suite", str(tiny_suite), "--out", str(run_dir),
                    "--quiet")
    assert first.returncode == 0, first.stderr
    proc = run_cli("run", "--model", "reference/lexical", "--resume", str(run_dir))
    assert_one_line_exit_2(proc, "different run")
    assert "model" in proc.stderr


def test_resume_refused_when_data_changed(tmp_path, tiny_suite):
    run_dir = tmp_path / "run"
    assert run_cli("run", "--model", "reference/oracle", "--suite", str(tiny_suite), "--out", str(run_dir),
                   "--quiet").returncode == 0
    data = tiny_suite / "parameter_value" / "test.jsonl"
    data.write_text(data.read_text().replace("Lisbon", "Porto"))
    assert_one_line_exit_2(run_cli("run", "--resume", str(run_dir)), "data")


def test_report_rejects_unknown_format(tmp_path, tiny_suite):
    run_dir = tmp_path / "run"
    assert run_cli("run", "--model", "reference/oracle", "--suite", str(tiny_suite), "--out", str(run_dir),
                   "--quiet").returncode == 0
    assert_one_line_exit_2(run_cli("report", str(run_dir), "--format", "xml"), "unknown report format")
    # and the good formats work on the same run
    as_json = json.loads(run_cli("report", str(run_dir), "--format", "json").stdout)
    assert as_json["tasks"]["parameter_value"]["score"] == 1.0
