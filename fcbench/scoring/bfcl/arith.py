"""Safe evaluation of the arithmetic BFCL's Python decoder evaluates.

BFCL decodes a binary expression argument (``a=2*3.5``) by unparsing it and calling Python's
``eval`` on the text inside its own module, so any expression at all is run there, names and
calls included. We evaluate only expressions built from literals: constants, unary and binary
operators, comparisons, ``and``/``or``/``if``-``else``, and list/tuple/set/dict displays of
those. Inside such an expression the operators have their real Python meaning (``+5 * 2`` is
10 here, unlike a top-level ``+5``, which BFCL decodes as -5), because ``eval`` gives them that
meaning. Anything else (a name, a call, an attribute, a subscript, a comprehension, ...) is
refused with ``Refused``; BFCL would mostly fail too (``NameError``), but it does run calls of
builtins such as ``round(2.5)*2`` and names of its own module (``os``, ``json``, ...).

Results that would take unbounded time or memory (``9**9**9``, ``'a'*10**10``, ``1<<10**12``,
``'%999999999d' % 1``) are refused as well; BFCL would compute them or hang.
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable
from typing import Any

MAX_INT_BITS = 1 << 22  # a 4-million-bit int takes milliseconds; beyond that we refuse
MAX_SEQUENCE_LENGTH = 1_000_000
# a '%' conversion whose width or precision is a '*' or has 7+ digits
_HUGE_FORMAT = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d{7,}|\d*\.(?:\*|\d{7,}))")


class Refused(ValueError):
    """The expression is outside what we evaluate (BFCL would hand it to eval)."""


_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow,
    ast.LShift: operator.lshift, ast.RShift: operator.rshift, ast.BitOr: operator.or_,
    ast.BitXor: operator.xor, ast.BitAnd: operator.and_, ast.MatMult: operator.matmul,
}
_UNARY: dict[type[ast.unaryop], Callable[[Any], Any]] = {
    ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Invert: operator.invert, ast.Not: operator.not_,
}
_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.Is: operator.is_, ast.IsNot: operator.is_not,
    ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b,
}


def evaluate(node: ast.expr) -> Any:
    """The value Python's ``eval`` gives the expression, for literal-only expressions."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.BinOp):
        return _binary(node)
    if isinstance(node, ast.UnaryOp):
        return _UNARY[type(node.op)](evaluate(node.operand))
    if isinstance(node, ast.Compare):
        return _compare(node)
    if isinstance(node, ast.BoolOp):
        return _boolean(node)
    if isinstance(node, ast.IfExp):
        return evaluate(node.body) if evaluate(node.test) else evaluate(node.orelse)
    if isinstance(node, ast.List):
        return [evaluate(e) for e in _no_starred(node.elts)]
    if isinstance(node, ast.Tuple):
        return tuple(evaluate(e) for e in _no_starred(node.elts))
    if isinstance(node, ast.Set):
        return {evaluate(e) for e in _no_starred(node.elts)}
    if isinstance(node, ast.Dict):
        if any(key is None for key in node.keys):
            raise Refused("'**' inside a dict display")
        return {evaluate(k): evaluate(v) for k, v in zip(node.keys, node.values)}  # type: ignore[arg-type]
    raise Refused(f"not a literal expression: {type(node).__name__}")


def _no_starred(elements: list[ast.expr]) -> list[ast.expr]:
    if any(isinstance(e, ast.Starred) for e in elements):
        raise Refused("'*' unpacking inside a display")
    return elements


def _binary(node: ast.BinOp) -> Any:
    left, right = evaluate(node.left), evaluate(node.right)
    _guard(type(node.op), left, right)
    result = _BINARY[type(node.op)](left, right)
    if isinstance(result, int) and result.bit_length() > MAX_INT_BITS:
        raise Refused("integer result too large")
    return result


def _guard(op: type[ast.operator], left: Any, right: Any) -> None:
    """Refuse the few operations whose cost is not bounded by the size of the source text."""
    if op is ast.Pow and _is_int(left) and _is_int(right) and abs(left) > 1 and right > 0:
        if right * left.bit_length() > MAX_INT_BITS:
            raise Refused("power too large")
    elif op is ast.LShift and _is_int(left) and _is_int(right) and left and right > 0:
        if left.bit_length() + right > MAX_INT_BITS:
            raise Refused("shift too large")
    elif op is ast.Mult:
        for seq, count in ((left, right), (right, left)):
            if isinstance(seq, str | bytes | list | tuple) and _is_int(count) and count > 0:
                if len(seq) * count > MAX_SEQUENCE_LENGTH:
                    raise Refused("repetition too long")
    elif op is ast.Mod and isinstance(left, str | bytes):
        text = left if isinstance(left, str) else left.decode("latin-1")
        if _HUGE_FORMAT.search(text):
            raise Refused("'%' format with a huge or '*' width")


def _is_int(value: Any) -> bool:
    return isinstance(value, int)  # bool included: True ** 5 and 'a' * True behave like ints


def _compare(node: ast.Compare) -> Any:
    left = evaluate(node.left)
    for op, comparator in zip(node.ops, node.comparators):
        right = evaluate(comparator)
        if not _COMPARE[type(op)](left, right):
            return False
        left = right
    return True


def _boolean(node: ast.BoolOp) -> Any:
    value: Any = None
    for operand in node.values:
        value = evaluate(operand)
        if isinstance(node.op, ast.And) and not value:
            return value
        if isinstance(node.op, ast.Or) and value:
            return value
    return value
