"""The one boundary where model output enters fcbench.

Backends and replay files hand over whatever came back: any JSON value in any
field, strings with lone surrogates or control characters, values nested
thousands of levels deep, megabytes of text, OpenAI's wire form (arguments as
a JSON string). This module turns any of it into a `ModelOutput` whose fields
have the types `fcbench.records` promises, or into one marked `malformed` with
the reason. Past this point (parsing, scoring, storing, reporting) nothing can
raise on model content.

* `loads`: JSON text -> value, without `RecursionError` on deep input;
* `admit`: a backend's `ModelOutput` (fields of any type) -> a well-typed one;
* `output_from_record`: a replay record (a dict of any shape) -> `ModelOutput`;
* `read_answer`: `admit`, then read calls out of the text where the request's
  mode puts them, then bound the calls found there. The pipeline calls only this.

The limits below are far above any real answer (a tool call is a few hundred
characters, nested a few levels); an answer beyond one is ``malformed`` with a
reason that says which limit, so it is scored and counted, never a crash.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any

from fcbench.parsing import ParsedCalls, extract_calls, looks_like_call
from fcbench.parsing.shapes import ARGUMENT_KEYS, NAME_KEYS
from fcbench.records import InfraFailure, ModelOutput, Request, ToolCall, Usage

#: nesting levels allowed inside one call's arguments (the arguments object is level 1).
MAX_DEPTH = 32
#: characters of text fcbench reads; a longer answer is malformed.
MAX_TEXT_CHARS = 200_000
#: calls in one answer.
MAX_CALLS = 256
#: JSON values (objects, arrays and scalars) in all arguments of one answer.
MAX_NODES = 100_000
#: bits of an integer (about 4,000 decimal digits; Python refuses to print more than 4,300)
MAX_INT_BITS = 13_000
#: levels kept when a JSON document is too deep for Python's decoder; deeper values become `DEEP`.
PARSE_DEPTH = 200


class _Deep(str):
    """The type of `DEEP`, so that a model writing the same words is not mistaken for it."""


#: what stands in for a value cut off below the kept levels.
DEEP = _Deep("<nested too deeply: cut off>")
#: characters kept of a value shown in place of a field of the wrong type.
SHOWN_CHARS = 2_000


class JsonError(ValueError):
    """Text that is not JSON."""


# ------------------------------------------------------------------ JSON text
def loads(data: str | bytes | bytearray) -> Any:
    """`json.loads` that never raises `RecursionError`: a document nested deeper than
    Python's decoder can go is read by a small iterative parser that keeps `PARSE_DEPTH`
    levels and puts `DEEP` in place of anything below. Raises `JsonError` for non-JSON
    (including bytes that are not UTF-8). Bytes may open with a UTF-8 byte order mark, as
    `json.loads` of bytes allows (some proxies and Windows tools write one)."""
    if isinstance(data, (bytes, bytearray)):
        try:
            data = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise JsonError(f"not UTF-8 ({exc.reason} at byte {exc.start})") from None
    try:
        return json.loads(data)
    except RecursionError:
        return _CappedParser(data, PARSE_DEPTH).parse()
    except ValueError as exc:  # JSONDecodeError, and ints beyond Python's digit limit
        raise JsonError(str(exc)) from None


_TOKEN = re.compile(r"""[ \t\r\n]*(?:
    (?P<str>"(?:[^"\\\x00-\x1f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*")
  | (?P<num>-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)
  | (?P<lit>true|false|null|NaN|-?Infinity)
  | (?P<punct>[\[\]{}:,])
)""", re.VERBOSE)
_LITERALS = {"true": True, "false": False, "null": None, "NaN": math.nan,
             "Infinity": math.inf, "-Infinity": -math.inf}


class _CappedParser:
    """Strict JSON, parsed with an explicit stack (no recursion), depth-capped."""

    def __init__(self, text: str, cap: int):
        self.text, self.cap, self.pos = text, cap, 0

    def _token(self) -> re.Match[str]:
        match = _TOKEN.match(self.text, self.pos)
        if match is None:
            raise JsonError(f"unexpected end or character at {self.pos}")
        self.pos = match.end()
        return match

    def _scalar(self, match: re.Match[str]) -> Any:
        kind, token = match.lastgroup, match.group(match.lastgroup)
        if kind == "str":
            return json.loads(token)
        if kind == "num":
            try:
                return json.loads(token)
            except ValueError as exc:
                raise JsonError(str(exc)) from None
        return _LITERALS[token]

    def _skip_container(self) -> None:
        """Consume a container whose opening bracket was just read, keeping nothing."""
        depth = 1
        while depth:
            match = self._token()
            punct = match.group("punct")
            if punct in ("[", "{"):
                depth += 1
            elif punct in ("]", "}"):
                depth -= 1

    def parse(self) -> Any:
        # Each frame: [container, key awaiting its value (objects), expecting] where
        # expecting is "value", "key", "colon" or "sep" (a comma or the closing bracket).
        stack: list[list[Any]] = []
        root: Any = None
        done = False
        while not done:
            match = self._token()
            punct = match.group("punct")
            frame = stack[-1] if stack else None
            state = frame[2] if frame else "value"
            if state == "colon":
                if punct != ":":
                    raise JsonError(f"expected ':' at {self.pos}")
                frame[2] = "value"
                continue
            if state == "sep":
                closer = "]" if isinstance(frame[0], list) else "}"
                if punct == ",":
                    frame[2] = "value" if isinstance(frame[0], list) else "key"
                    frame[3] = True  # a value must follow the comma
                    continue
                if punct != closer:
                    raise JsonError(f"expected ',' or {closer!r} at {self.pos}")
                value = stack.pop()[0]
            elif state == "key":
                if punct == "}" and not frame[3]:
                    value = stack.pop()[0]
                elif match.lastgroup == "str":
                    frame[1] = self._scalar(match)
                    frame[2] = "colon"
                    continue
                else:
                    raise JsonError(f"expected a key at {self.pos}")
            else:  # a value is expected
                if punct == "]" and frame is not None and isinstance(frame[0], list) and not frame[3]:
                    value = stack.pop()[0]
                elif punct in ("[", "{"):
                    if len(stack) >= self.cap:
                        self._skip_container()
                        value = DEEP
                    else:
                        stack.append([[] if punct == "[" else {}, None, "value" if punct == "[" else "key",
                                      False])
                        continue
                elif punct is not None:
                    raise JsonError(f"unexpected {punct!r} at {self.pos}")
                else:
                    value = self._scalar(match)
            # attach `value` to its parent, or finish
            if not stack:
                root, done = value, True
            else:
                parent = stack[-1]
                if isinstance(parent[0], list):
                    parent[0].append(value)
                else:
                    parent[0][parent[1]] = value
                parent[2], parent[3] = "sep", False
        if self.text[self.pos:].strip(" \t\r\n"):
            raise JsonError(f"extra data at {self.pos}")
        return root


# ------------------------------------------------------------ JSON values
class _Budget:
    def __init__(self, nodes: int):
        self.nodes = nodes
        self.too_deep = False
        self.too_many = False
        self.odd_types: set[str] = set()


_FLAT = (str, float, bool, type(None))


def _plain(value: Any, depth: int, max_depth: int, budget: _Budget) -> Any:
    """A JSON-compatible copy of `value`: dict keys as strings, tuples as lists, other
    Python objects as their repr; below `max_depth` levels, `DEEP`."""
    if type(value) is dict and len(value) <= 64 and all(
            type(k) is str and (type(v) in _FLAT or (type(v) is int and -(2**53) < v < 2**53))
            for k, v in value.items()) and DEEP not in value.values():
        budget.nodes -= len(value) + 1  # the common case: a flat object of plain values
        if budget.nodes >= 0:
            return dict(value)
        budget.nodes += len(value) + 1
    budget.nodes -= 1
    if budget.nodes < 0:
        budget.too_many = True
        return None
    if value is None or isinstance(value, (bool, float, str)):
        if value is DEEP:
            budget.too_deep = True
        return value
    if isinstance(value, int):
        if value.bit_length() > MAX_INT_BITS:  # Python cannot even print it as decimal
            budget.odd_types.add("integer of more than 4,000 digits")
            return f"<integer of {value.bit_length():,} bits>"
        return value
    if isinstance(value, (dict, list, tuple)):
        if depth >= max_depth:
            budget.too_deep = True
            return DEEP
        if isinstance(value, dict):
            out: dict[str, Any] = {}
            for key, item in value.items():
                if budget.too_many:
                    break
                if not isinstance(key, str):
                    budget.odd_types.add(f"{type(key).__name__} key")
                    key = str(key)
                out[key] = _plain(item, depth + 1, max_depth, budget)
            return out
        items = []
        for item in value:
            if budget.too_many:
                break
            items.append(_plain(item, depth + 1, max_depth, budget))
        return items
    budget.odd_types.add(type(value).__name__)
    return _short(repr(value))


def plain_json(value: Any, max_depth: int = MAX_DEPTH, max_nodes: int = MAX_NODES) -> tuple[Any, list[str]]:
    """`value` as plain JSON data, bounded; and what had to be changed, in words (empty: nothing)."""
    budget = _Budget(max_nodes)
    out = _plain(value, 0, max_depth, budget)
    problems = []
    if budget.too_deep:
        problems.append(f"nested deeper than {max_depth} levels")
    if budget.too_many:
        problems.append(f"more than {max_nodes:,} JSON values")
    if budget.odd_types:
        problems.append("holds values that are not JSON (" + ", ".join(sorted(budget.odd_types)) + ")")
    return out, problems


def _short(text: str) -> str:
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + f"... ({len(text):,} characters)"


def shown(value: Any) -> str:
    """A value of the wrong type, shown as text (JSON where possible), for the record."""
    if isinstance(value, str):
        return _short(value)
    data, _ = plain_json(value, max_depth=8, max_nodes=1_000)
    try:
        return _short(json.dumps(data, ensure_ascii=False))
    except ValueError:  # NaN and friends: repr is fine for showing
        return _short(repr(data))


def type_name(value: Any) -> str:
    return {dict: "object", list: "array", tuple: "array", str: "string", bool: "boolean",
            int: "integer", float: "number", type(None): "null"}.get(type(value), type(value).__name__)


# ------------------------------------------------------------------- calls
def _arguments(name: str, value: Any, budget: _Budget) -> tuple[dict[str, Any] | None, str | None]:
    """A call's arguments as a plain dict, or why they cannot be read."""
    if value is None:
        return {}, None
    if isinstance(value, (str, bytes, bytearray)):  # the wire form: a JSON string
        if isinstance(value, str) and not value.strip():
            return {}, None
        try:
            value = loads(value)
        except JsonError:
            return None, f"arguments of {name} are not valid JSON"
    if not isinstance(value, dict):
        return None, f"arguments of {name} are not a JSON object (got {type_name(value)})"
    plain = _plain(value, 0, MAX_DEPTH, budget)
    if budget.too_deep:
        return None, f"arguments of {name} are nested deeper than {MAX_DEPTH} levels"
    if budget.too_many:
        return None, f"the arguments of one answer hold more than {MAX_NODES:,} JSON values"
    if budget.odd_types:
        return None, f"arguments of {name} hold values that are not JSON ({', '.join(sorted(budget.odd_types))})"
    return plain, None


def _optional_str(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return str(value)
        except ValueError:  # an integer beyond Python's printable length
            return None
    return None


def _call(item: Any, budget: _Budget) -> tuple[ToolCall | None, str | None]:
    """One call of any accepted shape -> (call, None) or (None, problem)."""
    if isinstance(item, ToolCall):
        name, arguments, label, call_id = item.name, item.arguments, item.label, item.id
    elif isinstance(item, dict):
        outer, body = item, item
        function = item.get("function")
        if isinstance(function, dict):  # OpenAI's wire form {"type": "function", "function": {...}}
            body = function
        name_key = next((k for k in NAME_KEYS if k in body), None)
        if name_key is None and isinstance(function, str):
            name = function
        else:
            name = body.get(name_key) if name_key else None
        args_key = next((k for k in (*ARGUMENT_KEYS, "input") if k in body), None)
        arguments = body.get(args_key) if args_key else None
        label, call_id = outer.get("label", body.get("label")), outer.get("id", body.get("id"))
    else:
        return None, f"a call is not an object (got {type_name(item)})"
    if not isinstance(name, str):
        return None, "a call has no function name" if name is None else \
            f"a call's function name is not a string (got {type_name(name)})"
    if not name.strip():
        return None, "a call has no function name"
    args, problem = _arguments(name, arguments, budget)
    if problem:
        return None, problem
    return ToolCall(name, args, _optional_str(label), _optional_str(call_id)), None


def admit_calls(calls: Any) -> tuple[tuple[ToolCall, ...], str | None]:
    """Calls of any shape (ToolCall or dict forms) -> well-typed calls, or the first problem."""
    if calls is None:
        return (), None
    if isinstance(calls, dict):
        calls = [calls]
    if not isinstance(calls, (list, tuple)):
        return (), f"tool_calls is not a list (got {type_name(calls)})"
    if len(calls) > MAX_CALLS:
        return (), f"{len(calls):,} calls in one answer; fcbench reads at most {MAX_CALLS}"
    budget = _Budget(MAX_NODES)
    out = []
    for item in calls:
        call, problem = _call(item, budget)
        if problem:
            return (), problem
        out.append(call)
    return tuple(out), None


# ----------------------------------------------------------------- outputs
def _finite_nonneg(value: Any, default: float = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return default
    try:
        value = float(value)
    except OverflowError:
        return default
    return value if math.isfinite(value) and value >= 0 else default


#: a token or attempt count beyond this is nonsense, read as 0
MAX_COUNT = 10**15


def count_of(value: Any) -> int:
    """A count as a backend reports it: a whole number >= 0, anything else 0."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 0
    if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
        return 0
    value = int(value)
    return value if 0 <= value <= MAX_COUNT else 0


def _usage(value: Any) -> Usage:
    if isinstance(value, Usage):
        return Usage(count_of(value.prompt_tokens), count_of(value.completion_tokens))
    if isinstance(value, dict):
        return Usage(count_of(value.get("prompt_tokens")), count_of(value.get("completion_tokens")))
    return Usage()


def _infra(value: Any) -> InfraFailure | None:
    if value is None:
        return None
    if isinstance(value, InfraFailure):
        kind, message, attempts = value.kind, value.message, value.attempts
    elif isinstance(value, dict):
        kind, message, attempts = value.get("kind"), value.get("message"), value.get("attempts")
    else:
        kind, message, attempts = "backend_error", shown(value), 1
    return InfraFailure(_optional_str(kind) or "backend_error", shown(message) if message is not None else "",
                        max(count_of(attempts), 1))


def text_of(value: Any) -> tuple[str | None, str | None]:
    """(text, problem). Content given as a list of text parts is joined."""
    if value is None or isinstance(value, str):
        return value, None
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", errors="replace"), None
    if isinstance(value, list) and all(isinstance(p, dict) and isinstance(p.get("text"), str) for p in value):
        return "".join(p["text"] for p in value) or None, None
    return shown(value), f"text is not a string (got {type_name(value)})"


def _fields(text: Any, tool_calls: Any, finish_reason: Any, usage: Any, latency_s: Any, malformed: Any,
            raw: Any, infra_error: Any, attempts: Any, calls_in_text: Any = False) -> ModelOutput:
    problems: list[str] = []
    text, problem = text_of(text)
    if problem:
        problems.append(problem)
    if text is not None and len(text) > MAX_TEXT_CHARS:
        problems.append(f"text is {len(text):,} characters; fcbench reads at most {MAX_TEXT_CHARS:,}")
    calls, problem = admit_calls(tool_calls)
    if problem:
        problems.append(problem)
    if malformed is not None and malformed != "":
        problems.insert(0, shown(malformed))
    raw_plain, _ = plain_json(raw, max_depth=MAX_DEPTH, max_nodes=MAX_NODES)
    return ModelOutput(
        text=text, tool_calls=() if problems else calls, finish_reason=_optional_str(finish_reason),
        usage=_usage(usage), latency_s=_finite_nonneg(latency_s), malformed="; ".join(problems) or None,
        raw=raw_plain, infra_error=_infra(infra_error), attempts=max(count_of(attempts), 1),
        calls_in_text=calls_in_text is True)


def admit(output: ModelOutput) -> ModelOutput:
    """A backend's output with every field of the promised type (see the module docstring).

    The common case (an output fcbench's own backends built, already well typed and within
    bounds) is checked in one pass without copying and handed back as it is; anything else
    is rebuilt field by field (`_fields`). Both ways give equal outputs (a property test).
    """
    if type(output) is ModelOutput and _well_typed(output):
        return output
    return rebuild(output)


def rebuild(output: ModelOutput) -> ModelOutput:
    """`admit` the long way: every field converted and bounded, always a new object."""
    return _fields(output.text, output.tool_calls, output.finish_reason, output.usage, output.latency_s,
                   output.malformed, output.raw, output.infra_error, output.attempts, output.calls_in_text)


def _is_plain(value: Any, depth: int, budget: list[int]) -> bool:
    """Would `_plain` hand back `value` unchanged, within the node budget? (No copy made.)"""
    kind = type(value)
    if kind is str or kind is float or kind is bool or value is None:
        budget[0] -= 1
        return budget[0] >= 0
    if kind is int:
        budget[0] -= 1
        return budget[0] >= 0 and value.bit_length() <= MAX_INT_BITS
    if kind is dict:
        budget[0] -= 1
        if depth >= MAX_DEPTH or budget[0] < 0:
            return False
        for key, item in value.items():
            if type(key) is not str or not _is_plain(item, depth + 1, budget):
                return False
        return True
    if kind is list:
        budget[0] -= 1
        if depth >= MAX_DEPTH or budget[0] < 0:
            return False
        return all(_is_plain(item, depth + 1, budget) for item in value)
    return False


def _is_count(value: Any) -> bool:
    return type(value) is int and 0 <= value <= MAX_COUNT


def _well_typed(output: ModelOutput) -> bool:
    """Is every field already what `_fields` would make of it?"""
    text, calls, malformed = output.text, output.tool_calls, output.malformed
    if text is not None and (type(text) is not str or len(text) > MAX_TEXT_CHARS):
        return False
    if malformed is not None and (type(malformed) is not str or not malformed or calls
                                  or len(malformed) > SHOWN_CHARS):
        return False
    if type(calls) is not tuple or len(calls) > MAX_CALLS:
        return False
    budget = [MAX_NODES]
    for call in calls:
        if (type(call) is not ToolCall or type(call.name) is not str or not call.name.strip()
                or type(call.arguments) is not dict or not _is_plain(call.arguments, 0, budget)
                or (call.label is not None and type(call.label) is not str)
                or (call.id is not None and type(call.id) is not str)):
            return False
    usage, latency = output.usage, output.latency_s
    return ((output.finish_reason is None or type(output.finish_reason) is str)
            and type(usage) is Usage and _is_count(usage.prompt_tokens) and _is_count(usage.completion_tokens)
            and type(latency) is float and math.isfinite(latency) and latency >= 0
            and output.infra_error is None
            and _is_count(output.attempts) and output.attempts >= 1
            and type(output.calls_in_text) is bool
            and _is_plain(output.raw, 0, [MAX_NODES]))


_RECORD_FIELDS = ("text", "tool_calls", "finish_reason", "usage", "latency_s", "malformed", "raw",
                  "infra_error", "attempts", "calls_in_text")


def output_from_record(record: dict[str, Any]) -> ModelOutput:
    """A recorded answer of any shape: an fcbench ``output`` object, or the fields of one
    (``text``/``content``, ``tool_calls``, ...) beside the record's id. Never raises."""
    source = record.get("output", record)
    if not isinstance(source, dict):
        text, problem = text_of(source)
        return _fields(text, None, None, None, 0, problem, None, None, 1)
    if "text" not in source and "content" in source:  # an OpenAI message
        source = {**source, "text": source["content"]}
    return _fields(*(source.get(k) for k in _RECORD_FIELDS))


# ----------------------------------------------------------- the pipeline's
def _parse_text(request: Request, output: ModelOutput, decode: Callable[[str], ParsedCalls],
                read_native_text: bool) -> ModelOutput:
    """Read tool calls out of the text where the mode (or a server's fallback) put them there.

    * prompt mode, call task (or an answer marked `calls_in_text`): the text *is*
      the answer; parse it.
    * native mode, no structured calls, but the text carries call syntax
      (vLLM returns the raw text in ``content`` when its parser fails): parse it,
      unless the rules say a native answer's text is never read (BFCL's FC decoder).
    * text task: a reply that is nothing but a call is a call (the model
      called a tool instead of answering).
    """
    if output.infra_error is not None or output.malformed is not None or output.tool_calls:
        return output
    text = output.text or ""
    if not text.strip():
        return output
    text_answer = (request.mode == "prompt" and request.expects == "calls") or output.calls_in_text
    if not text_answer and not (read_native_text and looks_like_call(text)):
        return output
    parsed = decode(text)
    if request.expects == "text" and parsed.malformed is not None:
        return output  # prose that merely resembles call syntax stays an answer
    calls, problem = admit_calls(parsed.calls)
    if problem:
        return _with_calls(output, (), problem)
    return _with_calls(output, calls, parsed.malformed)


def _with_calls(o: ModelOutput, calls: tuple[ToolCall, ...], malformed: str | None) -> ModelOutput:
    """`o` with the calls read from its text (`dataclasses.replace`, without its cost per answer)."""
    return ModelOutput(o.text, calls, o.finish_reason, o.usage, o.latency_s, malformed, o.raw, o.infra_error,
                       o.attempts, o.calls_in_text)


def read_answer(request: Request, output: ModelOutput, decode: Callable[[str], ParsedCalls] = extract_calls,
                read_native_text: bool = True) -> ModelOutput:
    """The boundary: a backend's answer, typed and bounded, with the calls its text holds.

    `decode` reads calls out of text (fcbench's `extract_calls` unless a rules
    profile says otherwise); `read_native_text` whether a native answer's text is read.
    """
    return _parse_text(request, admit(output), decode, read_native_text)
