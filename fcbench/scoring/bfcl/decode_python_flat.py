"""The fastest path for Python prompt answers: flat calls, ``[f(a='x', b=-2.5, c=[1, 'y'])]``.

Most answers are calls whose keyword arguments are scalars (plain strings, numbers, names)
or lists of scalars. One regular expression recognizes exactly that shape, and a few more
pull the calls and arguments out; no tokenizer loop, no ``ast``. The values mean what the
``ast`` route gives: strings without escapes are their content, numbers in JSON form are the
Python literals, ``True``/``False``/``None`` are constants, any other bare name is a string,
and a sign before a number negates it, ``+5`` included (BFCL's unary quirk).

Anything else (escapes, nested lists or dicts, nested calls, Python keywords used as names,
trailing commas, ...) returns None and ``decode_python`` takes the ``ast`` route.
tests/scoring/test_bfcl_port.py fuzzes the two routes against each other.
"""

from __future__ import annotations

import keyword
import re
from typing import Any

_WS = r"[ \t\n]*"
_STRING = r"'[^'\\\n\r\x00\ud800-\udfff]*'|\"[^\"\\\n\r\x00\ud800-\udfff]*\""
_NUMBER = r"(?:[-+][ \t\n]*)?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?"
_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_SCALAR = rf"(?:{_STRING}|{_NUMBER}|{_NAME})"
_VALUE = rf"(?:{_SCALAR}|\[{_WS}(?:{_SCALAR}(?:{_WS},{_WS}{_SCALAR})*)?{_WS}\])"
_KEYWORD_ARGUMENT = rf"{_NAME}{_WS}={_WS}{_VALUE}"
_CALL = rf"{_NAME}(?:\.{_NAME})*{_WS}\({_WS}(?:{_KEYWORD_ARGUMENT}(?:{_WS},{_WS}{_KEYWORD_ARGUMENT})*)?{_WS}\)"

_ANSWER = re.compile(rf"\[{_WS}(?:{_CALL}(?:{_WS},{_WS}{_CALL})*)?{_WS}\]")
# In a recognized answer, a scan finds, in order, each callee ("f(") and each keyword
# argument ("a=value"); strings are consumed whole, so nothing inside them is seen.
_PARTS = re.compile(rf"({_NAME}(?:\.{_NAME})*){_WS}\(|({_NAME}){_WS}={_WS}({_VALUE})")
_SCALARS = re.compile(_SCALAR)

_KEYWORDS = frozenset(keyword.kwlist)
_CONSTANTS: dict[str, Any] = {"True": True, "False": False, "None": None}


class _Fallback(Exception):
    """A Python keyword where a name belongs: not this route's business."""


def flat_decode(source: str) -> list[dict] | None:
    """The decoded calls, or None when another route must decide."""
    if not _ANSWER.fullmatch(source):
        return None
    calls: list[dict] = []
    arguments: dict[str, Any] = {}
    try:
        for callee, name, value in _PARTS.findall(source):
            if callee:
                if any(part in _KEYWORDS for part in callee.split(".")):
                    return None
                arguments = {}
                calls.append({callee: arguments})
            elif name in _KEYWORDS:
                return None
            elif value[0] == "'" or value[0] == '"':
                arguments[name] = value[1:-1]  # the most common value: a plain string
            elif value[0] == "[":
                arguments[name] = [_scalar(item) for item in _SCALARS.findall(value)]
            else:
                arguments[name] = _scalar(value)
    except (_Fallback, ValueError):
        return None
    return calls


def _scalar(text: str) -> Any:
    first = text[0]
    if first == "'" or first == '"':
        return text[1:-1]
    if first == "-" or first == "+":
        return -_number(text[1:].lstrip(" \t\n"))  # BFCL negates under ANY unary operator
    if first.isdigit():
        return _number(text)
    if text in _CONSTANTS:
        return _CONSTANTS[text]
    if text in _KEYWORDS:
        raise _Fallback
    return text  # a bare identifier decodes as its name


def _number(text: str) -> int | float:
    if "." in text or "e" in text or "E" in text:
        return float(text)
    return int(text)  # ValueError past Python's 4300-digit limit: ast fails on that literal too
