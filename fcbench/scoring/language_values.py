"""Java and JavaScript parameters: values written as strings in the language's syntax.

BFCL shows every Java/JavaScript parameter to a model as a ``string`` (the real type goes
into the description), so a model answers ``"true"``, ``"42L"``, ``"new int[]{1, 2}"`` or
``"[1, 2]"``, and the gold holds the value the string spells (``true``, ``42``, ``[1, 2]``).
The importer keeps the real type in the property's schema (``x-bfcl-language``,
``x-bfcl-type``, ``x-bfcl-items``). Here:

* `read`: the string -> the value it spells, with BFCL's converters
  (`fcbench.scoring.bfcl.convert`) and one fix under fcbench's rules: the elements of a
  Java ``String`` array lose their quotes (BFCL keeps them, so the natural
  ``new String[]{"a", "b"}`` never equals ``["a", "b"]`` there);
* `render`: a value -> a string that `read` turns back into it (what the oracle sends).

A value that is not a string is the wrong type, as the schema says.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from fcbench.scoring.bfcl.convert import java_convert, js_convert

_JAVA_ELEMENT_NAMES = {"integer": "int", "float": "float", "double": "double", "long": "long", "boolean": "boolean",
                       "String": "String", "char": "char", "byte": "byte", "short": "short"}


def language_type(schema: Any) -> tuple[str, str, str | None] | None:
    """(language, type, item type) of a Java/JavaScript parameter, None for any other."""
    if not isinstance(schema, dict) or "x-bfcl-type" not in schema:
        return None
    items = schema.get("x-bfcl-items")
    return str(schema.get("x-bfcl-language") or "java"), str(schema["x-bfcl-type"]), \
        str(items) if isinstance(items, str) else None


def read(value: str, schema: Any) -> Any:
    """The value a Java/JavaScript string spells (the string itself when it spells nothing)."""
    kind = language_type(schema)
    if kind is None:
        return value
    language, type_name, items = kind
    try:
        if language == "javascript":
            return js_convert(value, type_name, items)
        converted = java_convert(value, type_name, items)
    except (ValueError, NotImplementedError, TypeError, IndexError):
        return value
    if type_name == "Array" and items == "String" and isinstance(converted, list):
        converted = [_unquote(v) for v in converted]
    return converted


def _unquote(text: Any) -> Any:
    if isinstance(text, str) and len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1]
    return text


# ---------------------------------------------------------------- rendering
def _decimal(number: float | int) -> str:
    """A number without an exponent (JavaScript's float pattern has none)."""
    text = format(Decimal(repr(number)), "f")
    return text


def _java_literal(value: Any) -> str:
    """A Java literal for an element of a collection (read back by BFCL's literal guess)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(value, ensure_ascii=False)


def _java(value: Any, type_name: str, items: str | None) -> str:
    if type_name == "boolean" and isinstance(value, bool):
        return "true" if value else "false"
    if type_name in ("byte", "short", "integer") and isinstance(value, int):
        return str(value)
    if type_name == "long" and isinstance(value, int):
        return f"{value}L"
    if type_name == "float" and isinstance(value, (int, float)):
        return f"{float(value)!r}f"
    if type_name == "double" and isinstance(value, (int, float)):
        return repr(float(value))
    if type_name == "Array" and isinstance(value, list):
        element = _JAVA_ELEMENT_NAMES.get(items or "", "Object")
        parts = [_java(v, items, None) if items and items != "String" else _java_literal(v) for v in value]
        return f"new {element}[]{{{', '.join(parts)}}}"
    if type_name == "ArrayList" and isinstance(value, list):
        if not value:
            return "new ArrayList<>()"
        parts = [json.dumps(v, ensure_ascii=False) if items in ("String", "char") else
                 (_java(v, items, None) if items else _java_literal(v)) for v in value]
        return f"new ArrayList<>(Arrays.asList({', '.join(parts)}))"
    if type_name == "HashMap" and isinstance(value, dict):
        puts = " ".join(f"put({json.dumps(str(k))}, {_java_literal(v)});" for k, v in value.items())
        return f"new HashMap<String, Object>() {{{{ {puts} }}}}" if value else "new HashMap<>()"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _js_literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (int, float)):
        return _decimal(value)
    return json.dumps(value, ensure_ascii=False)


def _js(value: Any, type_name: str, items: str | None) -> str:
    if type_name == "Boolean" and isinstance(value, bool):
        return "true" if value else "false"
    if type_name == "integer" and isinstance(value, int):
        return str(value)
    if type_name == "float" and isinstance(value, (int, float)):
        return _decimal(value)
    if type_name == "Bigint" and isinstance(value, int):
        return f"{value}n"
    if type_name == "array" and isinstance(value, list):
        return "[" + ", ".join(_js_literal(v) if items in (None, "String") else _js(v, items, None)
                               for v in value) + "]"
    if type_name == "dict" and isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_js_literal(v)}" for k, v in value.items()) + "}"
    if type_name == "String" and isinstance(value, str):
        return f'"{value}"' if value[:1] in ("'", '"') else value
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def render(value: Any, schema: Any) -> Any:
    """`value` written as the Java/JavaScript string a model would send (`value` itself for a
    parameter that is not a Java/JavaScript one)."""
    kind = language_type(schema)
    if kind is None:
        return value
    language, type_name, items = kind
    try:
        return (_js if language == "javascript" else _java)(value, type_name, items)
    except (TypeError, ValueError):
        return json.dumps(value, ensure_ascii=False, default=str)
