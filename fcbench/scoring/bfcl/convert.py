"""BFCL's Java and JavaScript type converters: a value STRING -> the Python value it checks.

Java/JS answers reach the checker as strings (prompt decoders render source text; FC models
were shown every parameter as ``string``). The checker turns each into a Python value with the
converter of the parameter's schema type. A string that does not have the expected literal
form is returned unchanged, and usually fails the type check afterwards (or passes through the
"variable" escape, see checker.py). The regular expressions are BFCL's behaviour and are kept
as they are, including their accidents:

* ``re.match`` + ``$`` means a trailing newline is tolerated (``"42\\n"`` is the integer 42);
* ``\\d`` is Unicode-aware, and Python's ``int``/``float`` accept those digits too;
* collections are split on EVERY comma, so quoted elements containing commas fall apart;
* Java ``long`` needs an ``L`` suffix, ``float`` an ``f`` suffix; ``char`` never converts (its
  pattern cannot match anything);
* Java ``Array`` elements of type String keep their quotes, ``ArrayList`` String/char
  elements lose their first and last character whether those are quotes or not;
* JS arrays of String lose one pair of quotes per element; nested JS objects are cut at the
  first ``}``.
"""

from __future__ import annotations

import re
from typing import Any

JAVA_TYPES: dict[str, type] = {
    "byte": int, "short": int, "integer": int, "float": float, "double": float, "long": int,
    "boolean": bool, "char": str, "Array": list, "ArrayList": list, "Set": set, "HashMap": dict,
    "Hashtable": dict, "Queue": list, "Stack": list, "String": str, "any": str,
}
JS_TYPES: dict[str, type] = {
    "String": str, "integer": int, "float": float, "Bigint": int, "Boolean": bool, "dict": dict,
    "array": list, "any": str,
}

_INTEGER = re.compile(r"^-?\d+$")
_JAVA_FLOAT = re.compile(r"^-?\d+(\.\d+)?([eE][+-]?\d+)?[fF]$")
_JAVA_DOUBLE = re.compile(r"^-?\d+(\.\d+)?([eE][+-]?\d+)?$")
_JAVA_LONG = re.compile(r"^-?\d+[lL]$")
_F_SUFFIX = re.compile(r"[fF]$")
_L_SUFFIX = re.compile(r"[lL]$")
_JAVA_ARRAY = re.compile(r"new\s+\w+\[\]\s*\{(.*?)\}")
_AS_LIST = re.compile(r"new\s+ArrayList<\w*>\(Arrays\.asList\((.+?)\)\)")
_ADD_BLOCK = re.compile(r"new\s+ArrayList<\w*>\(\)\s*\{\{\s*(.+?)\s*\}\}", re.DOTALL)
_ADD_CALL = re.compile(r"add\((.+?)\)")
_EMPTY_LIST = re.compile(r"new\s+ArrayList<\w*>\(\)")
_PUT_BLOCK = re.compile(r"new\s+HashMap<.*?>\s*\(\)\s*\{\s*\{?\s*(.*?)\s*\}?\s*\}", re.DOTALL)
_PUT_CALL = re.compile(r"put\(\"(.*?)\",\s*(.*?)\)")
_EMPTY_MAP = re.compile(r"new\s+HashMap<.*?>\s*\(\)")

_JS_FLOAT = re.compile(r"^-?\d+(\.\d+)?$")
_JS_BIGINT = re.compile(r"^-?\d+n$")
_JS_ARRAY_2D = re.compile(r"\[\s*\[.*?\]\s*(,\s*\[.*?\]\s*)*\]|\bnew\s+Array\(\s*\[.*?\]\s*(,\s*\[.*?\]\s*)*\)")
_JS_ARRAY = re.compile(r"\[(.*?)\]|\bnew\s+Array\((.*?)\)")
_JS_INNER_ARRAY = re.compile(r"\[(.*?)\]")
_JS_OBJECT = re.compile(r"\{(.*?)\}")
_JS_PAIR = re.compile(r"([^:]+):\s*(.*?)(?:,\s*(?=[^,]+:)|$)")


# ------------------------------------------------------------------------------- Java
def java_convert(value: str, type_name: str, item_type: str | None = None) -> Any:
    """BFCL's ``java_type_converter``. Raises ValueError / NotImplementedError like BFCL."""
    if type_name not in JAVA_TYPES:
        raise ValueError(f"unsupported Java type {type_name!r}")
    if type_name in ("byte", "short", "integer"):
        return int(value) if _INTEGER.match(value) else value
    if type_name == "float":
        return float(_F_SUFFIX.sub("", value)) if _JAVA_FLOAT.match(value) else value
    if type_name == "double":
        return float(value) if _JAVA_DOUBLE.match(value) else value
    if type_name == "long":
        return int(_L_SUFFIX.sub("", value)) if _JAVA_LONG.match(value) else value
    if type_name == "boolean":
        return value == "true" if value in ("true", "false") else value
    if type_name == "Array":
        return _java_array(value, item_type)
    if type_name == "ArrayList":
        return _java_array_list(value, item_type)
    if type_name == "HashMap":
        return _java_hash_map(value)
    if type_name in ("Set", "Hashtable", "Queue", "Stack"):
        raise NotImplementedError(f"BFCL does not convert Java {type_name}")
    return value  # String, any, and char (BFCL's char pattern can never match)


def _java_element(text: str, item_type: str | None) -> Any:
    return java_convert(text, item_type) if item_type else java_literal(text)


def _java_array(value: str, item_type: str | None) -> Any:
    match = _JAVA_ARRAY.search(value)
    if not match:
        return value
    parts = (part.strip() for part in match.group(1).split(","))
    return [_java_element(part, item_type) for part in parts if part]


def _java_array_list(value: str, item_type: str | None) -> Any:
    match = _AS_LIST.search(value)
    if match:
        elements = [part.strip() for part in match.group(1).split(",")]
    else:
        match = _ADD_BLOCK.search(value)
        if not match:
            return [] if _EMPTY_LIST.search(value) else value
        elements = [added.strip() for added in _ADD_CALL.findall(match.group(1))]
    if item_type in ("char", "String"):
        return [element[1:-1] for element in elements]  # "quotes" cut blindly
    return [_java_element(element, item_type) for element in elements]


def _java_hash_map(value: str) -> Any:
    match = _PUT_BLOCK.search(value)
    if match:
        body = match.group(1)
        if not body.strip():
            return {}
        return {key: java_literal(raw.strip()) for key, raw in _PUT_CALL.findall(body)}
    return {} if _EMPTY_MAP.search(value) else value


def java_literal(text: str) -> Any:
    """BFCL's guess of a Java literal without a declared type (collection elements)."""
    if text == "true":
        return True
    if text == "false":
        return False
    if text.startswith('"') and text.endswith('"'):
        return text[1:-1]
    if _JAVA_LONG.match(text):
        return int(text[:-1])
    if _JAVA_FLOAT.match(text):
        return float(_F_SUFFIX.sub("", text))
    return _number_or_text(text)


def _number_or_text(text: str) -> Any:
    # Python's own int()/float() decide, with all their leniency ("1_000", " 5", "nan", "inf")
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


# ------------------------------------------------------------------------- JavaScript
def js_convert(value: str, type_name: str, item_type: str | None = None) -> Any:
    """BFCL's ``js_type_converter``. Raises ValueError like BFCL."""
    if type_name not in JS_TYPES:
        raise ValueError(f"unsupported JavaScript type {type_name!r}")
    if type_name == "String":
        return _strip_quotes(value)
    if type_name == "integer":
        return int(value) if _INTEGER.match(value) else value
    if type_name == "float":
        return float(value) if _JS_FLOAT.match(value) else value
    if type_name == "Bigint":
        # int() of the text minus its last character: "10n\n" matches the pattern but fails here
        return int(value[:-1]) if _JS_BIGINT.match(value) else value
    if type_name == "Boolean":
        return value == "true" if value in ("true", "false") else value
    if type_name == "dict":
        return _js_object(value.strip())
    if type_name == "array":
        return _js_array(value.strip(), item_type)
    return value  # any


def _strip_quotes(text: str) -> str:
    if (text.startswith('"') and text.endswith('"')) or (text.startswith("'") and text.endswith("'")):
        return text[1:-1]
    return text


def _js_array(code: str, item_type: str | None) -> Any:
    """A JS array literal or ``new Array(...)``; any failure inside gives the text back."""
    try:
        grid = _JS_ARRAY_2D.match(code)
        if grid:
            return _js_grid(grid.group(0))
        match = _JS_ARRAY.match(code)
        if not match:
            return code
        inside = match.group(1) if match.group(1) is not None else match.group(2)
        inside = inside.strip() if inside is not None else ""
        elements = [part.strip() for part in inside.split(",")] if inside else []
        if not item_type:
            return [js_literal(element) for element in elements]
        # BFCL passes "String" as the item type of a quoted element (it matters only when the
        # declared item type is itself an array)
        return [js_convert(e, item_type, "String" if e.startswith(("'", '"')) else None) for e in elements]
    except Exception:
        return code


def _js_grid(text: str) -> list[list[Any]]:
    """A 2-D array: every ``[...]`` run, split on commas, elements guessed (item type unused)."""
    rows = []
    for index, row in enumerate(_JS_INNER_ARRAY.findall(text)):
        row = row.strip()
        if index == 0 and row.startswith("["):
            row = row[1:]  # the non-greedy match starts at the outer '['
        rows.append([js_literal(part.strip()) for part in row.split(",")])
    return rows


def _js_object(code: str) -> Any:
    """A JS object literal, one level: keys unquoted, values guessed, arrays parsed."""
    if code == "{}":
        return {}
    match = _JS_OBJECT.match(code)
    if not match:
        return code
    try:
        result: dict[str, Any] = {}
        for raw_key, raw_value in _JS_PAIR.findall(match.group(1)):
            key, text = raw_key.strip().strip("'\""), raw_value.strip()
            if text.startswith("[") and text.endswith("]"):
                result[key] = _js_array(text.strip(), None)
            elif text.startswith("{") and text.endswith("}"):
                result[key] = _js_object(text.strip())
            else:
                result[key] = js_literal(text.strip("'\""))
        return result
    except Exception:
        return code


def js_literal(text: str) -> Any:
    """BFCL's guess of a JS literal without a declared type."""
    text = text.strip()
    if text == "true":
        return True
    if text == "false":
        return False
    if (text.startswith('"') and text.endswith('"')) or (text.startswith("'") and text.endswith("'")):
        return text[1:-1]
    return _number_or_text(text)
