"""Semantic mutations of gold calls: the error classes that change values, names or calls.

``gold_calls`` turns an entry's possible answer into concrete calls (first or random accepted
values, with or without the optional parameters); each ``m_*`` function takes a deep copy of
those calls and returns them changed (or None when the class does not apply to the entry).
``exotic_value`` swaps an argument for a piece of source text that exercises a decoder quirk.
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from exotic import EXOTIC_VALUES
from render import Call, Expr, Raw, Variant, is_identifier


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
            call.args[key] = sample_value(item.props(call.name)[key])
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


def m_wrong_element_type(item: Item, calls: list[Call]) -> list[Call] | None:
    """One element of an array argument gets another type (a string for a number, a number for
    a string, a string for a dict): BFCL's one-level nested type check."""
    def change(values: list) -> list:
        values = list(values)
        index = item.rng.randrange(len(values))
        element = values[index]
        if isinstance(element, int | float) and not isinstance(element, bool):
            values[index] = "7"
        elif isinstance(element, str):
            values[index] = 7
        else:
            values[index] = "x" if isinstance(element, dict) else None
        return values
    return _set_arg(item, calls, change, lambda v: isinstance(v, list) and bool(v))


def m_value_for_unset_param(item: Item, calls: list[Call]) -> list[Call] | None:
    """A value for a gold parameter that only accepts omission ([""] or ["", None])."""
    for call in calls:
        gold = next((g[call.name] for g in item.gold if call.name in g), {})
        unset = [k for k, accepted in gold.items() if not _real(accepted)]
        if unset:
            key = item.rng.choice(unset)
            call.args[key] = sample_value(item.props(call.name).get(key, {}))
            return calls
    return None


def m_giant_int_for_float(item: Item, calls: list[Call]) -> list[Call] | None:
    """A 401-digit integer for a float parameter: BFCL's int-to-float promotion overflows and its
    checker raises (the port's ``checker_error``)."""
    options = _typed_params(item, calls, ("float",))
    if not options or item.language != "python":
        return None
    call, key = item.rng.choice(options)
    call.args[key] = 10**400
    return calls


def m_exotic_value(item: Item, calls: list[Call]) -> list[Call] | None:
    """An argument written as an odd piece of source text of the category's language."""
    text = item.rng.choice(EXOTIC_VALUES[item.language])
    return _set_arg(item, calls, lambda v: Raw(text))


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
    "wrong_element_type": m_wrong_element_type, "value_for_unset_param": m_value_for_unset_param,
    "exotic_value": m_exotic_value, "exotic_value_2": m_exotic_value, "giant_int_for_float": m_giant_int_for_float,
}
# classes that apply to few entries: tried on every entry (they return None where they do not apply)
ALWAYS = ("int_for_float", "int_in_float_array", "none_for_optional", "empty_list_optional", "dict_keys",
          "tuple_value", "unexpected_schema_param", "wrong_element_type", "value_for_unset_param", "exotic_value",
          "giant_int_for_float")


def sample_value(schema: dict) -> Any:
    """A plausible value of the schema's type (arrays hold one element of the item type)."""
    kind = schema.get("type", "string")
    if kind in ("array", "Array", "ArrayList", "tuple"):
        return [sample_value(schema.get("items") or {})]
    return {"integer": 1, "float": 1.5, "double": 1.5, "long": 1, "boolean": True, "Boolean": True,
            "dict": {"k": "v"}, "HashMap": {"k": "v"}}.get(kind, "x")
