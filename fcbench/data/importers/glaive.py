"""The ``glaive`` mapping: Glaive function-calling v2 style rows.

Columns: ``system`` (``"SYSTEM: You are a helpful assistant with access to the
following functions. Use them if required -"`` then one or more JSON function
schemas) and ``chat`` (turns ``USER:``, ``ASSISTANT:``, ``FUNCTION RESPONSE:``;
a call is ``<functioncall> {"name": ..., "arguments": '{...}'}``; turns end
with ``<|endoftext|>``).

Per assistant turn that answers a user turn:

* a call -> ``parameter_value`` (``<row>-<turn>``) and ``name_detection``
  (``#names``, the called name);
* a text answer while functions are offered -> ``name_detection`` with gold
  ``[]`` (the right move was not to call);
* a call, then a function response, then a text answer ->
  ``response_generation`` (``#answer``): the reference is that answer and the
  facts are the numbers of the function response that the answer states.

Earlier turns (text, calls and responses) stay in the conversation.
"""

from __future__ import annotations

import json
import re
from typing import Any

from fcbench.data.importers.common import NAME_PATTERN, Skip, accepted, with_defaults
from fcbench.scoring.text import fact_found, find_numbers

COLUMNS = ("system", "chat")
END = "<|endoftext|>"
CALL = "<functioncall>"
_TURN = re.compile(r"(?:^|\n)[ \t]*(USER|ASSISTANT|FUNCTION RESPONSE):[ \t]?")
_NAME = re.compile(NAME_PATTERN)


def parse_functions(system: Any) -> list[dict[str, Any]]:
    """The JSON function schemas written one after another in the system text."""
    if not isinstance(system, str):
        raise Skip("system column is not text")
    decoder = json.JSONDecoder()
    tools, pos = [], system.find("{")
    while 0 <= pos < len(system):
        try:
            obj, end = decoder.raw_decode(system, pos)
        except (ValueError, RecursionError):  # bad JSON, a 5,000-digit number, nesting too deep
            raise Skip("function schema in the system text is not valid JSON") from None
        if not isinstance(obj, dict) or not isinstance(obj.get("name"), str) or not _NAME.match(obj["name"]):
            raise Skip("function schema without a usable name")
        params = obj.get("parameters") if isinstance(obj.get("parameters"), dict) else {}
        tools.append({"name": obj["name"], "description": str(obj.get("description") or ""),
                      "parameters": {"type": "object", "properties": {}, **params}})
        pos = system.find("{", end)
    return tools


def split_turns(chat: Any) -> list[tuple[str, str]]:
    if not isinstance(chat, str):
        raise Skip("chat column is not text")
    parts = _TURN.split(chat)
    turns = []
    for role, text in zip(parts[1::2], parts[2::2]):
        turns.append((role, text.replace(END, "").strip()))
    if not turns:
        raise Skip("no USER/ASSISTANT turns in the chat")
    return turns


def parse_call(text: str) -> tuple[str, dict[str, Any]]:
    """``<functioncall> {"name": "f", "arguments": '{"a": 1}'}`` -> ("f", {"a": 1})."""
    body = text[len(CALL):].strip()
    name = re.search(r'"name"\s*:\s*"([^"]+)"', body)
    if name is None:
        raise Skip("function call without a name")
    quoted = re.search(r'"arguments"\s*:\s*\'(.*)\'\s*\}\s*$', body, flags=re.DOTALL)
    try:
        args = json.loads(quoted.group(1)) if quoted else json.loads(body).get("arguments", {})
        if isinstance(args, str):
            args = json.loads(args)
    except (ValueError, RecursionError, AttributeError):
        raise Skip("function call arguments are not JSON") from None
    if not isinstance(args, dict):
        raise Skip("function call arguments are not an object")
    return name.group(1), args


def response_facts(response: str, answer: str) -> list[dict[str, Any]]:
    """What the answer takes from the function response: its numbers (``number`` facts)
    and its short text values of 3+ characters quoted verbatim (``text`` facts)."""
    try:
        parsed = json.loads(response)
        values = list(_leaf_numbers(parsed))
        texts = [t for t in _leaf_texts(parsed) if 3 <= len(t) <= 80]
    except (ValueError, RecursionError):
        values, texts = [n.value for n in find_numbers(response)], []
    facts, seen = [], set()
    candidates = [{"value": v, "kind": "number"} for v in values] + [{"value": t, "kind": "text"} for t in texts]
    for fact in candidates:
        key = repr(fact["value"])
        if key not in seen and fact_found(fact, answer):
            seen.add(key)
            facts.append(fact)
    return facts


def _leaf_texts(value: Any):
    if isinstance(value, str):
        if not value.strip().lstrip("-").replace(".", "", 1).isdigit():  # numbers are number facts
            yield value.strip()
    elif isinstance(value, list):
        for v in value:
            yield from _leaf_texts(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _leaf_texts(v)


def _leaf_numbers(value: Any):
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, (int, float)):
        yield value
    elif isinstance(value, str):
        yield from (n.value for n in find_numbers(value) if not n.small_count)
    elif isinstance(value, list):
        for v in value:
            yield from _leaf_numbers(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _leaf_numbers(v)


def samples_for_row(row: dict[str, Any], index: int, prefix: str) -> tuple[list[dict[str, Any]], list[str]]:
    """The samples of one conversation, and the reasons of the turns that were skipped."""
    tools = parse_functions(row.get("system"))
    if not tools:
        raise Skip("no functions offered")
    by_name = {t["name"]: t for t in tools}
    turns = split_turns(row.get("chat"))
    context: list[dict[str, Any]] = []
    out: list[dict[str, Any]] = []
    skipped: list[str] = []
    base = f"{prefix}-{row.get('id', index)}"
    meta = {"source_id": str(row.get("id", index))}

    def sample(sid: str, task: str, messages: list, gold: dict[str, Any]) -> dict[str, Any]:
        return {"id": sid, "task": task, "messages": list(messages), "tools": tools, "gold": gold,
                "metadata": dict(meta)}

    for t, (role, text) in enumerate(turns):
        previous = turns[t - 1][0] if t else None
        if role == "USER":
            context.append({"role": "user", "content": text})
        elif role == "FUNCTION RESPONSE":
            call = context[-1]["tool_calls"][0] if context and context[-1].get("tool_calls") else None
            if call is None:
                skipped.append("function response without a call")
                break
            context.append({"role": "tool", "tool_call_id": call["id"], "name": call["name"], "content": text})
        elif text.startswith(CALL):
            try:
                name, args = parse_call(text)
                if name not in by_name:
                    raise Skip("call to a function missing from the system text")
            except Skip as why:
                skipped.append(str(why))
                break  # the rest of the conversation depends on this call
            if previous == "USER":
                gold = {"name": name, "arguments": with_defaults({k: accepted(v) for k, v in args.items()},
                                                                 by_name[name]["parameters"])}
                out.append(sample(f"{base}-{t}", "parameter_value", context, {"calls": [gold]}))
                out.append(sample(f"{base}-{t}#names", "name_detection", context, {"names": [name]}))
            context.append({"role": "assistant", "content": None,
                            "tool_calls": [{"id": f"call_{t}", "name": name, "arguments": args}]})
        else:
            if not text:
                skipped.append("empty assistant turn")
                break
            if previous == "USER" and tools:
                out.append(sample(f"{base}-{t}#names", "name_detection", context, {"names": []}))
            elif previous == "FUNCTION RESPONSE":
                facts = response_facts(context[-1]["content"], text)
                out.append(sample(f"{base}-{t}#answer", "response_generation", context,
                                  {"reference": text, "facts": facts}))
            context.append({"role": "assistant", "content": text})
    return out, skipped
