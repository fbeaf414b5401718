"""A fast reader for the plain pythonic call lists most answers are: ``[f(a=1, b="x")]``.

Why: `ast.parse` builds a full syntax tree and `ast.literal_eval` walks it again per
argument; on a typical prompt-style answer that is most of fcbench's scoring time. This
reader tokenizes with one regular expression and reads a small subset of Python:

* a call ``name(kw=value, ...)`` (dotted ASCII names), or a list of one or more calls;
* values: strings in single or double quotes without backslashes or line breaks,
  decimal integers and floats (an optional ``-`` before them), ``True``/``False``/``None``,
  bare names as `fcbench.parsing.pythonic` reads them (``true``/``false``/``null`` as JSON's
  constants, any other name as its text), lists and dicts with string keys; a trailing
  comma where Python allows one.

Anything else (escapes, string prefixes, adjacent strings, tuples, dotted names as values, keyword
parameters, repeated arguments, comments, other whitespace, ...) makes it return None, and
`fcbench.parsing.pythonic.parse_pythonic` reads the text with `ast` as before. So it never
decides anything `ast` would decide differently: on the text it accepts, Python's own
reading is the same calls with the same values (a property test compares the two on
generated and adversarial answers).
"""

from __future__ import annotations

import keyword
import re
from typing import Any

from fcbench.records import ToolCall

# One token, after the whitespace Python skips inside brackets; any other character is a
# token of its own, which no rule below accepts. Numbers take at most 41 digits before the
# point (no int-conversion limit to meet); whatever follows a value must be a bracket, comma,
# colon or "=", or the reader gives up.
_TOKEN = re.compile(
    r"""[ \t\r\n]*("[^"\\\r\n]*"|'[^'\\\r\n]*'"""
    r"""|-?(?:0|[1-9][0-9]{0,40})(?:\.[0-9]{1,40})?(?:[eE][+-]?[0-9]{1,3})?"""
    r"""|[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*|[\s\S])""")
_CONSTANTS = {"True": True, "False": False, "None": None}
#: bare names as `fcbench.parsing.pythonic` reads them: JSON's constants, any other name its text
_JSON_NAMES = {"true": True, "false": False, "null": None}
#: names Python does not allow where this reader expects a name (soft keywords are fine)
_NOT_NAMES = frozenset(keyword.kwlist)
_NAME_START = frozenset("_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_NUMBER_START = frozenset("-0123456789")
#: deeper nesting is left to `ast` (which has limits of its own)
MAX_DEPTH = 40


class _GiveUp(Exception):
    """Not in the subset: the caller falls back to `ast`."""


def fast_calls(source: str) -> list[ToolCall] | None:
    """The calls in `source` (already stripped), or None when it is not in the subset."""
    if "\x00" in source:
        return None
    tokens = _TOKEN.findall(source)
    tokens.append("")  # the end
    try:
        source.encode("utf-8")  # lone surrogates: `ast` refuses the text
        if tokens[0] != "[":
            call, at = _call(tokens, 0)
            calls = [call]
        else:
            calls, at = [], 1
            while True:
                call, at = _call(tokens, at)
                calls.append(call)
                token = tokens[at]
                at += 1
                if token == "]":
                    break
                if token != ",":
                    return None
                if tokens[at] == "]":
                    at += 1
                    break
    except (_GiveUp, ValueError, IndexError):  # ValueError: "-" alone, a lone surrogate
        return None
    return calls if at == len(tokens) - 1 else None


def _call(tokens: list[str], at: int) -> tuple[ToolCall, int]:
    name = tokens[at]
    if name[:1] not in _NAME_START or tokens[at + 1] != "(" or (
            any(part in _NOT_NAMES for part in name.split(".")) if "." in name else name in _NOT_NAMES):
        raise _GiveUp()
    at += 2
    arguments: dict[str, Any] = {}
    while tokens[at] != ")":
        key = tokens[at]
        if (key[:1] not in _NAME_START or "." in key or key in _NOT_NAMES or key in arguments
                or tokens[at + 1] != "=" or key.startswith("__fcbench_keyword_")):
            raise _GiveUp()
        arguments[key], at = _value(tokens, at + 2, 1)
        at = _past_comma(tokens, at, ")")
    return ToolCall(name, arguments), at + 1


def _value(tokens: list[str], at: int, depth: int) -> tuple[Any, int]:
    token = tokens[at]
    first = token[:1]
    if first == '"' or first == "'":
        if len(token) < 2:
            raise _GiveUp()
        return token[1:-1], at + 1
    if first in _NUMBER_START:
        if "." in token or "e" in token or "E" in token:
            return float(token), at + 1
        return int(token), at + 1
    if token in _CONSTANTS:
        return _CONSTANTS[token], at + 1
    if first in _NAME_START and "." not in token and token not in _NOT_NAMES:  # a bare name, as `ast` reads it
        return (_JSON_NAMES[token] if token in _JSON_NAMES else token), at + 1
    if depth > MAX_DEPTH:
        raise _GiveUp()
    at += 1
    if token == "[":
        items: list[Any] = []
        while tokens[at] != "]":
            item, at = _value(tokens, at, depth + 1)
            items.append(item)
            at = _past_comma(tokens, at, "]")
        return items, at + 1
    if token == "{":
        pairs: dict[str, Any] = {}
        while tokens[at] != "}":
            key = tokens[at]
            if key[:1] not in "\"'" or len(key) < 2 or tokens[at + 1] != ":":
                raise _GiveUp()
            pairs[key[1:-1]], at = _value(tokens, at + 2, depth + 1)
            at = _past_comma(tokens, at, "}")
        return pairs, at + 1
    raise _GiveUp()  # a bare name, a tuple, a call, a stray character


def _past_comma(tokens: list[str], at: int, close: str) -> int:
    """After an item: past the comma that follows it, or at the closing bracket."""
    token = tokens[at]
    if token == ",":
        return at + 1
    if token != close:
        raise _GiveUp()
    return at
