"""BFCL's JavaScript prompt decoder: ``f(name=value, ...)`` text, via tree-sitter-javascript.

BFCL cuts the brackets off, parses the rest (see ``treesitter.parse`` for the ERROR test) and
looks ONLY at top-level expression statements whose direct child is a call; the first one is
returned as ``[{name: args}]``. ``f(a=1), g(b=2)`` is one sequence expression, not a call, so
two calls (like ``[]`` or empty text) give ``None`` without an error: the runner then reports
"wrong output format", and relevance scoring counts it as "no call".

* name: the callee's source text (``obj.method``);
* ``name=value`` (a JS assignment) -> the value's source text with ONE pair of matching outer
  quotes removed; a positional identifier or ``true`` goes under the key ``None`` (``false``
  and other positional values are dropped); a name given twice raises;
* every value is a string: ``'1'``, ``'true'``, ``'[1, 2]'``, ``'{k: 1}'``, ``'() => 1'``.
"""

from __future__ import annotations

from typing import Any

from fcbench.scoring.bfcl import treesitter
from fcbench.scoring.bfcl.entry import BfclDecodeError


def decode_javascript(source: str) -> list[dict] | None:
    """Decode the text between the brackets; raises (any exception) where BFCL raises."""
    tree = treesitter.parse("javascript", source)
    for statement in tree.root_node.children:
        if statement.type != "expression_statement":
            continue
        for child in statement.children:
            if child.type == "call_expression":
                # BFCL takes the call's second child as the argument list; for f?.(...)
                # that is the '?.' token, so such a call has no arguments
                return [{_text(child.children[0]): _arguments(child.children[1])}]
    return None


def _text(node: Any) -> str:
    return node.text.decode("utf-8")


def _arguments(node: Any) -> dict[str | None, str]:
    arguments: dict[str | None, str] = {}
    for child in node.named_children:  # the punctuation children can never be arguments
        if child.type == "assignment_expression":
            key: str | None = _text(child.children[0])
            value = _unquote(_text(child.children[2]))
        elif child.type in ("identifier", "true"):
            key, value = None, _text(child)
        else:
            continue
        if key in arguments:
            raise BfclDecodeError(f"argument {key!r} given twice")
        arguments[key] = value
    return arguments


def _unquote(text: str) -> str:
    if len(text) >= 1 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text
