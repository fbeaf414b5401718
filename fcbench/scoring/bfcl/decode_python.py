"""BFCL's Python prompt decoder: bracketed call text -> ``[{name: {arg: value}}]``.

The input is the text after ``decode.prompt_text`` (stripped, ``[`` ... ``]`` added). BFCL
parses it with ``ast.parse(mode="eval")`` and walks the tree; it never extracts calls from
prose, so anything around the list is a syntax error. Every rule below is a behaviour of BFCL
that a reader might not expect; each is kept because changing it would change verdicts:

* the body must be one call or a list/tuple (anything with ``elts``) of calls only;
* positional arguments are dropped, ``**kw`` gives the key ``None``, a repeated keyword keeps
  the last value; ``from=`` is a Python syntax error (``from_`` is fine);
* a bare identifier (``true``, ``null``, ``ctxVar``) decodes as its name, a string;
* EVERY unary operator outside arithmetic negates a literal (``+5`` -> -5, ``not True`` -> -1),
  because BFCL reads a unary node as "minus its operand's value";
* a binary expression is evaluated (BFCL uses ``eval``; we use ``arith.evaluate``);
* a call with keywords nests as a dict, a call without keywords or a subscript keeps its
  source text, and most other expressions (attributes, sets, f-strings, lambdas, ...) fail.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from fcbench.scoring.bfcl import arith
from fcbench.scoring.bfcl.decode_python_flat import flat_decode
from fcbench.scoring.bfcl.entry import BfclDecodeError


def decode_python(text: str) -> list[dict]:
    """Decode bracketed prompt text. Raises wherever BFCL raises, with whatever exception
    arises (SyntaxError, TypeError, ZeroDivisionError, RecursionError, ...): ``decode`` wraps
    them for the public API, the runner only needs to know that decoding failed."""
    # BFCL strips whitespace and then single quotes from both ends; with the '[' that the
    # bracket step always puts first, the quote strip can only bite at the end.
    source = text.strip().strip("'")
    flat = flat_decode(source)  # the usual shape, without ast (None outside its subset)
    if flat is not None:
        return flat
    body = ast.parse(source, mode="eval").body
    if isinstance(body, ast.Call):
        return [_call(body)]
    elements = getattr(body, "elts", None)
    if elements is None:
        raise BfclDecodeError(f"not a list of calls: {type(body).__name__}")
    calls = []
    for element in elements:
        if not isinstance(element, ast.Call):
            raise BfclDecodeError(f"list element is not a call: {type(element).__name__}")
        calls.append(_call(element))
    return calls


def _call(node: ast.Call) -> dict[str, dict]:
    return {_callee_name(node.func): {kw.arg: _value(kw.value) for kw in node.keywords}}


def _callee_name(func: ast.expr) -> str:
    """``a.b.c`` -> "a.b.c". The attribute chain is kept even when its root is not a name
    (``x[0].f`` -> "f", ``g().f`` -> "f"); a callee that is no name at all gives ""."""
    if type(func) is ast.Name:
        return func.id
    parts = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if isinstance(func, ast.Name):
        parts.append(func.id)
    return ".".join(reversed(parts))


def _value(node: ast.expr | None) -> Any:
    if type(node) is ast.Constant:
        value = node.value
        return "..." if value is Ellipsis else value
    decode = _BY_TYPE.get(type(node))
    if decode is None:
        # Lambda included: BFCL's lambda branch always raises
        kind = "a '**' entry" if node is None else type(node).__name__
        raise BfclDecodeError(f"unsupported expression: {kind}")
    return decode(node)


def _call_value(node: ast.Call) -> Any:
    # BFCL nests a call only when it has keyword arguments; otherwise it keeps the text
    return _call(node) if node.keywords else ast.unparse(node)


def _subscript(node: ast.Subscript) -> str:
    # value and slice are unparsed separately, so x[1, 2] becomes "x[(1, 2)]"
    return f"{ast.unparse(node.value)}[{ast.unparse(node.slice)}]"


def _unary_quirk(node: ast.UnaryOp) -> Any:
    """BFCL decodes any unary operator as the negated value of its operand, which must be a
    literal: ``-5`` -> -5 but also ``+5`` -> -5, ``~1`` -> -1, ``not True`` -> -1. ``-x``,
    ``--5`` and ``-(1+2)`` raise (the operand has no literal value)."""
    if not isinstance(node.operand, ast.Constant):
        raise BfclDecodeError(f"unary operator on {type(node.operand).__name__}")
    return -node.operand.value  # TypeError for strings, None, ...: a decoding failure too


_BY_TYPE: dict[type, Callable[[Any], Any]] = {
    ast.UnaryOp: _unary_quirk,
    ast.List: lambda node: [_value(e) for e in node.elts],
    # keys before values, pair by pair, later duplicates win: a dict comprehension's order
    ast.Dict: lambda node: {_value(k): _value(v) for k, v in zip(node.keys, node.values)},
    ast.BinOp: arith.evaluate,
    ast.Name: lambda node: node.id,
    ast.Call: _call_value,
    ast.Tuple: lambda node: tuple(_value(e) for e in node.elts),
    ast.Subscript: _subscript,
}
