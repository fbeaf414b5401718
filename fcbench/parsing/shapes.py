"""Turn decoded JSON values into `ToolCall`s, whatever object shape the model used.

Accepted object shapes (one call each):

* ``{"name": ..., "arguments": {...}}`` (fcbench's own prompt format, Hermes, Mistral);
* ``{"name": ..., "parameters": {...}}`` (Llama 3);
* ``{"function": {"name": ..., "arguments": ...}}`` and the OpenAI message shape
  ``{"type": "function", "id": ..., "function": {...}}``;
* ``{"tool_calls": [...]}``: a wrapper holding a list of the above.

Arguments may be an object or a JSON string holding an object (OpenAI sends
them as a string). ``label`` and ``id`` are kept when they are strings.

`calls_from_value` is strict: every object must be a readable call, otherwise
it raises `CallShapeError` with a short reason (the caller reports the output
as malformed). `is_call_like` is the lenient test used on JSON found inside
prose, where an object such as ``{"name": "Paris", "population": 2100000}``
is data, not a call.
"""

from __future__ import annotations

import json
from typing import Any

from fcbench.records import ToolCall

NAME_KEYS = ("name", "tool_name", "function_name")
ARGUMENT_KEYS = ("arguments", "parameters", "args")
# Keys a call object may carry besides its name and arguments.
EXTRA_KEYS = frozenset({"label", "id", "type", "call_id"})
CALL_KEYS = frozenset(NAME_KEYS) | frozenset(ARGUMENT_KEYS) | EXTRA_KEYS | {"function"}


class CallShapeError(ValueError):
    """A value that should hold calls but cannot be read as calls. Message = reason."""


def _first_key(obj: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        if key in obj:
            return key
    return None


def _arguments(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, str):
        if not value.strip():
            return {}
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):
            raise CallShapeError("arguments string is not valid JSON") from None
    if not isinstance(value, dict):
        raise CallShapeError(f"arguments are not an object (got {type(value).__name__})")
    return value


def call_from_object(obj: Any) -> ToolCall:
    """One call object -> `ToolCall`; raises `CallShapeError` when it is not one."""
    if not isinstance(obj, dict):
        raise CallShapeError(f"call is not an object (got {type(obj).__name__})")
    outer = obj
    inner = obj.get("function")
    if isinstance(inner, dict):
        obj = inner
    elif isinstance(inner, str) and _first_key(obj, NAME_KEYS) is None:
        obj = {**obj, "name": inner}  # {"function": "get_weather", "arguments": {...}}
    name_key = _first_key(obj, NAME_KEYS)
    if name_key is None:
        raise CallShapeError("call object has no \"name\"")
    name = obj[name_key]
    if not isinstance(name, str) or not name.strip():
        raise CallShapeError("call name is not a non-empty string")
    unknown = sorted(k for k in obj if k not in CALL_KEYS)
    if unknown:
        raise CallShapeError(f"call object has unexpected keys: {', '.join(unknown[:3])}")
    args_key = _first_key(obj, ARGUMENT_KEYS)
    arguments = _arguments(obj[args_key]) if args_key else {}
    label = obj.get("label", outer.get("label"))
    call_id = obj.get("id", outer.get("id"))
    return ToolCall(name.strip(), arguments,
                    label if isinstance(label, str) else None,
                    call_id if isinstance(call_id, str) else None)


def calls_from_value(value: Any) -> list[ToolCall]:
    """A decoded JSON value (object or list of objects) -> calls. `[]` -> no calls."""
    if isinstance(value, dict) and isinstance(value.get("tool_calls"), list) \
            and _first_key(value, NAME_KEYS) is None:
        value = value["tool_calls"]
    if isinstance(value, dict):
        return [call_from_object(value)]
    if isinstance(value, list):
        return [call_from_object(item) for item in value]
    raise CallShapeError(f"expected a call object or a list of calls (got {type(value).__name__})")


def _object_is_call_like(obj: Any) -> bool:
    if not isinstance(obj, dict) or not obj:
        return False
    if isinstance(obj.get("tool_calls"), list):
        return True
    if not set(obj) <= CALL_KEYS:
        return False
    return _first_key(obj, NAME_KEYS) is not None or isinstance(obj.get("function"), (dict, str))


def is_call_like(value: Any) -> bool:
    """Does a JSON value found inside prose look like calls (rather than data)?"""
    if isinstance(value, list):
        return bool(value) and all(_object_is_call_like(item) for item in value)
    return _object_is_call_like(value)
