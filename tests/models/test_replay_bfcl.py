"""Re-scoring BFCL result files with replay/, and the checks behind docs/bfcl-differences.md."""

from __future__ import annotations

import asyncio
import json

import pytest
from conftest import REPO, run_cli, write_jsonl

from fcbench.errors import UsageError
from fcbench.models.replay import ReplayModel, bfcl_output, undo_underscores
from fcbench.parsing.intake import read_answer
from fcbench.records import ModelOutput, Request, Tool, ToolCall

FIXTURES = REPO / "tests" / "fixtures"


# ------------------------------------------------------- reading BFCL results
@pytest.mark.parametrize("result, names, args, malformed, why", [
    ("[geometry.triangle_area(base=10, height=5.0)]", ["geometry.triangle_area"], [{"base": 10, "height": 5.0}],
     False, "prompting models write Python-style calls"),
    ([{"get_weather": '{"city": "Oslo"}'}, {"get_weather": '{"city": "Lima"}'}], ["get_weather"] * 2,
     [{"city": "Oslo"}, {"city": "Lima"}], False, "FC models: {name: JSON argument string}"),
    ([{"get_weather": {"city": "Oslo"}}], ["get_weather"], [{"city": "Oslo"}], False, "{name: argument object}"),
    ([], [], [], False, "an empty list is no call"),
    ("I cannot help with that.", [], [], False, "plain text is an answer without calls"),
    ("[get_weather(city=", [], [], True, "broken call syntax is malformed"),
    ([[{"ls": "{}"}]], [], [], True, "multi-turn nested lists are not single-turn answers"),
    ([{"f": "{not json"}], [], [], True, "argument string that is not JSON"),
    (42, [], [], True, "neither text nor a list"),
    (None, [], [], False, "null: an FC handler's record of a reply with no content and no call"),
])
def test_bfcl_result_shapes(result, names, args, malformed, why):
    # Text is read by the pipeline's decoder whatever the run's mode (here: native).
    request = Request("x", "parameter_value", "native", ())
    out = read_answer(request, bfcl_output(result))
    assert [c.name for c in out.tool_calls] == names, why
    assert [c.arguments for c in out.tool_calls] == args, why
    assert (out.malformed is not None) == malformed, why


@pytest.mark.parametrize("called, library, expected, why", [
    ("calc_area", {"calc.area"}, "calc.area", "BFCL FC names come back with dots"),
    ("calc_area", {"calc.area", "calc_area"}, "calc_area", "an exact library name is kept"),
    ("a_b_c", {"a.b_c", "a_b.c"}, "a_b_c", "ambiguous: left as sent (and judged as such)"),
    ("other", {"calc.area"}, "other", "no match: left as sent"),
])
def test_underscore_names_are_mapped_back(called, library, expected, why):
    out = undo_underscores(ModelOutput(tool_calls=(ToolCall(called, {}),)), library)
    assert out.tool_calls[0].name == expected, why


@pytest.mark.parametrize("records, option, style, why", [
    ([{"id": "a", "result": "[f(x=1)]"}], "auto", "prompt", "only text: a prompting model's results"),
    ([{"id": "a", "result": "[f(x=1)]"}, {"id": "b", "result": [{"f": "{}"}]}], "auto", "fc",
     "a list of calls anywhere makes the path an FC model's results"),
    ([{"id": "a", "result": "[f(x=1)]"}, {"id": "b", "result": [{"f": "{}"}]}], "prompt", "prompt",
     "the option says it outright"),
    ([{"id": "a", "result": "[f(x=1)]"}], "fc", "fc", "an FC model that never called a tool"),
])
def test_bfcl_style_of_a_result_path(tmp_path, records, option, style, why):
    path = write_jsonl(tmp_path / "r.json", records)
    model = ReplayModel(f"replay/{path}", bfcl_style=option)
    assert model.settings()["bfcl_style"] == style, why
    text = asyncio.run(model.generate(Request("a", "parameter_value", "native", ())))
    # an FC model's text is a reply without a tool call, not calls written as text
    assert text.calls_in_text is (style == "prompt"), why


def test_bfcl_style_option_is_checked(tmp_path):
    path = write_jsonl(tmp_path / "r.json", [{"id": "a", "result": "x"}])
    with pytest.raises(UsageError, match="bfcl_style must be one of auto, prompt, fc"):
        ReplayModel(f"replay/{path}", bfcl_style="gemini")


def test_fc_model_text_and_null_under_both_rules(tmp_path):
    """BFCL's FC handlers store a reply without tool calls as its text (or null): BFCL's FC
    decoder reads no call in it. So on an irrelevance item it passes, and on a call item it
    fails, even when the text spells the right call; fcbench's rules read calls in a native
    reply's text (the calls-in-text row) and count null as no answer."""
    from fcbench.running.pipeline import score_output
    from fcbench.scoring.profiles import BFCL, FCBENCH
    from fcbench.task_registry import discover_tasks

    suite = tmp_path / "suite"
    assert run_cli("data", "import", "bfcl", "--from", str(FIXTURES / "bfcl"), "--out", str(suite)).returncode == 0
    tasks = discover_tasks()
    samples = {s.id: (s, tasks[name]) for name in ("parameter_value", "name_detection")
               for s in tasks[name].load("test", suite)}
    path = write_jsonl(tmp_path / "fc.json", [
        {"id": "simple_0", "result": "[geometry.triangle_area(base=10, height=5)]"},
        {"id": "irrelevance_0", "result": "[geometry.triangle_area(base=10, height=5)]"},
        {"id": "irrelevance_1", "result": None},
        {"id": "multiple_0", "result": [{"get_weather": '{"city": "Paris", "unit": "celsius"}'}]},
    ])
    model = ReplayModel(f"replay/{path}")
    verdicts = {}
    for sample_id in ("simple_0", "irrelevance_0", "irrelevance_1"):
        sample, task = samples[sample_id]
        for rules in (BFCL, FCBENCH):
            request = rules.adapt_request(task.build_request(sample, "native"), sample, task)
            result = score_output(sample, task, request, asyncio.run(model.generate(request)), rules)
            verdicts[(sample_id, rules.name)] = (result.passed, result.failures)
    assert verdicts == {
        ("simple_0", "bfcl"): (False, ("no_call",)),       # BFCL: ast_decoder:decoder_failed
        ("simple_0", "fcbench"): (True, ()),
        ("irrelevance_0", "bfcl"): (True, ()),             # BFCL: no call decoded
        ("irrelevance_0", "fcbench"): (False, ("extra_call",)),
        ("irrelevance_1", "bfcl"): (True, ()),
        ("irrelevance_1", "fcbench"): (True, ()),
    }


def test_replay_falls_back_from_variant_ids(tmp_path):
    path = write_jsonl(tmp_path / "r.json", [{"id": "multiple_0", "result": [{"calc_area": '{"base": 1}'}]}])
    model = ReplayModel(f"replay/{path}")
    request = Request("multiple_0#names", "name_detection", "native", (),
                      library=(Tool("calc.area", "", {"type": "object"}),))
    out = asyncio.run(model.generate(request))
    assert [c.name for c in out.tool_calls] == ["calc.area"]


def test_bfcl_results_rescore_end_to_end(tmp_path):
    """Import the BFCL fixture, replay a BFCL result folder, check per-sample verdicts."""
    suite = tmp_path / "suite"
    assert run_cli("data", "import", "bfcl", "--from", str(FIXTURES / "bfcl"), "--out", str(suite)).returncode == 0
    results = tmp_path / "result" / "model"
    write_jsonl(results / "BFCL_v3_simple_result.json", [
        {"id": "simple_0", "result": "[geometry.triangle_area(base=10, height=5)]"},           # pass
        {"id": "simple_1", "result": "[maps.route(start=[40.7, -74.0])]"},                     # missing options
    ])
    write_jsonl(results / "BFCL_v3_multiple_result.json", [
        {"id": "multiple_0", "result": [{"get_weather": '{"city": "Paris", "unit": "celsius"}'}]},
        {"id": "multiple_1", "result": [{"finance_stock_price": '{"ticker": "MSFT"}'}]},  # wrong value
    ])
    write_jsonl(results / "BFCL_v3_irrelevance_result.json", [
        {"id": "irrelevance_0", "result": "Sorry, no tool for jokes."},
        {"id": "irrelevance_1", "result": [{"get_weather": '{"city": "Elsinore"}'}]},
        {"id": "live_irrelevance_0-0-0", "result": []},
    ])
    write_jsonl(results / "BFCL_v3_parallel_result.json", [
        {"id": "parallel_0", "result": [{"get_weather": '{"city": "Lima"}'}, {"get_weather": '{"city": "Oslo"}'}]},
        {"id": "parallel_multiple_0", "result": "[get_weather(city='Rome'), finance.stock_price(ticker='AAPL')]"},
        {"id": "simple_java_0", "result": [{"Collections_sort": '{"list": "myList", "reverse": "true"}'}]},
    ])
    run = tmp_path / "run"
    proc = run_cli("run", "--model", f"replay/{results.parent}", "--suite", str(suite), "--out", str(run), "--quiet")
    assert proc.returncode == 0, proc.stderr
    verdicts = {r["sample_id"]: r["passed"] for r in map(json.loads, (run / "samples.jsonl").read_text().splitlines())}
    assert verdicts == {
        "simple_0": True, "simple_1": False, "simple_java_0": True,
        "multiple_0": True, "multiple_0#names": True,
        "multiple_1": False, "multiple_1#names": True,
        "irrelevance_0": True, "irrelevance_1": False, "live_irrelevance_0-0-0": True,
        "parallel_0": True, "parallel_multiple_0": True,
    }
