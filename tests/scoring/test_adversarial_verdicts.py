"""Adversarial verdicts: answers that must pass or must fail, each with its reason.

Each row is one answer a model could give (a right one written in a reasonable way, or a
wrong / degenerate one that games the metric). The rows marked ``fix`` failed before the
scorer was mended: nested references now mean the LATEST EARLIER call with their label (as
`reference_problems` and execution read them), canonically equivalent Unicode strings are
one string (NFC), and a whole-number fact 0..20 may be stated by its English word.
"""

from __future__ import annotations

import pytest
from fcbench_tasks.name_detection import TASK as NAME_DETECTION
from fcbench_tasks.nested import TASK as NESTED
from fcbench_tasks.next_best import TASK as NEXT_BEST
from fcbench_tasks.parallel import TASK as PARALLEL
from fcbench_tasks.parameter_value import TASK as PARAMETER_VALUE
from fcbench_tasks.response_generation import TASK as RESPONSE_GENERATION

from fcbench.records import Message, ModelOutput, Sample, Tool, ToolCall
from fcbench.scoring.text import fact_found

FIND = Tool("find_city", "Look up a city.",
            {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]},
            {"type": "object", "properties": {"city_id": {"type": "string"}, "name": {"type": "string"}}})
WEATHER = Tool("get_current_weather", "Current weather.",
               {"type": "object", "properties": {
                   "city_id": {"type": "string"},
                   "unit": {"type": "string", "enum": ["celsius", "fahrenheit"], "default": "celsius"}},
                "required": ["city_id"]},
               {"type": "object", "properties": {"temperature": {"type": "number"}}})
TIME = Tool("get_time", "Local time.", {"type": "object", "properties": {"tz": {"type": "string"}},
                                        "required": ["tz"]})
LIBRARY = (FIND, WEATHER, TIME)


def calls(*specs) -> ModelOutput:
    return ModelOutput(tool_calls=tuple(ToolCall(*s) for s in specs))


# ------------------------------------------------------------------ nested
def _nested(weather_of: str) -> Sample:
    """Look up Oslo (var1) and Paris (var2), then the weather of `weather_of` ("var1"/"var2")."""
    gold = {"calls": [
        {"name": "find_city", "arguments": {"name": ["Oslo"]}, "label": "var1"},
        {"name": "find_city", "arguments": {"name": ["Paris"]}, "label": "var2"},
        {"name": "get_current_weather", "arguments": {"city_id": [f"${weather_of}.city_id$"],
                                                      "unit": ["", "celsius"]}, "label": "var3"}],
        "result": {}}
    return Sample("adv-nested", "nested", (Message("user", "Oslo and Paris, then the weather"),),
                  LIBRARY, gold)


OSLO_WEATHER, PARIS_WEATHER = _nested("var1"), _nested("var2")
OSLO, PARIS = ("find_city", {"name": "Oslo"}), ("find_city", {"name": "Paris"})

NESTED_ROWS = [
    ("fix: reused label, the reference means the latest call (Paris), gold wants Oslo", OSLO_WEATHER,
     calls((*OSLO, "a"), (*PARIS, "a"), ("get_current_weather", {"city_id": "$a.city_id$"}, "c")), False),
    ("fix: reused label, the reference means the latest call (Paris), as gold wants", PARIS_WEATHER,
     calls((*OSLO, "a"), (*PARIS, "a"), ("get_current_weather", {"city_id": "$a.city_id$"}, "c")), True),
    ("fix: an explicit label var2 on the first call collides with the second call's positional var2",
     OSLO_WEATHER, calls((*OSLO, "var2"), PARIS, ("get_current_weather", {"city_id": "$var2.city_id$"})),
     False),
    ("fix: a reference to a label no predicted call has, though it spells the gold's label", OSLO_WEATHER,
     calls((*OSLO, "a"), (*PARIS, "b"), ("get_current_weather", {"city_id": "$var1.city_id$"}, "c")), False),
    ("own labels, each used once: mapped onto the gold's", OSLO_WEATHER,
     calls((*OSLO, "a"), (*PARIS, "b"), ("get_current_weather", {"city_id": "$a.city_id$"}, "c")), True),
    ("native: positional labels", PARIS_WEATHER,
     calls(OSLO, PARIS, ("get_current_weather", {"city_id": "$var2.city_id$"})), True),
    ("a reference to a later call", OSLO_WEATHER,
     calls((*OSLO, "a"), (*PARIS, "b"), ("get_current_weather", {"city_id": "$c.city_id$"}, "c")), False),
    ("a reference to the wrong earlier call", OSLO_WEATHER,
     calls(OSLO, PARIS, ("get_current_weather", {"city_id": "$var2.city_id$"})), False),
]


@pytest.mark.parametrize("reason,sample,output,passes", NESTED_ROWS, ids=[r[0] for r in NESTED_ROWS])
def test_nested(reason, sample, output, passes):
    score = NESTED().score(sample, output)
    assert score.passed is passes, f"{reason}: {score.failures} {score.details}"


# ----------------------------------------------------------- parameter_value
PV_SAMPLE = Sample("adv-pv", "parameter_value", (Message("user", "Weather at Café Zoë's city, in celsius"),),
                   LIBRARY, {"calls": [{"name": "get_current_weather",
                                        "arguments": {"city_id": ["Café Zoë"], "unit": ["", "celsius"]}}]})


def _weather(city_id, **extra) -> ModelOutput:
    return calls(("get_current_weather", {"city_id": city_id, **extra}))


PV_ROWS = [
    ("fix: decomposed accents (NFD) are the same text as composed ones", _weather("Cafe\u0301 Zoe\u0308"), True),
    ("case and surrounding/inner whitespace", _weather("  CAFÉ   zoë "), True),
    ("the optional argument given its default value", _weather("Café Zoë", unit="celsius"), True),
    ("Cyrillic a lookalike", _weather("C\u0430f\u00e9 Zo\u00eb"), False),
    ("zero-width space inside", _weather("Caf\u00e9\u200b Zo\u00eb"), False),
    ("enum value in another case (schema says lower case)", _weather("Café Zoë", unit="Celsius"), False),
    ("enum value the schema lacks", _weather("Café Zoë", unit="kelvin"), False),
    ("an argument the request never asked for", _weather("Café Zoë", lang="en"), False),
    ("a null for the optional argument", _weather("Café Zoë", unit=None), False),
    ("the right call twice", calls(("get_current_weather", {"city_id": "Café Zoë"}),
                                   ("get_current_weather", {"city_id": "Café Zoë"})), False),
]


@pytest.mark.parametrize("reason,output,passes", PV_ROWS, ids=[r[0] for r in PV_ROWS])
def test_parameter_value(reason, output, passes):
    score = PARAMETER_VALUE().score(PV_SAMPLE, output)
    assert score.passed is passes, f"{reason}: {score.failures}"


FULL_WIDTH = Sample("adv-pv-tz", "parameter_value", (Message("user", "Time in zone 12"),), LIBRARY,
                    {"calls": [{"name": "get_time", "arguments": {"tz": ["UTC+12"]}}]})


def test_full_width_digits_are_not_ascii_digits():
    """NFC folds canonical equivalents only; NFKC would make full-width '\uff11\uff12' equal '12'."""
    score = PARAMETER_VALUE().score(FULL_WIDTH, calls(("get_time", {"tz": "UTC+\uff11\uff12"})))
    assert not score.passed


# ------------------------------------------------------------------ parallel
PAR_SAMPLE = Sample("adv-par", "parallel", (Message("user", "Time in Oslo and in Tokyo"),), LIBRARY,
                    {"calls": [{"name": "get_time", "arguments": {"tz": ["Europe/Oslo"]}},
                               {"name": "get_time", "arguments": {"tz": ["Asia/Tokyo"]}}]})
OSLO_TIME, TOKYO_TIME = ("get_time", {"tz": "Europe/Oslo"}), ("get_time", {"tz": "Asia/Tokyo"})
PAR_ROWS = [
    ("the other order", calls(TOKYO_TIME, OSLO_TIME), True),
    ("one right call duplicated to cover both gold calls", calls(OSLO_TIME, OSLO_TIME), False),
    ("fewer calls", calls(OSLO_TIME), False),
    ("the right calls plus a duplicate", calls(OSLO_TIME, TOKYO_TIME, OSLO_TIME), False),
]


@pytest.mark.parametrize("reason,output,passes", PAR_ROWS, ids=[r[0] for r in PAR_ROWS])
def test_parallel(reason, output, passes):
    assert PARALLEL().score(PAR_SAMPLE, output).passed is passes, reason


# ------------------------------------------------------------ name_detection
ND_SAMPLE = Sample("adv-nd", "name_detection", (Message("user", "What time is it in Oslo?"),), LIBRARY,
                   {"names": ["get_time"]})
ND_ROWS = [
    ("every function of the library", calls(*((t.name, {}) for t in LIBRARY)), False),
    ("the right one plus an extra", calls(("get_time", {}), ("find_city", {})), False),
    ("the right one twice (a name counts once, as documented)", calls(("get_time", {}), ("get_time", {})),
     True),
]


# ----------------------------------------------------------------- next_best
NB_SAMPLE = Sample("adv-nb", "next_best", (
    Message("user", "Weather in Oslo?"),
    Message("assistant", tool_calls=(ToolCall("find_city", {"name": "Oslo"}, id="c1"),)),
    Message("tool", '{"city_id": "C107", "name": "Oslo"}', tool_call_id="c1", name="find_city")),
    LIBRARY, {"next": [{"name": "get_current_weather", "arguments": {"city_id": ["C107"],
                                                                     "unit": ["", "celsius"]}}],
              "stop": False})
NB_ROWS = [
    ("stopping early", ModelOutput(text="Done."), False),
    ("repeating the call already made", calls(OSLO), False),
    ("the right next call", calls(("get_current_weather", {"city_id": "C107"})), True),
]


WHICH_CALL_ROWS = ([(NAME_DETECTION, ND_SAMPLE, *row) for row in ND_ROWS]
                   + [(NEXT_BEST, NB_SAMPLE, *row) for row in NB_ROWS])


@pytest.mark.parametrize("task,sample,reason,output,passes", WHICH_CALL_ROWS,
                         ids=[f"{r[0].name}: {r[2]}" for r in WHICH_CALL_ROWS])
def test_name_detection_and_next_best(task, sample, reason, output, passes):
    assert task().score(sample, output).passed is passes, reason


# ------------------------------------------------------- response_generation
RG_SAMPLE = Sample("adv-rg", "response_generation", (
    Message("user", "Create the group Climbing crew with CT2130 (admin), CT2091 and CT2169."),
    Message("assistant", tool_calls=(ToolCall("create_group_chat", {"group_name": "Climbing crew"}, id="c1"),)),
    Message("tool", '{"group_id": "GR301", "member_count": 3, "admin_count": 1, "aqi": 33}',
            tool_call_id="c1", name="create_group_chat")),
    (), {"reference": "The group GR301 has 3 members, 1 of them admin.",
         "facts": [{"value": 3, "kind": "number"}, {"value": 1, "kind": "number"}]})
RG_ROWS = [
    ("fix: small counts written as words", "Done: the group GR301 has three members, one of them an admin.",
     True),
    ("fix: a count word starting the sentence", "Three members joined GR301; One is the admin.", True),
    ("digits", "The group GR301 has 3 members, 1 of them admin.", True),
    ("a hyphenated compound is another number", "The group has twenty-three members and twenty-one admins.",
     False),
    ("a hedge with an unsupported figure", "The group has 3 members, 1 admin, and an AQI of 33 or 34.", False),
    ("a call instead of an answer", None, False),
]


@pytest.mark.parametrize("reason,reply,passes", RG_ROWS, ids=[r[0] for r in RG_ROWS])
def test_response_generation(reason, reply, passes):
    output = (ModelOutput(text=reply) if reply is not None
              else calls(("get_time", {"tz": "Europe/Oslo"})))
    score = RESPONSE_GENERATION().score(RG_SAMPLE, output)
    assert score.passed is passes, f"{reason}: {score.failures} {score.details}"


FACT_ROWS = [
    ({"value": "5 days", "kind": "number"}, "It arrives in five days.", True, "fix: a word with an agreeing unit"),
    ({"value": "5 km", "kind": "number"}, "It is five days away.", False, "a word with another unit"),
    ({"value": 3.5, "kind": "number"}, "About three.", False, "a word is never a fraction"),
    ({"value": 21, "kind": "number"}, "twenty-one", False, "only 0..20 (no compounds)"),
    ({"value": 0, "kind": "number"}, "There are no alerts.", False, "'no' is not read as zero (too loose)"),
    ({"value": 1, "kind": "number"}, "No one has joined yet; the one who asked is away.", False,
     "'one' as a pronoun states no count"),
    ({"value": 1, "kind": "number"}, "There is one alert.", True, "fix: 'one' as a count"),
]


@pytest.mark.parametrize("fact,reply,found,reason", FACT_ROWS, ids=[r[3] for r in FACT_ROWS])
def test_fact_words(fact, reply, found, reason):
    assert fact_found(fact, reply) is found, reason
