"""Property tests: the name_detection, next_best and response_generation scorers never raise.

Predictions are arbitrary: any names, arguments of any JSON shape, any text,
malformed or not. Every verdict must be consistent (a failed sample carries
categories from the taxonomy, a passed one none) and every metric a finite number.
"""

from __future__ import annotations

import math

from fcbench_tasks.name_detection import TASK as NameDetection
from fcbench_tasks.next_best import TASK as NextBest
from fcbench_tasks.response_generation import TASK as ResponseGeneration
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fcbench.records import Message, ModelOutput, Sample, Tool, ToolCall
from fcbench.scoring import taxonomy as tx
from fcbench.scoring.text import Support, fact_found, unsupported_claims

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.none() | st.booleans() | st.integers(-10**6, 10**6) | \
    st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=20)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)
names = st.sampled_from(["get_weather", "find_city", "nope", "", "Get_Weather"]) | st.text(max_size=12)
calls = st.builds(ToolCall, names, st.dictionaries(st.text(max_size=8), json_values, max_size=4),
                  st.none() | st.text(max_size=5))
# replies mix free text with number-, date- and unit-like fragments
fragments = st.sampled_from(["21.5 \u00b0C", "1,234.5", "1.2e3", "12 %", "$45.20", "-3", "March 14, 2026",
                             "14/03/2026", "9:30 pm", "4.52 million", "C107", "5th", "\u2212", ",", "e",
                             "1e999", "0e999", "0.000e-999", "99999999999999999999", "sunny", " ", "\n"])
replies = st.none() | st.lists(fragments | st.text(max_size=15), max_size=8).map("".join)
outputs = st.builds(ModelOutput, replies, st.lists(calls, max_size=3).map(tuple),
                    malformed=st.none() | st.just("unreadable"))

LIBRARY = (Tool("get_weather", "w", {"type": "object", "properties": {"city_id": {"type": "string"}},
                                     "required": ["city_id"]}),
           Tool("find_city", "f", {"type": "object", "properties": {"name": {"type": "string"}}}))
MESSAGES = (Message("user", "Weather in Lisbon on 2026-03-14?"),
            Message("assistant", tool_calls=(ToolCall("find_city", {"name": "Lisbon"}, id="c1"),)),
            Message("tool", '{"city_id": "C107", "temp_c": 21.46}', tool_call_id="c1", name="find_city"))


def check(score) -> None:
    assert score.passed == (not score.failures)
    assert set(score.failures) <= set(tx.ALL)
    assert all(isinstance(v, float) and math.isfinite(v) for v in score.metrics.values())


@SETTINGS
@given(outputs, st.lists(st.sampled_from(["get_weather", "find_city"]), unique=True))
def test_name_detection_never_raises(output, gold):
    smp = Sample("p", "name_detection", MESSAGES[:1], LIBRARY, {"names": gold})
    check(NameDetection().score(smp, output))


@SETTINGS
@given(outputs, st.booleans())
def test_next_best_never_raises(output, stop):
    gold = {"next": [] if stop else [{"name": "get_weather", "arguments": {"city_id": ["C107"]}}],
            "stop": stop}
    check(NextBest().score(Sample("p", "next_best", MESSAGES, LIBRARY, gold), output))


@SETTINGS
@given(outputs, st.lists(st.fixed_dictionaries({"value": json_values,
                                                 "kind": st.sampled_from(["number", "date", "text", "?"])}),
                         max_size=3))
def test_response_generation_never_raises(output, facts):
    gold = {"reference": "It is 21.5 \u00b0C.", "facts": facts}
    check(ResponseGeneration().score(Sample("p", "response_generation", MESSAGES, LIBRARY, gold), output))


@SETTINGS
@given(replies, st.lists(json_values, max_size=3))
def test_text_helpers_never_raise(reply, sources):
    support = Support.from_sources(sources)
    assert isinstance(unsupported_claims(reply or "", support), list)
    assert fact_found({"value": reply, "kind": "number"}, reply or "") in (True, False)
