"""`fcbench show` lets a user read individual samples: request, gold, answer, scorer notes."""

from __future__ import annotations

import json

import pytest
from conftest import run_cli


@pytest.fixture(scope="module")
def lexical_run(tmp_path_factory):
    run_dir = tmp_path_factory.mktemp("show") / "run"
    proc = run_cli("run", "--model", "reference/lexical", "--limit", "15", "--out", str(run_dir), "--quiet")
    assert proc.returncode == 0, proc.stderr
    return run_dir


def test_failed_samples_show_request_gold_and_answer(lexical_run):
    out = run_cli("show", str(lexical_run), "--task", "parameter_value", "--limit", "3").stdout
    blocks = [b for b in out.split("── ") if b.strip()]
    assert len(blocks) == 3
    for block in blocks:
        assert "· parameter_value · FAIL" in block
        assert "request:" in block and "gold:" in block and "answer:" in block


def test_filters_by_failure_category_and_by_id(lexical_run):
    rows = [json.loads(line) for line in
            run_cli("show", str(lexical_run), "--failure", "missing_fact", "--format", "json").stdout.splitlines()]
    assert rows and all("missing_fact" in r["failures"] for r in rows)
    one = rows[0]["sample_id"]
    text = run_cli("show", str(lexical_run), "--id", one).stdout
    assert text.startswith(f"── {one} ·") and text.count("── ") == 1


def test_passed_samples_can_be_shown_too(lexical_run):
    out = run_cli("show", str(lexical_run), "--verdict", "passed", "--task", "name_detection").stdout
    assert "PASS" in out and "FAIL" not in out


@pytest.mark.parametrize("args,message", [
    (["show", "/nonexistent/run"], "no such run folder"),
    (["show", "RUN", "--task", "bogus"], "not in this run"),
    (["show", "RUN", "--limit", "0"], "positive integer"),
])
def test_bad_input_is_one_line_and_exit_2(lexical_run, args, message):
    proc = run_cli(*[str(lexical_run) if a == "RUN" else a for a in args])
    assert proc.returncode == 2 and message in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
