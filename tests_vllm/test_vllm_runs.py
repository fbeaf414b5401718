"""Whole `fcbench run`s against the tiny model: in-process vLLM and the vLLM server.

Each run is a real command (console script or ``python -m fcbench``) in a
subprocess, as a user runs it: the engine spawns workers, so this is also the
check that the entry points are safe for that. Every run must complete with
every task, score or categorise every sample, and leave no process behind.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fcbench.testing import tiny_model as tm

pytestmark = pytest.mark.needs_vllm

ENGINE = ["-M", "dtype=float32", "-M", "max_model_len=8192", "-M", "enforce_eager=true"]
CALL_TASKS = ("nested", "chaining", "parallel", "name_detection", "parameter_value", "next_best")


def tasks_with_data() -> set[str]:
    from fcbench.task_registry import discover_tasks

    return {name for name, task in discover_tasks().items() if task.count("test") > 0}


def fcbench(args: list[str], env: dict[str, str], out: Path, times: dict[str, float], *,
            via: str = "script") -> tuple[dict, list[dict]]:
    """Run fcbench; return (results.json, samples.jsonl rows). Fails the test on a non-zero exit."""
    entry = [str(Path(sys.executable).with_name("fcbench"))] if via == "script" else [sys.executable, "-m", "fcbench"]
    started = time.monotonic()
    proc = subprocess.run(entry + ["run", *args, "--out", str(out), "--quiet"], env=env, cwd=out.parent,
                          capture_output=True, text=True, timeout=600)
    times[out.name] = round(time.monotonic() - started, 1)
    assert proc.returncode == 0, f"exit {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}"
    results = json.loads((out / "results.json").read_text())
    samples = [json.loads(line) for line in (out / "samples.jsonl").read_text().splitlines() if line.strip()]
    return results, samples


def check_complete(results: dict, samples: list[dict], per_task: int) -> None:
    """Every task ran, every sample was scored, and every failure has a category."""
    expected = tasks_with_data()
    assert set(results["tasks"]) == expected
    assert results["totals"]["infra_errors"] == 0, results["totals"]
    assert results["totals"]["scored"] == per_task * len(expected)
    for row in samples:
        assert row["status"] == "scored", row
        if row["passed"]:
            assert not row["failures"], row
        else:
            assert row["failures"] and "unclassified" not in row["failures"], row


def calls_of(row: dict) -> list[dict]:
    """The parsed calls, without ids (the server makes random ones)."""
    return [{"name": c["name"], "arguments": c["arguments"]} for c in row["output"].get("tool_calls", [])]


def server_processes(model_dir: Path) -> list[str]:
    """Command lines of live vLLM server processes serving `model_dir`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (entry / "stat").read_text().split(") ", 1)[1][:1]
        except OSError:
            continue
        if "api_server" in cmdline and str(model_dir) in cmdline and state != "Z":
            found.append(f"{entry.name}: {cmdline}")
    return found


def test_in_process_native_via_console_script(tiny_model, vllm_env, tmp_path, run_times):
    results, samples = fcbench(["--model", f"vllm/{tiny_model}", "-M", "tool_parser=hermes", *ENGINE,
                                "--tasks", "all", "--limit", "3"], vllm_env, tmp_path / "local-native", run_times)
    check_complete(results, samples, 3)
    for row in samples:
        if row["task"] in CALL_TASKS:  # read by vLLM's hermes parser from the raw text
            assert calls_of(row) == [tm.CALL], row
            assert row["output"]["raw"]["text"] == tm.CALL_TEXT
            assert row["output"]["usage"]["completion_tokens"] == 6
        else:
            assert "called_instead_of_answering" in row["failures"], row
    manifest = json.loads((tmp_path / "local-native" / "run.json").read_text())
    assert manifest["backend"]["tool_parser"] == "hermes"
    assert manifest["backend"]["vllm_version"].startswith("vllm")


def test_in_process_prompt_mode_via_python_m(tiny_model, vllm_env, tmp_path, run_times):
    results, samples = fcbench(["--model", f"vllm/{tiny_model}", *ENGINE, "--mode", "prompt",
                                "--tasks", "all", "--limit", "2"], vllm_env, tmp_path / "local-prompt", run_times,
                               via="module")
    check_complete(results, samples, 2)
    for row in samples:  # no tools in the API: the tiny model answers in text
        assert row["output"]["text"] == tm.TEXT_ANSWER, row
        assert not calls_of(row)
        if row["task"] in CALL_TASKS and not row["passed"]:
            assert "malformed_output" not in row["failures"], row


def test_in_process_cut_short_output_is_malformed(tiny_model, vllm_env, tmp_path, run_times):
    results, samples = fcbench(["--model", f"vllm/{tiny_model}", "-M", "tool_parser=hermes", *ENGINE,
                                "--max-tokens", "2", "--tasks", "all", "--limit", "2"],
                               vllm_env, tmp_path / "local-cut", run_times)
    check_complete(results, samples, 2)
    for row in samples:
        assert row["output"]["text"] == "<tool_call>" + tm.CALL_PIECES[0], row
        assert row["output"]["finish_reason"] == "length"
        if row["task"] in CALL_TASKS:
            assert "malformed_output" in row["failures"], row


def test_server_native(tiny_model, vllm_env, tmp_path, run_times):
    assert not server_processes(tiny_model), "a server of an earlier test is still running"
    results, samples = fcbench(["--model", f"vllm-server/{tiny_model}", "-M", "tool_parser=hermes", *ENGINE,
                                "--tasks", "all", "--limit", "3"], vllm_env, tmp_path / "server-native", run_times)
    check_complete(results, samples, 3)
    auto = [r for r in samples if r["task"] in ("nested", "chaining", "parallel", "name_detection")]
    assert auto and all(calls_of(r) == [tm.CALL] for r in auto), "parsed by the server's hermes parser"
    # tool_choice=required (parameter_value) and parallel_tool_calls=false (next_best): the server
    # constrains the call's wrapper and name, and the toy model babbles inside it until max_tokens
    forced = [r for r in samples if r["task"] in ("parameter_value", "next_best")]
    assert all("malformed_output" in r["failures"] for r in forced), forced
    manifest = json.loads((tmp_path / "server-native" / "run.json").read_text())
    assert "--tool-call-parser" in manifest["backend"]["server_command"]
    assert not server_processes(tiny_model), "the server was stopped"



INTERACTIVE_TASKS = ("nested", "chaining", "parallel", "response_generation")


@pytest.mark.parametrize("backend", ["vllm", "vllm-server"])
def test_interactive_protocol_runs_turn_by_turn(tiny_model, vllm_env, tmp_path, run_times, backend):
    """The tiny model calls the same function every turn: every conversation runs to its budget
    (gold calls + 3 turns), in process batched turn by turn, or one request a turn on the server."""
    from fcbench.running.conversation import resolved_gold
    from fcbench.task_registry import discover_tasks

    assert not server_processes(tiny_model), "a server of an earlier test is still running"
    out = tmp_path / f"{backend}-interactive"
    results, samples = fcbench(["--model", f"{backend}/{tiny_model}", "-M", "tool_parser=hermes", *ENGINE,
                                "--protocol", "interactive", "--tasks", ",".join(INTERACTIVE_TASKS),
                                "--limit", "2"], vllm_env, out, run_times)
    assert results["protocol"] == "interactive" and results["totals"]["infra_errors"] == 0
    golds = {s.id: len(resolved_gold(s)[0]) for name in INTERACTIVE_TASKS
             for s in discover_tasks()[name].load()[:2]}
    assert len(samples) == 2 * len(INTERACTIVE_TASKS)
    for row in samples:
        assert row["status"] == "scored" and not row["passed"], row
        assert "budget_exhausted" in row["failures"], row["failures"]
        assert len(row["details"]["transcript"]) == golds[row["sample_id"]] + 3
    assert not server_processes(tiny_model), "the server was stopped"
