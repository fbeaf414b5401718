"""Table-driven tests for `fcbench.parsing`: every row is an input, what must come out, and why."""

from __future__ import annotations

import json
import keyword

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fcbench.parsing import FORMATS, ParsedCalls, extract_calls, looks_like_call
from fcbench.parsing.extract import _extract
from fcbench.records import ToolCall

BAD = "malformed"  # expected value for rows that must be reported as malformed


def call(_name, _label=None, _id=None, **arguments):
    return ToolCall(_name, arguments, _label, _id)


F = call("get_weather", city="Paris", unit="celsius")
G = call("get_time", tz="CET")

# (text, expected calls or BAD, expected format, reason)
ROWS = [
    # ---- plain text and deliberate "no call"
    ("", [], None, "empty output is a text answer"),
    ("   \n\t ", [], None, "whitespace only is a text answer"),
    (None, [], None, "no content at all"),
    ("The weather in Paris is sunny, 21 °C.", [], None, "prose without call syntax"),
    ("Your options are [a] or [b] (see above).", [], None, "brackets in prose are not calls"),
    ("[1] Paris is the capital of France.", [], None, "footnote marker, not a JSON call list"),
    ('The record was {"name": "Paris", "population": 2100000}.', [], None,
     "JSON data in prose is not a call (extra keys)"),
    ("[]", [], "json", "empty list = deliberate no call, not malformed"),
    ("```json\n[]\n```", [], "json", "fenced empty list = deliberate no call"),
    ("Let me think. [{\"name\": \"get_weather\"</think>No call is needed.", [], None,
     "a stray </think> ends reasoning the template opened"),
    ("<think>Should I call get_weather? [{\"name\": \"get_weather\"</think>No call is needed.", [], None,
     "drafts inside reasoning are ignored"),
    # ---- JSON, bare
    ('[{"name": "get_weather", "arguments": {"city": "Paris", "unit": "celsius"}}]', [F], "json",
     "fcbench prompt format"),
    ('{"name": "get_weather", "arguments": {"city": "Paris", "unit": "celsius"}}', [F], "json",
     "a single object"),
    ('{"name": "get_weather", "parameters": {"city": "Paris", "unit": "celsius"}}', [F], "json",
     "Llama 3 'parameters' key"),
    ('{"function": {"name": "get_weather", "arguments": {"city": "Paris", "unit": "celsius"}}}', [F],
     "json", "nested 'function' object"),
    (('[{"id": "call_1", "type": "function", "function": {"name": "get_time", '
     '"arguments": "{\\"tz\\": \\"CET\\"}"}}]'), [call("get_time", _id="call_1", tz="CET")], "json",
     "OpenAI shape with arguments as a JSON string; id kept"),
    ('{"tool_calls": [{"name": "get_time", "arguments": {"tz": "CET"}}]}', [G], "json",
     "tool_calls wrapper object"),
    (('[{"name": "get_weather", "arguments": {"city": "Paris", "unit": "celsius"}},'
     ' {"name": "get_time", "arguments": {"tz": "CET"}}]'), [F, G], "json", "two calls in order"),
    (('{"name": "get_weather", "parameters": {"city": "Paris", "unit": "celsius"}};'
     ' {"name": "get_time", "parameters": {"tz": "CET"}}'), [F, G], "json",
     "Llama 3 calls separated by ';'"),
    (('[{"name": "find_city", "arguments": {"name": "Oslo"}, "label": "var1"}, '
     '{"name": "get_current_weather", "arguments": {"city_id": "$var1.city_id$"}, "label": "var2"}]'),
     [call("find_city", "var1", name="Oslo"), call("get_current_weather", "var2", city_id="$var1.city_id$")],
     "json", "labels are kept"),
    (('[{"name": "book", "arguments": {"trip": {"from": "Oslo", "stops": ["Köln", "Zürich"], '
     '"meta": {"pax": 2, "vip": false, "note": null}}}}]'),
     [call("book", trip={"from": "Oslo", "stops": ["Köln", "Zürich"],
                         "meta": {"pax": 2, "vip": False, "note": None}})],
     "json", "nested argument objects, lists and unicode"),
    ('[{"name": "translate", "arguments": {"text": "東京は晴れ 🌞", "to": "fr"}}]',
     [call("translate", text="東京は晴れ 🌞", to="fr")], "json", "unicode strings"),
    ('{"name": "ping"}', [call("ping")], "json", "missing arguments mean no arguments"),
    ('{"name": "ping", "arguments": ""}', [call("ping")], "json", "empty argument string = no arguments"),
    ('Sure! Here is the call:\n[{"name": "get_time", "arguments": {"tz": "CET"}}]\nLet me know.', [G],
     "json", "text before and after a JSON list"),
    ('I will check: {"name": "get_time", "arguments": {"tz": "CET"}} and report back.', [G], "json",
     "JSON object inside a sentence"),
    # ---- JSON in code fences
    ('```json\n[{"name": "get_time", "arguments": {"tz": "CET"}}]\n```', [G], "json", "```json fence"),
    ('```\n{"name": "get_time", "arguments": {"tz": "CET"}}\n```', [G], "json", "plain ``` fence"),
    ('Calling now.\n```json\n{"name": "get_time", "arguments": {"tz": "CET"}}\n```\nDone.', [G], "json",
     "fence with text around it"),
    (('First:\n```json\n{"name": "get_weather", "arguments": {"city": "Paris", "unit": "celsius"}}\n```\n'
     'Then:\n```json\n{"name": "get_time", "arguments": {"tz": "CET"}}\n```'), [F, G], "json",
     "two fences, two calls"),
    ('```json\n{"name": "get_time", "arguments": {"tz": "CET"}}', [G], "json",
     "unclosed fence with complete JSON"),
    ('The forecast data:\n```json\n{"highs": [20, 21]}\n```\nHighs stay around 20.', [], None,
     "data in a fence among prose is not a call"),
    # ---- Hermes / Qwen
    ('<tool_call>\n{"name": "get_time", "arguments": {"tz": "CET"}}\n</tool_call>', [G], "hermes",
     "one Hermes tag"),
    (('Let me look.\n<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris", "unit": "celsius"}}'
     '\n</tool_call>\n<tool_call>\n{"name": "get_time", "arguments": {"tz": "CET"}}\n</tool_call><|im_end|>'),
     [F, G], "hermes", "several tags = several calls; preamble and end token ignored"),
    ('<tool_call>\n{"name": "get_time", "arguments": {"tz": "CET"}}', [G], "hermes",
     "closing tag cut off after complete JSON"),
    ('<tool_call>\n<function=get_time>\n<parameter=tz>\nCET\n</parameter>\n</function>\n</tool_call>', [G],
     "hermes", "Qwen3-Coder XML call inside the tag"),
    ('<tool_call>\n<function=get_forecast>\n<parameter=days>\n3\n</parameter>\n</function>\n</tool_call>',
     [call("get_forecast", days=3)], "hermes", "XML parameter values are read as JSON when they are JSON"),
    # ---- Granite / Phi
    ('<function_call> {"name": "get_time", "arguments": {"tz": "CET"}}', [G], "granite",
     "Granite tag without closing tag"),
    (('<function_call> {"name": "get_weather", "arguments": {"city": "Paris", "unit": "celsius"}}\n'
     '<function_call> {"name": "get_time", "arguments": {"tz": "CET"}}'), [F, G], "granite",
     "several Granite tags"),
    ('<function_call>{"name": "get_time", "arguments": {"tz": "CET"}}</function_call>', [G], "granite",
     "Granite tag with closing tag"),
    ('<|tool_call|>[{"name": "get_time", "arguments": {"tz": "CET"}}]<|end_of_text|>', [G], "granite",
     "Granite 3 / Phi-4 <|tool_call|> list"),
    # ---- Mistral
    ('[TOOL_CALLS] [{"name": "get_time", "arguments": {"tz": "CET"}, "id": "a1b2c3d4e"}]</s>',
     [call("get_time", _id="a1b2c3d4e", tz="CET")], "mistral", "Mistral JSON list, id kept"),
    ('[TOOL_CALLS]get_weather[ARGS]{"city": "Paris", "unit": "celsius"}[TOOL_CALLS]get_time[ARGS]{"tz": "CET"}',
     [F, G], "mistral", "Mistral v11 name[ARGS]{...} per call"),
    ('[TOOL_CALLS]get_time[CALL_ID]x9y8z7w6v[ARGS]{"tz": "CET"}', [G], "mistral",
     "Mistral with a call id"),
    ('[TOOL_CALLS]get_time{"tz": "CET"}', [G], "mistral", "Mistral name{args} without [ARGS]"),
    # ---- Llama 3
    ('<|python_tag|>{"name": "get_time", "parameters": {"tz": "CET"}}<|eom_id|>', [G], "llama",
     "python_tag + JSON"),
    ('<|python_tag|>brave_search.call(query="Paris weather")',
     [call("brave_search.call", query="Paris weather")], "llama", "python_tag + built-in pythonic call"),
    # ---- pythonic
    ('[get_weather(city="Paris", unit="celsius"), get_time(tz="CET")]', [F, G], "pythonic",
     "pythonic list"),
    ("get_time(tz='CET')", [G], "pythonic", "bare pythonic call"),
    ("math.sqrt(x=16)", [call("math.sqrt", x=16)], "pythonic", "dotted name"),
    ("ping()", [call("ping")], "pythonic", "call without arguments"),
    ('f(items=[1, -2.5, "x"], opts={"deep": {"k": (1, 2)}}, flag=True, none=None)',
     [call("f", items=[1, -2.5, "x"], opts={"deep": {"k": [1, 2]}}, flag=True, none=None)], "pythonic",
     "nested literals; tuples become lists"),
    ("f(flag=true, x=null)", [call("f", flag=True, x=None)], "pythonic", "JSON constants tolerated"),
    ('```python\n[get_time(tz="CET")]\n```', [G], "pythonic", "pythonic in a python fence"),
    ('I will now call:\nget_time(tz="CET")\nand then summarise.', [G], "pythonic",
     "a call on its own line inside prose"),
    ('[\n  get_weather(city="Paris", unit="celsius"),\n  get_time(tz="CET")\n]', [F, G], "pythonic",
     "pythonic list over several lines"),
    # ---- malformed: tries to call but cannot be read
    ('[{"name": "get_time", "arguments": {"tz": "CET"}}, {"name": "get_weather", "argu', BAD, "json",
     "truncated list"),
    ('[{"name": "get_time", "arguments": {"tz": "CET"}}', BAD, "json", "missing closing bracket"),
    ('{"name": "get_time", "arguments": {tz: "CET"}}', BAD, "json", "unquoted key: invalid JSON"),
    ('{"name": "get_time", "arguments": {"tz": "CET"},}', BAD, "json", "trailing comma: invalid JSON"),
    ('{"arguments": {"tz": "CET"}}', BAD, "json", "object without a name"),
    ('{"city": "Paris"}', BAD, "json", "the whole answer is JSON but not a call"),
    ('{"name": "get_time", "arguments": ["CET"]}', BAD, "json", "arguments are not an object"),
    ('{"name": "get_time", "arguments": "{tz: CET}"}', BAD, "json", "arguments string is not JSON"),
    ('{"name": "get_time", "tz": "CET"}', BAD, "json", "arguments flattened into the call object"),
    ('{"name": 42, "arguments": {}}', BAD, "json", "name is not a string"),
    ("[1, 2, 3]", BAD, "json", "a JSON list of non-calls as the whole answer"),
    ("[{", BAD, "json", "output cut right after the opening"),
    ('```json\n[{"name": "get_time", "arguments": {"tz": "CET"}\n```', BAD, "json",
     "broken JSON inside a json fence"),
    ('```json\n[{"name": "get_time", "arg', BAD, "json", "truncated inside an unclosed fence"),
    ("```json\n", BAD, "json", "empty fence"),
    ('Here you go: [{"name": "get_time", "arguments": {"tz": "CE', BAD, "json",
     "truncated JSON call after a preamble"),
    ('<tool_call>\n{"name": "get_time", "arguments": {"tz": "CET"\n</tool_call>', BAD, "hermes",
     "broken JSON inside a Hermes tag"),
    ('<tool_call>\n{"name": "get_time", "arguments": {"tz": "CET"}}\n</tool_call>\n<tool_call>\n{"name": "get_w',
     BAD, "hermes", "second Hermes call truncated"),
    ("<tool_call>", BAD, "hermes", "empty Hermes tag"),
    ('<tool_call>\n<function=get_time>\n<parameter=tz>\nCET', BAD, "hermes", "truncated XML call"),
    ("<function_call> get the time please", BAD, "granite", "Granite tag without a call"),
    ("[TOOL_CALLS]", BAD, "mistral", "empty Mistral marker"),
    ("[TOOL_CALLS]get_time[ARGS]", BAD, "mistral", "Mistral call without arguments"),
    ('[TOOL_CALLS][{"name": "get_time", "arguments": {"tz": "C', BAD, "mistral", "truncated Mistral list"),
    ("<|python_tag|>", BAD, "llama", "python_tag with nothing after"),
    ('get_time("CET")', BAD, "pythonic", "positional argument"),
    ("get_time(tz=zone.name)", BAD, "pythonic", "non-literal argument value (an attribute)"),
    ("get_time(tz=zone)", [ToolCall("get_time", {"tz": "zone"})], "pythonic",
     "a bare name is read as its text, as BFCL reads it (a variable the caller holds)"),
    ('[search(from="Oslo", to="Rome")]', [ToolCall("search", {"from": "Oslo", "to": "Rome"})], "pythonic",
     "a parameter named after a Python keyword"),
    ('[f(a={"name": "x"}, b=1', BAD, "pythonic", "an unclosed call holding a complete JSON object is not that object"),
    ("get_time(tz=__import__('os').getcwd())", BAD, "pythonic", "code is never evaluated"),
    ("get_time(**{'tz': 'CET'})", BAD, "pythonic", "**kwargs"),
    ('[get_time(tz="CET"), get_weather(city="Par', BAD, "pythonic", "truncated pythonic list"),
    ("get_time(tz=b'CET')", BAD, "pythonic", "bytes are not a JSON value"),
]


@pytest.mark.parametrize("text, expected, fmt, reason", ROWS, ids=[r[3] for r in ROWS])
def test_extract_calls(text, expected, fmt, reason):
    parsed = extract_calls(text)
    if expected == BAD:
        assert parsed.calls == () and parsed.malformed, reason
    else:
        assert parsed.malformed is None, f"{reason}: {parsed.malformed}"
        assert list(parsed.calls) == expected, reason
    assert parsed.format == fmt, reason
    assert parsed.format is None or parsed.format in FORMATS


@pytest.mark.parametrize("text, expected, fmt, reason", ROWS, ids=[r[3] for r in ROWS])
def test_looks_like_call_agrees(text, expected, fmt, reason):
    parsed = extract_calls(text)
    if parsed.calls or parsed.malformed:
        assert looks_like_call(text), reason


@pytest.mark.parametrize("text, expected", [
    ('[{"name": "f", "arguments": {}}]', True), ("<tool_call>", True), ("[TOOL_CALLS]f[ARGS]{}", True),
    ("f(a=1)", True), ("[]", True), ("Hello, the answer is 42.", False), ("", False), (None, False),
])
def test_looks_like_call(text, expected):
    assert looks_like_call(text) is expected


def test_never_evaluates_code(tmp_path, monkeypatch):
    marker = tmp_path / "pwned"
    parsed = extract_calls(f"f(x=open({str(marker)!r}, 'w').write('x'))")
    assert parsed.malformed and not marker.exists()


def test_parsed_calls_is_frozen():
    parsed = extract_calls("[]")
    assert isinstance(parsed, ParsedCalls)
    with pytest.raises(AttributeError):
        parsed.calls = ()  # type: ignore[misc]


def test_deep_nesting_does_not_raise():
    for text in ("[" * 100_000, "{\"name\": " * 50_000, "f(a=" + "[" * 50_000, "(" * 10_000):
        parsed = extract_calls(text)
        assert parsed.calls == ()


# ---------------------------------------------------------------- properties
# `_extract` is the parser without the safety net, so a bug surfaces as an exception here.

CALL_TEXT_PIECES = st.sampled_from([
    "[", "]", "{", "}", '"name"', '"arguments"', ":", ",", '"f"', "<tool_call>", "</tool_call>",
    "[TOOL_CALLS]", "[ARGS]", "<|python_tag|>", "<function_call>", "```json\n", "```", "f(", "a=", ")",
    "1", "true", "null", '"x"', "\n", " ", "\\", "<think>", "</think>", "<function=f>", "<parameter=a>",
])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_arbitrary_text_never_raises(text):
    parsed = _extract(text)
    assert parsed.malformed is None or parsed.calls == ()


@settings(max_examples=300, deadline=None)
@given(st.lists(CALL_TEXT_PIECES, max_size=25).map("".join))
def test_call_like_soup_never_raises(text):
    parsed = _extract(text)
    assert parsed.malformed is None or parsed.calls == ()
    if parsed.calls or parsed.malformed:
        assert looks_like_call(text)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8)
CALLS = st.lists(st.builds(lambda name, args: ToolCall(name, args),
                           st.from_regex(r"[a-z][a-z_]{0,8}", fullmatch=True).filter(
                               lambda n: not keyword.iskeyword(n)),  # `if(...)` is not Python
                           st.dictionaries(st.from_regex(r"[a-z]{1,6}", fullmatch=True).filter(
                               lambda n: not keyword.iskeyword(n)), JSON_VALUES,
                                           max_size=3)),
                 min_size=1, max_size=3)


def _renderings(calls):
    """The same calls written in each syntax, with the index from which a cut is a started call."""
    dicts = [{"name": c.name, "arguments": c.arguments} for c in calls]
    as_json = json.dumps(dicts, ensure_ascii=False)
    hermes = "".join(f"<tool_call>\n{json.dumps(d)}\n</tool_call>\n" for d in dicts)
    pythonic = "[" + ", ".join(
        f"{c.name}(" + ", ".join(f"{k}={v!r}" for k, v in c.arguments.items()) + ")" for c in calls) + "]"
    return [(as_json, 1), ("```json\n" + as_json + "\n```", 9), (hermes, len("<tool_call>")),
            (pythonic, pythonic.index("(") + 1), ("[TOOL_CALLS]" + as_json, len("[TOOL_CALLS]"))]


@settings(max_examples=60, deadline=None)
@given(CALLS)
def test_round_trip_and_truncation(calls):
    for text, opening in _renderings(calls):
        assert list(_extract(text).calls) == calls, text
        for cut in range(opening, len(text)):
            parsed = _extract(text[:cut])
            assert parsed.calls or parsed.malformed, (text[:cut], parsed)
            assert parsed.malformed is None or parsed.calls == ()
