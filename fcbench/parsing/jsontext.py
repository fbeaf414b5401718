"""Find JSON values in model text: the whole text, a prefix, or pieces inside prose.

Nothing here raises: the decoder's `ValueError` and `RecursionError` (deeply
nested input) are turned into "not JSON".
"""

from __future__ import annotations

import json
import re
from typing import Any

from fcbench.records import record

_DECODER = json.JSONDecoder()
_SEPARATORS = " \t\r\n;,"
# Where a JSON value that could hold calls may start inside prose: an object
# opening on a key (or empty), or a list opening on an object.
_CANDIDATE = re.compile(r'\{\s*["}]|\[\s*\{')
# A candidate that failed to decode counts as a broken call when it opens like one.
_CALL_OPENING = re.compile(r'(?:\[\s*)?\{\s*"(?:name|function|tool_name|function_name|tool_calls)"')
# Bounds the work on adversarial text (each attempt may scan to the end).
MAX_CANDIDATES = 200


def _decode_at(text: str, pos: int) -> tuple[Any, int] | None:
    try:
        return _DECODER.raw_decode(text, pos)
    except (ValueError, RecursionError):
        return None


def decode_prefix(text: str) -> tuple[list[Any], int]:
    """Decode JSON values from the start of `text` (separated by spaces, `;` or `,`).

    Returns the values and the index where decoding stopped; no values when
    the text does not start with JSON.
    """
    values: list[Any] = []
    pos, end = 0, 0
    while True:
        while pos < len(text) and text[pos] in _SEPARATORS:
            pos += 1
        if pos >= len(text):
            return values, len(text)
        decoded = _decode_at(text, pos)
        if decoded is None:
            return values, end
        value, pos = decoded
        values.append(value)
        end = pos


def decode_whole(text: str) -> list[Any] | None:
    """The values when all of `text` is JSON (one or more values), else None."""
    values, end = decode_prefix(text)
    if not values or text[end:].strip(_SEPARATORS):
        return None
    return values


@record
class EmbeddedJson:
    """JSON found inside prose: decoded values, and call-like openings that did not decode."""

    values: tuple[Any, ...]
    first_broken: int | None  # where the first call-like opening that failed to decode starts


def scan_embedded(text: str) -> EmbeddedJson:
    values: list[Any] = []
    first_broken = None
    pos = 0
    for _ in range(MAX_CANDIDATES):
        match = _CANDIDATE.search(text, pos)
        if match is None:
            break
        start = match.start()
        decoded = _decode_at(text, start)
        if decoded is None:
            if first_broken is None and _CALL_OPENING.match(text, start):
                first_broken = start
            pos = start + 1
            continue
        value, pos = decoded
        values.append(value)
    return EmbeddedJson(tuple(values), first_broken)


# ```lang ... ``` with an optional closing fence (truncated output).
FENCE = re.compile(r"```[ \t]*([\w+.-]*)[^\n`]*\n?(.*?)(?:```|\Z)", re.DOTALL)


@record
class Fence:
    lang: str  # lower-cased info string, "" when none
    body: str


def find_fences(text: str) -> list[Fence]:
    return [Fence(m.group(1).lower(), m.group(2)) for m in FENCE.finditer(text)]
