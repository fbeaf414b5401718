"""Import API-Bank's level-1 and level-2 test sets (``level-{1,2}-{api,response}.json``).

Each item is ``{"file", "id", "instruction", "input", "expected_output"}``:

* ``instruction``: the task text, then API descriptions as JSON objects
  ``{"name", "description", "input_parameters": {p: {"type", "description"}},
  "output_parameters": {...}}`` (one after another; level 2 lists only ``ToolSearcher``);
* ``input``: the dialogue so far, one turn per line: ``User: ...``, ``AI: ...``
  and ``API-Request: [Name(key='value', ...)]->{result}`` (an utterance may
  run over several lines);
* ``expected_output``: ``API-Request: [Name(key='value', ...)]`` in the api
  files, the gold reply in the response files.

Mapping (per file, its stem is the suite category):

===========================  =============================================================
api item                     ``parameter_value`` (the gold call) and ``name_detection``
                             (``#names``, its name)
level-2 api item whose       also ``next_best`` (``#next``): the calls made so far with
dialogue opens with a        their results; the next call is the gold call
``ToolSearcher`` call
response item                ``response_generation``: the dialogue ends with the API
                             result, the reference is the gold reply and the facts are the
                             result's values the reply states
===========================  =============================================================

Earlier ``API-Request`` turns become assistant tool calls followed by tool
messages with their results (as JSON when the result reads as a Python or
JSON literal). The candidate list (the sample's tools) is the instruction's
APIs plus the APIs that ``ToolSearcher`` results in the dialogue describe.
Skipped, with the reason counted: a gold API outside the candidate list, an
API request (the gold or an earlier one) that does not read as one call of
JSON-like literals, a gold argument the
API does not declare, and a gold ``ToolSearcher`` call for the call lenses (its
free-text keywords have no exact gold; its ``#names`` lens is kept).
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

from fcbench.data.importers.common import NAME_PATTERN, Skip, SuiteBuilder, accepted, read_json_or_jsonl
from fcbench.data.importers.glaive import response_facts
from fcbench.data.importers.schema_types import simple_property
from fcbench.data.importers.typed_values import typed_value
from fcbench.errors import UsageError

FIELDS = ("instruction", "input", "expected_output")
SEARCHER = "ToolSearcher"
REQUEST_PREFIX = "API-Request:"
_TURN = re.compile(r"^(User|AI|API-Request):\s?(.*)$")
_TIME_NOTE = re.compile(r"The current (?:year|date|time) is [^\n]+")
_NAME = re.compile(NAME_PATTERN)
FILE_NAME = re.compile(r"^level-[12]-(api|response)\.json$")


class Call:
    """One ``[Name(key=value, ...)]`` request, with the result text after ``->`` (if any)."""

    def __init__(self, name: str, arguments: dict[str, Any], result: str | None):
        self.name, self.arguments, self.result = name, arguments, result


# ------------------------------------------------------------- locating
def data_files(source: Path) -> list[Path]:
    """The API-Bank files at `source`: one file, or every ``level-{1,2}-{api,response}.json``
    below a folder (``level-3.json`` has another shape and is not read)."""
    if not source.exists():
        raise UsageError(f"{source}: no such file or folder")
    if source.is_file():
        return [source]
    files = sorted(p for p in source.rglob("level-*.json") if p.is_file() and FILE_NAME.match(p.name))
    if not files:
        raise UsageError(f"{source}: no API-Bank files here (level-1-api.json, level-2-response.json, ...)")
    return files


def is_response_file(path: Path) -> bool:
    return path.stem.endswith("response")


# ------------------------------------------------------------- parsing
def parse_call(text: str) -> Call:
    """``[Name(key='value')]->result`` (the ``API-Request:`` prefix already removed)."""
    text = text.strip()
    if not text.startswith("["):
        raise Skip("API request is not [Name(...)]")
    # The call ends at the first "]" after which the bracketed text parses as one call.
    for end in (i for i, ch in enumerate(text) if ch == "]"):
        try:
            node = ast.parse(text[1:end].strip(), mode="eval").body
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        rest = text[end + 1:].strip()
        result = rest[2:].strip() if rest.startswith("->") else None
        return _call_of(node, result)
    raise Skip("API request does not read as one call")


def _call_of(node: ast.expr, result: str | None) -> Call:
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name) or node.args:
        raise Skip("API request is not Name(key=value, ...)")
    arguments: dict[str, Any] = {}
    for keyword in node.keywords:
        if keyword.arg is None:
            raise Skip("API request is not Name(key=value, ...)")
        try:
            value = ast.literal_eval(keyword.value)
            json.dumps(value)  # sets, bytes and complex numbers have no JSON form
        except (ValueError, SyntaxError, TypeError, RecursionError):
            raise Skip("API request argument is not a JSON-like literal") from None
        arguments[keyword.arg] = value
    return Call(node.func.id, arguments, result)


def result_text(result: str | None) -> str:
    """The tool message content: the result as JSON when it is a literal, else as written."""
    if result is None:
        return ""
    for read in (json.loads, ast.literal_eval):
        try:
            return json.dumps(read(result), ensure_ascii=False)
        except (ValueError, SyntaxError, TypeError, RecursionError, MemoryError):
            continue
    return result


def candidate_apis(instruction: str) -> list[dict[str, Any]]:
    """The API descriptions written as JSON objects in the instruction (after "API descriptions:")."""
    start = instruction.find("API descriptions:")
    text = instruction[start:] if start >= 0 else instruction
    decoder = json.JSONDecoder()
    found, pos = [], text.find("{")
    while pos >= 0:
        try:
            obj, end = decoder.raw_decode(text, pos)
        except (ValueError, RecursionError):  # bad JSON, a 5,000-digit number, nesting too deep
            pos = text.find("{", pos + 1)
            continue
        if isinstance(obj, dict) and isinstance(obj.get("name"), str):
            found.append(obj)
        pos = text.find("{", end)
    return found


def searched_apis(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The API descriptions that ``ToolSearcher`` results in the dialogue returned (one or a list)."""
    found: list[dict[str, Any]] = []
    for m in messages:
        if m["role"] != "tool" or m.get("name") != SEARCHER:
            continue
        try:
            result = json.loads(m["content"])
        except (ValueError, RecursionError):
            continue
        for api in result if isinstance(result, list) else [result]:
            if isinstance(api, dict) and isinstance(api.get("name"), str):
                found.append(api)
    return found


def library(instruction: str, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The candidate tools: the instruction's APIs, then those found by ToolSearcher (level 2
    lists only ToolSearcher in its instruction; the API to call comes from its result)."""
    tools: dict[str, dict[str, Any]] = {}
    for api in [*candidate_apis(instruction), *searched_apis(messages)]:
        if api["name"] not in tools:
            tools[api["name"]] = convert_tool(api)
    return list(tools.values())


def convert_tool(api: dict[str, Any]) -> dict[str, Any]:
    name = api["name"]
    if not _NAME.match(name):
        raise Skip("API name not allowed by fcbench")
    inputs = api.get("input_parameters") if isinstance(api.get("input_parameters"), dict) else {}
    tool: dict[str, Any] = {
        "name": name, "description": str(api.get("description") or ""),
        "parameters": {"type": "object", "properties": {str(k): simple_property(v) for k, v in inputs.items()}},
    }
    outputs = api.get("output_parameters")
    if isinstance(outputs, dict) and outputs:
        tool["returns"] = {"type": "object", "properties": {str(k): simple_property(v) for k, v in outputs.items()}}
    return tool


def dialogue(text: str) -> list[dict[str, Any]]:
    """The ``input`` dialogue as fcbench messages (API requests -> tool call + tool result)."""
    turns: list[tuple[str, str]] = []
    for line in text.splitlines():
        m = _TURN.match(line.strip())
        if m:
            turns.append((m.group(1), m.group(2)))
        elif line.strip().startswith("Generate "):  # "Generate API Request:" / "Generate AI Response:"
            continue
        elif turns and line.strip():
            turns[-1] = (turns[-1][0], f"{turns[-1][1]}\n{line.strip()}")
    messages: list[dict[str, Any]] = []
    for kind, body in turns:
        if kind == "User":
            messages.append({"role": "user", "content": body.strip()})
        elif kind == "AI":
            messages.append({"role": "assistant", "content": body.strip()})
        else:
            call = parse_call(body)
            call_id = f"call_{sum(1 for m in messages if m['role'] == 'tool') + 1}"
            messages.append({"role": "assistant", "content": None,
                             "tool_calls": [{"id": call_id, "name": call.name, "arguments": call.arguments}]})
            messages.append({"role": "tool", "tool_call_id": call_id, "name": call.name,
                             "content": result_text(call.result)})
    if not any(m["role"] == "user" for m in messages):
        raise Skip("dialogue without a user turn")
    return messages


def system_note(instruction: str) -> list[dict[str, Any]]:
    """The instruction's "The current year is 2023." style note, which dates in the gold rely on."""
    notes = _TIME_NOTE.findall(instruction)
    return [{"role": "system", "content": " ".join(n.strip() for n in notes)}] if notes else []


# ------------------------------------------------------------- samples
def gold_arguments(call: Call, tool: dict[str, Any]) -> dict[str, list]:
    props = tool["parameters"]["properties"]
    unknown = set(call.arguments) - set(props)
    if unknown:
        raise Skip("gold argument missing from the API description (no answer can pass)")
    return {k: accepted(typed_value(v, props.get(k))) for k, v in call.arguments.items()}


def api_samples(sid: str, item: dict[str, Any]) -> tuple[list[dict[str, Any]], str | None]:
    """The samples of one api item, and why a lens was not built (None when all were)."""
    instruction = item["instruction"]
    messages = system_note(instruction) + dialogue(item["input"])
    tools = library(instruction, messages)
    if not tools:
        raise Skip("no API description in the instruction")
    expected = str(item["expected_output"]).strip()
    if not expected.startswith(REQUEST_PREFIX):
        raise Skip("gold is not an API-Request")
    call = parse_call(expected[len(REQUEST_PREFIX):])
    by_name = {t["name"]: t for t in tools}
    if call.name not in by_name:
        raise Skip("gold API not in the candidate list")
    meta = {"source_id": sid, "file": item.get("file")}

    def sample(task: str, gold: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        return {"id": sid + suffix, "task": task, "messages": messages, "tools": tools, "gold": gold,
                "metadata": dict(meta)}

    out = [sample("name_detection", {"names": [call.name]}, "#names")]
    if call.name == SEARCHER:
        return out, "gold is a ToolSearcher query (free-text keywords: call lenses not built)"
    gold = {"name": call.name, "arguments": gold_arguments(call, by_name[call.name])}
    out.insert(0, sample("parameter_value", {"calls": [gold]}))
    made = [c for m in messages for c in m.get("tool_calls", [])]
    if made and made[0]["name"] == SEARCHER:
        out.append(sample("next_best", {"next": [gold], "stop": False}, "#next"))
    return out, None


def response_samples(sid: str, item: dict[str, Any]) -> list[dict[str, Any]]:
    instruction = item["instruction"]
    messages = system_note(instruction) + dialogue(item["input"])
    if messages[-1]["role"] != "tool":
        raise Skip("dialogue does not end with an API result")
    reply = re.sub(r"^AI:\s*", "", str(item["expected_output"]).strip())
    if not reply:
        raise Skip("empty gold reply")
    tools = library(instruction, messages)
    gold = {"reference": reply, "facts": response_facts(messages[-1]["content"], reply)}
    return [{"id": sid, "task": "response_generation", "messages": messages, "tools": tools, "gold": gold,
             "metadata": {"source_id": sid, "file": item.get("file")}}]


def source_id(category: str, item: dict[str, Any], index: int) -> str:
    """``<file stem>-<dialogue file>-<id>``: API-Bank's ``id`` counts within its dialogue ``file``."""
    dialogue_file = Path(str(item.get("file") or "")).stem
    local = item.get("id", index)
    return "-".join(str(p) for p in (category, dialogue_file, local) if p != "")


def check_items(path: Path, items: list[Any]) -> None:
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise UsageError(f"{path}: not API-Bank data (item {index} is not an object)")
        missing = [f for f in FIELDS if not isinstance(item.get(f), str)]
        if missing:
            raise UsageError(f"{path}: not API-Bank data (item {index} lacks text fields: {', '.join(missing)})")


def import_apibank(builder: SuiteBuilder, files: list[Path]) -> None:
    for path in files:
        items = read_json_or_jsonl(path)
        if not items:
            raise UsageError(f"{path}: no API-Bank items")
        check_items(path, items)
        builder.add_file(path.name, path)
        category = path.stem
        for index, item in enumerate(items):
            builder.item(category)
            sid = source_id(category, item, index)
            try:
                samples, partial = (response_samples(sid, item), None) if is_response_file(path) \
                    else api_samples(sid, item)
                builder.add_all(category, samples)
            except Skip as why:
                builder.skip(category, str(why))
                continue
            if partial:
                builder.skip(category, partial)
