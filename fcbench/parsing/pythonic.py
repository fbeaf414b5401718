"""Pythonic calls: ``[get_weather(city="Paris"), get_time(tz="CET")]`` or a bare ``f(a=1)``.

Read with `ast.parse` and `ast.literal_eval` on each argument node: nothing
is ever evaluated. The plain answers most are (quoted strings, numbers, lists and
dicts) are first tried by `fcbench.parsing.pythonic_fast`, which reads them with the
same result and without a syntax tree, and leaves everything else to `ast`.
Dotted names (``math.sqrt``, Llama's ``brave_search.call``) are accepted as
function names. Positional arguments, ``**kwargs`` and values that are not
literals make the output malformed. Three courtesies,
each a row of ``docs/bfcl-differences.md``:

* JSON spellings of constants (``true``, ``false``, ``null``) read as those
  constants, because models mix the two syntaxes (BFCL reads them as the
  strings ``"true"``...);
* any other bare name (``f(ctx=ctxVar)``) reads as that name, a string, as
  BFCL reads it: the data uses such names for variables the caller holds;
* a parameter named after a Python keyword (``f(from="Oslo")``) is read,
  although Python's grammar refuses it (BFCL's Python decoder fails there).
"""

from __future__ import annotations

import ast
import io
import keyword
import re
import tokenize
from typing import Any

from fcbench.parsing.pythonic_fast import fast_calls
from fcbench.parsing.shapes import CallShapeError
from fcbench.records import ToolCall

# Text that opens like a pythonic call: ``name(`` or ``[name(``.
OPENING = re.compile(r"\[?\s*[A-Za-z_][\w.]*\(")
# A whole answer that is one call in parentheses, ``(f(a=1))``, reads as that call.
_PAREN_OPENING = re.compile(r"\(\s*[A-Za-z_][\w.]*\(")
_JSON_CONSTANTS = {"true": True, "false": False, "null": None}


#: a Python keyword followed by "=" (a cheap test before the text is tokenized)
_KEYWORD_EQUALS = re.compile(r"\b(?:" + "|".join(keyword.kwlist) + r")\s*=")
#: stands in for a parameter named after a Python keyword while the text is parsed
_KEYWORD_ARG = "__fcbench_keyword_{}__"


class _BareNames(ast.NodeTransformer):
    """``true``/``false``/``null`` as JSON constants, any other bare name as its own text."""

    def visit_Name(self, node: ast.Name) -> ast.AST:
        value = _JSON_CONSTANTS[node.id] if node.id in _JSON_CONSTANTS else node.id
        return ast.copy_location(ast.Constant(value), node)


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
        return ast.literal_eval(_BareNames().visit(node))
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
    for kw in node.keywords:
        if kw.arg is None:
            raise CallShapeError(f"**kwargs in call to {name}")
        arg = kw.arg
        if arg.startswith("__fcbench_keyword_") and arg.endswith("__"):
            arg = arg[len("__fcbench_keyword_"):-2]
        arguments[arg] = _to_json_value(_literal(kw.value))
    return ToolCall(name, arguments)


def _rename_keyword_arguments(source: str) -> str | None:
    """`source` with every ``<python keyword>=`` argument renamed so that Python parses it,
    or None when there is none (or the text does not tokenize)."""
    if not _KEYWORD_EQUALS.search(source):
        return None
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return None
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    edits = []
    for i, tok in enumerate(tokens[:-1]):
        nxt = tokens[i + 1]
        if (tok.type == tokenize.NAME and keyword.iskeyword(tok.string) and nxt.type == tokenize.OP
                and nxt.string == "=" and i > 0 and tokens[i - 1].string in ("(", ",")):
            start = offsets[tok.start[0] - 1] + tok.start[1]
            edits.append((start, start + len(tok.string), _KEYWORD_ARG.format(tok.string)))
    if not edits:
        return None
    for start, end, text in reversed(edits):
        source = source[:start] + text + source[end:]
    return source


def parse_pythonic(source: str) -> list[ToolCall] | None:
    """Calls in `source`, None when it is not a pythonic call expression at all.

    Raises `CallShapeError` when it is a call expression that cannot be read
    (positional or non-literal arguments).
    """
    source = source.strip()
    if not (OPENING.match(source) or _PAREN_OPENING.match(source)):
        return None
    calls = fast_calls(source)  # the plain answers most are, without a syntax tree
    return calls if calls is not None else parse_with_ast(source)


def parse_with_ast(source: str) -> list[ToolCall] | None:
    """`parse_pythonic` of a stripped text that opens like a call, read with `ast` (the full rules)."""
    try:
        tree = ast.parse(source, mode="eval")
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        renamed = _rename_keyword_arguments(source)
        if renamed is None:
            return None
        try:
            tree = ast.parse(renamed, mode="eval")
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            return None
    body = tree.body
    if isinstance(body, ast.Call):
        return [_call(body)]
    if _PAREN_OPENING.match(source):
        return None  # several calls in parentheses: a tuple, not a call list
    if isinstance(body, (ast.List, ast.Tuple)) and body.elts \
            and all(isinstance(e, ast.Call) for e in body.elts):
        return [_call(e) for e in body.elts]
    return None
