"""name_detection scorer: table of hand-written predictions with verdicts and reasons."""

from __future__ import annotations

import pytest
from fcbench_tasks.name_detection import TASK

from fcbench.parsing.intake import read_answer
from fcbench.records import Message, ModelOutput, Sample, Tool, ToolCall
from fcbench.scoring import taxonomy as tx
from fcbench.scoring.metrics import aggregate

TASK_ = TASK()
OBJ = {"type": "object", "properties": {}}
LIBRARY = tuple(Tool(n, f"{n} tool", OBJ) for n in ("get_weather", "find_city", "get_forecast", "book_table"))


def sample(names: list[str]) -> Sample:
    return Sample("nd-1", "name_detection", (Message("user", "What's the weather in Lisbon?"),),
                  LIBRARY, {"names": names})


def calls(*names: str) -> ModelOutput:
    return ModelOutput(tool_calls=tuple(ToolCall(n, {}) for n in names))


TEXT = ModelOutput(text="I cannot help with that using these tools.")
MALFORMED = ModelOutput(text="[{'name': get_weather", malformed="invalid JSON")

# (gold names, output, passed, failures, reason)
CASES = [
    (["find_city", "get_weather"], calls("get_weather", "find_city"), True, (), "exact set, any order"),
    (["get_weather"], ModelOutput(tool_calls=(ToolCall("get_weather", {"city": "Lisbon"}),)), True, (),
     "arguments are not judged"),
    (["get_weather"], calls("get_weather", "get_weather"), True, (), "a repeated name counts once"),
    (["find_city", "get_weather"], calls("get_weather"), False, (tx.MISSING_CALL,), "subset"),
    (["get_weather"], calls("get_weather", "find_city"), False, (tx.EXTRA_CALL,), "superset"),
    (["get_weather"], calls("get_forecast"), False, (tx.WRONG_FUNCTION,), "another library function"),
    (["get_weather"], calls("weather_now"), False, (tx.HALLUCINATED_FUNCTION,), "name not in the library"),
    (["get_weather"], calls("get_weather", "weather_now"), False, (tx.HALLUCINATED_FUNCTION,),
     "right name plus a hallucinated one"),
    (["find_city", "get_weather"], calls("get_forecast", "weather_now"), False,
     (tx.WRONG_FUNCTION, tx.HALLUCINATED_FUNCTION), "one substitution, one hallucination"),
    (["get_weather"], calls("Get_Weather"), False, (tx.HALLUCINATED_FUNCTION,), "names are case-sensitive"),
    (["get_weather"], TEXT, False, (tx.NO_CALL,), "text only on a tool case"),
    ([], TEXT, True, (), "no-tool case answered in text"),
    ([], ModelOutput(), True, (), "no-tool case answered with nothing"),
    ([], calls("get_weather"), False, (tx.EXTRA_CALL,), "a call on a no-tool case"),
    ([], calls("translate"), False, (tx.HALLUCINATED_FUNCTION,), "an invented function on a no-tool case"),
    (["get_weather"], MALFORMED, False, (tx.MALFORMED_OUTPUT,), "unreadable output"),
    ([], MALFORMED, False, (tx.MALFORMED_OUTPUT,), "unreadable on a no-tool case is not a correct 'none'"),
]


@pytest.mark.parametrize("gold,output,passed,failures,reason", CASES, ids=[c[4] for c in CASES])
def test_verdicts(gold, output, passed, failures, reason):
    score = TASK_.score(sample(gold), output)
    assert (score.passed, score.failures) == (passed, tx.ordered(failures)), reason
    assert set(score.failures) <= set(tx.ALL)


def test_metrics_per_sample_and_aggregate():
    scores = [
        TASK_.score(sample(["find_city", "get_weather"]), calls("get_weather")),   # tp1 fn1
        TASK_.score(sample(["get_weather"]), calls("get_weather", "weather_now")),  # tp1 fp1, halluc.
        TASK_.score(sample([]), TEXT),                                              # correct none
        TASK_.score(sample([]), calls("book_table")),                               # fp1, wrong none
    ]
    assert scores[0].metrics == {"name_tp": 1, "name_fp": 0, "name_fn": 1,
                                 "hallucinated_name_rate": 0, "tool_accuracy": 0,
                                 "hallucinated_calls": 0, "predicted_calls": 1}
    assert "tool_accuracy" not in scores[2].metrics and scores[2].metrics["no_tool_accuracy"] == 1
    agg = TASK_.aggregate(scores)
    assert agg == {**aggregate(TASK_.metrics, scores), "name_macro_f1": agg["name_macro_f1"]}
    # per name F1: find_city 0 (missed once), get_weather 1, weather_now 0, book_table 0
    assert agg["name_macro_f1"] == pytest.approx(1 / 4)
    assert agg["accuracy"] == 0.25
    assert agg["name_precision"] == pytest.approx(2 / 4)
    assert agg["name_recall"] == pytest.approx(2 / 3)
    assert agg["no_tool_accuracy"] == 0.5
    assert agg["tool_accuracy"] == 0.0
    assert agg["hallucinated_name_rate"] == 0.25
    # 4 calls in all (1 + 2 + 0 + 1), one of them (weather_now) outside its library: micro over calls
    assert agg["hallucination_rate"] == 0.25
    assert set(TASK_.report_metrics) <= set(agg)


@pytest.mark.parametrize("gold", [["find_city", "get_weather"], []])
@pytest.mark.parametrize("mode", ["native", "prompt"])
def test_oracle_output_passes(gold, mode):
    request = TASK_.build_request(sample(gold), mode)
    assert request.tool_choice == ("auto" if mode == "native" else "none")
    if mode == "prompt":  # the oracle's text is the JSON list the instruction asks for
        assert "[]" in request.messages[0].content
    output = read_answer(request, request.reference_output)  # the real parsing step
    assert TASK_.score(sample(gold), output).passed
