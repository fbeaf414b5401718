"""next_best scorer: table of hand-written next steps with verdicts and reasons."""

from __future__ import annotations

import pytest
from fcbench_tasks.next_best import TASK

from fcbench.parsing.intake import read_answer
from fcbench.records import Message, ModelOutput, Sample, Tool, ToolCall
from fcbench.scoring import taxonomy as tx

TASK_ = TASK()


def tool(fn: str, **props) -> Tool:
    return Tool(fn, f"{fn} tool", {"type": "object", "properties": props, "required": sorted(props)})


STR = {"type": "string"}
UNIT = {"type": "string", "enum": ["celsius", "fahrenheit"]}
LIBRARY = (
    tool("find_city", name=STR),
    Tool("get_weather", "weather", {"type": "object", "properties": {"city_id": STR, "unit": UNIT},
                                    "required": ["city_id"]}),
    tool("get_air_quality", city_id=STR),
    tool("book_table", restaurant=STR),
)
HISTORY = (
    Message("user", "Find Lisbon and tell me its weather in fahrenheit and its air quality."),
    Message("assistant", tool_calls=(ToolCall("find_city", {"name": "Lisbon"}, id="c1"),)),
    Message("tool", '{"city_id": "C107", "name": "Lisbon"}', tool_call_id="c1", name="find_city"),
)
WEATHER = {"name": "get_weather", "arguments": {"city_id": ["C107"], "unit": ["fahrenheit"]}}
AIR = {"name": "get_air_quality", "arguments": {"city_id": ["C107"]}}
WEATHER_ANY_UNIT = {"name": "get_weather", "arguments": {"city_id": ["C107"], "unit": ["", "celsius"]}}


def sample(next_calls: list[dict], stop: bool = False, history=HISTORY) -> Sample:
    return Sample("nb-1", "next_best", history, LIBRARY, {"next": next_calls, "stop": stop})


FINISHED = HISTORY + (
    Message("assistant", tool_calls=(ToolCall("get_weather", {"city_id": "C107", "unit": "fahrenheit"},
                                              id="c2"),)),
    Message("tool", '{"temp": 70.6}', tool_call_id="c2", name="get_weather"),
)


def call(fn: str, **args) -> ToolCall:
    return ToolCall(fn, args)


def out(*calls: ToolCall, text: str | None = None) -> ModelOutput:
    return ModelOutput(text=text, tool_calls=calls)


GOOD = call("get_weather", city_id="C107", unit="fahrenheit")

# (sample, output, passed, failures, reason)
CASES = [
    (sample([WEATHER]), out(GOOD), True, (), "right next call"),
    (sample([WEATHER, AIR]), out(call("get_air_quality", city_id="C107")), True, (),
     "any of the acceptable next calls"),
    (sample([WEATHER, AIR]), out(GOOD, call("get_air_quality", city_id="C107")), True, (),
     "a second call is noted as extra but does not fail"),
    (sample([WEATHER]), out(call("book_table", restaurant="x"), GOOD), False, (tx.WRONG_FUNCTION,),
     "only the first call is the choice"),
    (sample([WEATHER]), out(call("get_weather", city_id="C107", unit="celsius")), False,
     (tx.WRONG_VALUE,), "right function, wrong argument value"),
    (sample([WEATHER]), out(call("get_weather", city_id="C107")), False, (tx.MISSING_OPTIONAL_ARG,),
     "right function, requested optional argument left out"),
    (sample([WEATHER]), out(call("get_weather", unit="fahrenheit")), False, (tx.MISSING_REQUIRED_ARG,),
     "right function, required argument left out"),
    (sample([WEATHER_ANY_UNIT]), out(call("get_weather", city_id="C107")), True, (),
     "omittable argument omitted"),
    (sample([WEATHER]), out(call("find_city", name="Lisbon")), False, (tx.WRONG_FUNCTION,),
     "valid call but not the next one: repeats an earlier call"),
    (sample([WEATHER]), out(call("weather_lookup", city="Lisbon")), False, (tx.HALLUCINATED_FUNCTION,),
     "function not in the library"),
    (sample([WEATHER]), out(text="Lisbon has id C107."), False, (tx.PREMATURE_STOP,),
     "answered although a call is still needed"),
    (sample([WEATHER]), out(), False, (tx.PREMATURE_STOP,), "empty output is a stop"),
    (sample([], stop=True, history=FINISHED), out(text="It is 70.6 F."), True, (), "correct stop"),
    (sample([], stop=True, history=FINISHED), out(GOOD), False, (tx.MISSED_STOP,),
     "repeats the last call instead of answering"),
    (sample([], stop=True, history=FINISHED), out(call("nope")), False,
     (tx.MISSED_STOP, tx.HALLUCINATED_FUNCTION), "calls an invented function instead of answering"),
    (sample([WEATHER]), ModelOutput(text="[{get_weather", malformed="bad JSON"), False,
     (tx.MALFORMED_OUTPUT,), "unreadable output"),
    (sample([], stop=True, history=FINISHED), ModelOutput(text="[{", malformed="bad JSON"), False,
     (tx.MALFORMED_OUTPUT,), "unreadable output on a stop sample"),
]


@pytest.mark.parametrize("smp,output,passed,failures,reason", CASES, ids=[c[4] for c in CASES])
def test_verdicts(smp, output, passed, failures, reason):
    score = TASK_.score(smp, output)
    assert (score.passed, score.failures) == (passed, tx.ordered(failures)), reason


def test_details_note_extra_and_repeated_calls():
    extra = TASK_.score(sample([WEATHER]), out(GOOD, call("get_air_quality", city_id="C107")))
    assert extra.details["extra_calls"] == ["get_air_quality"] and extra.details["notes"] == [tx.EXTRA_CALL]
    repeat = TASK_.score(sample([WEATHER]), out(call("find_city", name="Lisbon")))
    assert repeat.details["repeats_earlier_call"] is True


def test_metrics():
    scores = [
        TASK_.score(sample([WEATHER]), out(GOOD)),                                    # pass
        TASK_.score(sample([WEATHER]), out(call("get_weather", city_id="C107", unit="celsius"))),
        TASK_.score(sample([WEATHER]), out(text="done")),                            # premature stop
        TASK_.score(sample([], stop=True, history=FINISHED), out(text="70.6 F")),    # right stop
        TASK_.score(sample([], stop=True, history=FINISHED), out(GOOD)),             # missed stop
    ]
    assert scores[1].metrics == {"premature_stop_rate": 0.0, "next_function_accuracy": 1.0,
                                 "arg_tp": 1.0, "arg_fp": 1.0, "arg_fn": 1.0,
                                 "hallucinated_calls": 0.0, "predicted_calls": 1.0}
    assert scores[2].metrics["predicted_calls"] == 0.0, "a stop adds no call to the hallucination rate"
    agg = TASK_.aggregate(scores)
    assert agg["accuracy"] == pytest.approx(2 / 5)
    assert agg["next_function_accuracy"] == pytest.approx(2 / 3)
    assert agg["premature_stop_rate"] == pytest.approx(1 / 3)
    assert agg["missed_stop_rate"] == pytest.approx(1 / 2)
    assert agg["arg_precision"] == pytest.approx(3 / 4)
    assert agg["hallucination_rate"] == 0.0, "every call named a library function"
    assert set(TASK_.report_metrics) <= set(agg)


@pytest.mark.parametrize("smp", [sample([WEATHER, AIR]), sample([], stop=True, history=FINISHED)],
                         ids=["call", "stop"])
@pytest.mark.parametrize("mode", ["native", "prompt"])
def test_oracle_output_passes(smp, mode):
    request = TASK_.build_request(smp, mode)
    assert request.tool_choice == ("auto" if mode == "native" else "none")
    if mode == "prompt":
        # earlier calls and results are rendered as text for a model without a tool API
        assert request.messages[-1].role == "user"
        assert any("Output of find_city" in (m.content or "") for m in request.messages)
    else:
        assert request.parallel_tool_calls is False
    output = read_answer(request, request.reference_output)  # the real parsing step
    assert TASK_.score(smp, output).passed
