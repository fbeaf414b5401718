"""BFCL's single-turn scoring rules, as fcbench.scoring.bfcl re-implements them (bfcl-eval 2026.3.23).

Each row of the tables below is an answer, the verdict BFCL's own package gives it and the
reason. The expected verdicts come from the real package (tests_bfcl/ holds the differential
harness that checks the port against it on tens of thousands of generated answers); these
tests run without it. Java/JavaScript prompt-style rows need tree-sitter and are skipped when
it is not installed (``pip install 'fcbench[bfcl]'``).
"""

from __future__ import annotations

import ast
import importlib.util
import json
import random
import sys

import pytest

from fcbench.scoring.bfcl import (
    BfclDecodeError,
    BfclEntry,
    BfclUnavailable,
    BfclVerdict,
    arith,
    check,
    decode_fc,
    decode_prompt,
    decode_python,
    evaluate,
    language_of,
    treesitter,
)
from fcbench.scoring.bfcl.convert import java_convert, js_convert


def _tree_sitter_installed() -> bool:
    try:
        return all(importlib.util.find_spec(module) for module in ("tree_sitter", "tree_sitter_java",
                                                                    "tree_sitter_javascript"))
    except (ImportError, ValueError):  # ValueError: a module blocked in sys.modules
        return False


HAS_TREE_SITTER = _tree_sitter_installed()
NO_TREE_SITTER = "tree-sitter not installed: pip install 'fcbench[bfcl]'"
needs_tree_sitter = pytest.mark.skipif(not HAS_TREE_SITTER, reason=NO_TREE_SITTER)


def fn(name: str, props: dict, required: list | None = None) -> dict:
    required = list(props) if required is None else required
    return {"name": name, "description": "d", "parameters": {"type": "dict", "properties": props, "required": required}}


def P(kind: str, item: str | None = None) -> dict:
    return {"type": kind, "description": "p", **({"items": {"type": item}} if item else {})}


def fc(*calls: tuple[str, dict]) -> list[dict]:
    """An FC result as BFCL stores it: [{tool name: JSON argument string}]."""
    return [{name: json.dumps(args)} for name, args in calls]


# --------------------------------------------------------------------------- entries
AREA_DOC = fn("calc_area", {"base": P("integer"), "height": P("integer"), "unit": P("string")}, ["base", "height"])
AREA = BfclEntry("area", "simple_python", [AREA_DOC],
                 [{"calc_area": {"base": [10], "height": [5], "unit": ["units", ""]}}])
TYPES = BfclEntry("types", "simple_python", [fn("configure", {
    "ratio": P("float"), "enabled": P("boolean"), "scale": P("array", "float"),
    "point": P("tuple", "integer"), "options": P("dict"), "layers": P("array", "dict"), "count": P("integer"),
    "tags": P("array", "string"), "date": P("string"), "grid": P("array", "array"), "extra": P("dict")}, ["ratio"])],
    [{"configure": {"ratio": [0.3], "enabled": [True, ""], "scale": [[1.0, 2.5], ""],
                    "point": [[1, 2], ""], "options": [{"mode": ["fast"], "level": [1, ""]}, ""],
                    "layers": [[{"size": [3]}], ""], "count": ["countVar", ""], "tags": [["New York", "Paris"], ""],
                    "date": ["2024-01-01", ""], "grid": [[[1, 2], [3]], ""], "extra": [""]}}])
WEIGHTS = BfclEntry("weights", "simple_python", [fn("mix", {"weights": P("array", "float")})],
                    [{"mix": {"weights": [[1.5, 2.0]]}}])
NULLS = BfclEntry("nulls", "live_simple",
                  [fn("search", {"query": P("string"), "limit": P("integer"), "color": P("string")}, ["query"])],
                  [{"search": {"query": ["red shoes"], "limit": ["", None], "color": [None]}}])
MATH = BfclEntry("math", "multiple", [fn("math.factorial", {"number": P("integer")}),
                                      fn("math.gcd", {"a": P("integer"), "b": P("integer")})],
                 [{"math.factorial": {"number": [5]}}])
PLAY = BfclEntry("play", "parallel", [fn("play", {"artist": P("string")})],
                 [{"play": {"artist": ["a", "b"]}}, {"play": {"artist": ["a"]}}])
TRIP = BfclEntry("trip", "live_parallel_multiple",
                 [fn("weather.get", {"city": P("string"), "days": P("integer")}, ["city"]),
                  fn("hotel.find", {"city": P("string")})],
                 [{"weather.get": {"city": ["Paris"], "days": ["", 3]}}, {"hotel.find": {"city": ["Paris"]}}])
JAVA = BfclEntry("java", "simple_java", [fn("Svc.open", {
    "owner": P("String"), "limit": P("integer"), "premium": P("boolean"), "balance": P("long"), "rate": P("float"),
    "share": P("double"), "tags": P("ArrayList", "String"), "codes": P("Array", "integer"),
    "names": P("Array", "String"), "meta": P("HashMap"), "ctx": P("any"), "initial": P("char")}, ["owner", "limit"])],
    [{"Svc.open": {"owner": ["alice"], "limit": [3], "premium": [True, ""], "balance": [100, ""], "rate": [1.5, ""],
                   "share": [0.25, ""], "tags": [["vip", "eu"], ""], "codes": [[1, 2], ""], "names": [["a", "b"], ""],
                   "meta": [{"k": ["v"]}, ""], "ctx": ["ctx", ""], "initial": ["c", ""]}}])
JS = BfclEntry("js", "simple_javascript", [fn("validateForm", {
    "fieldId": P("String"), "strict": P("Boolean"), "maxLen": P("integer"), "ratio": P("float"),
    "ids": P("array", "String"), "opts": P("dict"), "cb": P("any")}, ["fieldId"])],
    [{"validateForm": {"fieldId": ["userInput"], "strict": [True, ""], "maxLen": [10, ""], "ratio": [0.5, ""],
                       "ids": [["a", "b"], ""], "opts": [{"mode": ["fast"]}, ""], "cb": ["onDone", ""]}}])
WEATHER = [fn("get_weather", {"city": P("string")})]
IRRELEVANT = BfclEntry("irr", "irrelevance", WEATHER, [])
LIVE_IRRELEVANT = BfclEntry("live-irr", "live_irrelevance", [], [])
RELEVANT = BfclEntry("rel", "live_relevance", WEATHER, [])

PASS = (True, None)


def fails(error_type: str) -> tuple[bool, str]:
    return (False, error_type)


DECODE_FAILED = fails("ast_decoder:decoder_failed")
WRONG_FORMAT = fails("ast_decoder:decoder_wrong_output_format")
VALUE = fails("value_error:others")
STRING = fails("value_error:string")
TYPE = fails("type_error:simple")

# (entry, style, answer, expected verdict, reason)
PYTHON_TEXT = [
    (AREA, "[calc_area(base=10, height=5)]", PASS, "the optional parameter may be left out"),
    (AREA, "calc_area(base=10, height=5, unit='UNITS')", PASS, "brackets are added; strings ignore case"),
    (AREA, "(calc_area(base=10, height=5))", PASS, "a parenthesized call inside the added brackets"),
    (AREA, "```\n[calc_area(base=10, height=5)]\n```", PASS, "a bare fence is stripped with the backticks"),
    (AREA, "```python\n[calc_area(base=10, height=5)]\n```", DECODE_FAILED, "the word python stays behind"),
    (AREA, "Sure! [calc_area(base=10, height=5)]", DECODE_FAILED, "no extraction from prose"),
    (AREA, "[calc_area(base=10, height=5)]\nDone.", DECODE_FAILED, "prose after the list"),
    (AREA, "[calc_area(base=10, height=5)]<|eot_id|>", DECODE_FAILED, "end-of-turn tokens are not removed"),
    (AREA, "[calc_area(base=10, height=5)].", DECODE_FAILED, "a trailing period"),
    (AREA, "[calc_area(base=10, height=5)]\n[calc_area(base=10, height=5)]", DECODE_FAILED, "two lists on two lines"),
    (AREA, "'[calc_area(base=10, height=5)]'", DECODE_FAILED, "the quote strip cannot reach past the added '['"),
    (AREA, "calc_area(base=10, height=5)]", PASS, "a lone trailing ']': only the '[' is added"),
    (AREA, "calc_area(base=10, height=5), [1]", DECODE_FAILED, "ends with ']', so no ']' is added: unbalanced"),
    (AREA, "[calc_area(base=10, height=5)][calc_area(base=1, height=1)]", DECODE_FAILED, "a subscript, not a list"),
    (AREA, "[calc_area]", DECODE_FAILED, "list elements must be calls"),
    (AREA, "[None]", DECODE_FAILED, "a constant is not a call"),
    (AREA, "", fails("simple_function_checker:wrong_count"), "empty text decodes to no call"),
    (AREA, "[]", fails("simple_function_checker:wrong_count"), "[] is no call"),
    (AREA, "[calc_area(base=10, height=5), calc_area(base=10, height=5)]", fails("simple_function_checker:wrong_count"),
     "simple categories take exactly one call"),
    (AREA, "[calc_area(10, base=10, height=5)]", PASS, "positional arguments are dropped"),
    (AREA, "[calc_area(base=1, base=10, height=5)]", PASS, "a repeated keyword keeps the last value"),
    (AREA, "[calc_area(base=10, height=5, **{'unit': 'units'})]", fails("simple_function_checker:unexpected_param"),
     "**kw arrives under the key None"),
    (AREA, "[calc_area(base=10, from=5)]", DECODE_FAILED, "a keyword named from is a Python syntax error"),
    (AREA, "[calc_area(base=5+5, height=5)]", PASS, "binary expressions are evaluated"),
    (AREA, "[calc_area(base=20//2, height=10/2)]", TYPE, "10/2 is the float 5.0, not the integer 5"),
    (AREA, "[calc_area(base=+10, height=5)]", VALUE, "any unary operator negates the literal: +10 is -10"),
    (AREA, "[calc_area(base=-(-10), height=5)]", DECODE_FAILED, "a unary operator on a non-literal"),
    (AREA, "[calc_area(base='10' - 1, height=5)]", DECODE_FAILED, "an evaluation error is a decoding error"),
    (AREA, "[calc_area(base=x + 1, height=5)]", DECODE_FAILED, "names in arithmetic are not evaluated"),
    (AREA, "[calc_area(base=10, height=5, unit=units)]", PASS, "a bare identifier decodes as its name"),
    (AREA, "[calc_area(base=10, height=5, unit=math.pi)]", DECODE_FAILED, "attributes are unsupported"),
    (AREA, "[calc_area(base=10, height=5, unit=f'units')]", DECODE_FAILED, "f-strings are unsupported"),
    (AREA, "[calc_area(base=10, height=5, unit=lambda: 1)]", DECODE_FAILED, "lambdas always fail"),
    (AREA, "[calc_area(base=10, height=5, unit={'units'})]", DECODE_FAILED, "sets are unsupported"),
    (AREA, "[calc_area(base=10, height=5, unit=...)]", PASS,
     "... decodes as the string '...', which standardizes to '' like the optional marker"),
    (AREA, "[calc_area(base=10, height=5, unit=str(1))]", STRING, "a call without keywords keeps its source text"),
    (AREA, "[calc_area(base=10, height=5, unit=x[0])]", STRING, "a subscript keeps its source text"),
    (AREA, "[area.calc_area(base=10, height=5)]", fails("simple_function_checker:wrong_func_name"),
     "dotted callees keep their dots"),
    (TYPES, "[configure(ratio=0.3, enabled=true)]", TYPE, "bare true is the string 'true', not a boolean"),
    (TYPES, "[configure(ratio=0.3, enabled=not False)]", TYPE, "not False decodes as -False, the integer 0"),
    (TYPES, "[configure(ratio=0.1 + 0.2)]", VALUE, "no float tolerance: 0.1+0.2 is not 0.3"),
    (TYPES, "[configure(ratio=0.3, point=(1, 2))]", PASS, "a tuple for a tuple parameter becomes a list"),
    (TYPES, "[configure(ratio=0.3, point=[1, 2])]", PASS, "a list is accepted for a tuple parameter too"),
    (TYPES, "[configure(ratio=0.3, date='2024/01/01')]", PASS, "/ and - are ignored in strings"),
    (TYPES, "[configure(ratio=0.3, date='2024:01:01')]", STRING, "a colon is not ignored"),
    (TYPES, "[configure(ratio=0.3, options={'mode': 'FAST'})]", PASS,
     "dict: omitted keys must accept '', strings ignore case"),
    (TYPES, "[configure(ratio=0.3, options={'mode': 'fast', 'level': True})]", PASS,
     "no type check inside dicts: True == 1"),
    (TYPES, "[configure(ratio=0.3, layers=[{'size': 3}])]", PASS, "a list of dicts, compared pairwise"),
    (TYPES, "[configure(ratio=0.3, layers=[{'size': 4}])]", fails("value_error:list_dict_count"),
     "the failure of the LAST alternative ('' read as []) is the one reported"),
    (TYPES, "[configure(ratio=0.3, grid=[[1, 2], ['3']])]", fails("value_error:list/tuple"),
     "inner lists of a 2-D array are not type-checked, only compared"),
]
PYTHON_FC = [
    (AREA, fc(("calc_area", {"base": 10, "height": 5, "unit": "units"})), PASS, "JSON arguments"),
    (AREA, fc(("calc_area", {"base": 10.0, "height": 5})), TYPE, "10.0 is a float: no float-to-int"),
    (AREA, fc(("calc_area", {"base": True, "height": 5})), TYPE, "a boolean is no integer"),
    (AREA, fc(("calc_area", {"base": 10, "height": 5, "color": "red"})),
     fails("simple_function_checker:unexpected_param"), "a parameter the schema lacks"),
    (AREA, fc(("calc_area", {"base": 10})), fails("simple_function_checker:missing_required"), "height is required"),
    (AREA, fc(("calc_area", {"base": 10, "height": 5, "unit": ""})), PASS, "'' stands for the omitted optional"),
    (AREA, [{"calc_area": '{"base": 10, "height": 5}', "other": "{}"}], PASS, "only an element's first key is read"),
    (AREA, "I cannot do that.", DECODE_FAILED, "a text reply does not decode as calls"),
    (AREA, "", fails("simple_function_checker:wrong_count"), "empty text iterates to no call"),
    (AREA, [], fails("simple_function_checker:wrong_count"), "no tool calls"),
    (AREA, [{"calc_area": "{bad json"}], DECODE_FAILED, "arguments that are not JSON"),
    (AREA, [{"calc_area": {"base": 10, "height": 5}}], DECODE_FAILED, "arguments already parsed: json.loads fails"),
    (AREA, [{}], DECODE_FAILED, "a tool call without a name"),
    (AREA, None, DECODE_FAILED, "None is not iterable"),
    (AREA, [{"calc_area": "null"}], WRONG_FORMAT, "null arguments are not a dict"),
    (AREA, 42, DECODE_FAILED, "neither text nor a list"),
    (TYPES, fc(("configure", {"ratio": 0.3})), PASS, "required only"),
    (TYPES, fc(("configure", {"ratio": 0})), VALUE, "int is promoted to float at the top level, 0.0 is not 0.3"),
    (WEIGHTS, fc(("mix", {"weights": [1.5, 2]})), fails("type_error:nested"), "no int-to-float promotion in arrays"),
    (WEIGHTS, fc(("mix", {"weights": [1.5, 2.0]})), PASS, "floats"),
    (TYPES, fc(("configure", {"ratio": 0.3, "scale": [1, 2.5]})), PASS,
     "'' among the alternatives disables the element check, and [1, 2.5] == [1.0, 2.5]"),
    (TYPES, fc(("configure", {"ratio": 0.3, "scale": []})), PASS, "'' reads as [] for lists: an empty list passes"),
    (TYPES, fc(("configure", {"ratio": 0.3, "count": "countVar"})), PASS, "the variable escape: gold holds a name"),
    (TYPES, fc(("configure", {"ratio": 0.3, "count": "COUNTVAR"})), VALUE, "variables are compared exactly"),
    (TYPES, fc(("configure", {"ratio": 0.3, "tags": ["new york", "PARIS"]})), PASS, "list strings are standardized"),
    (TYPES, fc(("configure", {"ratio": 0.3, "tags": ["Paris", "New York"]})), fails("value_error:list/tuple"),
     "list order matters"),
    (TYPES, fc(("configure", {"ratio": 0.3, "options": {"mode": "fast", "speed": 1}})), fails("value_error:dict_key"),
     "an unexpected dict key"),
    (TYPES, fc(("configure", {"ratio": 0.3, "options": {"level": 1}})), fails("value_error:dict_key"),
     "a dict key whose accepted values lack ''"),
    (TYPES, fc(("configure", {"ratio": 0.3, "layers": ["x"]})), fails("checker_error"),
     "'' disables the element check, then BFCL reads 'x' as a dict and raises"),
    (TYPES, fc(("configure", {"ratio": 0.3, "extra": {"a": 1}})), fails("dict_checker:unclear"),
     "a dict for a parameter the gold only allows to omit: no dict alternative to compare with"),
    (TYPES, fc(("configure", {"ratio": 10**400})), fails("checker_error"),
     "BFCL's float() overflows: its checker raises"),
    (NULLS, fc(("search", {"query": "red shoes", "color": None})), PASS, "['', None]: omitted; [None]: explicit None"),
    (NULLS, fc(("search", {"query": "red shoes", "limit": None, "color": None})), PASS, "None for ['', None]"),
    (NULLS, fc(("search", {"query": "red shoes", "limit": 10, "color": None})), VALUE, "a real value for ['', None]"),
    (NULLS, fc(("search", {"query": "red shoes"})), fails("simple_function_checker:missing_optional"),
     "[None] does not accept omission"),
    (MATH, fc(("math_factorial", {"number": 5})), PASS, "FC models answer math_factorial for math.factorial"),
    (MATH, fc(("math.factorial", {"number": 5})), fails("simple_function_checker:wrong_func_name"),
     "dots rejected in FC"),
    (MATH, fc(("math_gcd", {"a": 5, "b": 1})), fails("simple_function_checker:wrong_func_name"), "another function"),
    (MATH, fc(("math_factorial", {"number": 5}), ("math_gcd", {"a": 1, "b": 2})),
     fails("multiple_function_checker:wrong_count"), "multiple takes exactly one call"),
    (PLAY, fc(("play", {"artist": "b"}), ("play", {"artist": "a"})), PASS, "parallel matching is order-free"),
    (PLAY, fc(("play", {"artist": "a"}), ("play", {"artist": "b"})),
     fails("parallel_function_checker_no_order:cannot_find_match"), "but greedy in gold order"),
    (PLAY, fc(("play", {"artist": "a"})), fails("parallel_function_checker_no_order:wrong_count"), "a call missing"),
    (TRIP, fc(("hotel_find", {"city": "paris"}), ("weather_get", {"city": "Paris", "days": 3})), PASS, "mixed order"),
    (TRIP, fc(("hotel_find", {"city": "Paris"}), ("weather_get", {"city": "Paris", "days": 4})),
     fails("parallel_function_checker_no_order:cannot_find_match"), "a wrong value in one call"),
]
PYTHON_PROMPT_MORE = [
    (MATH, "[math.factorial(number=5)]", PASS, "prompt models keep the dots"),
    (MATH, "[math_factorial(number=5)]", fails("simple_function_checker:wrong_func_name"), "no mapping back"),
    (NULLS, "[search(query='Red Shoes', color=None)]", PASS, "None for [None]"),
    (NULLS, "[search(query='red shoes', color=null)]", VALUE,
     "null is the string 'null'; gold [None] makes color a variable: plain membership"),
    (TYPES, "[configure(ratio=3e-1)]", PASS, "3e-1 is the float 0.3"),
]
JAVA_PROMPT = [
    (JAVA, '[Svc.open(owner="alice", limit=3, premium=true, balance=100L, rate=1.5f, share=0.25, '
           'tags=new ArrayList<>(Arrays.asList("vip", "eu")), codes=new int[]{1, 2}, ctx=ctx)]', PASS,
     "Java literals, converted per schema type"),
    (JAVA, '[Svc.open(owner="alice", limit=3)]', PASS, "two arguments: tree-sitter inserts the missing ';'"),
    (JAVA, '[Svc.f(a=1)]', DECODE_FAILED, "a short bare call: error recovery makes an ERROR node"),
    (JAVA, '[Svc.open(owner="alice")]', fails("simple_function_checker:missing_required"),
     "the same shape with longer names: only a MISSING ';', accepted"),
    (JAVA, '[Svc.open(owner="alice", limit=3);]', PASS, "a ';' inside the brackets"),
    (JAVA, '[Svc.open(owner="alice", limit=3)];', DECODE_FAILED, "a ';' after the closing bracket"),
    (JAVA, '[Svc.open(owner="alice", limit=3); Svc.open(owner="bob", limit=4);]', PASS, "only the first call counts"),
    (JAVA, "[]", WRONG_FORMAT, "no call: the Java decoder returns {}"),
    (JAVA, '[Svc.open(owner="alice", limit=3, balance=100)]', TYPE, "a long needs its L suffix"),
    (JAVA, '[Svc.open(owner="alice", limit=3, rate=1.5)]', TYPE, "a float needs its f suffix"),
    (JAVA, '[Svc.open(owner="alice", limit=3, share=0.25d)]', TYPE, "a double takes no suffix"),
    (JAVA, '[Svc.open(owner="alice", limit=3, premium=True)]', TYPE, "booleans are lower-case"),
    (JAVA, '[Svc.open(owner="alice", limit=3, names=new String[]{"a", "b"})]', fails("value_error:list/tuple"),
     "String array elements keep their quotes"),
    (JAVA, '[Svc.open(owner="alice", limit=3, names=new String[]{a, b})]', PASS, "only unquoted elements match"),
    (JAVA, '[Svc.open(owner="alice", limit=3, meta=new HashMap<String, String>() {{ put("k", "v"); }})]',
     fails("value_error:dict_key"), "the anonymous class body is dropped: the map decodes as {}"),
    (JAVA, '[Svc.open(owner="alice", limit=3, initial=\'c\')]', PASS, "a char literal loses its quotes at top level"),
    (JAVA, '[Svc.open(owner="alice", limit=3, limit=4)]', DECODE_FAILED, "a name given twice"),
    (JAVA, '[Svc.open(owner="alice", limit=3, ctx)]', fails("simple_function_checker:unexpected_param"),
     "a bare identifier argument goes under the key None"),
    (JAVA, '[Svc.open(owner="alice", limit=-3)]', VALUE, "-3 is the text '-3', converted to the integer -3"),
    (JAVA, '[Sure! Svc.open(owner="alice", limit=3)]', DECODE_FAILED, "prose is a syntax error"),
]
JAVA_FC = [
    (JAVA, fc(("Svc_open", {"owner": "alice", "limit": "3", "premium": "true",
                            "tags": 'new ArrayList<>(Arrays.asList("vip", "eu"))',
                            "meta": 'new HashMap<String, String>() {{ put("k", "v"); }}'})), PASS,
     "FC values are Java source text in JSON strings; a HashMap works here"),
    (JAVA, fc(("Svc_open", {"owner": "alice", "limit": 3})), fails("type_error:java"), "a JSON number"),
    (JAVA, fc(("Svc_open", {"owner": '"alice"', "limit": "3"})), STRING, "String values keep quotes sent with them"),
    (JAVA, fc(("Svc_open", {"owner": "alice", "limit": "3\n"})), PASS, "re.match with $ tolerates a trailing newline"),
    (JAVA, fc(("Svc_open", {"owner": "alice", "limit": "3", "tags": 'Arrays.asList("vip", "eu")'})), TYPE,
     "an ArrayList must be written with new ArrayList<>(...)"),
]
JS_PROMPT = [
    (JS, "[validateForm(fieldId='userInput', strict=true, maxLen=10, ratio=0.5, ids=['a', 'b'], "
         "opts={mode: 'fast'}, cb=onDone)]", PASS, "JavaScript literals"),
    (JS, "[validateForm(fieldId='userInput', maxLen=10.0)]", TYPE, "10.0 is no integer"),
    (JS, "[validateForm(fieldId='userInput', ratio=1e-1)]", TYPE, "exponents are not JS floats here"),
    (JS, "[validateForm(fieldId='userInput'), validateForm(fieldId='x')]", WRONG_FORMAT,
     "two calls are one sequence expression: no call found"),
    (JS, "[]", WRONG_FORMAT, "no call"),
    (JS, "[validateForm(fieldId='userInput', ids=['a, b'])]", fails("value_error:list/tuple"),
     "array elements are split on every comma"),
    (JS, "[validateForm(fieldId=\"userInput\", cb='onDone')]", PASS, "one pair of quotes is removed"),
    (JS, "[validateForm(fieldId='userInput', fieldId='x')]", DECODE_FAILED, "a name given twice"),
    (JS, "[validateForm(fieldId='userInput' @)]", DECODE_FAILED, "a syntax error"),
]
JS_FC = [
    (JS, fc(("validateForm", {"fieldId": "userInput", "strict": "true", "ids": "['a','b']"})), PASS, "JS text in JSON"),
    (JS, fc(("validateForm", {"fieldId": "userInput", "strict": True})), fails("type_error:js"), "a JSON boolean"),
    (JS, fc(("validateForm", {"fieldId": "userInput", "opts": "{mode: {speed: 'fast'}}"})),
     fails("value_error:dict_value"), "a nested object is cut at its first '}' and compared as text"),
]
RELEVANCE = [
    (IRRELEVANT, "prompt", "I cannot answer that with the functions I have.", PASS, "prose: decoding fails, no call"),
    (IRRELEVANT, "prompt", "[]", PASS, "an empty list is no call"),
    (IRRELEVANT, "prompt", "Calling [get_weather(city='Paris')]", PASS, "a call inside prose does not decode"),
    (IRRELEVANT, "prompt", "[get_weather(city='Paris')]", fails("irrelevance_error:decoder_success"), "a call"),
    (IRRELEVANT, "prompt", "[get_weather()]", fails("irrelevance_error:decoder_success"), "a call without arguments"),
    (IRRELEVANT, "prompt", "[get_weather(city=", PASS, "broken call syntax"),
    (IRRELEVANT, "prompt", "[{}]", PASS, "[{}] is empty"),
    (IRRELEVANT, "fc", "There is no function for that.", PASS, "an FC text reply"),
    (IRRELEVANT, "fc", [], PASS, "no tool calls"),
    (IRRELEVANT, "fc", fc(("get_weather", {})), fails("irrelevance_error:decoder_success"), "a call with {}"),
    (IRRELEVANT, "fc", [{"get_weather": "null"}], PASS, "null arguments: not a call"),
    (LIVE_IRRELEVANT, "prompt", "[anything(x=1)]", fails("irrelevance_error:decoder_success"), "any call fails"),
    (RELEVANT, "prompt", "[not_a_function(x=1)]", PASS, "relevance: any call, names not checked"),
    (RELEVANT, "prompt", "[]", fails("relevance_error:decoder_failed"), "relevance: no call"),
    (RELEVANT, "fc", "I need more information.", fails("relevance_error:decoder_failed"), "relevance: text"),
]

ROWS = (
    [pytest.param(e, "prompt", a, v, id=r) for e, a, v, r in PYTHON_TEXT + PYTHON_PROMPT_MORE]
    + [pytest.param(e, "fc", a, v, id=r) for e, a, v, r in PYTHON_FC + JAVA_FC + JS_FC]
    + [pytest.param(e, "prompt", a, v, id=r, marks=needs_tree_sitter) for e, a, v, r in JAVA_PROMPT + JS_PROMPT]
    + [pytest.param(e, s, a, v, id=r) for e, s, a, v, r in RELEVANCE]
)


@pytest.mark.parametrize("entry, style, answer, expected", ROWS)
def test_bfcl_verdict(entry: BfclEntry, style: str, answer: object, expected: tuple[bool, str | None]) -> None:
    verdict = evaluate(entry, answer, style=style)
    assert (verdict.valid, verdict.error_type) == expected, verdict.errors


# ------------------------------------------------------------------ the public API
def test_api_shapes() -> None:
    assert language_of("simple_javascript") == "javascript" and language_of("simple_java") == "java"
    assert language_of("live_multiple") == "python"
    assert decode_prompt("f(a=1), g.h(b='x')", "python") == [{"f": {"a": 1}}, {"g.h": {"b": "x"}}]
    assert decode_fc([{"f": '{"a": null}'}]) == [{"f": {"a": None}}]
    assert check(AREA, [{"calc_area": {"base": 10, "height": 5}}], underscore_to_dot=False) == BfclVerdict(True, None)
    for bad in ("[f(a=", "Sure: [f()]", None):
        with pytest.raises(BfclDecodeError):
            decode_prompt(bad, "python")
    for bad in ("text", None, [{}], [{"f": "{"}]):
        with pytest.raises(BfclDecodeError):
            decode_fc(bad)
    with pytest.raises(ValueError):
        evaluate(AREA, "[]", style="xml")


@pytest.mark.parametrize("answer", [None, 0, 3.5, b"[f()]", {"a": 1}, [[{"f": "{}"}]], [1, 2], object(),
                                    "\x00", "\ud800", "[" * 500, "f(a=" + "[" * 300 + "]" * 300 + ")", "😀" * 50,
                                    "[calc_area(base=2**20000, height=[10**5000])]",  # unprintable ints
                                    [{"calc_area": '{"base": ' + "1" * 5000 + "}"}], "[f(a=9**9**9)]"])
@pytest.mark.parametrize("entry", [AREA, TYPES, MATH, PLAY, IRRELEVANT, JAVA, JS])
def test_never_raises(entry: BfclEntry, answer: object) -> None:
    for style in ("prompt", "fc"):
        try:
            assert isinstance(evaluate(entry, answer, style=style), BfclVerdict)
        except BfclUnavailable:
            assert not HAS_TREE_SITTER


def test_missing_tree_sitter_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without tree-sitter, Java/JS prompt answers raise BfclUnavailable; everything else works."""
    treesitter.parser.cache_clear()
    monkeypatch.setitem(sys.modules, "tree_sitter", None)  # makes the import fail
    try:
        with pytest.raises(BfclUnavailable, match="fcbench\\[bfcl\\]"):
            evaluate(JAVA, '[Svc.open(owner="a", limit=3)]', style="prompt")
        assert evaluate(JAVA, fc(("Svc_open", {"owner": "alice", "limit": "3"})), style="fc").valid
        assert evaluate(IRRELEVANT, "[get_weather(city='x')]", style="prompt").valid is False
    finally:
        treesitter.parser.cache_clear()


# ------------------------------------------------------------------ converters
@pytest.mark.parametrize("value, kind, item, expected, why", [
    ("42", "integer", None, 42, "digits"), ("4.0", "integer", None, "4.0", "not an integer literal"),
    ("42", "long", None, "42", "a long needs L"), ("42L", "long", None, 42, "with L"),
    ("1.5f", "float", None, 1.5, "f suffix"), ("1e3f", "float", None, 1000.0, "exponent and f"),
    (".5f", "float", None, ".5f", "a leading digit is required"), ("3", "double", None, 3.0, "double"),
    ("3.5d", "double", None, "3.5d", "no d suffix"), ("true", "boolean", None, True, "lower-case"),
    ("True", "boolean", None, "True", "capitalized stays text"), ("'c'", "char", None, "'c'", "char never converts"),
    ('"x"', "String", None, '"x"', "String keeps quotes"),
    ('new String[]{"a", "b"}', "Array", "String", ['"a"', '"b"'], "Array String items keep quotes"),
    ("new int[]{1, 2}", "Array", "integer", [1, 2], "Array items converted"),
    ("new long[]{1L, 2}", "Array", "long", [1, "2"], "long items need L"),
    ('new ArrayList<>(Arrays.asList("a, b", "c"))', "ArrayList", "String", ["", "", "c"], "split on every comma"),
    ("new ArrayList<>(Arrays.asList(abc, de))", "ArrayList", "String", ["b", ""], "first and last char cut"),
    ('new ArrayList<Integer>() {{ add(1); add(2); }}', "ArrayList", "integer", [1, 2], "add() block"),
    ("new ArrayList<>()", "ArrayList", "String", [], "empty"), ('Arrays.asList("a")', "ArrayList", "String",
                                                                 'Arrays.asList("a")', "not an ArrayList"),
    ('new HashMap<String, String>() {{ put("k", "v"); put("n", f(1)); }}', "HashMap", None, {"k": "v", "n": "f(1"},
     "values cut at the first ')'"),
    ("new HashMap<>()", "HashMap", None, {}, "empty map"),
])
def test_java_converter(value: str, kind: str, item: str | None, expected: object, why: str) -> None:
    assert java_convert(value, kind, item) == expected, why


def test_java_converter_unsupported() -> None:
    with pytest.raises(NotImplementedError):
        java_convert("x", "Set")
    with pytest.raises(ValueError):
        java_convert("x", "Widget")


@pytest.mark.parametrize("value, kind, item, expected, why", [
    ("'x'", "String", None, "x", "one pair of quotes"), ("x", "String", None, "x", "unquoted"),
    ("42", "integer", None, 42, "digits"), ("4", "float", None, 4.0, "an integer is a float"),
    ("1e3", "float", None, "1e3", "no exponent"), ("10n", "Bigint", None, 10, "n suffix"),
    ("10", "Bigint", None, "10", "n required"), ("true", "Boolean", None, True, "lower-case"),
    ("['a', 'b']", "array", "String", ["a", "b"], "quotes removed for String items"),
    ("['1', 2]", "array", "integer", ["'1'", 2], "quotes kept for other item types"),
    ("['a, b']", "array", "String", ["'a", "b'"], "split on every comma"),
    ("new Array(1, 2)", "array", "integer", [1, 2], "new Array"),
    ("[[1, 2], [3]]", "array", "array", [[1, 2], [3]], "2-D arrays"),
    ("{k: 1, 'j': 'v', \"l\": [1, 2]}", "dict", None, {"k": 1, "j": "v", "l": [1, 2]}, "object literal"),
    ("{a: {b: 1}}", "dict", None, {"a": "{b: 1"}, "nested objects cut at the first '}'"),
    ("new Map()", "dict", None, "new Map()", "not an object literal"),
])
def test_js_converter(value: str, kind: str, item: str | None, expected: object, why: str) -> None:
    assert js_convert(value, kind, item) == expected, why


# ------------------------------------------------------------------ decoders in detail
@pytest.mark.parametrize("text, expected", [
    ("[f(a=true, b=null, c=True, d=None)]", [{"f": {"a": "true", "b": "null", "c": True, "d": None}}]),
    ("[f(a=-5, b=+5, c=~1, d=not True)]", [{"f": {"a": -5, "b": -5, "c": -1, "d": -1}}]),
    ("[f(a=2**10, b='ab'*2, c=7//2, d=+5*2)]", [{"f": {"a": 1024, "b": "abab", "c": 3, "d": 10}}]),
    ("[f(a=g(1), b=g(x=1), c=x[1, 2])]", [{"f": {"a": "g(1)", "b": {"g": {"x": 1}}, "c": "x[(1, 2)]"}}]),
    ("[f(a=(1, 2), b={'k': [1]}, c=...)]", [{"f": {"a": (1, 2), "b": {"k": [1]}, "c": "..."}}]),
    ("[f(a=1)(b=2)]", [{"": {"b": 2}}]), ("[x[0].f(a=1)]", [{"f": {"a": 1}}]), ("[a.b.c(x=1)]", [{"a.b.c": {"x": 1}}]),
    ("[f(a='a' 'b', b=0x10, c=1e3)]", [{"f": {"a": "ab", "b": 16, "c": 1000.0}}]),
])
def test_python_decoder(text: str, expected: list) -> None:
    assert decode_prompt(text, "python") == expected


@needs_tree_sitter
@pytest.mark.parametrize("text, language, expected", [
    ('[C.f(a=1, b="x\\"y", c=true, d=3.5f, e=10L, g=new int[]{1, 2}, h=ctx, i=List.of(1,2))]', "java",
     [{"C.f": {"a": "1", "b": 'x\\"y', "c": "true", "d": "3.5f", "e": "10L", "g": "new int[]{1,2}", "h": "ctx",
               "i": "List.of(1,2)"}}]),
    ("[C.f(m=new HashMap<String, Integer>() {{ put(\"k\", 1); }}, n=2)]", "java",
     [{"C.f": {"m": "new HashMap<String,Integer>()", "n": "2"}}]),
    ("[C.f(x, b=2)]", "java", [{"C.f": {None: "x", "b": "2"}}]), ("[]", "java", {}),
    ("[f(a=1, b='x', c=true, d=[1, 2], e={k: 1}, f=null, g=10n, h=ctx)]", "javascript",
     [{"f": {"a": "1", "b": "x", "c": "true", "d": "[1, 2]", "e": "{k: 1}", "f": "null", "g": "10n", "h": "ctx"}}]),
    ("[f(1, x, b=2)]", "javascript", [{"f": {None: "x", "b": "2"}}]),
    ("[f(a=1), g(b=2)]", "javascript", None), ("[]", "javascript", None),
])
def test_java_javascript_decoders(text: str, language: str, expected: object) -> None:
    assert decode_prompt(text, language) == expected


def test_java_byte_offsets() -> None:
    """BFCL slices the text with tree-sitter's byte offsets, so after a non-ASCII character
    the Java decoder reads from the wrong place; so does the port."""
    if not HAS_TREE_SITTER:
        pytest.skip(NO_TREE_SITTER)
    # "é" is 2 bytes: every later slice is shifted by one character
    assert decode_prompt('[C.f(a="é", b=ab)]', "java") == [{"C.f": {"a": 'é"', "=": "b)"}}]


def test_arithmetic_is_safe() -> None:
    evaluate_text = lambda text: arith.evaluate(ast.parse(text, mode="eval").body)  # noqa: E731
    assert evaluate_text("(1 < 2) + 1") == 2 and evaluate_text("'%s-%d' % ('a', 1)") == "a-1"
    assert evaluate_text("[0] * 3") == [0, 0, 0] and evaluate_text("{'a': 1} | {'b': 2}") == {"a": 1, "b": 2}
    for refused in ("9 ** 9 ** 9", "'a' * 10 ** 9", "1 << 10 ** 9", "'%999999999d' % 1", "len('ab') + 1",
                    "__import__('os').system('true') + 1"):
        with pytest.raises(arith.Refused):
            evaluate_text(refused)


def _python_source(rng: random.Random, depth: int = 0) -> str:
    atoms = ["1", "-2.5", "+3", "007", "00", "1e5", ".5", "'a'", '"b"', "'it\"s'", "''", "True", "None", "null",
             "x", "from", "a.b", "'a' 'b'", "b'x'", "r'x'", "(1)", "[]", "{}", "- 1", "1_0", "3j", "'\\t'", "'é'"]
    roll = rng.random()
    if depth > 2 or roll < 0.6:
        return rng.choice(atoms)
    if roll < 0.8:
        items = ", ".join(_python_source(rng, depth + 1) for _ in range(rng.randint(0, 3)))
        return "[" + items + rng.choice(["", ","]) + "]"
    if roll < 0.9:
        return "{" + ", ".join(f"'k{i}': {_python_source(rng, depth + 1)}" for i in range(rng.randint(0, 2))) + "}"
    return f"g(x={_python_source(rng, depth + 1)})"


def test_flat_route_equals_ast_route(monkeypatch: pytest.MonkeyPatch) -> None:
    """decode_python decodes the usual shape without ast; both routes must agree."""
    rng = random.Random(7)
    texts = []
    for _ in range(3000):
        calls = []
        for _ in range(rng.randint(0, 3)):
            args = [f"{rng.choice(['a', 'b', 'from', '_', 'True'])}{rng.choice(['=', ' = '])}{_python_source(rng)}"
                    for _ in range(rng.randint(0, 3))]
            calls.append(f"{rng.choice(['f', 'a.b', 'if'])}({', '.join(args)}{rng.choice(['', ','])})")
        texts.append("[" + rng.choice([", ", ",", " ,\n"]).join(calls) + "]")
    flat_hits = 0
    for text in texts:
        flat = decode_python.flat_decode(text)
        if flat is None:
            continue
        flat_hits += 1
        with monkeypatch.context() as patched:
            patched.setattr(decode_python, "flat_decode", lambda source: None)
            assert repr(decode_python.decode_python(text)) == repr(flat), text
    assert flat_hits > 300


@needs_tree_sitter
def test_error_test_matches_the_s_expression() -> None:
    """treesitter.prints_error avoids building the s-expression; it must say what it says."""
    rng = random.Random(3)
    pieces = ['C.f(a=1)', 'C.f(a=1, b=2)', 'f(a="x")', "new int[]{1}", "`x`", "@", ";", "(", ")", "{", "}", ",", " ",
              "=", "'", '"', "#", "/*", "x -> 1", "1.5f", "é"]
    for _ in range(2000):
        source = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 6)))
        for language in ("java", "javascript"):
            root = treesitter.parser(language).parse(source.encode()).root_node
            assert treesitter.prints_error(root) == ("ERROR" in root.sexp()), (language, source)
