"""Call syntaxes that open with a special marker.

* Hermes / Qwen: ``<tool_call>{"name": ..., "arguments": ...}</tool_call>``, one tag per
  call; Qwen3-Coder puts ``<function=name><parameter=p>value</parameter></function>`` inside.
* Granite: ``<function_call>{...}`` (closing tag optional), and ``<|tool_call|>[...]``
  (Granite 3, Phi-4-mini).
* Mistral: ``[TOOL_CALLS][{...}]``, or one marker per call as
  ``[TOOL_CALLS]name[ARGS]{...}`` / ``[TOOL_CALLS]name[CALL_ID]id[ARGS]{...}`` / ``[TOOL_CALLS]name{...}``.
* Llama 3: ``<|python_tag|>`` followed by JSON calls or a pythonic call.

Each reader returns None when its marker is absent, the calls otherwise, and
raises `CallShapeError` when the marker is there but the call cannot be read.
Text before the first marker is the model's preamble and is ignored.
"""

from __future__ import annotations

import json
import re
from typing import Any

from fcbench.parsing.body import parse_body
from fcbench.parsing.jsontext import decode_prefix
from fcbench.parsing.shapes import CallShapeError
from fcbench.records import ToolCall

HERMES_OPEN = "<tool_call>"
_HERMES = re.compile(r"<tool_call>(.*?)(?:</tool_call>|(?=<tool_call>)|\Z)", re.DOTALL)
_XML_FUNCTION = re.compile(r"<function=([^>\s]+)>(.*?)(</function>|\Z)", re.DOTALL)
_XML_PARAMETER = re.compile(r"<parameter=([^>\s]+)>(.*?)(</parameter>|(?=<parameter=)|\Z)", re.DOTALL)

_GRANITE_OPEN = re.compile(r"<function_call>|<\|tool_call\|>")
_GRANITE_CLOSE = re.compile(r"</function_call>|<\|/tool_call\|>")

MISTRAL_OPEN = "[TOOL_CALLS]"
_MISTRAL_NAMED = re.compile(r"([A-Za-z_][\w.\-]*)\s*(?:\[CALL_ID\]\s*[\w-]*\s*)?(?:\[ARGS\])?\s*")

LLAMA_OPEN = "<|python_tag|>"


def _xml_value(raw: str) -> Any:
    value = raw.strip("\n")
    try:
        return json.loads(value)
    except (ValueError, RecursionError):
        return value


def _xml_call(body: str) -> ToolCall:
    match = _XML_FUNCTION.match(body)
    if match is None:
        raise CallShapeError("tool_call tag holds neither JSON nor <function=...>")
    if not match.group(3):
        raise CallShapeError("truncated <function=...> call")
    arguments: dict[str, Any] = {}
    for param in _XML_PARAMETER.finditer(match.group(2)):
        if not param.group(3):
            raise CallShapeError("unclosed <parameter=...>")
        arguments[param.group(1)] = _xml_value(param.group(2))
    return ToolCall(match.group(1), arguments)


def read_hermes(text: str) -> list[ToolCall] | None:
    if HERMES_OPEN not in text:
        return None
    calls: list[ToolCall] = []
    for match in _HERMES.finditer(text):
        body = match.group(1).strip()
        if body.startswith("<function="):
            calls.append(_xml_call(body))
        else:
            calls.extend(parse_body(body, allow_trailing=False))
    return calls


def read_granite(text: str) -> list[ToolCall] | None:
    pieces = _GRANITE_OPEN.split(text)
    if len(pieces) == 1:
        return None
    calls: list[ToolCall] = []
    for piece in pieces[1:]:
        body = _GRANITE_CLOSE.split(piece, maxsplit=1)[0]
        calls.extend(parse_body(body, allow_trailing=True))
    return calls


def _mistral_named(piece: str) -> list[ToolCall]:
    """``name[ARGS]{...}`` (possibly several in a row)."""
    calls: list[ToolCall] = []
    rest = piece
    while rest.strip():
        match = _MISTRAL_NAMED.match(rest.strip())
        if match is None:
            if calls:
                break  # trailing prose after the calls
            raise CallShapeError("[TOOL_CALLS] is followed by neither JSON nor a function name")
        rest = rest.strip()[match.end():]
        values, end = decode_prefix(rest)
        if not values:
            raise CallShapeError(f"no JSON arguments after [TOOL_CALLS]{match.group(1)}")
        if not isinstance(values[0], dict):
            raise CallShapeError("arguments are not an object")
        calls.append(ToolCall(match.group(1), values[0]))
        if len(values) > 1:
            raise CallShapeError("several argument objects for one call")
        rest = rest[end:]
    return calls


def read_mistral(text: str) -> list[ToolCall] | None:
    if MISTRAL_OPEN not in text:
        return None
    calls: list[ToolCall] = []
    for piece in text.split(MISTRAL_OPEN)[1:]:
        stripped = piece.strip()
        if not stripped:
            raise CallShapeError("empty [TOOL_CALLS]")
        if stripped[0] in "[{":
            calls.extend(parse_body(stripped, allow_trailing=True))
        else:
            calls.extend(_mistral_named(stripped))
    return calls


def read_llama(text: str) -> list[ToolCall] | None:
    if LLAMA_OPEN not in text:
        return None
    return parse_body(text.split(LLAMA_OPEN, 1)[1], allow_trailing=True)
