"""`extract_calls`: read the tool calls out of a model's text, whatever syntax it used.

Order of attempts (the first that recognises its syntax decides):

1. the whole answer is JSON (an object, a list, or several objects): strict;
2. the whole answer is a pythonic call expression;
3. a marker syntax: Hermes ``<tool_call>``, Granite ``<function_call>``/``<|tool_call|>``,
   Mistral ``[TOOL_CALLS]``, Llama ``<|python_tag|>``;
4. code fences holding JSON or pythonic calls;
5. JSON calls inside prose, then lines of prose that are pythonic calls;
6. an answer that *opens* like a call (``{``, ``[{``, ``[]``-ish, ``name(``) but
   could not be read is malformed; anything else is a text answer.

An answer that opens like a call and never closes its bracket is malformed at once
(step 1b), whatever complete JSON sits inside the unfinished call.

Reasoning blocks (``<think>...</think>``) and end-of-turn tokens are removed
first, so drafts inside the reasoning are never taken for the answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fcbench.parsing import markers
from fcbench.parsing.body import json_problem
from fcbench.parsing.jsontext import FENCE, decode_whole, find_fences, scan_embedded
from fcbench.parsing.pythonic import OPENING, parse_pythonic
from fcbench.parsing.shapes import CallShapeError, calls_from_value, is_call_like
from fcbench.records import ToolCall, record

JSON, PYTHONIC = "json", "pythonic"
HERMES, GRANITE, MISTRAL, LLAMA = "hermes", "granite", "mistral", "llama"
FORMATS = (JSON, PYTHONIC, HERMES, GRANITE, MISTRAL, LLAMA)

_END_TOKENS = re.compile(r"<\|(?:eot_id|eom_id|im_end|end|endoftext|end_of_text|end_of_turn)\|>"
                         r"|</s>|<eos>|<end_of_turn>")
_LEADING_THINK = re.compile(r"\s*<think>.*?(?:</think>|\Z)", re.DOTALL)
# Answers that open with call syntax; their "</think>" can only be inside a value.
_CALL_START = re.compile(r"\s*(?:[\[{]|<tool_call>|<function_call>|<\|tool_call\|>|<\|python_tag\|>|```)")
# A whole answer opening like a JSON call: "{", or "[" then "{", "]" or the end.
_JSON_OPENING = re.compile(r"\{|\[\s*(?:[{\]]|\Z)")
_JSON_LANGS = frozenset({"json", "jsonc", "json5", "tool_call", "tool_calls", "javascript", "js"})
_PYTHON_LANGS = frozenset({"python", "py", "python3"})


@record
class ParsedCalls:
    """What a model's text holds: calls, or why it looked like calls but could not be read.

    `format` names the syntax that was recognised (one of `FORMATS`), None for plain text.
    """

    calls: tuple[ToolCall, ...] = ()
    malformed: str | None = None
    format: str | None = None


TEXT_ANSWER = ParsedCalls()


def _broken(reason: str, fmt: str | None) -> ParsedCalls:
    return ParsedCalls((), reason, fmt)


def clean(text: str) -> str:
    """Drop a leading reasoning block and end-of-turn tokens, then surrounding space.

    A reasoning block cut off before ``</think>`` leaves no answer. A ``</think>``
    without an opening tag (the chat template opened it) ends the reasoning,
    unless the text opens with call syntax.
    """
    match = _LEADING_THINK.match(text)
    if match:
        text = text[match.end():]
    elif "</think>" in text and not _CALL_START.match(text):
        text = text.split("</think>", 1)[1]
    return _END_TOKENS.sub("", text).strip()


def _strict_json(values: list[Any]) -> ParsedCalls:
    calls: list[ToolCall] = []
    try:
        for value in values:
            calls.extend(calls_from_value(value))
    except CallShapeError as exc:
        return _broken(str(exc), JSON)
    return ParsedCalls(tuple(calls), None, JSON)


def _pythonic(source: str) -> ParsedCalls | None:
    try:
        calls = parse_pythonic(source)
    except CallShapeError as exc:
        return _broken(str(exc), PYTHONIC)
    return None if calls is None else ParsedCalls(tuple(calls), None, PYTHONIC)


def _read_piece(piece: str, *, strict: bool) -> ParsedCalls | None:
    """A piece that is entirely JSON or entirely a pythonic expression; None otherwise.

    Not `strict` (a fence among prose): JSON that is not call-like is data, not a call.
    """
    if piece[:1] in ("[", "{") and not OPENING.match(piece):  # "[name(" opens calls, never JSON
        values = decode_whole(piece)
        if values is not None:
            if strict or all(v == [] or is_call_like(v) for v in values):
                return _strict_json(values)
            return None
    return _pythonic(piece)


def _read_markers(text: str) -> ParsedCalls | None:
    readers: tuple[tuple[str, Callable[[str], list[ToolCall] | None]], ...] = (
        (HERMES, markers.read_hermes), (GRANITE, markers.read_granite),
        (MISTRAL, markers.read_mistral), (LLAMA, markers.read_llama))
    for fmt, reader in readers:
        try:
            calls = reader(text)
        except CallShapeError as exc:
            return _broken(str(exc), fmt)
        if calls is not None:
            return ParsedCalls(tuple(calls), None, fmt)
    return None


def _read_fences(text: str) -> ParsedCalls | None:
    fences = find_fences(text)
    if not fences:
        return None
    sole = len(fences) == 1 and not FENCE.sub("", text).strip()
    calls: list[ToolCall] = []
    fmt = None
    for fence in fences:
        body = fence.body.strip()
        if not body:
            if sole:
                return _broken("empty code block", JSON)
            continue
        parsed = _read_piece(body, strict=sole)
        if parsed is None:
            if body[0] in "[{" and decode_whole(body) is not None:
                continue  # JSON data shown among prose, not a call
            if body[0] in "[{" and (sole or fence.lang in _JSON_LANGS):
                return _broken(json_problem(body), JSON)
            if OPENING.match(body) and (sole or fence.lang in _PYTHON_LANGS):
                return _broken("unreadable pythonic call", PYTHONIC)
            continue
        if parsed.malformed:
            return parsed
        calls.extend(parsed.calls)
        fmt = fmt or parsed.format
    return None if fmt is None else ParsedCalls(tuple(calls), None, fmt)


def _read_embedded_json(text: str) -> ParsedCalls | None:
    found = scan_embedded(text)
    candidates = [v for v in found.values if is_call_like(v)]
    if found.first_broken is not None:
        return _broken(json_problem(text[found.first_broken:]), JSON)
    return _strict_json(candidates) if candidates else None


def _read_pythonic_lines(text: str) -> ParsedCalls | None:
    """Lines of prose that are pythonic calls (a call may span a paragraph)."""
    lines = text.splitlines()
    calls: list[ToolCall] = []
    i = 0
    while i < len(lines):
        line = lines[i].strip().strip("`")
        if not (OPENING.match(line) or line == "["):
            i += 1
            continue
        end = i + 1
        while end < len(lines) and lines[end].strip():
            end += 1
        for stop in (i + 1, end):
            parsed = _pythonic("\n".join(lines[i:stop]).strip().strip("`"))
            if parsed is not None:
                if parsed.malformed:
                    return parsed
                calls.extend(parsed.calls)
                i = stop
                break
        else:
            i += 1
    return ParsedCalls(tuple(calls), None, PYTHONIC) if calls else None


_BRACKETS = {"(": ")", "[": "]", "{": "}"}


def unclosed(text: str) -> bool:
    """Does `text` open a bracket it never closes (string literals skipped)?

    ``[f(a={"name": "x"}, b=1`` opens a call and stops: whatever complete JSON
    sits inside it, the call itself was never finished.
    """
    stack: list[str] = []
    quote = None
    escaped = False
    for ch in text:
        if quote is not None:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == quote:
                quote = None
            continue
        if ch in "\"'":
            quote = ch
        elif ch in _BRACKETS:
            stack.append(_BRACKETS[ch])
        elif ch in ")]}":
            if not stack or stack.pop() != ch:
                return False  # unbalanced the other way: not an unfinished call
            if not stack:
                return False  # the opening bracket closed: what follows is another matter
    return bool(stack) or quote is not None


def _unfinished_call(text: str) -> ParsedCalls | None:
    """An answer that opens like a call and never closes it is malformed, whatever it holds."""
    if (OPENING.match(text) or _JSON_OPENING.match(text)) and unclosed(text):
        fmt = JSON if _JSON_OPENING.match(text) else PYTHONIC
        return _broken("a call is opened and never closed", fmt)
    return None


def _opening_attempt(text: str) -> ParsedCalls | None:
    """An answer that starts like a call but was not readable by any reader."""
    if _JSON_OPENING.match(text):
        return _broken(json_problem(text), JSON)
    if OPENING.match(text):
        return _broken("unreadable pythonic call", PYTHONIC)
    return None


def _extract(text: str | None) -> ParsedCalls:
    if not isinstance(text, str):
        return TEXT_ANSWER
    text = clean(text)
    if not text:
        return TEXT_ANSWER
    steps: tuple[Callable[[], ParsedCalls | None], ...] = (
        lambda: _read_piece(text, strict=True), lambda: _unfinished_call(text), lambda: _read_markers(text),
        lambda: _read_fences(text), lambda: _read_embedded_json(text),
        lambda: _read_pythonic_lines(text), lambda: _opening_attempt(text))
    for step in steps:
        parsed = step()
        if parsed is not None:
            return parsed
    return TEXT_ANSWER


def extract_calls(text: str | None) -> ParsedCalls:
    """The calls in a model's text. Never raises: an unexpected fault reads as malformed."""
    try:
        return _extract(text)
    except Exception as exc:  # noqa: BLE001 - model output must never crash a run
        return _broken(f"unreadable output ({type(exc).__name__})", None)


_CALL_SYNTAX = re.compile(
    r"<tool_call>|<function_call>|<\|tool_call\|>|\[TOOL_CALLS\]|<\|python_tag\|>"
    r'|\{\s*"(?:name|function|tool_name|function_name|tool_calls)"'
    r"|^[ \t`]*[\[{]|```"
    r"|^[ \t`]*\[?\s*[A-Za-z_][\w.]*\(",
    re.MULTILINE)


def looks_like_call(text: str | None) -> bool:
    """Cheap test: does the text hold call syntax (a call, an empty call list, or a broken one)?

    A superset of what `extract_calls` recognises: when this is False,
    `extract_calls` finds no calls and nothing malformed.
    """
    if not isinstance(text, str):
        return False
    return _CALL_SYNTAX.search(clean(text)) is not None
