"""JSON Schemas of the call tasks' gold, and defensive access to gold calls."""

from __future__ import annotations

from typing import Any

from fcbench.records import Sample

GOLD_CALL: dict[str, Any] = {
    "type": "object",
    "required": ["name", "arguments"],
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "arguments": {"type": "object", "additionalProperties": {"type": "array", "minItems": 1}},
        "label": {"type": "string", "minLength": 1},
    },
}

LABELLED_GOLD_CALL: dict[str, Any] = {**GOLD_CALL, "required": ["name", "arguments", "label"]}


def calls_gold_schema(*, min_calls: int = 1, max_calls: int | None = None, labelled: bool = False,
                      result: bool = False) -> dict[str, Any]:
    """``{"calls": [gold calls], "result"?: any}`` with the given bounds."""
    calls: dict[str, Any] = {"type": "array", "minItems": min_calls,
                             "items": LABELLED_GOLD_CALL if labelled else GOLD_CALL}
    if max_calls is not None:
        calls["maxItems"] = max_calls
    schema: dict[str, Any] = {"type": "object", "required": ["calls"], "properties": {"calls": calls}}
    if result:
        schema["required"] = ["calls", "result"]
        schema["properties"]["result"] = {}
    return schema


def gold_calls(sample: Sample) -> list[dict[str, Any]]:
    """The sample's gold calls (only well-formed dicts; never raises)."""
    calls = sample.gold.get("calls") if isinstance(sample.gold, dict) else None
    return [c for c in calls if isinstance(c, dict)] if isinstance(calls, list) else []


def encode_plain(value: Any) -> Any:
    """A concrete value in the gold's accepted-values form: an object's every key maps to a list
    of accepted values (BFCL's nested form), so a list inside an object is never mistaken for a
    set of alternatives; ``{"tags": ["a", "b"]}`` becomes ``{"tags": [["a", "b"]]}``."""
    if isinstance(value, dict):
        return {str(k): [encode_plain(v)] for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode_plain(v) for v in value]
    return value
