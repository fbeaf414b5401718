"""Rendering calls as model answers: Python/Java/JavaScript call text and FC tool-call lists.

A call is ``(name, {param: value}, positional)`` with plain Python values taken from BFCL's
possible answers. Java and JavaScript values are written as source literals chosen from the
parameter's schema type (``5L`` for a long, ``new ArrayList<>(Arrays.asList(...))``, ...);
``Variant`` picks between equivalent (or deliberately wrong) spellings. A ``Raw`` value is
source text written verbatim in prompt style and sent as that string in FC style.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class Raw(str):
    """Source text: verbatim in prompt style, the same text as a JSON string in FC style."""


class Expr(Raw):
    """An expression (``4+1``, ``+5``): its text in prompt style, ``value`` in Python FC style."""

    value: Any

    def __new__(cls, text: str, value: Any) -> Expr:
        made = super().__new__(cls, text)
        made.value = value
        return made


@dataclass
class Call:
    name: str
    args: dict[str, Any]
    positional: list[Any] = field(default_factory=list)


@dataclass(frozen=True)
class Variant:
    """How to spell values; the defaults are the natural spelling."""

    double_quotes: bool = False  # Python/JS strings in "..." instead of '...'
    compact: bool = False  # no space after commas
    long_suffix: bool = True  # Java long: 5L (False: 5)
    float_suffix: bool = True  # Java float: 1.5f (False: 1.5)
    quote_string_items: bool = True  # Java Array/JS array String items in quotes
    add_block: bool = False  # Java ArrayList via {{ add(..); }} instead of Arrays.asList
    new_array: bool = False  # JS new Array(...) instead of [...]
    bare_identifiers: bool = False  # Java/JS: identifier-like strings of type any without quotes
    quote_fc_strings: bool = False  # Java/JS FC: String values sent with their quotes
    int_floats: bool = False  # integral floats written as ints (2 instead of 2.0)


def is_identifier(text: Any) -> bool:
    return isinstance(text, str) and bool(_IDENTIFIER.match(text)) and text not in ("true", "false", "null")


def _sep(variant: Variant) -> str:
    return "," if variant.compact else ", "


def _number(value: int | float, variant: Variant) -> str:
    if isinstance(value, float) and variant.int_floats and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


# --------------------------------------------------------------------------- Python
def py_value(value: Any, variant: Variant) -> str:
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False) if variant.double_quotes else repr(value)
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int | float):
        return _number(value, variant)
    sep = _sep(variant)
    if isinstance(value, tuple):
        inner = sep.join(py_value(v, variant) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, list):
        return "[" + sep.join(py_value(v, variant) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + sep.join(f"{py_value(k, variant)}: {py_value(v, variant)}" for k, v in value.items()) + "}"
    return repr(value)


def py_call(call: Call, variant: Variant) -> str:
    parts = [py_value(v, variant) for v in call.positional]
    parts += [f"{k}={py_value(v, variant)}" for k, v in call.args.items()]
    return f"{call.name}({_sep(variant).join(parts)})"


# ----------------------------------------------------------------------------- Java
_JAVA_ELEMENT = {"integer": "int", "long": "long", "float": "float", "double": "double", "boolean": "boolean",
                 "String": "String", "char": "char", "any": "Object", "short": "short", "byte": "byte"}


def java_scalar(value: Any, variant: Variant) -> str:
    """A Java literal for a value whose type the schema does not give."""
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int | float):
        return _number(value, variant)
    if isinstance(value, list | tuple):
        return f"Arrays.asList({_sep(variant).join(java_scalar(v, variant) for v in value)})"
    if isinstance(value, dict):
        return _java_map(value, variant)
    return str(value)


def _java_map(value: dict, variant: Variant) -> str:
    if not value:
        return "new HashMap<>()"
    puts = " ".join(f"put({json.dumps(str(k))}, {java_scalar(v, variant)});" for k, v in value.items())
    return f"new HashMap<String, Object>() {{{{ {puts} }}}}"


def java_value(value: Any, schema: dict, variant: Variant) -> str:
    kind = schema.get("type", "String")
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, str) and kind not in ("String", "char", "any"):
        return value  # a variable name given for a typed parameter
    if isinstance(value, str) and kind == "any" and variant.bare_identifiers and is_identifier(value):
        return value
    if kind == "long" and isinstance(value, int) and not isinstance(value, bool):
        return f"{value}L" if variant.long_suffix else str(value)
    if kind == "float" and isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value}f" if variant.float_suffix else str(value)
    if kind in ("Array", "ArrayList") and isinstance(value, list | tuple):
        return _java_list(list(value), kind, schema.get("items", {}).get("type"), variant)
    if kind == "HashMap" and isinstance(value, dict):
        return _java_map(value, variant)
    return java_scalar(value, variant)


def _java_list(values: list, kind: str, item: str | None, variant: Variant) -> str:
    def element(v: Any) -> str:
        if isinstance(v, str) and not isinstance(v, Raw) and not variant.quote_string_items:
            return v
        return java_value(v, {"type": item or "any"}, variant)

    inner = _sep(variant).join(element(v) for v in values)
    if kind == "Array":
        return f"new {_JAVA_ELEMENT.get(item or 'any', 'Object')}[]{{{inner}}}"
    if not values:
        return "new ArrayList<>()"
    if variant.add_block:
        return "new ArrayList<>() {{ " + " ".join(f"add({element(v)});" for v in values) + " }}"
    return f"new ArrayList<>(Arrays.asList({inner}))"


def java_call(call: Call, props: dict, variant: Variant) -> str:
    parts = [java_scalar(v, variant) for v in call.positional]
    parts += [f"{k}={java_value(v, props.get(k, {}), variant)}" for k, v in call.args.items()]
    return f"{call.name}({_sep(variant).join(parts)})"


# ----------------------------------------------------------------------- JavaScript
def js_scalar(value: Any, variant: Variant) -> str:
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False) if variant.double_quotes else "'" + value.replace("'", "\\'") + "'"
    if isinstance(value, int | float):
        return _number(value, variant)
    sep = _sep(variant)
    if isinstance(value, list | tuple):
        inner = sep.join(js_scalar(v, variant) for v in value)
        return f"new Array({inner})" if variant.new_array else f"[{inner}]"
    if isinstance(value, dict):
        return "{" + sep.join(f"{k}: {js_scalar(v, variant)}" for k, v in value.items()) + "}"
    return str(value)


def js_value(value: Any, schema: dict, variant: Variant) -> str:
    kind = schema.get("type", "String")
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, str) and kind not in ("String", "any"):
        return value  # a variable name given for a typed parameter
    if isinstance(value, str) and kind == "any" and variant.bare_identifiers and is_identifier(value):
        return value
    if kind == "Bigint" and isinstance(value, int) and not isinstance(value, bool):
        return f"{value}n"
    if kind == "array" and isinstance(value, list | tuple) and not variant.quote_string_items:
        inner = _sep(variant).join(v if isinstance(v, str) else js_scalar(v, variant) for v in value)
        return f"[{inner}]"
    return js_scalar(value, variant)


def js_call(call: Call, props: dict, variant: Variant) -> str:
    parts = [js_scalar(v, variant) for v in call.positional]
    parts += [f"{k}={js_value(v, props.get(k, {}), variant)}" for k, v in call.args.items()]
    return f"{call.name}({_sep(variant).join(parts)})"


# ------------------------------------------------------------------------ answers
def prompt_calls(calls: list[Call], language: str, docs: dict[str, dict], variant: Variant) -> list[str]:
    """Each call as source text of the language."""
    texts = []
    for call in calls:
        props = docs.get(call.name, {}).get("parameters", {}).get("properties", {})
        if language == "java":
            texts.append(java_call(call, props, variant))
        elif language == "javascript":
            texts.append(js_call(call, props, variant))
        else:
            texts.append(py_call(call, variant))
    return texts


def fc_value(value: Any, schema: dict, language: str, variant: Variant) -> Any:
    """The JSON value an FC model sends: Python values as they are; Java/JS values as strings
    (that is what the model was told), String values without quotes."""
    if language == "python":
        if isinstance(value, Expr):
            return value.value
        return str(value) if isinstance(value, Raw) else value
    kind = schema.get("type", "String")
    if isinstance(value, str) and not isinstance(value, Raw) and kind in ("String", "any", "char"):
        return json.dumps(value, ensure_ascii=False) if variant.quote_fc_strings else value
    if language == "java":
        return java_value(value, schema, variant)
    return js_value(value, schema, variant)


def fc_answer(calls: list[Call], language: str, docs: dict[str, dict], variant: Variant,
              underscores: bool = True) -> list[dict]:
    answer = []
    for call in calls:
        props = docs.get(call.name, {}).get("parameters", {}).get("properties", {})
        args = {k: fc_value(v, props.get(k, {}), language, variant) for k, v in call.args.items()}
        name = call.name.replace(".", "_") if underscores else call.name
        answer.append({name: json.dumps(args, ensure_ascii=False)})
    return answer
