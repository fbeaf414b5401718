"""parallel task: optimal pairing (not first-come), call P/R/F1, all-correct accuracy."""

import pytest
from fcbench_tasks.parallel import TASK

from fcbench.records import Message, ModelOutput, Sample, Tool, ToolCall

F = Tool("get_weather", "", {"type": "object", "properties": {
    "city": {"type": "string"}, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
    "required": ["city"]})
G = Tool("get_time", "", {"type": "object", "properties": {"tz": {"type": "string"}}, "required": ["tz"]})
task = TASK()


def sample(*golds):
    return Sample("par-1", "parallel", (Message("user", "..."),), (F, G), {"calls": list(golds)})


def w(city, **kw):
    return ToolCall("get_weather", {"city": city, **kw})


AMBIGUOUS = sample({"name": "get_weather", "arguments": {"city": ["Paris", "Lyon"]}},
                   {"name": "get_weather", "arguments": {"city": ["Paris"]}})
MIXED = sample({"name": "get_weather", "arguments": {"city": ["Paris"], "unit": ["", "celsius"]}},
               {"name": "get_weather", "arguments": {"city": ["Oslo"], "unit": ["fahrenheit"]}},
               {"name": "get_time", "arguments": {"tz": ["Europe/Oslo"]}})
T_OSLO = ToolCall("get_time", {"tz": "Europe/Oslo"})

# (sample, output, passes, failures, (call_tp, call_fp, call_fn), reason)
ROWS = [
    (AMBIGUOUS, (w("Paris"), w("Lyon")), True, set(), (2, 0, 0),
     "f(a), f(b) vs gold f(x in {a,b}), f(x=a): optimal matching passes, BFCL's greedy one fails"),
    (AMBIGUOUS, (w("Lyon"), w("Paris")), True, set(), (2, 0, 0), "the other order passes too"),
    (AMBIGUOUS, (w("Lyon"), w("Lyon")), False, {"wrong_value"}, (1, 1, 1), "Lyon twice: one gold wants Paris"),
    (MIXED, (T_OSLO, w("Oslo", unit="fahrenheit"), w("Paris")), True, set(), (3, 0, 0),
     "any order; optional unit omitted for Paris"),
    (MIXED, (w("Paris"), w("Oslo", unit="fahrenheit")), False, {"missing_call"}, (2, 0, 1), "a call missing"),
    (MIXED, (w("Paris"), w("Oslo", unit="fahrenheit"), T_OSLO, T_OSLO), False, {"extra_call"}, (3, 1, 0),
     "a duplicated call is extra"),
    (MIXED, (w("Paris"), w("Oslo"), T_OSLO), False, {"missing_optional_arg"}, (2, 1, 1),
     "the request asked for fahrenheit in Oslo"),
    (MIXED, (w("Paris"), w("Oslo", unit="fahrenheit"), ToolCall("get_clock", {"tz": "Europe/Oslo"})), False,
     {"hallucinated_function"}, (2, 1, 1), "hallucinated function in place of get_time"),
    (MIXED, (w("Paris"), w("Oslo", unit="fahrenheit"), w("Europe/Oslo")), False, {"wrong_function"},
     (2, 1, 1), "a library function in place of get_time"),
    (MIXED, (w("Paris", unit=True), w("Oslo", unit="fahrenheit"), T_OSLO), False, {"wrong_type"}, (2, 1, 1),
     "bool for a string"),
    (MIXED, ModelOutput(text="[", malformed="truncated"), False, {"malformed_output"}, (0, 0, 3), "malformed"),
    (MIXED, ModelOutput(text="Paris is sunny."), False, {"no_call"}, (0, 0, 3), "text only"),
]


@pytest.mark.parametrize("smp,output,passes,failures,counts,reason", ROWS, ids=[r[5] for r in ROWS])
def test_parallel_verdicts(smp, output, passes, failures, counts, reason):
    if isinstance(output, tuple):
        output = ModelOutput(tool_calls=output)
    score = task.score(smp, output)
    assert score.passed is passes, f"{reason}: {score}"
    assert set(score.failures) == failures, f"{reason}: {score.failures}"
    assert (score.metrics["call_tp"], score.metrics["call_fp"], score.metrics["call_fn"]) == counts, reason


def test_oracle_and_aggregate():
    oracle = task.build_request(MIXED, "native").reference_output
    good = task.score(MIXED, oracle)
    assert good.passed
    bad = task.score(MIXED, ModelOutput(tool_calls=(w("Paris"),)))
    agg = task.aggregate([good, bad])
    assert agg["accuracy"] == 0.5
    assert agg["call_precision"] == 1.0 and agg["call_recall"] == pytest.approx(4 / 6)
    for key in task.report_metrics:
        assert key in agg, key
