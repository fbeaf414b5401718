"""nested task: references between calls, NESTFUL metrics, execution win (table-driven)."""

import json

import pytest
from fcbench_tasks.nested import TASK

from fcbench.data.generator.tooling import World, run_tool
from fcbench.records import Message, ModelOutput, Sample, Tool, ToolCall

SEED = 4
FIND = Tool("find_city", "Look up a city.",
            {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]},
            {"type": "object", "properties": {"city_id": {"type": "string"}, "name": {"type": "string"},
                                              "lat": {"type": "number"}, "lon": {"type": "number"}}})
WEATHER = Tool("get_current_weather", "Current weather.",
               {"type": "object", "properties": {
                   "city_id": {"type": "string"},
                   "unit": {"type": "string", "enum": ["celsius", "fahrenheit"], "default": "celsius"}},
                "required": ["city_id"]},
               {"type": "object", "properties": {"temperature": {"type": "number"},
                                                 "condition": {"type": "string"}}})
UV = Tool("get_uv_index", "UV index at a position.",
          {"type": "object", "properties": {"lat": {"type": "number"}, "lon": {"type": "number"}},
           "required": ["lat", "lon"]},
          {"type": "object", "properties": {"uv_index": {"type": "integer"}}})


def _gold():
    world = World(SEED)
    city = run_tool(world, "find_city", {"name": "Oslo"})
    result = run_tool(world, "get_current_weather", {"city_id": city["city_id"], "unit": "celsius"})
    calls = [{"name": "find_city", "arguments": {"name": ["Oslo"]}, "label": "var1"},
             {"name": "get_current_weather", "arguments": {"city_id": ["$var1.city_id$"],
                                                           "unit": ["", "celsius"]}, "label": "var2"}]
    return {"calls": calls, "result": result}, city["city_id"]


GOLD, OSLO_ID = _gold()
SAMPLE = Sample("nested-1", "nested", (Message("user", "What's the weather in Oslo?"),),
                (FIND, WEATHER, UV), GOLD, {"world_seed": SEED})
task = TASK()


def calls(*specs):
    return ModelOutput(tool_calls=tuple(ToolCall(*s) for s in specs))


FIND_OSLO = ("find_city", {"name": "Oslo"})
WEATHER_REF = ("get_current_weather", {"city_id": "$var1.city_id$"})

# (output, passes, failure categories, reason)
ROWS = [
    (calls(FIND_OSLO, WEATHER_REF), True, set(), "native: unlabelled calls are var1, var2 by position"),
    (calls(("find_city", {"name": "oslo"}, "a"), ("get_current_weather", {"city_id": "$a.city_id$"}, "b")),
     True, set(), "prompt mode: the model's own labels are mapped onto the gold's"),
    (calls(("get_current_weather", {"city_id": "$var2.city_id$"}), FIND_OSLO), False,
     {"wrong_order", "bad_reference"}, "right calls in the wrong order; the reference points to a later call"),
    (calls(FIND_OSLO, ("get_current_weather", {"city_id": "$var5.city_id$"})), False,
     {"wrong_value", "bad_reference"}, "reference to an unknown label"),
    (calls(FIND_OSLO, ("get_current_weather", {"city_id": "$var1.id$"})), False,
     {"wrong_value", "bad_reference"}, "valid label, field not in find_city's returns schema"),
    (calls(FIND_OSLO, ("get_current_weather", {"city_id": "$var2.city_id$"})), False,
     {"wrong_value", "bad_reference"}, "a call referring to itself"),
    (calls(FIND_OSLO, ("get_current_weather", {"city_id": OSLO_ID})), False, {"wrong_value"},
     "the value inlined instead of referenced: wrong in form, though execution wins"),
    (calls(FIND_OSLO, ("get_uv_index", {"lat": "$var1.lat$", "lon": "$var1.lon$"}), WEATHER_REF), False,
     {"extra_call"}, "an extra call in the middle (references still resolve)"),
    (calls(WEATHER_REF), False, {"missing_call", "wrong_value", "bad_reference"},
     "the lookup call is missing, so $var1 is the weather call itself"),
    (calls(("find_city_by_name", {"name": "Oslo"}), WEATHER_REF), False,
     {"hallucinated_function", "bad_reference"},
     "a function the library does not hold (and a reference to its output)"),
    (calls(FIND_OSLO, ("get_uv_index", {"lat": "$var1.lat$", "lon": "$var1.lon$"})), False,
     {"wrong_function"}, "a real library function, the wrong one"),
    (calls(FIND_OSLO, ("get_current_weather", {"city_id": "$var1.city_id$", "unit": "kelvin"})), False,
     {"wrong_value"}, "optional parameter with a value gold does not accept"),
    (ModelOutput(text='[{"name": "find_city"', malformed="unterminated JSON"), False, {"malformed_output"},
     "the parser could not read the output"),
    (ModelOutput(text="It is probably cold in Oslo."), False, {"no_call"}, "text only"),
]


@pytest.mark.parametrize("output,passes,failures,reason", ROWS, ids=[r[3] for r in ROWS])
def test_nested_verdicts(output, passes, failures, reason):
    score = task.score(SAMPLE, output)
    assert score.passed is passes, f"{reason}: {score}"
    assert set(score.failures) == failures, f"{reason}: {score.failures}"


def test_metrics_of_a_perfect_answer():
    m = task.score(SAMPLE, calls(FIND_OSLO, WEATHER_REF)).metrics
    assert m["partial_sequence_accuracy"] == 1.0 and m["win"] == 1.0 and m["alt_trajectory"] == 0.0
    assert (m["name_tp"], m["name_fp"], m["name_fn"]) == (2, 0, 0)
    assert (m["param_tp"], m["param_fp"], m["param_fn"]) == (2, 0, 0)
    assert m["reference_validity"] == 1.0


def test_inlined_value_wins_by_another_trajectory():
    m = task.score(SAMPLE, calls(FIND_OSLO, ("get_current_weather", {"city_id": OSLO_ID}))).metrics
    assert m["win"] == 1.0 and m["alt_trajectory"] == 1.0 and m["partial_sequence_accuracy"] == 0.5
    assert "reference_validity" not in m, "only reported when the prediction holds a reference"


def test_extra_call_partial_accuracy():
    out = calls(FIND_OSLO, ("get_uv_index", {"lat": "$var1.lat$", "lon": "$var1.lon$"}), WEATHER_REF)
    m = task.score(SAMPLE, out).metrics
    assert m["partial_sequence_accuracy"] == pytest.approx(2 / 3)
    assert m["win"] == 1.0, "the extra call does not change the final result"


def test_win_not_reported_without_world_seed():
    sample = Sample("n2", "nested", SAMPLE.messages, SAMPLE.tools, GOLD, {})
    m = task.score(sample, calls(FIND_OSLO, WEATHER_REF)).metrics
    assert "win" not in m and "alt_trajectory" not in m


def test_native_request_explains_positional_labels():
    request = task.build_request(SAMPLE, "native")
    assert request.messages[0].role == "system" and "$var1.city_id$" in request.messages[0].content
    assert request.tools == SAMPLE.tools
    oracle = request.reference_output
    assert all(c.label is None for c in oracle.tool_calls)
    assert task.score(SAMPLE, oracle).passed


def test_prompt_request_asks_for_labels():
    request = task.build_request(SAMPLE, "prompt")
    assert '"label"' in request.messages[0].content and request.tools == ()
    listed = json.loads(request.reference_output.text)
    assert [c["label"] for c in listed] == ["var1", "var2"]
    assert task.score(SAMPLE, ModelOutput(tool_calls=tuple(ToolCall.from_dict(c) for c in listed))).passed


def test_aggregate_reports_micro_and_macro_name_f1():
    scores = [task.score(SAMPLE, calls(FIND_OSLO, WEATHER_REF)),
              task.score(SAMPLE, calls(("find_city_by_name", {"name": "Oslo"}), WEATHER_REF))]
    agg = task.aggregate(scores)
    assert agg["accuracy"] == 0.5
    assert agg["name_f1"] == pytest.approx(2 * 0.75 * 0.75 / 1.5)
    # find_city: tp1 fn1 -> 2/3; get_current_weather: 1; find_city_by_name: 0 -> macro 5/9
    assert agg["name_macro_f1"] == pytest.approx(5 / 9)
    for key in task.report_metrics:
        assert key in agg, key
