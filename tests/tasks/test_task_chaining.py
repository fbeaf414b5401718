"""chaining task: exact order, LCS similarity, names/params, wrong_order, execution win."""

import pytest
from fcbench_tasks.chaining import TASK

from fcbench.data.generator.tooling import World, run_tool
from fcbench.records import Message, ModelOutput, Sample, Tool, ToolCall

SEED = 9
CITY_ID = {"type": "string"}
FIND = Tool("find_city", "", {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]})
AIR = Tool("get_air_quality", "", {"type": "object", "properties": {"city_id": CITY_ID}, "required": ["city_id"]})
FORECAST = Tool("get_forecast", "", {"type": "object", "properties": {
    "city_id": CITY_ID, "days": {"type": "integer", "minimum": 1, "maximum": 7},
    "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}}, "required": ["city_id", "days"]})


def _ids():
    world = World(SEED)
    rome = run_tool(world, "find_city", {"name": "Rome"})["city_id"]
    return rome, run_tool(world, "find_city", {"name": "Oslo"})["city_id"]


ROME, OSLO = _ids()
RESULT = run_tool(World(SEED), "get_forecast", {"city_id": OSLO, "days": 3, "unit": "celsius"})
GOLD = {"calls": [{"name": "get_air_quality", "arguments": {"city_id": [ROME]}},
                  {"name": "find_city", "arguments": {"name": ["Oslo"]}},
                  {"name": "get_forecast", "arguments": {"city_id": [OSLO], "days": [3], "unit": ["", "celsius"]}}],
        "result": RESULT}
REQUEST = Message("user", "Check Rome's air, then find Oslo and get 3 days of forecast.")
SAMPLE = Sample("chain-1", "chaining", (REQUEST,), (FIND, AIR, FORECAST), GOLD, {"world_seed": SEED})
task = TASK()

AIR_ROME = ToolCall("get_air_quality", {"city_id": ROME})
FIND_OSLO = ToolCall("find_city", {"name": "Oslo"})
FC_OSLO = ToolCall("get_forecast", {"city_id": OSLO, "days": 3})


def out(*calls):
    return ModelOutput(tool_calls=calls)


# (output, passes, failures, similarity, reason)
ROWS = [
    (out(AIR_ROME, FIND_OSLO, FC_OSLO), True, set(), 1.0, "exact sequence"),
    (out(AIR_ROME, FIND_OSLO, ToolCall("get_forecast", {"city_id": OSLO, "days": 3.0, "unit": "celsius"})),
     True, set(), 1.0, "integral float for integer and the optional unit spelled out"),
    (out(FIND_OSLO, AIR_ROME, FC_OSLO), False, {"wrong_order"}, 2 / 3, "first two calls swapped"),
    (out(FC_OSLO, FIND_OSLO, AIR_ROME), False, {"wrong_order"}, 1 / 3, "reversed"),
    (out(AIR_ROME, FC_OSLO), False, {"missing_call"}, 2 / 3, "a call left out"),
    (out(AIR_ROME, FIND_OSLO, FIND_OSLO, FC_OSLO), False, {"extra_call"}, 3 / 4, "a duplicated call"),
    (out(AIR_ROME, FIND_OSLO, ToolCall("get_forecast", {"city_id": OSLO, "days": 4})), False,
     {"wrong_value"}, 2 / 3, "wrong argument value in the last call"),
    (out(AIR_ROME, FIND_OSLO, ToolCall("get_forecast", {"city_id": OSLO})), False,
     {"missing_required_arg"}, 2 / 3, "required argument missing"),
    (out(AIR_ROME, ToolCall("lookup_city", {"name": "Oslo"}), FC_OSLO), False,
     {"hallucinated_function"}, 2 / 3, "hallucinated function in the middle"),
    (out(FIND_OSLO, FC_OSLO, AIR_ROME), False, {"wrong_order"}, 2 / 3, "first call moved to the end"),
    (ModelOutput(text="{oops", malformed="bad JSON"), False, {"malformed_output"}, 0.0, "malformed output"),
    (ModelOutput(text="Sure, I will check that."), False, {"no_call"}, 0.0, "text only"),
]


@pytest.mark.parametrize("output,passes,failures,similarity,reason", ROWS, ids=[r[4] for r in ROWS])
def test_chaining_verdicts(output, passes, failures, similarity, reason):
    score = task.score(SAMPLE, output)
    assert score.passed is passes, f"{reason}: {score}"
    assert set(score.failures) == failures, f"{reason}: {score.failures}"
    assert score.metrics["sequence_similarity"] == pytest.approx(similarity), reason


def test_names_and_params_are_order_free():
    m = task.score(SAMPLE, out(FIND_OSLO, AIR_ROME, FC_OSLO)).metrics
    assert (m["name_tp"], m["name_fp"], m["name_fn"]) == (3, 0, 0)
    assert (m["param_tp"], m["param_fp"], m["param_fn"]) == (4, 0, 0)


def test_execution_win():
    assert task.score(SAMPLE, out(AIR_ROME, FIND_OSLO, FC_OSLO)).metrics["win"] == 1.0
    assert task.score(SAMPLE, out(FIND_OSLO, AIR_ROME, FC_OSLO)).metrics["win"] == 1.0, \
        "these calls do not mutate state: another order still gives the result"
    assert task.score(SAMPLE, out(AIR_ROME, FIND_OSLO)).metrics["win"] == 0.0


def test_oracle_passes_in_both_modes():
    native = task.build_request(SAMPLE, "native").reference_output
    assert task.score(SAMPLE, native).passed
    prompt = task.build_request(SAMPLE, "prompt")
    assert prompt.reference_output.text.startswith("[")


def test_aggregate_has_report_metrics():
    agg = task.aggregate([task.score(SAMPLE, out(AIR_ROME, FIND_OSLO, FC_OSLO)),
                          task.score(SAMPLE, out(FIND_OSLO, AIR_ROME, FC_OSLO))])
    assert agg["accuracy"] == 0.5
    for key in task.report_metrics:
        assert key in agg, key
