"""Dotted tool names (BFCL's ``calc.area``) go to the APIs as ``calc_area`` and come back dotted."""

from __future__ import annotations

from fcbench.models.base import GenerateConfig
from fcbench.models.openai_wire import chat_payload
from fcbench.models.tool_names import api_safe_names, restore_names
from fcbench.records import Message, ModelOutput, Request, Tool, ToolCall

PARAMS = {"type": "object", "properties": {"x": {"type": "integer"}}}


def request(*names: str) -> Request:
    history = (Message("user", "area please"),
               Message("assistant", None, (ToolCall(names[0], {"x": 1}, id="c1"),)),
               Message("tool", "4", tool_call_id="c1", name=names[0]))
    return Request("s1", "t", "native", history, tuple(Tool(n, "", PARAMS) for n in names))


def test_dotted_names_are_sent_safe_and_mapped_back():
    safe, back = api_safe_names(request("calc.area", "get_weather"))
    payload = chat_payload(safe, "m", GenerateConfig(), max_tokens_field="max_tokens", tool_names=True,
                           extra_body={}, omit=frozenset())
    assert [t["function"]["name"] for t in payload["tools"]] == ["calc_area", "get_weather"]
    assert safe.messages[1].tool_calls[0].name == "calc_area" and safe.messages[2].name == "calc_area"
    output = restore_names(ModelOutput(tool_calls=(ToolCall("calc_area", {"x": 2}), ToolCall("get_weather"))), back)
    assert [c.name for c in output.tool_calls] == ["calc.area", "get_weather"]


def test_safe_names_are_untouched_and_collisions_are_not_renamed():
    same, back = api_safe_names(request("get_weather"))
    assert back == {} and same.tools[0].name == "get_weather"
    # "calc.area" would become "calc_area", which another tool already has: keep both as they are.
    kept, back = api_safe_names(request("calc.area", "calc_area"))
    assert back == {} and [t.name for t in kept.tools] == ["calc.area", "calc_area"]
