"""The fast pythonic reader agrees with `ast` wherever it answers, and gives up everywhere else.

`fast_calls` reads a subset of Python without a syntax tree; `parse_with_ast` is the full
reading. On any text the fast reader accepts, both must give the same calls with the same
values (``1`` vs ``1.0`` vs ``True`` told apart by repr); on the rest it must return None
so that `ast` decides. A grammar of call texts with Python's awkward corners (escapes,
prefixes, keywords, tuples, odd whitespace, surrogates) drives the property test.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fcbench.parsing import extract_calls
from fcbench.parsing.pythonic import parse_pythonic, parse_with_ast
from fcbench.parsing.pythonic_fast import fast_calls
from fcbench.parsing.shapes import CallShapeError
from fcbench.records import ToolCall


def ast_reading(text: str) -> object:
    try:
        return parse_with_ast(text)
    except CallShapeError as exc:
        return ("malformed", str(exc))


# Each piece of the grammar: (plain spellings, odd ones). An example is drawn either from
# plain pieces only (so that the fast reader answers and is compared) or from both.
PIECES = {
    "space": (["", " ", "\n"], ["\t", "\r\n", "\f", "\xa0", "\u2028", "  "]),
    "name": (["f", "get_weather", "a.b", "math.sqrt", "x1", "_private", "match", "print"],
             ["from", "class", "True", "None", "é", "__fcbench_keyword_from__", "a.class", "type"]),
    "char": (["a", "B", " ", "é", "{", "#", "$", "😀", "\t"],
             ["'", '"', "\\", "\n", "\x00", "\ud800", "\\n", "\x0b"]),
    "number": (["0", "-0", "1", "-12", "1.5", "-0.0", "1e5", "1E-3", "2.50e+10", "1e999", "3.14159"],
               ["007", "1.", ".5", "1_000", "0x1F", "1j", "9" * 45, "- 1", "+1", "--1", "00.5"]),
    "constant": (["True", "False", "None", "true", "false", "null", "someVar"], ["x.y", "await", "not"]),
    "quote": (["'", '"'], ["'" * 3]),
    "prefix": ([""], ["r", "b", "u", "f"]),
    "equals": (["=", " = "], [": ", "=="]),
    "comma": ([""], [","]),
    "after": ([""], [";", "]", " # done", ".", "\nthanks", ", g(a=1)"]),
}


def piece(kind: str, odd: bool) -> st.SearchStrategy[str]:
    plain, others = PIECES[kind]
    return st.sampled_from(plain + others if odd else plain)


@st.composite
def strings(draw: st.DrawFn, odd: bool) -> str:
    quote = draw(piece("quote", odd))
    body = "".join(draw(st.lists(piece("char", odd), max_size=6)))
    return draw(piece("prefix", odd)) + quote + body + quote


def values(odd: bool, depth: int = 0) -> st.SearchStrategy[str]:
    leaves = st.one_of(strings(odd), piece("number", odd), piece("constant", odd))
    if depth >= 2:
        return leaves
    inner = st.deferred(lambda: values(odd, depth + 1))
    keys = st.one_of(strings(odd), piece("number", odd), piece("constant", odd)) if odd else strings(odd)
    shapes = [
        leaves, leaves,
        st.builds(lambda items, comma, s: "[" + s + ", ".join(items) + comma + "]",
                  st.lists(inner, max_size=3), piece("comma", odd), piece("space", odd)),
        st.builds(lambda pairs, comma: "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + comma + "}",
                  st.lists(st.tuples(keys, inner), max_size=3), piece("comma", odd))]
    if odd:
        shapes += [
            st.builds(lambda items: "(" + ", ".join(items) + ")", st.lists(inner, max_size=2)),
            st.builds(lambda a, b: f"{a} + {b}", leaves, leaves),
            st.builds(lambda n: f"{n}(x=1)", piece("name", odd)),
            st.builds(lambda a, b: f"{a} {b}", strings(odd), strings(odd))]
    return st.one_of(*shapes)


@st.composite
def calls(draw: st.DrawFn, odd: bool) -> str:
    args = {}
    for _ in range(draw(st.integers(0, 3))):
        key = draw(st.one_of(piece("name", odd), st.sampled_from(["a", "b"])))
        if odd or key not in args:  # a repeated argument only among the odd
            args.setdefault(key, []).append(f"{key}{draw(piece('equals', odd))}{draw(values(odd))}")
    pieces = [text for texts in args.values() for text in texts]
    if odd and draw(st.booleans()):
        pieces.insert(0, draw(values(odd)))  # a positional argument
    space = draw(piece("space", odd))
    return f"{draw(piece('name', odd))}({space}{(',' + draw(piece('space', odd))).join(pieces)}" \
           f"{draw(piece('comma', odd))})"


@st.composite
def answers(draw: st.DrawFn) -> str:
    odd = draw(st.booleans())
    items = draw(st.lists(calls(odd), min_size=1, max_size=3))
    if len(items) == 1 and draw(st.booleans()):
        text = items[0]
    else:
        text = "[" + ("," + draw(piece("space", odd))).join(items) + draw(piece("comma", odd)) + "]"
    return text + draw(piece("after", odd))


@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
@given(answers())
def test_fast_reader_agrees_with_ast_wherever_it_answers(text):
    text = text.strip()
    fast = fast_calls(text)
    if fast is not None:
        assert repr(fast) == repr(ast_reading(text)), text


@pytest.mark.parametrize("text, calls, why", [
    ("[get_weather(city='Paris', unit=\"celsius\")]",
     [ToolCall("get_weather", {"city": "Paris", "unit": "celsius"})], "the everyday answer"),
    ("get_time(tz='CET')", [ToolCall("get_time", {"tz": "CET"})], "one call without a list"),
    ("[f(a=1, b=-2.5, c=1e3, d=-0)]", [ToolCall("f", {"a": 1, "b": -2.5, "c": 1000.0, "d": 0})],
     "ints stay ints, floats floats, as Python reads them"),
    ("[f(a=True, b=None, c=true, d=null, e=ctxVar)]",
     [ToolCall("f", {"a": True, "b": None, "c": True, "d": None, "e": "ctxVar"})],
     "JSON constants and bare names read as fcbench's pythonic reader reads them"),
    ("[f(a=[1, [2, 'x'],], b={'k': {'n': 1}, 'k': 2},)]", [ToolCall("f", {"a": [1, [2, "x"]], "b": {"k": 2}})],
     "nesting, trailing commas, a repeated dict key keeps its last value"),
    ("[math.sqrt(x=4),\n  brave_search.call(query='q')]",
     [ToolCall("math.sqrt", {"x": 4}), ToolCall("brave_search.call", {"query": "q"})], "dotted names, line breaks"),
    ("[f()]", [ToolCall("f", {})], "no arguments"),
])
def test_plain_answers_are_read_without_a_syntax_tree(text, calls, why):
    assert fast_calls(text) == calls, why
    assert parse_pythonic(text) == calls, why


@pytest.mark.parametrize("text, why", [
    ("[f(a='it\\'s')]", "a backslash escape: Python's rules decide"),
    ("[f(a=r'x')]", "a string prefix"),
    ("[f(a='x' 'y')]", "adjacent strings concatenate in Python"),
    ("[f(a=(1, 2))]", "a tuple"),
    ("[f(from='Oslo')]", "a parameter named after a keyword is renamed by the full reader"),
    ("[f(a=1, a=2)]", "a repeated argument is a syntax error"),
    ("[f(a=1) # note]", "a comment"),
    ("[f(a=x.y)]", "a dotted name as a value"),
    ("[f(a=007)]", "leading zeros are a syntax error for ints"),
    ("[f(a=1_000)]", "underscores in numbers"),
    ("[f(a=" + "9" * 45 + ")]", "a very long number"),
    ("[f(a=\xa01)]", "whitespace Python does not skip"),
    ("[f(a='\ud800')]", "a lone surrogate: `ast` refuses the text"),
    ("[f(a='\x00')]", "a NUL character"),
    ("[f(1)]", "a positional argument is malformed, which the full reader reports"),
    ("[f(a=g(b=1))]", "a call as a value"),
    ("[f(a=1)];", "text after the list"),
    ("[]", "no call: not a call list"),
    ("[f(a=1), 2]", "a list that is not all calls"),
    ("[f(a=" + "[" * 50 + "]" * 50 + ")]", "nesting deeper than the fast reader goes"),
])
def test_everything_else_is_left_to_ast(text, why):
    assert fast_calls(text) is None, why


def test_extract_calls_reads_the_same_through_either_reader():
    """The reader is an internal shortcut: `extract_calls` answers as the full reader would."""
    for text in ("[f(a='x', b=2)]", "f(a=[1.5, 'b'])", "[f(a=true), g(b=someVar)]"):
        fast = extract_calls(text)
        assert fast.calls == tuple(parse_with_ast(text)) and fast.malformed is None
