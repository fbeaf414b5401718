"""Fuzz the whole path a model's answer takes: backend form -> intake -> parse -> score ->
store line -> read back -> results.json -> every report format -> ``fcbench show``.

For every generated output (shapes and forms: `fuzz_shapes`), against a sample of
one of the seven sub-tasks in native or prompt mode:

* nothing raises anywhere on the path;
* the sample is either scored, or an infrastructure failure with a kind (only a
  body that is no chat completion at all, or that says the server failed or withheld the
  answer, may be one: `BODY_KINDS`);
* a failed sample carries at least one category, all from the shared taxonomy
  (never ``unclassified``, which would mean a scorer gave up);
* the stored line reads back, strictly, to the same verdict.

``make test`` runs the fast profile; ``make fuzz`` the long one
(``FCBENCH_FUZZ_EXAMPLES``, default 12,000) and prints the figures.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from fuzz_shapes import FORMS, backend_output, materialize
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from fcbench.analysis.report import render
from fcbench.errors import InfraError
from fcbench.models.base import Model
from fcbench.parsing.intake import JsonError, read_answer
from fcbench.records import ModelOutput, SampleResult
from fcbench.retry import RetryPolicy
from fcbench.runlog import read_samples
from fcbench.running.conversation import Budget, run_interactive
from fcbench.running.pipeline import run_sample
from fcbench.running.results import build_results
from fcbench.running.store import RunStore
from fcbench.scoring import taxonomy
from fcbench.task import render_calls
from fcbench.task_registry import discover_tasks

EXAMPLES = int(os.environ.get("FCBENCH_FUZZ_EXAMPLES", "250"))
# No shrinking: the shapes are megabytes big, and the failing example is printed as it was.
PROFILE = settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 250, database=None,
                   suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
#: what a body alone can make an infrastructure failure: no chat completion at all, or the
#: server's own word inside it that it failed (``finish_reason: "error"``), that its filter withheld
#: the answer (``content_filter``, Anthropic's ``refusal``) or paused it (``pause_turn``)
BODY_KINDS = frozenset({"bad_response", "server_error", "content_filter", "incomplete"})
NO_RETRIES = RetryPolicy(rate_limit_retries=0, transient_retries=1, base_delay=0.0)

TASKS = discover_tasks()
SAMPLES = {name: task.load("dev")[:12] for name, task in TASKS.items()}
SEEN: Counter = Counter()
OUTCOMES: Counter = Counter()
STARTED = time.perf_counter()


class ScriptedBackend(Model):
    """Hands back one prepared answer, or raises what the HTTP parser raised for it."""

    provider = "fuzz"

    def __init__(self, make):
        super().__init__("fuzz/model")
        self.make = make

    async def generate(self, request):
        return self.make()


def edited_gold(request, edits) -> ModelOutput:
    """The sample's reference answer with argument values replaced (or calls dropped)."""
    reference = request.reference_output
    calls = list(reference.tool_calls)
    if request.mode == "prompt" and request.expects == "calls":
        calls = list(read_answer(request, reference).tool_calls)
    for i, j, value, drop in edits:
        if not calls:
            break
        k = i % len(calls)
        if drop and len(calls) > 1:
            calls.pop(k)
            continue
        keys = sorted(calls[k].arguments) or ["x"]
        calls[k] = replace(calls[k], arguments={**calls[k].arguments, keys[j % len(keys)]: value})
    if request.mode == "prompt" and request.expects == "calls":
        try:
            return ModelOutput(text=render_calls(calls))
        except (ValueError, RecursionError):  # a value json cannot write: hand it over as calls
            pass
    return ModelOutput(text=reference.text, tool_calls=tuple(calls))


def backend_answer(form: str, payload, request):
    """What the backend layer makes of `payload` in `form` (may raise InfraError, as a backend does)."""
    if form == "edited_gold":
        return edited_gold(request, payload)
    try:
        return backend_output(form, payload)
    except JsonError as exc:
        raise InfraError("bad_response", f"body is not JSON ({exc})") from None


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    run_dir = tmp_path_factory.mktemp("fuzz-run")
    store = RunStore(run_dir)
    store.create({"fingerprint": "fuzz", "model": "fuzz/model", "mode": "native", "split": "dev",
                  "tasks": {}, "sessions": []})
    store.open_for_append()
    yield store
    store.close()


CASES = st.tuples(st.sampled_from(sorted(TASKS)), st.integers(0, 11), st.sampled_from(["native", "prompt"]),
                  st.sampled_from(sorted(FORMS))).flatmap(
    lambda head: st.tuples(*(st.just(h) for h in head), FORMS[head[3]]))


@PROFILE
@given(case=CASES)
def test_no_model_output_can_break_the_path(store, case):
    task_name, index, mode, form, payload = case
    payload = materialize(payload)
    task = TASKS[task_name]
    sample = SAMPLES[task_name][index % len(SAMPLES[task_name])]
    request = task.build_request(sample, mode)
    backend = ScriptedBackend(lambda: backend_answer(form, payload, request))
    # A judge is a model too: response generation is judged by the same adversarial answer.
    judge = ScriptedBackend(lambda: backend_answer(form, payload, request)) if task.expects == "text" else None
    result = asyncio.run(run_sample(sample, task, request, backend, NO_RETRIES, judge=judge))
    SEEN[form] += 1
    if result.status == "infra_error":
        kind = result.output.infra_error.kind
        assert kind in BODY_KINDS and form in ("chat_body", "anthropic_body", "raw_bytes"), \
            (form, result.output.infra_error)
        OUTCOMES[f"infra:{kind}"] += 1
    else:
        assert result.status == "scored"
        if result.passed:
            assert not result.failures
        else:
            assert result.failures, "a failed sample without a failure category"
            assert set(result.failures) <= set(taxonomy.ALL), result.failures
        OUTCOMES["passed" if result.passed else result.failures[0]] += 1
    path = store.run_dir / "samples.jsonl"
    offset = path.stat().st_size
    store.append(result)
    with path.open("rb") as fh:
        fh.seek(offset)
        line = fh.read()
    assert line.endswith(b"\n") and line.count(b"\n") == 1, "one result, one line"
    back = SampleResult.from_dict(json.loads(line))
    assert (back.sample_id, back.status, back.passed, back.failures) == \
        (result.sample_id, result.status, result.passed, result.failures)


INTERACTIVE = sorted(name for name, task in TASKS.items() if task.interactive)
TURNS = st.lists(st.sampled_from(sorted(FORMS)).flatmap(lambda form: st.tuples(st.just(form), FORMS[form])),
                 min_size=1, max_size=3)
CONVERSATIONS = st.tuples(st.sampled_from(INTERACTIVE), st.integers(0, 11), st.sampled_from(["native", "prompt"]),
                          TURNS)


@settings(PROFILE, max_examples=max(EXAMPLES // 5, 20))
@given(case=CONVERSATIONS)
def test_no_model_output_can_break_a_conversation(store, case):
    """``--protocol interactive``: adversarial answers turn after turn, each executed on the tools."""
    task_name, index, mode, turns = case
    task = TASKS[task_name]
    sample = SAMPLES[task_name][index % len(SAMPLES[task_name])]
    answers = iter([(form, materialize(payload)) for form, payload in turns])

    class Turns(Model):
        provider = "fuzz"

        async def generate(self, request):
            form, payload = next(answers, ("done", None))
            return ModelOutput(text="done") if form == "done" else backend_answer(form, payload, request)

    result = asyncio.run(run_interactive(task, sample, mode, Turns("fuzz/turns"), NO_RETRIES, Budget()))
    SEEN[f"conversation:{turns[0][0]}"] += 1
    if result.status == "infra_error":
        kind = result.output.infra_error.kind
        assert kind in BODY_KINDS, result.output.infra_error
        OUTCOMES[f"conversation infra:{kind}"] += 1
    else:
        assert result.status == "scored"
        assert result.passed or (result.failures and set(result.failures) <= set(taxonomy.ALL)), result.failures
        OUTCOMES["conversation " + ("passed" if result.passed else result.failures[0])] += 1
    store.append(result)
    line = (store.run_dir / "samples.jsonl").read_bytes().splitlines()[-1]
    back = SampleResult.from_dict(json.loads(line))
    assert (back.sample_id, back.status, back.passed) == (result.sample_id, result.status, result.passed)


def test_the_fuzzed_run_folder_reads_back_and_reports(store, capsys):
    """After the fuzz: the folder's samples.jsonl reads strictly, results and every report render."""
    store.sync()
    latest = read_samples(store.run_dir)
    assert latest, "the fuzz test recorded nothing"

    class Plan:
        def __init__(self, task, samples):
            self.task, self.samples = task, samples

    plans = [Plan(TASKS[name], SAMPLES[name]) for name in TASKS]
    manifest = store.load_manifest()
    results = build_results(plans, latest, manifest.data)
    store.write_results(results.to_dict())
    for fmt in ("json", "csv", "markdown"):
        assert render(store.run_dir, fmt)
    assert render(store.run_dir, "table") is not None
    from fcbench.cli import main

    assert main(["show", str(store.run_dir), "--verdict", "all", "--limit", "50"]) == 0
    shown = capsys.readouterr().out
    assert "──" in shown
    with capsys.disabled():
        total = sum(SEEN.values())
        print(f"\nfuzz: {total:,} outputs tried in {time.perf_counter() - STARTED:.1f} s; crashes 0; "
              f"samples without a failure category 0")
        print("  by form: " + ", ".join(f"{k} {v:,}" for k, v in sorted(SEEN.items())))
        print("  by outcome: " + ", ".join(f"{k} {v:,}" for k, v in OUTCOMES.most_common()))


def test_samples_jsonl_lines_are_plain_json(store):
    """Every stored line is standard JSON (no NaN tokens), valid UTF-8, and one line."""
    for raw in (Path(store.run_dir) / "samples.jsonl").read_bytes().splitlines():
        text = raw.decode("utf-8")
        json.loads(text, parse_constant=lambda c: pytest.fail(f"non-standard JSON constant {c}"))
