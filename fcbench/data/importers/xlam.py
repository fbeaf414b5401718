"""The ``xlam`` mapping: xLAM function-calling-60k style rows.

Columns: ``query`` (the request), ``tools`` (a JSON string: a list of
``{"name", "description", "parameters": {p: {"type", "description", "default"?}}}``
with Python-flavoured types such as ``"str, optional"``), ``answers`` (a JSON
string: a list of ``{"name", "arguments"}``), and optionally ``id``.

Each row gives a ``name_detection`` sample (``#names``; the set of answer
names, empty when there is no answer) and, when there are answers, a
``parallel`` sample (two or more calls) or a ``parameter_value`` sample (one).
A parameter the answer leaves out but that has a default is accepted as
``["", default]``: omitting it or sending the default both pass.
"""

from __future__ import annotations

import json
from typing import Any

from fcbench.data.importers.common import Skip, accepted, user_message, with_defaults
from fcbench.data.importers.schema_types import is_optional_name, simple_property

COLUMNS = ("query", "tools", "answers")


def _json_column(row: dict[str, Any], column: str) -> Any:
    value = row.get(column)
    if isinstance(value, str):
        try:
            return json.loads(value)
        except (ValueError, RecursionError):  # bad JSON, a 5,000-digit number, nesting too deep
            raise Skip(f"column {column} is not valid JSON") from None
    return value


def convert_tool(spec: Any) -> dict[str, Any]:
    if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
        raise Skip("malformed tool")
    params = spec.get("parameters") if isinstance(spec.get("parameters"), dict) else {}
    if params.get("type") == "object":
        parameters = params
    else:
        parameters = {"type": "object", "properties": {str(k): simple_property(v) for k, v in params.items()}}
        required = [str(k) for k, v in params.items()
                    if isinstance(v, dict) and not is_optional_name(v.get("type")) and "default" not in v]
        if required:
            parameters["required"] = required
    return {"name": spec["name"], "description": str(spec.get("description") or ""), "parameters": parameters}


def gold_call(answer: Any, tools: dict[str, dict[str, Any]]) -> dict[str, Any]:
    if not isinstance(answer, dict) or answer.get("name") not in tools:
        raise Skip("answer calls a function missing from the tools")
    args = answer.get("arguments") or {}
    if isinstance(args, str):
        try:
            args = json.loads(args)
        except (ValueError, RecursionError):
            raise Skip("answer arguments are not JSON") from None
    if not isinstance(args, dict):
        raise Skip("answer arguments are not an object")
    arguments = {str(k): accepted(v) for k, v in args.items()}
    return {"name": answer["name"], "arguments": with_defaults(arguments, tools[answer["name"]]["parameters"])}


def samples_for_row(row: dict[str, Any], index: int, prefix: str) -> list[dict[str, Any]]:
    sid = f"{prefix}-{row.get('id', index)}"
    request = user_message(row.get("query"))
    raw_tools = _json_column(row, "tools")
    answers = _json_column(row, "answers")
    if not isinstance(raw_tools, list) or not raw_tools:
        raise Skip("no tools")
    if not isinstance(answers, list):
        raise Skip("answers is not a list")
    tools = [convert_tool(t) for t in raw_tools]
    by_name = {t["name"]: t for t in tools}
    if len(by_name) != len(tools):
        raise Skip("two tools with the same name")
    calls = [gold_call(a, by_name) for a in answers]
    base = {"messages": [request], "tools": tools, "metadata": {"source_id": str(row.get("id", index))}}
    out = []
    if len(calls) >= 2:
        out.append({"id": sid, "task": "parallel", **base, "gold": {"calls": calls}})
    elif len(calls) == 1:
        out.append({"id": sid, "task": "parameter_value", **base, "gold": {"calls": calls}})
    names = sorted({c["name"] for c in calls})
    out.append({"id": f"{sid}#names", "task": "name_detection", **base, "gold": {"names": names}})
    return out
