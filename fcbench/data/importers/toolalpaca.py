"""Import ToolAlpaca's evaluation sets (``data/eval_real.json``, ``data/eval_simulated.json``).

Each file is a list of API objects: ``Name``, ``Description``, ``Category``,
``Documentation`` (an OpenAPI document as a string), ``NLDocumentation``,
``Function_Description`` (function -> text ending in ``Parameters: {json}``,
then possibly ``Output:``/``Structure:`` lines), ``Function_Projection``
(function -> ``[path, method]``), ``Instructions`` (requests) and
``Golden_Answers`` (per request, a list of steps ``{"Action": function,
"Action_Input": "<JSON object as a string>"}``).

Every function of the API becomes a tool (the ``components`` entry of
``Function_Description``, which describes output structures, is not one).
A parameter's text reads ``[Required. ]type. [One of: [a, b]. ]description`` and becomes
``{"type", "enum"?, "description"}``; ``Required`` puts it in ``required``.

Mapping, per request (the file stem is the suite category):

* one gold step -> ``parameter_value`` and ``name_detection`` (``#names``);
* several steps -> ``chaining`` (the calls in order, ``result`` null: the
  APIs are not executed). ToolAlpaca does not say whether steps depend on
  each other; some are independent calls (the same function for two
  countries), which chaining still judges in the gold order.

An empty ``Action_Input`` or parameter value means "not given": the
parameter is left out of the gold. Skipped, with the reason counted: a
request without gold steps, a step naming a function the API lacks, an
``Action_Input`` that is not a JSON object, a gold parameter the function does
not declare, and a required parameter the gold leaves out (no answer can pass).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from fcbench.data.importers.common import NAME_PATTERN, Skip, SuiteBuilder, accepted, read_json_or_jsonl
from fcbench.data.importers.schema_types import item_type, json_type
from fcbench.data.importers.typed_values import typed_value
from fcbench.errors import UsageError

FIELDS = ("Name", "Function_Description", "Instructions", "Golden_Answers")
_REQUIRED = re.compile(r"^\s*(required|optional)\.\s*", re.IGNORECASE)
_TYPE = re.compile(r"^\s*([A-Za-z]+(?:\[[^\]]*\])?)\.(?:\s+|$)")  # one word, maybe Array[...]
_ONE_OF = re.compile(r"^\s*One of:\s*\[(.*?)\]\.?\s*", re.IGNORECASE | re.DOTALL)
_NAME = re.compile(NAME_PATTERN)


# ------------------------------------------------------------- locating
def data_files(source: Path) -> list[Path]:
    """One file, or every ``eval_*.json`` below a folder."""
    if not source.exists():
        raise UsageError(f"{source}: no such file or folder")
    if source.is_file():
        return [source]
    files = sorted(p for p in source.rglob("eval_*.json") if p.is_file())
    if not files:
        raise UsageError(f"{source}: no ToolAlpaca files here (eval_real.json, eval_simulated.json)")
    return files


# ------------------------------------------------------------- tools
def parameter_schema(text: Any) -> tuple[dict[str, Any], bool]:
    """One ``Parameters`` value as (JSON Schema property, required?)."""
    if not isinstance(text, str):
        return ({"description": str(text)} if text else {}), False
    rest, required = text, False
    m = _REQUIRED.match(rest)
    if m:
        required = m.group(1).lower() == "required"
        rest = rest[m.end():]
    prop: dict[str, Any] = {}
    m = _TYPE.match(rest)
    declared = json_type(m.group(1)) if m else None
    if m and declared is not None:
        prop["type"] = declared
        inner = item_type(m.group(1).replace("Array[", "List["))
        if declared == "array" and inner is not None:
            prop["items"] = {"type": inner}
        rest = rest[m.end():]
    m = _ONE_OF.match(rest)
    if m:
        prop["enum"] = [typed_value(v, prop) for v in enum_values(m.group(1))]
        rest = rest[m.end():]
    if rest.strip():
        prop["description"] = rest.strip()
    return prop, required


def enum_values(inner: str) -> list[Any]:
    """The items of ``One of: [a, b]`` (JSON when it reads as JSON, else comma-separated words)."""
    try:
        values = json.loads(f"[{inner}]")
    except (ValueError, RecursionError):  # bad JSON, a 5,000-digit number, nesting too deep
        values = [v.strip().strip("'\"") for v in inner.split(",")]
    return [v for v in values if v != ""]


def convert_function(name: str, text: Any) -> dict[str, Any]:
    if not _NAME.match(name):
        raise Skip("function name not allowed by fcbench")
    text = str(text or "")
    head, _, tail = text.partition("Parameters:")
    params: dict[str, Any] = {}
    start = tail.find("{")
    if start >= 0:
        try:
            params, _ = json.JSONDecoder().raw_decode(tail, start)
        except (ValueError, RecursionError):
            raise Skip("function parameters are not JSON") from None
    if not isinstance(params, dict):
        raise Skip("function parameters are not a JSON object")
    properties, required = {}, []
    for key, value in params.items():
        properties[str(key)], is_required = parameter_schema(value)
        if is_required:
            required.append(str(key))
    parameters: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        parameters["required"] = required
    return {"name": name, "description": head.strip(), "parameters": parameters}


def tools_of(api: dict[str, Any]) -> list[dict[str, Any]]:
    """One tool per function. Entries without a ``Parameters:`` part are not functions
    (ToolAlpaca adds a ``components`` entry describing the output structures)."""
    functions = api.get("Function_Description")
    if not isinstance(functions, dict):
        raise Skip("API without functions")
    tools = [convert_function(str(name), text) for name, text in functions.items()
             if isinstance(text, str) and "Parameters:" in text]
    if not tools:
        raise Skip("API without functions")
    return tools


def endpoints_of(api: dict[str, Any]) -> dict[str, str]:
    """Function -> ``"GET /path"`` from ``Function_Projection`` (kept in metadata)."""
    projection = api.get("Function_Projection")
    out: dict[str, str] = {}
    for name, target in (projection.items() if isinstance(projection, dict) else ()):
        if isinstance(target, list) and len(target) == 2:
            out[str(name)] = f"{str(target[1]).upper()} {target[0]}"
    return out


# ------------------------------------------------------------- gold
def gold_call(step: Any, tools: dict[str, dict[str, Any]]) -> dict[str, Any]:
    if not isinstance(step, dict) or not isinstance(step.get("Action"), str):
        raise Skip("gold step without an Action")
    name = step["Action"]
    if name not in tools:
        raise Skip("gold function not in the API's functions")
    raw = step.get("Action_Input")
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        arguments: Any = {}
    elif isinstance(raw, dict):
        arguments = raw
    else:
        try:
            arguments = json.loads(raw) if isinstance(raw, str) else raw
        except (ValueError, RecursionError):
            raise Skip("Action_Input is not JSON") from None
    if not isinstance(arguments, dict):
        raise Skip("Action_Input is not a JSON object")
    given = {str(k): v for k, v in arguments.items() if not (v is None or (isinstance(v, str) and v == ""))}
    parameters = tools[name]["parameters"]
    props = parameters["properties"]
    if set(given) - set(props):
        raise Skip("gold parameter missing from the function schema (no answer can pass)")
    if set(parameters.get("required", ())) - set(given):
        raise Skip("a required parameter is missing from the gold (no answer can pass)")
    return {"name": name, "arguments": {k: accepted(typed_value(v, props[k])) for k, v in given.items()}}


def samples_for(sid: str, request: Any, steps: Any, tools: list[dict[str, Any]],
                meta: dict[str, Any]) -> list[dict[str, Any]]:
    if not isinstance(request, str) or not request.strip():
        raise Skip("empty request")
    if not isinstance(steps, list) or not steps:
        raise Skip("no gold steps")
    by_name = {t["name"]: t for t in tools}
    calls = [gold_call(step, by_name) for step in steps]
    messages = [{"role": "user", "content": request}]

    def sample(task: str, gold: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        return {"id": sid + suffix, "task": task, "messages": messages, "tools": tools, "gold": gold,
                "metadata": dict(meta, source_id=sid)}

    if len(calls) > 1:
        return [sample("chaining", {"calls": calls, "result": None})]
    return [sample("parameter_value", {"calls": calls}),
            sample("name_detection", {"names": [calls[0]["name"]]}, "#names")]


# ------------------------------------------------------------- files
def check_apis(path: Path, apis: list[Any]) -> None:
    for index, api in enumerate(apis):
        if not isinstance(api, dict):
            raise UsageError(f"{path}: not ToolAlpaca data (entry {index} is not an object)")
        missing = [f for f in FIELDS if f not in api]
        if missing:
            raise UsageError(f"{path}: not ToolAlpaca data (entry {index} lacks {', '.join(missing)})")
        if not isinstance(api["Instructions"], list) or not isinstance(api["Golden_Answers"], list):
            raise UsageError(f"{path}: not ToolAlpaca data (entry {index}: Instructions and Golden_Answers "
                             "must be lists)")


def import_toolalpaca(builder: SuiteBuilder, files: list[Path]) -> None:
    for path in files:
        apis = read_json_or_jsonl(path)
        if not apis:
            raise UsageError(f"{path}: no ToolAlpaca APIs")
        check_apis(path, apis)
        builder.add_file(path.name, path)
        category = path.stem
        for a, api in enumerate(apis):
            requests, answers = api["Instructions"], api["Golden_Answers"]
            try:
                tools = tools_of(api)
            except Skip as why:
                builder.skip(category, str(why), len(requests), items=True)
                continue
            meta = {"api": str(api["Name"]), "api_category": str(api.get("Category") or ""),
                    "endpoints": endpoints_of(api)}
            for i, request in enumerate(requests):
                builder.item(category)
                try:
                    if i >= len(answers):
                        raise Skip("no golden answer for the request")
                    builder.add_all(category, samples_for(f"{category}-{a}-{i}", request, answers[i], tools, meta))
                except Skip as why:
                    builder.skip(category, str(why))
