"""Generate thousands of model answers of our own making from BFCL's possible answers.

Deterministic (one ``random.Random`` per entry, seeded by its id). For every entry of the 12
single-turn categories, in prompt style (Python, Java or JavaScript text, by category) and FC
style (``[{name: JSON argument string}]``), it writes right answers (several renderings of
the accepted values) and labelled error classes (see ``SEMANTIC``, ``TEXTUAL``, ``FC_ONLY`` and
``IRRELEVANCE_*``). The class is a label for reading the report, not an expected verdict:
the real verdict comes from bfcl-eval (bfcl_verdicts.py).

    python tests_bfcl/answers.py [--out build/bfcl_port/answers.jsonl] [--per-entry 6]
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bfcl_data import DEFAULT_DATA, DEFAULT_WORK, load_entries, write_jsonl
from render import Call, Expr, Raw, Variant, fc_answer, is_identifier, prompt_calls

SMALL_CATEGORY = 100  # categories with at most this many entries get every applicable class


@dataclass
class Item:
    entry: dict
    language: str
    docs: dict[str, dict]
    rng: random.Random

    @property
    def gold(self) -> list[dict]:
        return self.entry["ground_truth"]

    def props(self, name: str) -> dict:
        return self.docs.get(name, {}).get("parameters", {}).get("properties", {})

    def required(self, name: str) -> list[str]:
        return self.docs.get(name, {}).get("parameters", {}).get("required", [])


def language_of(category: str) -> str:
    return "javascript" if "javascript" in category else "java" if "java" in category else "python"


# ----------------------------------------------------------------- from gold to calls
def _real(alternatives: list) -> list:
    return [a for a in alternatives if a != "" and a is not None]


def concrete(value: Any, rng: random.Random, full: bool) -> Any:
    """One accepted value: dict alternatives hold accepted-value lists per key."""
    if isinstance(value, dict):
        out = {}
        for key, accepted in value.items():
            if not isinstance(accepted, list):
                out[key] = accepted
                continue
            real = _real(accepted)
            if real and ("" not in accepted or full):
                out[key] = concrete(rng.choice(real) if full else real[0], rng, full)
        return out
    if isinstance(value, list):
        return [concrete(v, rng, full) if isinstance(v, dict) else v for v in value]
    return value


def gold_calls(item: Item, full: bool = False, randomize: bool = False) -> list[Call]:
    calls = []
    for gold_call in item.gold:
        (name, params), = gold_call.items()
        args = {}
        for param, accepted in params.items():
            real = _real(accepted)
            if not real or ("" in accepted and not full) or (None in accepted and not full):
                continue
            pick = item.rng.choice(real) if randomize else real[0]
            args[param] = concrete(copy.deepcopy(pick), item.rng, full)
        calls.append(Call(name, args))
    return calls


def random_variant(rng: random.Random) -> Variant:
    return Variant(**{name: rng.random() < 0.5 for name in (
        "double_quotes", "compact", "long_suffix", "float_suffix", "quote_string_items", "add_block",
        "new_array", "bare_identifiers", "int_floats")})


# ------------------------------------------------------------------ value mutations
def wrong_value(value: Any, rng: random.Random) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + rng.choice([1, 7, -3])
    if isinstance(value, float):
        return value * 2 + 0.5
    if isinstance(value, str):
        return rng.choice([value + " zz", "zzq", value[::-1] + "x", ""])
    if isinstance(value, list):
        return value[:-1] if value else ["zzq"]
    if isinstance(value, dict):
        if not value:
            return {"zzq": 1}
        key = rng.choice(sorted(value, key=str))
        return {**value, key: wrong_value(value[key], rng)}
    return "zzq"


def wrong_type(value: Any, rng: random.Random) -> Any:
    if isinstance(value, bool):
        return rng.choice(["true", 1, "True"])
    if isinstance(value, int | float):
        return rng.choice([str(value), [value], float(value) if isinstance(value, int) else int(value)])
    if isinstance(value, str):
        return rng.choice([123, 1.5, True, [value], None])
    if isinstance(value, list):
        return rng.choice([",".join(map(str, value)), tuple(value), {"items": value}])
    if isinstance(value, dict):
        return rng.choice([json.dumps(value), list(value.items()), list(value)])
    return 0


def _pick_arg(calls: list[Call], rng: random.Random, want: Callable[[Any], bool] = lambda v: True) -> tuple | None:
    options = [(c, k) for c in calls for k, v in c.args.items() if want(v)]
    return rng.choice(options) if options else None


def _set_arg(item: Item, calls: list[Call], change: Callable[[Any], Any],
             want: Callable[[Any], bool] = lambda v: True) -> list[Call] | None:
    picked = _pick_arg(calls, item.rng, want)
    if picked is None:
        return None
    call, key = picked
    call.args[key] = change(call.args[key])
    return calls


def _typed_params(item: Item, calls: list[Call], types: tuple[str, ...], item_types: tuple[str, ...] = ()) -> list:
    out = []
    for call in calls:
        for key in call.args:
            schema = item.props(call.name).get(key, {})
            if schema.get("type") in types and (not item_types or schema.get("items", {}).get("type") in item_types):
                out.append((call, key))
    return out


def _is_float(v: Any) -> bool:
    return isinstance(v, float)


# ------------------------------------------------------- semantic error classes
# Each takes (item, deep copy of the gold calls) and returns mutated calls or None (n/a).
def m_wrong_value(item: Item, calls: list[Call]) -> list[Call] | None:
    return _set_arg(item, calls, lambda v: wrong_value(v, item.rng))


def m_wrong_type(item: Item, calls: list[Call]) -> list[Call] | None:
    return _set_arg(item, calls, lambda v: wrong_type(v, item.rng))


def m_missing_required(item: Item, calls: list[Call]) -> list[Call] | None:
    options = [(c, k) for c in calls for k in c.args if k in item.required(c.name)]
    if not options:
        return None
    call, key = item.rng.choice(options)
    del call.args[key]
    return calls


def m_unexpected_param(item: Item, calls: list[Call]) -> list[Call] | None:
    call = item.rng.choice(calls)
    call.args[item.rng.choice(["extra_param", "verbose", "unit"])] = item.rng.choice([1, "yes", True])
    return calls


def m_unexpected_schema_param(item: Item, calls: list[Call]) -> list[Call] | None:
    for call in calls:
        gold = next((g[call.name] for g in item.gold if call.name in g), {})
        spare = [k for k in item.props(call.name) if k not in gold]
        if spare:
            key = item.rng.choice(spare)
            call.args[key] = _sample_value(item.props(call.name)[key])
            return calls
    return None


def m_missing_optional(item: Item, calls: list[Call]) -> list[Call] | None:
    options = [(c, k) for c in calls for k in c.args if k not in item.required(c.name)]
    if not options:
        return None
    call, key = item.rng.choice(options)
    del call.args[key]
    return calls


def m_wrong_func_name(item: Item, calls: list[Call]) -> list[Call] | None:
    call = item.rng.choice(calls)
    others = [name for name in item.docs if name != call.name]
    call.name = item.rng.choice(others) if others and item.rng.random() < 0.7 else call.name + "_v2"
    return calls


def m_extra_call(item: Item, calls: list[Call]) -> list[Call] | None:
    return calls + [copy.deepcopy(item.rng.choice(calls))] if calls else None


def m_missing_call(item: Item, calls: list[Call]) -> list[Call] | None:
    return calls[:-1] if calls else None


def m_wrong_order(item: Item, calls: list[Call]) -> list[Call] | None:
    return calls[::-1] if len(calls) > 1 else None


def m_int_for_float(item: Item, calls: list[Call]) -> list[Call] | None:
    options = _typed_params(item, calls, ("float", "double"))
    if not options:
        return None
    call, key = item.rng.choice(options)
    value = call.args[key]
    call.args[key] = int(value) if isinstance(value, int | float) and not isinstance(value, bool) else 2
    return calls


def m_int_in_float_array(item: Item, calls: list[Call]) -> list[Call] | None:
    options = _typed_params(item, calls, ("array", "Array", "ArrayList"), ("float", "double"))
    if not options:
        return None
    call, key = item.rng.choice(options)
    values = list(call.args[key]) if isinstance(call.args[key], list) else []
    index = item.rng.randrange(len(values)) if values else 0
    values[index:index + 1] = [int(values[index]) if values and isinstance(values[index], float) else 1]
    call.args[key] = values
    return calls


def m_none_for_optional(item: Item, calls: list[Call]) -> list[Call] | None:
    for call in calls:
        gold = next((g[call.name] for g in item.gold if call.name in g), {})
        nullable = [k for k, accepted in gold.items() if None in accepted or "" in accepted]
        if nullable:
            call.args[item.rng.choice(nullable)] = None
            return calls
    return None


def m_optional_empty_string(item: Item, calls: list[Call]) -> list[Call] | None:
    for call in calls:
        gold = next((g[call.name] for g in item.gold if call.name in g), {})
        optional = [k for k, accepted in gold.items() if "" in accepted]
        if optional:
            call.args[item.rng.choice(optional)] = ""
            return calls
    return None


def m_float_tolerance(item: Item, calls: list[Call]) -> list[Call] | None:
    def nudge(v: Any) -> Any:
        if isinstance(v, bool) or not isinstance(v, int | float):
            return v
        if isinstance(v, int):
            return v + 1 if abs(v) > 1000 else v + 1e-9
        if 0 < abs(v) < 1e-6:
            return 5e-12 if v != 5e-12 else 8.854e-12
        part = round(v / 3, 3)
        return Expr(f"{part!r}+{v - part!r}", part + (v - part)) if item.rng.random() < 0.6 else v * (1 + 1e-12)
    return _set_arg(item, calls, nudge, lambda v: isinstance(v, int | float) and not isinstance(v, bool))


def m_string_normalized(item: Item, calls: list[Call]) -> list[Call] | None:
    def reshape(v: str) -> str:
        choice = item.rng.randrange(5)
        if choice == 0:
            return v.upper()
        if choice == 1:
            return v.replace(" ", "-")
        if choice == 2:
            return " " + v.replace(" ", "  ") + "."
        if choice == 3:
            return v.replace('"', "'") + "^"
        return v.replace(" ", ":") if " " in v else v + "\t"
    return _set_arg(item, calls, reshape, lambda v: isinstance(v, str) and bool(v))


def m_empty_list_optional(item: Item, calls: list[Call]) -> list[Call] | None:
    for call in calls:
        gold = next((g[call.name] for g in item.gold if call.name in g), {})
        for key, schema in item.props(call.name).items():
            if schema.get("type") in ("array", "Array", "ArrayList", "tuple") and key in gold:
                call.args[key] = []
                return calls
    return None


def m_dict_keys(item: Item, calls: list[Call]) -> list[Call] | None:
    options = [(c, k) for c in calls for k, v in c.args.items() if isinstance(v, dict)]
    options += [(c, k) for c in calls for k, v in c.args.items()
                if isinstance(v, list) and v and all(isinstance(x, dict) for x in v)]
    if not options:
        return None
    call, key = item.rng.choice(options)
    target = call.args[key] if isinstance(call.args[key], dict) else call.args[key][0]
    if target and item.rng.random() < 0.5:
        target.pop(item.rng.choice(sorted(target)))
    elif target and item.rng.random() < 0.5:
        first = sorted(target)[0]
        target[first] = wrong_value(target[first], item.rng) if not isinstance(target[first], str) \
            else target[first].upper()
    else:
        target["extra_key"] = "x"
    return calls


def m_tuple_value(item: Item, calls: list[Call]) -> list[Call] | None:
    return _set_arg(item, calls, tuple, lambda v: isinstance(v, list))


def m_keyword_from(item: Item, calls: list[Call]) -> list[Call] | None:
    call = item.rng.choice(calls)
    if not call.args:
        return None
    key = item.rng.choice(list(call.args))
    call.args = {("from" if k == key else k): v for k, v in call.args.items()}
    return calls


def m_variable_name(item: Item, calls: list[Call]) -> list[Call] | None:
    return _set_arg(item, calls, lambda v: Raw(item.rng.choice(["myVar", "ctxValue", "inputData"])),
                    lambda v: not isinstance(v, str))


def m_bare_literals(item: Item, calls: list[Call]) -> list[Call] | None:
    def bare(v: Any) -> Any:
        if isinstance(v, bool):
            return Raw("true" if v else "false")
        if v is None:
            return Raw("null")
        return [bare(x) for x in v] if isinstance(v, list) else v
    options = _pick_arg(calls, item.rng, lambda v: isinstance(v, bool) or v is None or
                        (isinstance(v, list) and any(isinstance(x, bool) for x in v)))
    if options is None:
        return None
    call, key = options
    call.args[key] = bare(call.args[key])
    return calls


def m_bare_identifier(item: Item, calls: list[Call]) -> list[Call] | None:
    return _set_arg(item, calls, lambda v: Raw(v) if is_identifier(v) else Raw(v.split()[0] if v.split() else "x"),
                    lambda v: isinstance(v, str) and bool(v) and not isinstance(v, Raw))


def m_unary_operator(item: Item, calls: list[Call]) -> list[Call] | None:
    def unary(v: Any) -> Any:
        if isinstance(v, bool):
            return Expr(f"not {not v}", v)
        sign = item.rng.choice(["+", "-", "~", "- "])
        return Expr(f"{sign}{abs(v)!r}" if sign != "~" else f"~{abs(int(v))}", v)
    return _set_arg(item, calls, unary, lambda v: isinstance(v, int | float))


def m_arithmetic(item: Item, calls: list[Call]) -> list[Call] | None:
    def arithmetic(v: Any) -> Any:
        if isinstance(v, bool):
            return Expr(f"{int(v)} + 0", int(v))
        if isinstance(v, int):
            form = item.rng.randrange(4)
            if form == 0:
                return Expr(f"{v - 1} + 1", v)
            if form == 1:
                return Expr(f"{v} * 1.0", v * 1.0)
            if form == 2:
                return Expr(f"-{abs(v) + 1} + {abs(v) + 1 + v}", v)
            return Expr(f"{v * 2} // 2", v)
        if isinstance(v, float):
            return Expr(f"{v / 2!r} * 2", v / 2 * 2) if item.rng.random() < 0.5 else Expr(f"{v!r} / 1", v)
        if isinstance(v, str) and len(v) > 1:
            cut = len(v) // 2
            return Expr(f"{v[:cut]!r} + {v[cut:]!r}", v)
        return Expr("1/0", None)
    return _set_arg(item, calls, arithmetic, lambda v: isinstance(v, int | float | str))


def m_positional(item: Item, calls: list[Call]) -> list[Call] | None:
    call = item.rng.choice(calls)
    if not call.args:
        call.positional = [1]
        return calls
    key = next(iter(call.args))
    call.positional = [call.args.pop(key)]
    return calls


def m_non_ascii(item: Item, calls: list[Call]) -> list[Call] | None:
    return _set_arg(item, calls, lambda v: item.rng.choice(["é", "日本 ", "ß"]) + v,
                    lambda v: isinstance(v, str) and not isinstance(v, Raw))


def m_dotted_name_underscored(item: Item, calls: list[Call]) -> list[Call] | None:
    dotted = [c for c in calls if "." in c.name]
    if not dotted:
        return None
    for call in dotted:
        call.name = call.name.replace(".", "_")
    return calls


SEMANTIC: dict[str, Callable[[Item, list[Call]], list[Call] | None]] = {
    "wrong_value": m_wrong_value, "wrong_type": m_wrong_type, "missing_required": m_missing_required,
    "unexpected_param": m_unexpected_param, "unexpected_schema_param": m_unexpected_schema_param,
    "missing_optional": m_missing_optional, "wrong_func_name": m_wrong_func_name, "extra_call": m_extra_call,
    "missing_call": m_missing_call, "wrong_order": m_wrong_order, "int_for_float": m_int_for_float,
    "int_in_float_array": m_int_in_float_array, "none_for_optional": m_none_for_optional,
    "optional_empty_string": m_optional_empty_string, "float_tolerance": m_float_tolerance,
    "string_normalized": m_string_normalized, "empty_list_optional": m_empty_list_optional,
    "dict_keys": m_dict_keys, "tuple_value": m_tuple_value, "keyword_from": m_keyword_from,
    "variable_name": m_variable_name, "bare_literals": m_bare_literals, "bare_identifier": m_bare_identifier,
    "unary_operator": m_unary_operator, "arithmetic": m_arithmetic, "positional_arg": m_positional,
    "non_ascii": m_non_ascii, "dotted_name_underscored": m_dotted_name_underscored,
}


def _sample_value(schema: dict) -> Any:
    kind = schema.get("type", "string")
    return {"integer": 1, "float": 1.5, "double": 1.5, "long": 1, "boolean": True, "Boolean": True,
            "array": ["x"], "Array": ["x"], "ArrayList": ["x"], "tuple": [1, 2], "dict": {"k": "v"},
            "HashMap": {"k": "v"}}.get(kind, "x")


# ------------------------------------------------------------------ text wrappers
def wrap(texts: list[str], how: str, language: str) -> str:
    body = "[" + ", ".join(texts) + "]"
    fence_language = {"python": "python", "java": "java", "javascript": "javascript"}[language]
    wrappers: dict[str, Callable[[], str]] = {
        "plain": lambda: body,
        "no_brackets": lambda: ", ".join(texts),
        "fence": lambda: f"```\n{body}\n```",
        "fence_language": lambda: f"```{fence_language}\n{body}\n```",
        "prose_before": lambda: f"Sure! Here is the call: {body}",
        "prose_after": lambda: f"{body}\n\nLet me know if you need anything else.",
        "end_of_turn": lambda: body + "<|eot_id|>",
        "trailing_period": lambda: body + ".",
        "lines": lambda: "\n".join(f"[{t}]" for t in texts),
        "whitespace": lambda: f" \n {body}\n\n",
        "tabs": lambda: f"\t{body}\t",
        "quoted": lambda: f"'{body}'",
        "parenthesized": lambda: "(" + ", ".join(texts) + ")",
        "semicolons_inside": lambda: "[" + "; ".join(texts) + ";]",
        "semicolon_after": lambda: body + ";",
        "unclosed": lambda: body[:-2] if len(body) > 2 else body[:-1],
        "duplicate_keyword": lambda: _duplicate_keyword(texts),
    }
    return wrappers[how]()


def _duplicate_keyword(texts: list[str]) -> str:
    first = texts[0] if texts else "f()"
    head, _, rest = first.partition("(")
    key = rest.split("=", 1)[0].strip() if "=" in rest else "a"
    return "[" + ", ".join([f"{head}({key}=1, {rest}"] + texts[1:]) + "]"


TEXTUAL = ("no_brackets", "fence", "fence_language", "prose_before", "prose_after", "end_of_turn",
           "trailing_period", "lines", "whitespace", "tabs", "quoted", "parenthesized", "semicolons_inside",
           "semicolon_after", "unclosed", "duplicate_keyword")


# ------------------------------------------------------------------ FC-only classes
def fc_only(item: Item, calls: list[Call], how: str) -> Any:
    base = fc_answer(calls, item.language, item.docs, Variant())
    if how == "fc_dotted_name":
        return fc_answer(calls, item.language, item.docs, Variant(), underscores=False) \
            if any("." in c.name for c in calls) else None
    if how == "fc_text_reply":
        return "I will call the function for you."
    if how == "fc_empty_text":
        return ""
    if how == "fc_empty_list":
        return []
    if how == "fc_args_not_json":
        return [{name: args[:-1]} for element in base for name, args in element.items()]
    if how == "fc_args_object":
        return [{name: json.loads(args)} for element in base for name, args in element.items()]
    if how == "fc_element_empty":
        return base + [{}]
    if how == "fc_two_keys":
        return [{**element, "other_tool": "{}"} for element in base]
    if how == "fc_args_null":
        return [{name: "null"} for element in base for name in element]
    if how == "fc_quoted_strings":
        return fc_answer(calls, item.language, item.docs, Variant(quote_fc_strings=True)) \
            if item.language != "python" else None
    if how == "fc_raw_json":
        return _fc_raw_json(item, calls) if item.language != "python" else None
    if how == "fc_value_newline":
        return _fc_newline(base) if item.language != "python" else None
    raise KeyError(how)


def _fc_raw_json(item: Item, calls: list[Call]) -> list[dict] | None:
    answer = fc_answer(calls, item.language, item.docs, Variant())
    for element, call in zip(answer, calls):
        (name, args), = element.items()
        parsed = json.loads(args)
        for key, value in call.args.items():
            if isinstance(value, bool | int | float | list | dict) and value is not None:
                parsed[key] = value
                element[name] = json.dumps(parsed)
                return answer
    return None


def _fc_newline(answer: list[dict]) -> list[dict] | None:
    for element in answer:
        (name, args), = element.items()
        parsed = json.loads(args)
        for key, value in parsed.items():
            if isinstance(value, str):
                parsed[key] = value + "\n"
                element[name] = json.dumps(parsed)
                return answer
    return None


FC_ONLY = ("fc_dotted_name", "fc_text_reply", "fc_empty_text", "fc_empty_list", "fc_args_not_json",
           "fc_args_object", "fc_element_empty", "fc_two_keys", "fc_args_null", "fc_quoted_strings", "fc_raw_json",
           "fc_value_newline")
VARIANT_CLASSES = {
    "java_no_long_suffix": Variant(long_suffix=False), "java_no_float_suffix": Variant(float_suffix=False),
    "unquoted_string_items": Variant(quote_string_items=False), "java_add_block": Variant(add_block=True),
    "js_new_array": Variant(new_array=True), "bare_any_identifiers": Variant(bare_identifiers=True),
    "int_floats": Variant(int_floats=True), "double_quotes_compact": Variant(double_quotes=True, compact=True),
}


# ------------------------------------------------------------------ per entry
def render(item: Item, style: str, calls: list[Call], variant: Variant, how: str = "plain") -> Any:
    if style == "fc":
        return fc_answer(calls, item.language, item.docs, variant)
    return wrap(prompt_calls(calls, item.language, item.docs, variant), how, item.language)


def ast_answers(item: Item, per_entry: int | None) -> list[tuple[str, str, Any]]:
    """Right answers and error classes of one entry, both styles."""
    out: list[tuple[str, str, Any]] = []
    for style in ("prompt", "fc"):
        out.append((style, "right", render(item, style, gold_calls(item), Variant())))
        out.append((style, "right_full", render(item, style, gold_calls(item, full=True), Variant())))
        out.append((style, "right_random", render(item, style, gold_calls(item, full=item.rng.random() < 0.5,
                                                                          randomize=True), random_variant(item.rng))))
        kinds = [("semantic", name) for name in SEMANTIC] + [("variant", name) for name in VARIANT_CLASSES]
        kinds += [("text", name) for name in TEXTUAL] if style == "prompt" else [("fc", name) for name in FC_ONLY]
        if per_entry is not None:
            kinds = item.rng.sample(kinds, min(per_entry, len(kinds)))
        for kind, name in kinds:
            result = _one_class(item, style, kind, name)
            if result is not None:
                out.append((style, name, result))
    return out


def _one_class(item: Item, style: str, kind: str, name: str) -> Any:
    calls = gold_calls(item, full=item.rng.random() < 0.3)
    if kind == "semantic":
        mutated = SEMANTIC[name](item, copy.deepcopy(calls))
        return None if mutated is None else render(item, style, mutated, Variant())
    if kind == "variant":
        return render(item, style, calls, VARIANT_CLASSES[name])
    if kind == "text":
        return render(item, style, calls, Variant(), name)
    return fc_only(item, calls, name)


def _sample_call(item: Item) -> Call:
    if not item.docs:
        return Call("get_weather", {"city": "Paris"})
    name = item.rng.choice(sorted(item.docs))
    props = item.props(name)
    return Call(name, {k: _sample_value(props.get(k, {})) for k in item.required(name)})


IRRELEVANCE_PROMPT = ("prose", "empty_list", "empty_text", "call", "call_no_args", "broken_call", "call_in_prose",
                      "fenced_call", "two_calls", "json_like", "java_like", "unclosed_call", "non_calls",
                      "list_of_empty_dict", "no_brackets_call", "bare_word", "lines_of_calls", "call_end_of_turn")
IRRELEVANCE_FC = ("fc_text_reply", "fc_empty_text", "fc_empty_list", "fc_call", "fc_call_empty_args",
                  "fc_element_empty", "fc_args_null", "fc_args_not_json", "fc_two_calls", "fc_none", "fc_empty_dict",
                  "fc_args_list")


def irrelevance_answers(item: Item, per_style: int | None) -> list[tuple[str, str, Any]]:
    call = _sample_call(item)
    text = prompt_calls([call], "python", item.docs, Variant())[0]
    name = call.name.replace(".", "_")
    args = json.dumps(call.args)
    prompt = {
        "prose": "I'm sorry, none of the available functions can answer that question.",
        "empty_list": "[]", "empty_text": "", "call": f"[{text}]", "call_no_args": f"[{call.name}()]",
        "broken_call": f"[{call.name}(a=", "call_in_prose": f"To do this I would call [{text}] for you.",
        "fenced_call": f"```python\n[{text}]\n```", "two_calls": f"[{text}, {text}]",
        "json_like": json.dumps([{"name": call.name, "arguments": call.args}]),
        "java_like": f"[{call.name}(a=1);]", "unclosed_call": f"[{call.name}(a={{\"name\": \"x\"}}, b=1",
        "non_calls": "[1, 2]", "list_of_empty_dict": "[{}]", "no_brackets_call": text, "bare_word": "None",
        "lines_of_calls": f"[{text}]\n[{text}]", "call_end_of_turn": f"[{text}]<|im_end|>",
    }
    fc = {
        "fc_text_reply": "There is no suitable function for this request.", "fc_empty_text": "", "fc_empty_list": [],
        "fc_call": [{name: args}], "fc_call_empty_args": [{name: "{}"}], "fc_element_empty": [{}],
        "fc_args_null": [{name: "null"}], "fc_args_not_json": [{name: args[:-1] or "{"}],
        "fc_two_calls": [{name: args}, {name: args}], "fc_none": None, "fc_empty_dict": {},
        "fc_args_list": [{name: "[1, 2]"}],
    }
    out: list[tuple[str, str, Any]] = []
    for style, table in (("prompt", prompt), ("fc", fc)):
        names = list(table)
        if per_style is not None:
            names = item.rng.sample(names, min(per_style, len(names)))
        out += [(style, label, table[label]) for label in names]
    return out


def generate(entries: dict[str, dict], per_entry: int, per_irrelevance: int) -> list[dict]:
    sizes = Counter(entry["category"] for entry in entries.values())
    rows = []
    for entry_id, entry in entries.items():
        category = entry["category"]
        docs: dict[str, dict] = {}
        for doc in entry["function"]:
            docs.setdefault(doc["name"], doc)
        item = Item(entry, language_of(category), docs, random.Random(entry_id))
        small = sizes[category] <= SMALL_CATEGORY
        if "irrelevance" in category:
            produced = irrelevance_answers(item, None if small else per_irrelevance)
        else:
            produced = ast_answers(item, None if small else per_entry)
        seen: Counter[tuple[str, str]] = Counter()
        for style, label, result in produced:
            seen[(style, label)] += 1
            rows.append({"id": f"{entry_id}|{style}|{label}|{seen[(style, label)]}", "entry_id": entry_id,
                         "category": category, "style": style, "class": label, "result": result})
    return rows


def main() -> int:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--out", type=Path, default=DEFAULT_WORK / "answers.jsonl")
    cli.add_argument("--data", type=Path, default=DEFAULT_DATA)
    cli.add_argument("--per-entry", type=int, default=6, help="error classes per entry and style (big categories)")
    cli.add_argument("--per-irrelevance", type=int, default=4, help="answers per irrelevance entry and style")
    args = cli.parse_args()
    rows = generate(load_entries(args.data), args.per_entry, args.per_irrelevance)
    write_jsonl(args.out, rows)
    counts = Counter((row["category"], row["style"]) for row in rows)
    for category in dict.fromkeys(row["category"] for row in rows):
        print(f"{category:24s} prompt={counts[(category, 'prompt')]:6d} fc={counts[(category, 'fc')]:6d}")
    print(f"{len(rows)} answers -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
