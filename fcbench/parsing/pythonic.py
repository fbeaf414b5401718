"""Pythonic calls: ``[get_weather(city="Paris"), get_time(tz="CET")]`` or a bare ``f(a=1)``.

Read with `ast.parse` and `ast.literal_eval` on each argument node: nothing
is ever evaluated. Dotted names (``math.sqrt``, Llama's ``brave_search.call``)
are accepted as function names. Positional arguments, ``**kwargs`` and
values that are not literals make the output malformed. JSON spellings of
constants (``true``, ``false``, ``null``) are accepted as a courtesy because
models mix the two syntaxes.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from fcbench.parsing.shapes import CallShapeError
from fcbench.records import ToolCall

# Text that opens like a pythonic call: ``name(`` or ``[name(``.
OPENING = re.compile(r"\[?\s*[A-Za-z_][\w.]*\(")
_JSON_CONSTANTS = {"true": True, "false": False, "null": None}


class _JsonConstants(ast.NodeTransformer):
    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id in _JSON_CONSTANTS:
            return ast.copy_location(ast.Constant(_JSON_CONSTANTS[node.id]), node)
        return node


def _to_json_value(value: Any) -> Any:
    """literal_eval's result as a JSON-compatible value (tuples/sets become lists)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_to_json_value(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((_to_json_value(v) for v in value), key=repr)
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise CallShapeError("argument object has a key that is not a string")
        return {k: _to_json_value(v) for k, v in value.items()}
    raise CallShapeError(f"argument value of type {type(value).__name__} is not JSON")


def _literal(node: ast.expr) -> Any:
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        pass
    try:
        return ast.literal_eval(_JsonConstants().visit(node))
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        raise CallShapeError("argument value is not a literal") from None


def _dotted_name(node: ast.expr) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        raise CallShapeError("called object is not a function name")
    parts.append(node.id)
    return ".".join(reversed(parts))


def _call(node: ast.Call) -> ToolCall:
    name = _dotted_name(node.func)
    if node.args:
        raise CallShapeError(f"positional arguments in call to {name}")
    arguments: dict[str, Any] = {}
    for keyword in node.keywords:
        if keyword.arg is None:
            raise CallShapeError(f"**kwargs in call to {name}")
        arguments[keyword.arg] = _to_json_value(_literal(keyword.value))
    return ToolCall(name, arguments)


def parse_pythonic(source: str) -> list[ToolCall] | None:
    """Calls in `source`, None when it is not a pythonic call expression at all.

    Raises `CallShapeError` when it is a call expression that cannot be read
    (positional or non-literal arguments).
    """
    source = source.strip()
    if not OPENING.match(source):
        return None
    try:
        tree = ast.parse(source, mode="eval")
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None
    body = tree.body
    if isinstance(body, ast.Call):
        return [_call(body)]
    if isinstance(body, (ast.List, ast.Tuple)) and body.elts \
            and all(isinstance(e, ast.Call) for e in body.elts):
        return [_call(e) for e in body.elts]
    return None
