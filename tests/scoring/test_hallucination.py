"""The hallucination rate (predicted calls naming a function not in the sample's library, micro over
calls) on hand-written outputs, on every call-emitting sub-task."""

from __future__ import annotations

import pytest
from fcbench_tasks.chaining import TASK as Chaining
from fcbench_tasks.name_detection import TASK as NameDetection
from fcbench_tasks.nested import TASK as Nested
from fcbench_tasks.next_best import TASK as NextBest
from fcbench_tasks.parallel import TASK as Parallel
from fcbench_tasks.parameter_value import TASK as ParameterValue
from fcbench_tasks.response_generation import TASK as ResponseGeneration

from fcbench.records import Message, ModelOutput, Sample, Tool, ToolCall
from fcbench.scoring.hallucination import HALLUCINATION_RATE, hallucination_counts
from fcbench.scoring.metrics import Metric, aggregate, per_sample_names

WEATHER = Tool("get_weather", "Weather in a city.", {"type": "object", "properties": {
    "city": {"type": "string"}}, "required": ["city"]})
TIME = Tool("get_time", "Time in a time zone.", {"type": "object", "properties": {
    "tz": {"type": "string"}}, "required": ["tz"]})
LIBRARY = (WEATHER, TIME)
GOLD_CALLS = [{"name": "get_weather", "arguments": {"city": ["Oslo"]}, "label": "var1"},
              {"name": "get_time", "arguments": {"tz": ["Europe/Oslo"]}, "label": "var2"}]
GOLD_BY_TASK = {
    "nested": {"calls": GOLD_CALLS, "result": None},
    "chaining": {"calls": GOLD_CALLS, "result": None},
    "parallel": {"calls": GOLD_CALLS},
    "name_detection": {"names": ["get_weather", "get_time"]},
    "parameter_value": {"calls": GOLD_CALLS[:1]},
    "next_best": {"next": GOLD_CALLS[:1], "stop": False},
}
CALL_TASKS = [Nested(), Chaining(), Parallel(), NameDetection(), ParameterValue(), NextBest()]

IN_LIBRARY = ModelOutput(tool_calls=(ToolCall("get_weather", {"city": "Oslo"}),
                                     ToolCall("get_time", {"tz": "Europe/Oslo"})))
MADE_UP = ModelOutput(tool_calls=(ToolCall("get_weather", {"city": "Oslo"}),
                                  ToolCall("get_clock", {"tz": "Europe/Oslo"})))


def sample(task_name: str) -> Sample:
    return Sample(f"{task_name}-1", task_name, (Message("user", "Weather and time in Oslo?"),), LIBRARY,
                  GOLD_BY_TASK[task_name])


@pytest.mark.parametrize("task", CALL_TASKS, ids=lambda t: t.name)
def test_every_call_task_counts_hallucinated_calls(task):
    assert task.metric("hallucination_rate") == HALLUCINATION_RATE, "declared once, shared"
    assert "hallucination_rate" in task.report_metrics
    ok = task.score(sample(task.name), IN_LIBRARY)
    # must pass: both functions exist in the library, whatever else the task thinks of the answer
    assert (ok.metrics["hallucinated_calls"], ok.metrics["predicted_calls"]) == (0, 2)
    bad = task.score(sample(task.name), MADE_UP)
    # must fail: get_clock is not in the library (get_time is), so 1 of the 2 calls is hallucinated
    assert (bad.metrics["hallucinated_calls"], bad.metrics["predicted_calls"]) == (1, 2)
    assert task.aggregate([ok, bad])["hallucination_rate"] == pytest.approx(1 / 4)


def test_response_generation_emits_no_calls_to_count():
    assert ResponseGeneration.metric("hallucination_rate") is None


def test_the_rate_is_micro_over_calls_not_a_mean_over_samples():
    one_bad_call = hallucination_counts([ToolCall("get_clock", {})], {"get_time"})
    three_good_calls = hallucination_counts([ToolCall("get_time", {})] * 3, {"get_time"})
    no_call = hallucination_counts([], {"get_time"})
    scores = [_Scored(one_bad_call), _Scored(three_good_calls), _Scored(no_call)]
    # 1 hallucinated call of 4 predicted: 25 %; a mean of per-sample rates would say 50 %
    assert aggregate((HALLUCINATION_RATE,), scores)["hallucination_rate"] == pytest.approx(1 / 4)
    assert aggregate((HALLUCINATION_RATE,), [_Scored(no_call)]) == {}, "no call at all: no rate"


def test_a_ratio_names_both_counts_and_they_count_as_declared():
    with pytest.raises(ValueError, match="names its per-sample counts"):
        Metric("x_rate", "ratio", counts="x")
    assert {"hallucinated_calls", "predicted_calls"} <= per_sample_names((HALLUCINATION_RATE,))


def test_names_are_compared_exactly():
    counts = hallucination_counts([ToolCall("Get_Weather", {}), ToolCall("get_weather ", {})], {"get_weather"})
    assert counts == {"hallucinated_calls": 2.0, "predicted_calls": 2.0}, "case and spaces matter, as in BFCL"


class _Scored:
    def __init__(self, metrics: dict[str, float]):
        self.passed = False
        self.metrics = metrics
