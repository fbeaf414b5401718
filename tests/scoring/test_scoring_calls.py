"""check_call, canonical_call, call_pairs and optimal_matching (table-driven)."""

import itertools
import random

import pytest

from fcbench.records import Tool, ToolCall
from fcbench.scoring.calls import call_pairs, canonical_call, check_call, schema_valid
from fcbench.scoring.matching import optimal_matching

FORECAST = Tool("get_forecast", "Forecast.", {
    "type": "object",
    "properties": {
        "city_id": {"type": "string"},
        "days": {"type": "integer", "minimum": 1, "maximum": 7},
        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"], "default": "celsius"},
        "detailed": {"type": "boolean"},
    },
    "required": ["city_id", "days"],
})
GOLD = {"name": "get_forecast",
        "arguments": {"city_id": ["C101"], "days": [3], "unit": ["", "celsius"], "detailed": [True]}}
LIBRARY = {"get_forecast", "find_city"}


def call(**args):
    return ToolCall("get_forecast", args)


# (prediction, expected ok, expected failures, reason)
ROWS = [
    (call(city_id="C101", days=3, detailed=True), True, (), "unit may be omitted (\"\" in its list)"),
    (call(city_id="c101", days=3.0, unit="celsius", detailed=True), True, (),
     "case-folded string, integral float for integer, optional given with an accepted value"),
    (call(days=3, detailed=True), False, ("missing_required_arg",), "city_id is required by the schema"),
    (call(city_id="C101", days=3), False, ("missing_optional_arg",),
     "detailed is optional in the schema but the request asked for it (no \"\" in gold)"),
    (call(city_id="C101", days=3, detailed=True, hourly=True), False, ("unexpected_arg",),
     "a parameter the schema does not have"),
    (call(city_id="C101", days="3", detailed=True), False, ("wrong_type",), "string for an integer"),
    (call(city_id="C101", days=True, detailed=True), False, ("wrong_type",), "bool for an integer"),
    (call(city_id="C101", days=4, detailed=True), False, ("wrong_value",), "wrong number of days"),
    (call(city_id="C101", days=3, unit="kelvin", detailed=True), False, ("wrong_value",),
     "optional parameter given with a value gold does not accept"),
    (call(city_id="C101", days=3, unit="Celsius", detailed=True), False, ("schema_invalid",),
     "values match after case-folding but the enum is exact: caught by JSON Schema"),
    (ToolCall("find_city", {"name": "x"}), False, ("wrong_function",), "another library function"),
    (ToolCall("get_weather_forecast", {"city_id": "C101"}), False, ("hallucinated_function",),
     "a function the library does not hold"),
    (ToolCall("get_forecast", ["C101", 3]), False,
     ("missing_required_arg", "missing_optional_arg", "wrong_type"),
     "arguments that are not an object"),
]


@pytest.mark.parametrize("pred,ok,failures,reason", ROWS, ids=[r[3] for r in ROWS])
def test_check_call(pred, ok, failures, reason):
    check = check_call(pred, GOLD, FORECAST, known_names=LIBRARY)
    assert check.ok is ok, reason
    assert set(check.failures) == set(failures), f"{reason}: {check}"
    assert check.ok == (not check.failures)


def test_argument_pair_counts():
    check = check_call(call(city_id="C101", days=4, hourly=1), GOLD, FORECAST)
    # city_id right (tp); days wrong (fp+fn); hourly unexpected (fp); detailed missing (fn);
    # unit omitted and omittable: counted nowhere.
    assert (check.arg_tp, check.arg_fp, check.arg_fn) == (1, 2, 2)


def test_wrong_function_counts_everything_wrong():
    check = check_call(ToolCall("find_city", {"name": "x"}), GOLD, FORECAST, known_names=LIBRARY)
    assert (check.arg_tp, check.arg_fp, check.arg_fn) == (0, 1, 3)


def test_without_library_a_wrong_name_is_wrong_function():
    assert check_call(ToolCall("nope", {}), GOLD, FORECAST).failures == ("wrong_function",)


def test_without_schema_missing_is_required_and_extra_is_unexpected():
    check = check_call(call(city_id="C101", extra=1), GOLD, None)
    assert set(check.failures) == {"missing_required_arg", "unexpected_arg"}


def test_schema_invalid_gold_does_not_fail_the_model():
    gold = {"name": "get_forecast", "arguments": {"city_id": ["C101"], "days": [9]}}
    check = check_call(call(city_id="C101", days=9), gold, FORECAST)
    assert check.ok and not check.schema_valid, "gold itself breaks maximum=7: not the model's fault"


def test_references_are_exempt_from_schema_validation():
    assert schema_valid({"city_id": "C1", "days": "$var1.days$"}, FORECAST)
    assert not schema_valid({"city_id": "C1", "days": "three"}, FORECAST)


def test_canonical_call():
    gold = {"name": "f", "label": "var2", "arguments": {
        "a": ["", "celsius"], "b": [""], "c": [3, 4],
        "d": [{"x": ["", "1"], "y": [""], "z": [[1, 2]]}]}}
    assert canonical_call(gold) == ToolCall(
        "f", {"a": "celsius", "c": 3, "d": {"x": "1", "z": [1, 2]}}, "var2")


def test_canonical_call_passes_its_own_check():
    assert check_call(canonical_call(GOLD, FORECAST), GOLD, FORECAST).ok


# ------------------------------------------------------------- pairing
F = Tool("f", "", {"type": "object", "properties": {"x": {"type": "string"}}, "required": ["x"]})


def test_parallel_ambiguity_is_resolved_optimally():
    golds = [{"name": "f", "arguments": {"x": ["a", "b"]}}, {"name": "f", "arguments": {"x": ["a"]}}]
    preds = [ToolCall("f", {"x": "a"}), ToolCall("f", {"x": "b"})]
    pairing = call_pairs(preds, golds, [F])
    assert pairing.correct == 2, "greedy first-fit (BFCL) would give f(a) to the first gold and fail"
    assert sorted((i, j) for i, j, _ in pairing.pairs) == [(0, 1), (1, 0)]


def test_pairing_prefers_same_function_then_agreement():
    golds = [{"name": "f", "arguments": {"x": ["a"]}}, {"name": "g", "arguments": {"y": ["b"]}}]
    preds = [ToolCall("g", {"y": "c"}), ToolCall("f", {"x": "z"})]
    pairing = call_pairs(preds, golds, [F])
    assert [(i, j) for i, j, _ in pairing.pairs] == [(0, 1), (1, 0)]
    assert pairing.correct == 0 and not pairing.unmatched_pred and not pairing.unmatched_gold


def brute_force(n, m, w):
    best = 0.0
    for k in range(min(n, m) + 1):
        for rows in itertools.combinations(range(n), k):
            for cols in itertools.permutations(range(m), k):
                best = max(best, sum(max(w[r][c], 0.0) for r, c in zip(rows, cols)))
    return best


def test_matching_is_exact_against_brute_force():
    rng = random.Random(7)
    for _ in range(150):
        n, m = rng.randint(0, 5), rng.randint(0, 5)
        w = [[rng.choice([0.0, -1.0, 1.0, 1000.5, rng.random()]) for _ in range(m)] for _ in range(n)]
        pairs = optimal_matching(n, m, lambda i, j, w=w: w[i][j])
        assert len({i for i, _ in pairs}) == len({j for _, j in pairs}) == len(pairs)
        assert all(w[i][j] > 0 for i, j in pairs), "non-positive weights never pair"
        assert sum(w[i][j] for i, j in pairs) == pytest.approx(brute_force(n, m, w))


def test_matching_is_fast_and_deterministic_for_bigger_inputs():
    rng = random.Random(3)
    w = [[rng.random() for _ in range(40)] for _ in range(30)]
    first = optimal_matching(30, 40, lambda i, j: w[i][j])
    assert len(first) == 30 and first == optimal_matching(30, 40, lambda i, j: w[i][j])


def test_matching_survives_bad_weights():
    assert optimal_matching(2, 2, lambda i, j: float("nan")) == []
    assert optimal_matching(1, 1, lambda i, j: "x") == []  # type: ignore[return-value]
    assert optimal_matching(1, 2, lambda i, j: float("inf") if j else 1.0) == [(0, 1)]
