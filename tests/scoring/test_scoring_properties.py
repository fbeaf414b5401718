"""Property tests: no scorer of the call tasks and no scoring function raises on
arbitrary JSON-like predictions, and verdicts keep their invariants."""

import itertools
import math

from fcbench_tasks.chaining import TASK as Chaining
from fcbench_tasks.nested import TASK as Nested
from fcbench_tasks.parallel import TASK as Parallel
from fcbench_tasks.parameter_value import TASK as ParameterValue
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fcbench.records import Message, ModelOutput, Sample, Tool, ToolCall
from fcbench.scoring import taxonomy
from fcbench.scoring.calls import call_pairs, canonical_call, check_call, schema_valid
from fcbench.scoring.execution import execute_calls, results_equal
from fcbench.scoring.hallucination import HALLUCINATED_CALLS, PREDICTED_CALLS
from fcbench.scoring.matching import optimal_matching
from fcbench.scoring.metrics import lcs_length
from fcbench.scoring.references import assign_labels, iter_references, reference_problems, rewrite_references
from fcbench.scoring.sequences import align
from fcbench.scoring.values import value_failure

FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

NAMES = ["find_city", "get_current_weather", "get_forecast", "nope"]
LABELS = st.one_of(st.none(), st.sampled_from(["var1", "var2", "var3", "", "a"]), st.text(max_size=6))
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
                    st.sampled_from(["$var1.city_id$", "$var2.temperature$", "$var9.x$", "$var1.lat$",
                                     "C101", "celsius", "", "2024-05-01"]))
JSON = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)), max_leaves=12)
ARGUMENTS = st.one_of(
    st.dictionaries(st.sampled_from(["name", "city_id", "days", "unit", "lat", "x"]) | st.text(max_size=5),
                    JSON, max_size=5),
    JSON)  # sometimes not even an object
CALL = st.builds(ToolCall, st.one_of(st.sampled_from(NAMES), st.text(max_size=10)), ARGUMENTS, LABELS,
                 st.one_of(st.none(), st.text(max_size=4)))
OUTPUT = st.builds(ModelOutput, st.one_of(st.none(), st.text(max_size=20)),
                   st.lists(CALL, max_size=5).map(tuple),
                   malformed=st.one_of(st.none(), st.none(), st.just("unreadable")))

FIND = Tool("find_city", "", {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]},
            {"type": "object", "properties": {"city_id": {"type": "string"}, "lat": {"type": "number"}}})
WEATHER = Tool("get_current_weather", "", {"type": "object", "properties": {
    "city_id": {"type": "string"}, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
    "required": ["city_id"]}, {"type": "object", "properties": {"temperature": {"type": "number"}}})
FORECAST = Tool("get_forecast", "", {"type": "object", "properties": {
    "city_id": {"type": "string"}, "days": {"type": "integer", "minimum": 1, "maximum": 7},
    "tags": {"type": "array", "items": {"type": "string"}},
    "opts": {"type": "object", "properties": {"a": {"type": "number"}}}}, "required": ["city_id", "days"]})
TOOLS = (FIND, WEATHER, FORECAST)
FIND_GOLD = {"name": "find_city", "arguments": {"name": ["Oslo"]}, "label": "var1"}
WEATHER_GOLD = {"name": "get_current_weather", "label": "var2",
                "arguments": {"city_id": ["$var1.city_id$"], "unit": ["", "celsius"]}}
FORECAST_GOLD = {"name": "get_forecast", "arguments": {"city_id": ["C101"], "days": [3, 3.0],
                                                       "tags": [["a", "b"], ""], "opts": [{"a": [1.5]}, ""]}}
GOLD_CALLS = [FIND_GOLD, WEATHER_GOLD]
SAMPLES = {
    "nested": Sample("n", "nested", (Message("user", "x"),), TOOLS,
                     {"calls": GOLD_CALLS, "result": {"temperature": 1.0}}, {"world_seed": 3}),
    "chaining": Sample("c", "chaining", (Message("user", "x"),), TOOLS,
                       {"calls": [FIND_GOLD, FORECAST_GOLD], "result": {"x": 1}}, {"world_seed": 3}),
    "parallel": Sample("p", "parallel", (Message("user", "x"),), TOOLS, {"calls": [FIND_GOLD, FORECAST_GOLD]}),
    "parameter_value": Sample("v", "parameter_value", (Message("user", "x"),), TOOLS, {"calls": [FORECAST_GOLD]}),
}
TASKS = {"nested": Nested(), "chaining": Chaining(), "parallel": Parallel(), "parameter_value": ParameterValue()}


def assert_valid_score(score):
    assert score.passed == (not score.failures), score
    assert set(score.failures) <= set(taxonomy.ALL), score.failures
    for key, value in score.metrics.items():
        assert isinstance(value, (int, float)) and math.isfinite(value), (key, value)
        if key.endswith(("_tp", "_fp", "_fn")) or key in (HALLUCINATED_CALLS, PREDICTED_CALLS):
            assert value >= 0, key  # counts
        else:
            assert 0.0 <= value <= 1.0, key
    if PREDICTED_CALLS in score.metrics:
        assert score.metrics[HALLUCINATED_CALLS] <= score.metrics[PREDICTED_CALLS]


@FAST
@given(output=OUTPUT, task_name=st.sampled_from(sorted(TASKS)))
def test_scorers_never_raise(output, task_name):
    task = TASKS[task_name]
    score = task.score(SAMPLES[task_name], output)
    assert_valid_score(score)
    assert task.aggregate([score])["accuracy"] in (0.0, 1.0)


@FAST
@given(value=JSON, accepted=st.one_of(st.lists(JSON, max_size=4), JSON),
       schema=st.one_of(st.none(), st.sampled_from([p for t in TOOLS for p in t.parameters["properties"].values()]),
                        JSON))
def test_value_failure_is_total(value, accepted, schema):
    assert value_failure(value, accepted, schema) in (None, "wrong_type", "wrong_value")


@FAST
@given(pred=CALL, gold=st.one_of(st.sampled_from([FIND_GOLD, WEATHER_GOLD, FORECAST_GOLD]), JSON),
       tool=st.sampled_from([None, *TOOLS]))
def test_check_call_is_total(pred, gold, tool):
    check = check_call(pred, gold, tool, known_names={"find_city"})
    assert check.ok == (not check.failures)
    assert set(check.failures) <= set(taxonomy.ALL)
    assert min(check.arg_tp, check.arg_fp, check.arg_fn) >= 0
    schema_valid(pred.arguments, tool)


@FAST
@given(calls=st.lists(CALL, max_size=4))
def test_references_and_execution_are_total(calls):
    labelled = assign_labels(calls)
    reference_problems(labelled, TOOLS)
    for c in calls:
        list(iter_references(c.arguments))
        rewrite_references(c.arguments, {"var1": "x"})
    trace = execute_calls(calls, 5)
    assert len(trace.results) == len(calls)
    results_equal(trace.final, trace.final)
    call_pairs(calls, GOLD_CALLS, TOOLS)
    align([str(c.name) for c in calls], ["find_city", "get_current_weather"])


SIMPLE = st.one_of(st.booleans(), st.integers(-1000, 1000), st.floats(-1e6, 1e6, allow_nan=False),
                   st.text(max_size=8))


@FAST
@given(args=st.dictionaries(st.text(min_size=1, max_size=6),
                            st.lists(st.one_of(SIMPLE, st.just("")), min_size=1, max_size=3), max_size=4))
def test_the_canonical_call_passes_its_own_check(args):
    gold = {"name": "f", "arguments": args}
    assert check_call(canonical_call(gold), gold, None).ok


@FAST
@given(st.integers(0, 4).flatmap(lambda n: st.integers(0, 4).flatmap(lambda m: st.lists(
    st.lists(st.sampled_from([0.0, 1.0, 2.0, 3.0, 0.5, -1.0]), min_size=m, max_size=m), min_size=n, max_size=n))))
def test_matching_is_optimal(w):
    n, m = len(w), len(w[0]) if w else 0
    pairs = optimal_matching(n, m, lambda i, j: w[i][j])
    best = max((sum(max(w[r][c], 0.0) for r, c in zip(rows, cols))
                for k in range(min(n, m) + 1)
                for rows in itertools.combinations(range(n), k)
                for cols in itertools.permutations(range(m), k)), default=0.0)
    assert math.isclose(sum(w[i][j] for i, j in pairs), best, abs_tol=1e-9)


@FAST
@given(st.lists(st.sampled_from("abcd"), max_size=8), st.lists(st.sampled_from("abcd"), max_size=8))
def test_alignment_covers_both_sequences_in_order(a, b):
    positions = align(a, b)
    assert [i for i, _ in positions if i is not None] == list(range(len(a)))
    assert [j for _, j in positions if j is not None] == list(range(len(b)))
    same = sum(1 for i, j in positions if i is not None and j is not None and a[i] == b[j])
    assert same == lcs_length(a, b), "the alignment lines up as many equal names as the LCS"
