"""execute_calls / results_equal / execution_win on the built-in weather tools."""

import pytest

from fcbench.data.generator.tooling import World, run_tool
from fcbench.records import ToolCall
from fcbench.scoring.execution import execute_calls, execution_win, results_equal

SEED = 11


def expected_weather(city="Oslo", unit="celsius"):
    world = World(SEED)
    city_id = run_tool(world, "find_city", {"name": city})["city_id"]
    return run_tool(world, "get_current_weather", {"city_id": city_id, "unit": unit})


def test_references_resolve_to_earlier_outputs():
    trace = execute_calls([ToolCall("find_city", {"name": "Oslo"}),
                           ToolCall("get_current_weather", {"city_id": "$var1.city_id$"})], SEED)
    assert trace.final == expected_weather()


def test_nested_references_inside_arrays_resolve():
    trace = execute_calls([ToolCall("find_city", {"name": "Oslo"}, "a"),
                           ToolCall("find_city", {"name": "Rome"}, "b"),
                           ToolCall("compare_city_temperatures",
                                    {"city_ids": ["$a.city_id$", "$b.city_id$"]})], SEED)
    assert set(trace.final) == {"warmest", "coldest", "spread"}


@pytest.mark.parametrize("calls,why", [
    ([ToolCall("get_current_weather", {"city_id": "$var2.city_id$"}), ToolCall("find_city", {"name": "Oslo"})],
     "a reference to a later call cannot resolve"),
    ([ToolCall("find_city", {"name": "Oslo"}), ToolCall("get_current_weather", {"city_id": "$var1.nope$"})],
     "unknown field"),
    ([ToolCall("find_city", {"name": "Atlantis"}), ToolCall("get_current_weather", {"city_id": "$var1.city_id$"})],
     "the referenced call failed"),
])
def test_unresolvable_reference_is_an_error_result_not_an_exception(calls, why):
    trace = execute_calls(calls, SEED)
    assert any(trace.is_error(i) for i in range(len(calls))), why
    assert "error" in trace.results[-1] or "error" in trace.results[0]


def test_odd_calls_never_raise():
    trace = execute_calls([ToolCall("no_such_tool", {}), ToolCall("get_forecast", {"city_id": 5, "days": "x"}),
                           ToolCall("find_city", ["not", "a", "dict"])], SEED)  # type: ignore[arg-type]
    assert all(trace.is_error(i) for i in range(3))


@pytest.mark.parametrize("a,b,equal,why", [
    ({"t": 0.1 + 0.2}, {"t": 0.3}, True, "float tolerance"),
    ({"t": 0.31}, {"t": 0.3}, False, "beyond tolerance"),
    ({"n": 5}, {"n": 5.0}, True, "int and float compare as numbers"),
    ({"b": True}, {"b": 1}, False, "bool is not a number"),
    ([1, 2], (1, 2), True, "a tuple equals a list"),
    ([1, 2], [2, 1], False, "lists are ordered"),
    ({"a": 1}, {"a": 1, "b": 2}, False, "keys must agree"),
    ("Oslo", "oslo", False, "result strings are exact"),
    (None, None, True, "null"),
])
def test_results_equal(a, b, equal, why):
    assert results_equal(a, b) is equal, why


def test_execution_win():
    gold = {"result": expected_weather()}
    good = [ToolCall("find_city", {"name": "Oslo"}), ToolCall("get_current_weather", {"city_id": "$var1.city_id$"})]
    assert execution_win(good, gold, {"world_seed": SEED}) is True
    assert execution_win(good[:1], gold, {"world_seed": SEED}) is False
    assert execution_win([], gold, {"world_seed": SEED}) is False
    assert execution_win(good, gold, {}) is None, "no world seed: not reported"
    assert execution_win(good, {}, {"world_seed": SEED}) is None, "no gold result: not reported"
