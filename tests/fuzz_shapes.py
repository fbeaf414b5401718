"""Hypothesis strategies for adversarial model output, in every form it can reach fcbench.

Shapes (issue: no model output can crash a run): JSON values of any type in any
field; strings with lone surrogates, control characters, bidi overrides and
NULs; values nested far deeper than Python's recursion limit, as data and as
text; huge strings and arrays; NaN, Infinity, 1e308 and integers of thousands of
digits; OpenAI's wire form (arguments as a JSON string, valid or not);
call-like text in every syntax fcbench reads, whole or cut off; references to
labels that do not exist.

Forms (`FORMS`): a backend's `ModelOutput` with fields of any type, a replay
record, a Chat Completions body, a Messages API body, a BFCL result value and
raw response bytes (parsed with `fcbench.parsing.intake.loads`, as the HTTP backends do).
"""

from __future__ import annotations

import json

from hypothesis import strategies as st

NAMES = ["get_weather", "find_city", "search_flights", "get_stock_price", "convert_currency",
         "send_message", "nope", "calc.area", ""]
ODD_STRINGS = ["\ud83d", "\udc00", "half an emoji \ud83d here", "\x00", "\x1b[31mred\x1b[0m", "\u202eevil",
               "\ufeffbom", "line\r\nbreak", "$var1.city_id$", "$var9.nope$", "$var0.x$", "$$", "</think>",
               "<tool_call>", "[TOOL_CALLS]", "<|python_tag|>", "```", "null", "NaN", "1e308", "C101", "celsius"]
NUMBERS = st.one_of(
    st.integers(), st.integers(min_value=-10**30, max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e308, -1e308, 5e-324, 2**63, -2**63 - 1, 10**4000, 0.1 + 0.2, -0.0]))
TEXT = st.one_of(st.text(alphabet=st.characters(blacklist_categories=()), max_size=24),
                 st.sampled_from(ODD_STRINGS))
SCALAR = st.one_of(st.none(), st.booleans(), NUMBERS, TEXT)
JSON = st.recursive(SCALAR, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                    st.dictionaries(TEXT, inner, max_size=4)), max_leaves=16)


class Big:
    """A value too deep or too big to build (or print) inside Hypothesis: built by `materialize`.

    Hypothesis prints examples with a recursive pretty-printer, which a value nested
    5,000 levels deep would crash; so strategies hold this recipe with a short repr.
    """

    def __init__(self, make, label: str):
        self.make, self.label = make, label

    def __repr__(self) -> str:
        return f"Big({self.label})"


def materialize(value: object) -> object:
    """`value` with every `Big` recipe built (the recipes sit at shallow depth only)."""
    if isinstance(value, Big):
        return value.make()
    if isinstance(value, dict):
        return {materialize(k): materialize(v) for k, v in value.items()}
    if isinstance(value, list):
        return [materialize(v) for v in value]
    if isinstance(value, tuple):
        return tuple(materialize(v) for v in value)
    return value


def nested(depth: int, leaf: object = 1, kind: str = "list") -> object:
    """A value nested `depth` levels deep, built without recursion."""
    value = leaf
    for _ in range(depth):
        value = [value] if kind == "list" else {"a": value}
    return value


def nested_text(depth: int, kind: str = "list") -> str:
    opener, closer = ("[", "]") if kind == "list" else ('{"a": ', "}")
    return opener * depth + "1" + closer * depth


DEEP = st.builds(lambda depth, leaf, kind: Big(lambda: nested(depth, leaf, kind), f"{kind} nested {depth} deep"),
                 st.sampled_from([31, 33, 64, 200, 990, 1500, 5000]), SCALAR, st.sampled_from(["list", "dict"]))
HUGE = st.one_of(
    st.sampled_from([150_000, 250_000, 1_200_000]).map(lambda n: Big(lambda: "x" * n, f"string of {n:,}")),
    st.sampled_from([20_000, 110_000]).map(lambda n: Big(lambda: list(range(n)), f"array of {n:,}")),
    st.sampled_from([5_000, 20_000]).map(lambda n: Big(lambda: {f"k{i}": i for i in range(n)},
                                                       f"object of {n:,} keys")))
# Mostly ordinary JSON; the deep, huge and unprintable shapes often enough to meet every field.
ANY = st.one_of(JSON, JSON, JSON, JSON, JSON, JSON, DEEP, HUGE, st.just(Big(lambda: 10**5000, "10**5000")))

ARGUMENTS = st.one_of(
    st.dictionaries(st.one_of(st.sampled_from(["city", "city_id", "unit", "days", "amount", "x"]), TEXT),
                    st.one_of(JSON, JSON, DEEP), max_size=5),
    ANY,
    JSON.map(lambda v: json.dumps(v, allow_nan=True)),  # the wire form: arguments as a JSON string
    st.sampled_from(['{"city": "Paris"', "{oops", "", "null", "[1, 2]", '"str"', nested_text(3000, "dict")]))
CALL_DICT = st.fixed_dictionaries(
    {"name": st.one_of(st.sampled_from(NAMES), ANY)},
    optional={"arguments": ARGUMENTS, "parameters": ARGUMENTS, "label": ANY, "id": ANY, "type": ANY})
WIRE_CALL = st.builds(lambda name, args, cid: {"id": cid, "type": "function",
                                               "function": {"name": name, "arguments": args}},
                      st.one_of(st.sampled_from(NAMES), ANY), ARGUMENTS, ANY)
CALLS = st.one_of(st.lists(st.one_of(CALL_DICT, WIRE_CALL, ANY), max_size=5), ANY,
                  st.integers(300, 400).map(lambda n: Big(lambda: [{"name": "get_weather", "arguments": {}}] * n,
                                            f"{n} calls")))


def _render(calls: list, syntax: str) -> str:
    if syntax == "json":
        return json.dumps(calls, allow_nan=True)
    if syntax == "hermes":
        return "".join(f"<tool_call>{json.dumps(c, allow_nan=True)}</tool_call>" for c in calls)
    if syntax == "mistral":
        return "[TOOL_CALLS]" + json.dumps(calls, allow_nan=True)
    if syntax == "fenced":
        return "Here you go:\n```json\n" + json.dumps(calls, allow_nan=True) + "\n```"
    parts = []
    for c in calls:
        args = c.get("arguments") if isinstance(c.get("arguments"), dict) else {}
        parts.append(f"{c.get('name')}(" + ", ".join(f"{k}={v!r}" for k, v in args.items()) + ")")
    return "[" + ", ".join(parts) + "]"


CALL_TEXT = st.builds(
    lambda calls, syntax, cut: (lambda text: text[: int(len(text) * cut)] if cut < 1 else text)(_render(calls, syntax)),
    st.lists(st.fixed_dictionaries({"name": st.sampled_from(NAMES),
                                    "arguments": st.dictionaries(st.sampled_from(["city", "x", "from"]), JSON,
                                                                 max_size=3)}), max_size=3),
    st.sampled_from(["json", "hermes", "mistral", "fenced", "pythonic"]),
    st.sampled_from([1.0, 1.0, 0.5, 0.9, 0.1]))
TEXT_ANSWER = st.one_of(TEXT, CALL_TEXT, CALL_TEXT, st.sampled_from([nested_text(5000), nested_text(990, "dict"),
                                                                     "[" * 3000, '{"name": "f", "arguments": ' * 900,
                                                                     "<think>" + "x" * 1000, "\ud83d" * 50]))

MODEL_OUTPUT_FIELDS = st.fixed_dictionaries({
    "text": st.one_of(st.none(), TEXT_ANSWER, ANY), "tool_calls": st.one_of(st.just(()), CALLS),
    "finish_reason": st.one_of(st.none(), st.just("stop"), ANY), "usage": ANY, "latency_s": ANY,
    "malformed": st.one_of(st.none(), st.none(), ANY), "raw": ANY, "attempts": ANY})
RECORD = st.one_of(
    st.fixed_dictionaries({"text": st.one_of(TEXT_ANSWER, ANY)}, optional={"tool_calls": CALLS, "usage": ANY}),
    st.fixed_dictionaries({"output": st.one_of(MODEL_OUTPUT_FIELDS, ANY)}),
    st.fixed_dictionaries({"content": st.one_of(TEXT_ANSWER, ANY), "tool_calls": CALLS}))
MESSAGE = st.fixed_dictionaries({"role": st.just("assistant")},
                                optional={"content": st.one_of(st.none(), TEXT_ANSWER, TEXT_ANSWER, ANY),
                                          "tool_calls": st.one_of(CALLS, CALLS, st.lists(WIRE_CALL, max_size=3))})
CHAT_COMPLETION = st.fixed_dictionaries({"choices": st.lists(st.fixed_dictionaries(
    {"message": st.one_of(MESSAGE, MESSAGE, ANY)}, optional={"finish_reason": ANY}), min_size=1, max_size=2)},
    optional={"usage": st.one_of(ANY, st.fixed_dictionaries({"prompt_tokens": ANY, "completion_tokens": ANY}))})
CHAT_BODY = st.one_of(CHAT_COMPLETION, CHAT_COMPLETION, CHAT_COMPLETION, ANY)
BLOCK = st.one_of(
    st.fixed_dictionaries({"type": st.just("text"), "text": st.one_of(TEXT_ANSWER, ANY)}),
    st.fixed_dictionaries({"type": st.just("tool_use"), "name": st.one_of(st.sampled_from(NAMES), ANY),
                           "input": st.one_of(ARGUMENTS, ANY)}, optional={"id": ANY}),
    ANY)
MESSAGES_ANSWER = st.fixed_dictionaries({"content": st.lists(BLOCK, max_size=4)},
                                        optional={"stop_reason": ANY, "usage": ANY})
ANTHROPIC_BODY = st.one_of(MESSAGES_ANSWER, MESSAGES_ANSWER, MESSAGES_ANSWER, ANY)
BFCL_RESULT = st.one_of(TEXT_ANSWER, st.lists(st.one_of(
    st.dictionaries(st.sampled_from(NAMES), st.one_of(ARGUMENTS, ANY), min_size=1, max_size=2), TEXT_ANSWER, ANY),
    max_size=4), ANY)


def _raw_bytes(body: object, tweak: str) -> bytes:
    body = materialize(body)
    try:
        text = json.dumps(body, allow_nan=True, ensure_ascii=False)
    except (ValueError, RecursionError):  # too deep for json.dumps: the same depth, written by hand
        return ('{"choices": [{"message": {"content": null, "tool_calls": ' + nested_text(3000) + "}}]}").encode()
    if tweak == "surrogate-escaped":
        return json.dumps(body, allow_nan=True).encode("ascii")  # \ud83d stays an escape, as servers send it
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: a server writes it as an escape (or sends bad bytes below)
        data = json.dumps(body, allow_nan=True).encode("ascii")
    if tweak == "invalid-utf8":
        return text.encode("utf-8", errors="surrogatepass") + b"\xff"
    if tweak == "truncated":
        return data[: len(data) // 2]
    if tweak == "latin1":
        return data + b"\xff\xfe"
    return data


RAW_BODY = st.one_of(
    st.builds(_raw_bytes, CHAT_BODY, st.sampled_from(["plain", "surrogate-escaped", "truncated", "latin1",
                                                      "invalid-utf8"])),
    st.sampled_from([("{" + '"choices": [{"message": {"content": ' + nested_text(4000) + "}}]}").encode(),
                     b"", b"null", b"<html>502</html>", nested_text(10_000).encode()]))

# Edits to the sample's own gold answer: (call index, argument index, new value, drop the call?)
GOLD_EDITS = st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9), st.one_of(JSON, JSON, ANY), st.booleans()),
                      min_size=1, max_size=4)

FORMS = {
    "edited_gold": GOLD_EDITS,
    "model_output": MODEL_OUTPUT_FIELDS,
    "replay_record": RECORD,
    "chat_body": CHAT_BODY,
    "anthropic_body": ANTHROPIC_BODY,
    "bfcl_result": BFCL_RESULT,
    "raw_bytes": RAW_BODY,
}


def backend_output(form: str, payload: object):
    """What the backend layer makes of `payload` in `form` (any form but ``edited_gold``, which
    needs a request). Raises what a backend raises: `InfraError`, or `JsonError` for raw bytes."""
    from fcbench.models.anthropic_wire import parse_messages_response
    from fcbench.models.openai_wire import parse_chat_response
    from fcbench.models.replay import bfcl_output
    from fcbench.parsing.intake import loads, output_from_record
    from fcbench.records import ModelOutput

    if form == "model_output":
        return ModelOutput(**payload)  # fields of any type, as a buggy backend might build
    if form == "replay_record":
        return output_from_record(payload)
    if form == "chat_body":
        return parse_chat_response(payload, 0.01)
    if form == "anthropic_body":
        return parse_messages_response(payload, 0.01)
    if form == "bfcl_result":
        return bfcl_output(payload)
    if form == "raw_bytes":
        return parse_chat_response(loads(payload), 0.01)
    raise ValueError(f"no backend form {form!r}")
