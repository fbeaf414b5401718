"""response_generation scorer and the optional pairwise judge."""

from __future__ import annotations

import asyncio

import pytest
from fcbench_tasks.response_generation import TASK
from fcbench_tasks.response_generation.judge import PairwiseJudge, parse_vote, with_judgement

from fcbench.parsing.intake import read_answer
from fcbench.records import InfraFailure, Message, ModelOutput, Request, Sample, Tool, ToolCall
from fcbench.scoring import taxonomy as tx

TASK_ = TASK()
LIBRARY = (Tool("get_weather", "Current weather of a city.",
                {"type": "object", "properties": {"city_id": {"type": "string"}}, "required": ["city_id"]}),
           Tool("get_forecast", "Forecast for a date.",
                {"type": "object", "properties": {"city_id": {"type": "string"},
                                                  "date": {"type": "string"}}}))
MESSAGES = (
    Message("user", "What's the weather in Lisbon now, and will it rain on 2026-03-14?"),
    Message("assistant", tool_calls=(ToolCall("get_weather", {"city_id": "C107"}, id="c1"),
                                     ToolCall("get_forecast", {"city_id": "C107", "date": "2026-03-14"},
                                              id="c2"))),
    Message("tool", '{"temp_c": 21.46, "condition": "sunny", "humidity": 63, "wind_kmh": 12}',
            tool_call_id="c1", name="get_weather"),
    Message("tool", '{"date": "2026-03-14", "rain_chance": 0.7, "high_c": 18.0}',
            tool_call_id="c2", name="get_forecast"),
)
FACTS = [{"value": "21.5 \u00b0C", "kind": "number"}, {"value": "sunny", "kind": "text"},
         {"value": 0.7, "kind": "number"}, {"value": "2026-03-14", "kind": "date"}]
REFERENCE = ("It is sunny in Lisbon at 21.5 \u00b0C right now. On 2026-03-14 the chance of rain "
             "is 70 %, with a high of 18 \u00b0C.")
SAMPLE = Sample("rg-1", "response_generation", MESSAGES, LIBRARY,
                {"reference": REFERENCE, "facts": FACTS})


def text(reply: str | None) -> ModelOutput:
    return ModelOutput(text=reply)


# (output, passed, failures, reason)
CASES = [
    (text(REFERENCE), True, (), "the reference answer"),
    (text("Lisbon: sunny, 21.46 degrees Celsius. Rain chance on March 14, 2026: 0.7."), True, (),
     "facts in other number, unit and date forms"),
    (text("Sunny and 21.5C now; 70 percent chance of rain on 14 March."), True, (),
     "percent spelled out, written date without year, bare C"),
    (text("Sunny and 21.5 \u00b0C, humidity 63 %, wind 12 km/h; 70 % rain on 14/03/2026."), True, (),
     "extra numbers that the tool outputs support"),
    (text("Sunny and 23.5 \u00b0C; 70 % rain on 2026-03-14."), False,
     (tx.MISSING_FACT, tx.UNSUPPORTED_CLAIM), "a wrong number: fact missing and number unsupported"),
    (text("Sunny and 21.5 \u00b0C; 70 % rain on 2026-03-14, so about 9 mm of rain."), False,
     (tx.UNSUPPORTED_CLAIM,), "a number the tool outputs do not support"),
    (text("Sunny and 21.5 \u00b0F; 70 % rain on 2026-03-14."), False, (tx.MISSING_FACT,),
     "wrong unit for the temperature fact"),
    (text("Sunny and 21.5 \u00b0C; 70 % rain on March 15, 2026."), False,
     (tx.MISSING_FACT, tx.UNSUPPORTED_CLAIM), "wrong date"),
    (text("It is sunny in Lisbon."), False, (tx.MISSING_FACT,), "facts left out"),
    (ModelOutput(tool_calls=(ToolCall("get_weather", {"city_id": "C107"}),)), False,
     (tx.CALLED_INSTEAD_OF_ANSWERING, tx.MISSING_FACT), "a tool call instead of text"),
    (ModelOutput(text=REFERENCE, tool_calls=(ToolCall("get_weather", {"city_id": "C107"}),)), False,
     (tx.CALLED_INSTEAD_OF_ANSWERING,), "a full answer plus a further call"),
    (text(""), False, (tx.MISSING_FACT,), "empty reply"),
    (text(None), False, (tx.MISSING_FACT,), "no text at all"),
    (ModelOutput(text='{"name": get_weather', malformed="looks like a call, unreadable"), False,
     (tx.MALFORMED_OUTPUT,), "unreadable output"),
]


@pytest.mark.parametrize("output,passed,failures,reason", CASES, ids=[c[3] for c in CASES])
def test_verdicts(output, passed, failures, reason):
    score = TASK_.score(SAMPLE, output)
    assert (score.passed, score.failures) == (passed, tx.ordered(failures)), (reason, score.details)


def test_metrics_and_details():
    half = TASK_.score(SAMPLE, text("Sunny, 21.5 \u00b0C, wind 40 km/h."))
    # (rouge_l and bleu against the reference are tested in tests/scoring/test_reply_similarity.py)
    judged = {k: v for k, v in half.metrics.items() if k not in ("rouge_l", "bleu")}
    assert judged == {"fact_recall": 0.5, "unsupported_number_rate": 1.0, "tool_call_rate": 0.0}
    assert half.details["missing_facts"] == [0.7, "2026-03-14"]
    assert half.details["unsupported"] == ["40 km/h"]
    called = TASK_.score(SAMPLE, ModelOutput(tool_calls=(ToolCall("get_weather", {}),)))
    agg = TASK_.aggregate([TASK_.score(SAMPLE, text(REFERENCE)), half, called])
    assert agg["accuracy"] == pytest.approx(1 / 3)
    assert agg["fact_recall"] == pytest.approx(0.5)
    assert agg["tool_call_rate"] == pytest.approx(1 / 3)
    # judge_score is reported only when a judge ran (fcbench run --judge MODEL), the reply
    # similarities only where their optional package (and model) is there
    optional = {"judge_score"} | {m.name for m in TASK_.metrics if m.needs}
    assert set(TASK_.report_metrics) - optional <= set(agg)


@pytest.mark.parametrize("mode", ["native", "prompt"])
def test_request_and_oracle(mode):
    request = TASK_.build_request(SAMPLE, mode)
    assert request.expects == "text"
    if mode == "native":
        assert request.tools == LIBRARY and request.tool_choice == "auto"
    else:
        assert "Do not call any function" in request.messages[0].content
    assert TASK_.score(SAMPLE, read_answer(request, request.reference_output)).passed


# ------------------------------------------------------------------ judge
def fake_judge(*answers: str):
    """A generate() that replays `answers` and records the requests it got."""
    seen: list[Request] = []

    async def generate(request: Request) -> ModelOutput:
        seen.append(request)
        return ModelOutput(text=answers[len(seen) - 1])

    return generate, seen


# (judge answers for order (reply, reference) then (reference, reply), outcome, score, reason)
JUDGE_CASES = [
    (("Verdict: A", "Verdict: B"), "win", 1.0, "reply preferred in both orders"),
    (("Verdict: B", "Verdict: A"), "loss", 0.0, "reference preferred in both orders"),
    (("Verdict: A", "Verdict: A"), "tie", 0.5, "position bias: always the first answer"),
    (("verdict: tie", "Verdict: **B**"), "win", 0.75, "a tie and a win"),
    (("I think A is clearer.\nVerdict: A", "no idea"), "win", 1.0, "unreadable second vote ignored"),
    (("maybe", "hmm"), "invalid", None, "nothing readable"),
]


@pytest.mark.parametrize("answers,outcome,score,reason", JUDGE_CASES, ids=[c[3] for c in JUDGE_CASES])
def test_pairwise_judge(answers, outcome, score, reason):
    generate, seen = fake_judge(*answers)
    verdict = asyncio.run(PairwiseJudge(generate).judge(SAMPLE, "My reply"))
    assert (verdict.outcome, verdict.score) == (outcome, score), reason
    first, second = (r.messages[1].content for r in seen)
    assert first.index("My reply") < first.index(REFERENCE)
    assert second.index(REFERENCE) < second.index("My reply")
    assert all(r.tools == () and r.expects == "text" for r in seen)


def test_judge_single_order_infra_error_and_score_merge():
    async def broken(request: Request) -> ModelOutput:
        return ModelOutput(infra_error=InfraFailure("timeout", "judge timed out"))

    assert asyncio.run(PairwiseJudge(broken).judge(SAMPLE, "x")).outcome == "invalid"
    generate, seen = fake_judge("Verdict: A")
    verdict = asyncio.run(PairwiseJudge(generate, both_orders=False).judge(SAMPLE, "x"))
    assert len(seen) == 1 and verdict.outcome == "win"
    merged = with_judgement(TASK_.score(SAMPLE, text(REFERENCE)), verdict)
    assert merged.passed and merged.metrics["judge_score"] == 1.0
    assert merged.details["judge"]["outcome"] == "win"


@pytest.mark.parametrize("raw,vote", [("A", "A"), (" b. ", "B"), ("Tie", "tie"), ("Verdict - B", "B"),
                                      ("A or B? Verdict: A. Final verdict: B", "B"), ("", None),
                                      ("Both are fine", None)])
def test_parse_vote(raw, vote):
    assert parse_vote(raw) == vote
