"""Read the calls out of one piece of text that is known to hold calls.

Used on the content of a call tag, a code fence, or a whole answer: the
piece must be JSON (one value or several separated by ``;``/``,``/newlines)
or a pythonic call expression. Anything else raises `CallShapeError`.
"""

from __future__ import annotations

import json

from fcbench.parsing.jsontext import decode_prefix
from fcbench.parsing.pythonic import parse_pythonic
from fcbench.parsing.shapes import CallShapeError, calls_from_value
from fcbench.records import ToolCall

SEPARATORS = " \t\r\n;,"


def json_problem(text: str) -> str:
    """A short reason why `text` is not JSON: truncated (error at the end) or invalid."""
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string"):
            return "truncated JSON"
        return f"invalid JSON ({exc.msg})"
    except (ValueError, RecursionError):
        return "invalid JSON"
    return "invalid JSON"


def parse_body(body: str, *, allow_trailing: bool) -> list[ToolCall]:
    """Calls held by `body`. With `allow_trailing`, prose after the calls is ignored."""
    text = body.strip()
    if not text:
        raise CallShapeError("empty call")
    values, end = decode_prefix(text)
    if values:
        if not allow_trailing and text[end:].strip(SEPARATORS):
            raise CallShapeError("unexpected text after the JSON call")
        calls: list[ToolCall] = []
        for value in values:
            calls.extend(calls_from_value(value))
        return calls
    pythonic = parse_pythonic(text)
    if pythonic is None and allow_trailing:
        pythonic = parse_pythonic(text.splitlines()[0])
    if pythonic is not None:
        return pythonic
    if text[0] in "[{":
        raise CallShapeError(json_problem(text))
    raise CallShapeError("call is neither JSON nor a pythonic call")
