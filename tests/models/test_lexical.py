"""`reference/lexical`: the word-overlap baseline picks, fills and answers as designed."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys

import pytest

from fcbench.models.lexical import LexicalModel, Literals, rank_tools
from fcbench.models.registry import resolve_model
from fcbench.parsing import extract_calls
from fcbench.records import Message, Request, Tool, ToolCall

UNIT = {"type": "string", "enum": ["celsius", "fahrenheit"], "default": "celsius"}
LIBRARY = (
    Tool("get_weather", "Get the current weather conditions for a city.",
         {"type": "object", "properties": {"city": {"type": "string", "description": "City name."},
                                           "unit": UNIT}, "required": ["city"]}),
    Tool("find_city", "Look up a city by name and return its identifier.",
         {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]},
         {"type": "object", "properties": {"city_id": {"type": "string"}}}),
    Tool("get_air_quality", "Get the air quality index of a city.",
         {"type": "object", "properties": {"city_id": {"type": "string", "description": "City id, e.g. C107."}},
          "required": ["city_id"]}),
    Tool("find_employee", "Look up an employee record by employee id.",
         {"type": "object", "properties": {"employee_id": {"type": "string", "description": "Employee id."}},
          "required": ["employee_id"]}),
    Tool("book_meeting_room", "Book a meeting room for a date and a number of attendees.",
         {"type": "object", "properties": {
             "date": {"type": "string", "description": "ISO date."},
             "attendees": {"type": "integer"},
             "options": {"type": "object", "properties": {"projector": {"type": "boolean", "default": False}},
                         "required": ["projector"]}},
          "required": ["date", "attendees", "options"]}),
)


def ask(text, *, mode="native", expects="calls", history=(), library=LIBRARY):
    messages = (Message("user", text), *history)
    if mode == "prompt":
        messages = (Message("system", "You can call the functions listed below. ..."), *messages)
    request = Request("s1", "t", mode, messages, library if mode == "native" else (),
                      library=library, expects=expects)
    return asyncio.run(LexicalModel("reference/lexical").generate(request))


# (request, expected calls, reason)
CALL_ROWS = [
    ("What's the weather in Paris, in fahrenheit?",
     [ToolCall("get_weather", {"city": "Paris", "unit": "fahrenheit"})], "name words + enum + capitalised city"),
    ("Weather for Mexico City please.", [ToolCall("get_weather", {"city": "Mexico City"})],
     "multi-word capitalised phrase; optional enum absent from the text is left out"),
    ("Look up the employee EMP-0042.", [ToolCall("find_employee", {"employee_id": "EMP-0042"})],
     "id literal"),
    ("How clean is the air in C107? I need the air quality index.",
     [ToolCall("get_air_quality", {"city_id": "C107"})], "short id literal"),
    ("Book a meeting room on 2024-05-17 for 6 attendees.",
     [ToolCall("book_meeting_room", {"date": "2024-05-17", "attendees": 6, "options": {"projector": False}})],
     "ISO date, integer, nested object with boolean default"),
    ("Tell me a joke about penguins.", [], "no word overlaps any tool: no call"),
    ("What's the weather in Oslo and also look up employee EMP-7 and EMP-0042",
     [ToolCall("get_weather", {"city": "Oslo"}), ToolCall("find_employee", {"employee_id": "EMP-0042"})],
     "connector asks for two calls, in the order of the request"),
    ("Find the city Lisbon and then get its air quality index.",
     [ToolCall("find_city", {"name": "Lisbon"}, "var1"),
      ToolCall("get_air_quality", {"city_id": "$var1.city_id$"}, "var2")],
     "a value an earlier call returns becomes a reference, calls get labels"),
]


@pytest.mark.parametrize("text, expected, reason", CALL_ROWS, ids=[r[2] for r in CALL_ROWS])
def test_native_calls(text, expected, reason):
    out = ask(text)
    assert list(out.tool_calls) == expected, reason
    assert out.latency_s == 0.0 and out.usage.prompt_tokens > 0


@pytest.mark.parametrize("text, expected, reason", CALL_ROWS, ids=[r[2] for r in CALL_ROWS])
def test_prompt_mode_parses_back(text, expected, reason):
    out = ask(text, mode="prompt")
    assert out.tool_calls == ()
    parsed = extract_calls(out.text)
    assert parsed.malformed is None and list(parsed.calls) == expected, reason
    assert json.loads(out.text) == [c.to_dict() for c in expected]  # the plain JSON list format


def test_no_call_in_prompt_mode_is_empty_list():
    assert ask("Tell me a joke about penguins.", mode="prompt").text == "[]"


def _history(call, result):
    return (Message("assistant", None, (ToolCall(call.name, call.arguments, id="c1"),)),
            Message("tool", json.dumps(result), tool_call_id="c1", name=call.name))


def test_next_call_uses_result_and_does_not_repeat():
    history = _history(ToolCall("find_city", {"name": "Lisbon"}), {"city_id": "C114", "name": "Lisbon"})
    out = ask("Find the city Lisbon and then get its air quality index.", history=history)
    assert list(out.tool_calls) == [ToolCall("get_air_quality", {"city_id": "C114"})]


def test_stops_when_every_call_was_made():
    history = (*_history(ToolCall("find_city", {"name": "Lisbon"}), {"city_id": "C114"}),
               *_history(ToolCall("get_air_quality", {"city_id": "C114"}),
                         {"city_id": "C114", "aqi": 42, "category": "good"}))
    out = ask("Find the city Lisbon and get its air quality category.", history=history)
    assert out.tool_calls == () and "good" in out.text


def test_prompt_mode_history_is_read_from_text():
    history = (Message("assistant", '[{"name": "find_city", "arguments": {"name": "Lisbon"}}]'),
               Message("user", 'Output of find_city: {"city_id": "C114", "name": "Lisbon"}'))
    out = ask("Find the city Lisbon and then get its air quality index.", mode="prompt", history=history)
    assert json.loads(out.text) == [{"name": "get_air_quality", "arguments": {"city_id": "C114"}}]


def test_text_answer_repeats_matching_result_values():
    history = _history(ToolCall("get_weather", {"city": "Paris"}),
                       {"city": "Paris", "temperature": 21.5, "condition": "sunny", "humidity": 40})
    for mode in ("native", "prompt"):
        out = ask("What temperature and condition is it in Paris?", mode=mode, expects="text", history=history)
        assert out.tool_calls == ()
        assert "21.5" in out.text and "sunny" in out.text
        assert "40" not in out.text  # humidity was not asked for
        assert out.usage.completion_tokens == len(out.text.split())


def test_literals_are_consumed_once_in_order():
    lit = Literals.from_text('Move "Team sync" from 2024-01-02 to 2024-01-09 for 3 people, room B12, 2.5 hours')
    assert lit.quoted == ["Team sync"] and lit.dates == ["2024-01-02", "2024-01-09"]
    assert lit.ids == ["B12"] and lit.numbers == [3, 2.5]
    assert lit.take_number(integer=True) == 3 and lit.take_number(integer=True) is None
    assert lit.take("dates") == "2024-01-02" and lit.take("dates") == "2024-01-09"


def test_rank_prefers_rare_name_words():
    ranked = rank_tools("air quality in Rome", LIBRARY)
    assert ranked[0][2].name == "get_air_quality"


def test_registered_name():
    model = resolve_model("reference/lexical")
    assert isinstance(model, LexicalModel) and model.offline and model.provider == "reference"


def test_deterministic_across_hash_seeds():
    """Same outputs in fresh interpreters with different string-hash seeds."""
    script = ("import asyncio, json, sys; sys.path[:0] = ['tests', 'tests/models']; import test_lexical as t; "
              "print(json.dumps([[c.to_dict() for c in t.ask(r[0]).tool_calls] for r in t.CALL_ROWS]))")
    outputs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env,
                              cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))), check=True)
        outputs.add(done.stdout)
    assert len(outputs) == 1
    assert ask(CALL_ROWS[0][0]) == ask(CALL_ROWS[0][0])
