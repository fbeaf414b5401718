"""The built-in suite generator: reproducibility, counts, and that every gold is executable and consistent."""

from __future__ import annotations

import importlib
import json
import random
from pathlib import Path

import pytest

from fcbench.data.generator import card
from fcbench.data.generator import compose as cp
from fcbench.data.generator import phrasing as ph
from fcbench.data.generator.build import (
    DEFAULT_SEED,
    DEV_PER_TASK,
    TASKS,
    TEST_PER_TASK,
    generate_split,
    write_suite,
)
from fcbench.data.generator.tooling import SimTool, World, run_tool
from fcbench.data.samples import load_samples
from fcbench.records import Tool, ToolCall
from fcbench.scoring.calls import canonical_call
from fcbench.scoring.execution import execute_calls, results_equal
from fcbench.scoring.references import iter_references, reference_problems, returns_fields
from fcbench.scoring.text import fact_found

ROOT = Path(__file__).resolve().parents[2]
TASKS_DIR = ROOT / "tasks"


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("suite")
    write_suite(out, DEFAULT_SEED, builtin_layout=True)
    return out


@pytest.fixture(scope="module")
def suite(written) -> dict[str, dict[str, list[dict]]]:
    return {t: {s: [json.loads(line) for line in (written / t / "data" / f"{s}.jsonl").open(encoding="utf-8")]
                for s in ("test", "dev")} for t in TASKS}


def _all(suite: dict, task: str) -> list[dict]:
    return suite[task]["test"] + suite[task]["dev"]


def _tools(sample: dict) -> dict[str, Tool]:
    return {t["name"]: Tool.from_dict(t) for t in sample["tools"]}


def _execute(gold_calls: list[dict], sample: dict):
    tools = _tools(sample)
    calls = [canonical_call(g, tools.get(g["name"])) for g in gold_calls]
    return execute_calls(calls, sample["metadata"]["world_seed"])


# ------------------------------------------------------------- reproducibility
def test_regeneration_reproduces_committed_data_byte_for_byte(written):
    for task in TASKS:
        for split in ("test", "dev"):
            committed = TASKS_DIR / task / "data" / f"{split}.jsonl"
            fresh = written / task / "data" / f"{split}.jsonl"
            assert committed.read_bytes() == fresh.read_bytes(), \
                f"{committed} is stale: run python -m fcbench.data.generator --out tasks --builtin"


def test_same_seed_same_samples_other_seed_other_samples():
    first = generate_split("nested", "dev", cp.Catalog(DEFAULT_SEED), 15)
    again = generate_split("nested", "dev", cp.Catalog(DEFAULT_SEED), 15)
    other = generate_split("nested", "dev", cp.Catalog(DEFAULT_SEED + 1), 15)
    assert first == again
    assert [s["messages"] for s in first] != [s["messages"] for s in other]
    # the world tables follow the seed too: the same call can give another result
    assert {s["metadata"]["world_seed"] for s in other} == {DEFAULT_SEED + 1}


def test_suite_layout_writes_manifest(tmp_path, monkeypatch):
    from fcbench.data.generator import build

    monkeypatch.setattr(build, "TEST_PER_TASK", 3)
    monkeypatch.setattr(build, "DEV_PER_TASK", 2)
    info = write_suite(tmp_path, 5)
    assert json.loads((tmp_path / "suite.json").read_text()) == info
    assert info["name"] == "fcbench-sim" and info["seed"] == 5
    assert info["counts"] == {t: {"test": 3, "dev": 2} for t in TASKS}
    assert (tmp_path / "parallel" / "test.jsonl").read_text().count("\n") == 3


# ----------------------------------------------------------------- make-up
def test_counts_and_disjoint_splits(suite):
    for task in TASKS:
        test, dev = suite[task]["test"], suite[task]["dev"]
        assert len(test) >= 200 and len(test) == TEST_PER_TASK, task
        assert len(dev) == DEV_PER_TASK, task
        test_requests = {s["messages"][0]["content"] for s in test}
        assert not test_requests & {s["messages"][0]["content"] for s in dev}, task
        assert [s["id"] for s in test] == [f"{task}-test-{i:04d}" for i in range(1, len(test) + 1)]


def test_every_committed_file_loads_and_validates():
    for task in TASKS:
        try:
            schema = importlib.import_module(f"fcbench_tasks.{task}").TASK.gold_schema
        except Exception:  # the task package belongs to someone else and may not exist yet
            schema = None
        for split in ("test", "dev"):
            samples = load_samples(TASKS_DIR / task / "data" / f"{split}.jsonl", task=task, gold_schema=schema)
            assert samples and all(s.metadata["split"] == split for s in samples)


def test_name_detection_has_enough_no_fit_cases_and_they_really_do_not_fit(suite):
    for split in ("test", "dev"):
        samples = suite["name_detection"][split]
        empty = [s for s in samples if not s["gold"]["names"]]
        assert len(empty) / len(samples) >= 0.15
    catalog = cp.Catalog(DEFAULT_SEED)
    for s in suite["name_detection"]["test"]:
        assert 4 <= len(s["tools"]) <= 8
        domains = {catalog.specs[t["name"]].domain for t in s["tools"]}
        if not s["gold"]["names"]:
            assert s["metadata"]["domain"] not in domains, s["id"]
        else:
            assert set(s["gold"]["names"]) <= set(_tools(s))


def test_next_best_has_stop_cases(suite):
    samples = suite["next_best"]["test"]
    stops = [s for s in samples if s["gold"]["stop"]]
    assert 0.18 <= len(stops) / len(samples) <= 0.27
    assert all(s["gold"]["next"] == [] for s in stops)
    assert all(s["gold"]["next"] for s in samples if not s["gold"]["stop"])


def test_parameter_value_covers_every_kind_of_argument(suite):
    seen = {f for s in suite["parameter_value"]["test"] for f in s["metadata"]["features"]}
    assert {"omitted", "enum", "boolean", "array", "object", "number", "string"} <= seen
    for s in suite["parameter_value"]["test"]:
        assert len(s["gold"]["calls"]) == 1 and 1 <= len(s["tools"]) <= 3


# ------------------------------------------------------------- gold checks
def test_every_gold_call_names_a_library_tool(suite):
    for task in ("nested", "chaining", "parallel", "parameter_value"):
        for s in suite[task]["test"] + suite[task]["dev"]:
            assert {c["name"] for c in s["gold"]["calls"]} <= set(_tools(s)), s["id"]
    for s in _all(suite, "next_best"):
        assert {c["name"] for c in s["gold"]["next"]} <= set(_tools(s)), s["id"]


def test_nested_references_point_backwards_to_returned_fields(suite):
    for s in _all(suite, "nested"):
        calls = [ToolCall(c["name"], c["arguments"], c["label"]) for c in s["gold"]["calls"]]
        assert [c.label for c in calls] == [f"var{i}" for i in range(1, len(calls) + 1)]
        assert reference_problems(calls, _tools(s)) == [], s["id"]
        tools = _tools(s)
        for i, call in enumerate(calls[1:], start=1):
            refs = list(iter_references(call.arguments))
            assert refs, f"{s['id']}: call {i + 1} uses no earlier output"
            for ref in refs:
                producer = calls[int(ref.label[3:]) - 1]
                assert ref.path[0] in returns_fields(tools[producer.name])


def test_nested_requests_never_state_the_referenced_value(suite):
    for s in _all(suite, "nested"):
        trace = _execute(s["gold"]["calls"], s)
        request = s["messages"][0]["content"].casefold()
        for gold in s["gold"]["calls"]:
            for accepted in gold["arguments"].values():
                if len(accepted) == 1 and list(iter_references(accepted[0])):
                    ref = next(iter_references(accepted[0]))
                    value = trace.results[int(ref.label[3:]) - 1][ref.field]
                    if isinstance(value, str):
                        assert value.casefold() not in request, s["id"]


def test_reexecuting_gold_calls_reproduces_gold_results(suite):
    for task in ("nested", "chaining"):
        for s in _all(suite, task):
            trace = _execute(s["gold"]["calls"], s)
            assert not any(trace.is_error(i) for i in range(len(trace.results))), s["id"]
            assert results_equal(trace.final, s["gold"]["result"]), s["id"]
    for task, key in (("parallel", "calls"), ("parameter_value", "calls")):
        for s in _all(suite, task):
            for gold in s["gold"][key]:
                trace = _execute([gold], s)
                assert not trace.is_error(0), s["id"]


def _made_calls(sample: dict) -> tuple[list[ToolCall], list[str]]:
    calls, results = [], {}
    for m in sample["messages"]:
        for c in m.get("tool_calls", []):
            calls.append(ToolCall(c["name"], c["arguments"], id=c["id"]))
        if m["role"] == "tool":
            results[m["tool_call_id"]] = m["content"]
    return calls, [results[c.id] for c in calls]


def test_conversations_show_the_results_of_executing_their_calls(suite):
    for task in ("next_best", "response_generation"):
        for s in _all(suite, task):
            calls, contents = _made_calls(s)
            assert [c.id for c in calls] == [f"call_{i}" for i in range(1, len(calls) + 1)]
            world = World(s["metadata"]["world_seed"])
            for call, content in zip(calls, contents):
                assert json.loads(content) == run_tool(world, call.name, call.arguments), s["id"]


def test_next_best_gold_next_call_runs_after_the_conversation(suite):
    for s in _all(suite, "next_best"):
        calls, _ = _made_calls(s)
        tools = _tools(s)
        for gold in s["gold"]["next"]:
            assert not any(iter_references(gold["arguments"])), s["id"]
            nxt = canonical_call(gold, tools[gold["name"]])
            trace = execute_calls(calls + [nxt], s["metadata"]["world_seed"])
            assert not trace.is_error(len(calls)), s["id"]


def test_response_reference_states_every_fact(suite):
    for s in _all(suite, "response_generation"):
        assert s["gold"]["facts"], s["id"]
        for fact in s["gold"]["facts"]:
            assert fact["kind"] in ("number", "date", "text")
            assert fact_found(fact, s["gold"]["reference"]), (s["id"], fact)


# ----------------------------------------------------------- card + phrasing
def test_dataset_card_tables_are_current(suite):
    text = (TASKS_DIR / "README.md").read_text(encoding="utf-8")
    assert card.card_tables(suite) in text, "run python -m fcbench.data.generator.card tasks/README.md"


@pytest.mark.parametrize("template, values, text, mentioned", [
    ("Weather in {city} in {unit}.", {"city": "Oslo", "unit": "celsius"}, "Weather in Oslo in celsius.",
     {"city": "*", "unit": "*"}),
    ("Compare {ids}.", {"ids": ["a", "b", "c"]}, "Compare a, b and c.", {"ids": "*"}),
    ("Alerts{x|, expired too|}.", {"x": False}, "Alerts.", {}),  # empty branch mentions nothing
    ("Alerts{x|, expired too|}.", {"x": True}, "Alerts, expired too.", {"x": "*"}),
    ("Book for {p.first} {p.last}.", {"p": {"first": "Ana", "last": "Silva", "dob": "x"}},
     "Book for Ana Silva.", {"p": ("first", "last")}),
    ("Budget {n} per night.", {"n": 150.0}, "Budget 150 per night.", {"n": "*"}),
])
def test_render_fills_slots_and_records_mentions(template, values, text, mentioned):
    out = ph.render(ph.parse_template(template), values)
    assert (out.text, out.mentioned, out.complete) == (text, mentioned, True)


def test_reference_phrase_replaces_the_value_and_its_noun():
    out = ph.render(ph.parse_template("Forecast for city {city_id}."), {"city_id": "C107"},
                    {"city_id": "that city"})
    assert out.text == "Forecast for that city." and "C107" not in out.text


def _fake_tool(phrasings, sample_args) -> SimTool:
    return SimTool("fake_lookup", "fake", "A test tool.",
                   {"type": "object", "properties": {"name": {"type": "string"},
                                                     "limit": {"type": "integer", "default": 3}},
                    "required": ["name"]},
                   {"type": "object", "properties": {"name": {"type": "string"}}},
                   lambda world, args: {"name": args["name"]}, tuple(phrasings), sample_args)


@pytest.fixture
def registered(monkeypatch):
    """Register a throw-away tool for one test (run_tool only executes catalog tools)."""
    from fcbench.data.generator import tooling

    def register(tool: SimTool) -> SimTool:
        monkeypatch.setitem(tooling._TOOLS, tool.name, tool)
        return tool

    return register


def test_broken_phrasings_and_samplers_are_skipped_with_a_message(registered):
    messages: list[str] = []
    catalog = cp.Catalog.__new__(cp.Catalog)
    catalog.seed, catalog._tables = DEFAULT_SEED, {}
    good = catalog._check(registered(_fake_tool(["Find {name}.", "Find {limit} things."],
                                                lambda rng, w: {"name": "x", "limit": 2})), messages.append)
    assert good is not None and [i for i, _ in good.templates] == [0]
    assert "required parameter(s) name not mentioned" in messages[0]

    def explode(rng, world):
        raise RuntimeError("boom")

    assert catalog._check(registered(_fake_tool(["Find {name}."], explode)), messages.append) is None
    assert "skipping tool fake_lookup" in messages[-1]


def test_gold_marks_unmentioned_optional_parameters_as_omittable(registered):
    spec = cp.Spec(registered(_fake_tool(["Find {name}."], lambda rng, w: {"name": "Oslo", "limit": 2})),
                   ((0, ph.parse_template("Find {name}.")),))
    call = cp.draw_call(random.Random(0), spec, World(DEFAULT_SEED))
    assert call.gold == {"name": ["Oslo"], "limit": ["", 3]}
    assert call.args == {"name": "Oslo"}
