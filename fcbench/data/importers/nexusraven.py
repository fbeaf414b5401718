"""Import NexusRaven's API evaluation set (``Nexusflow/NexusRaven_API_evaluation``).

The Hugging Face dataset has two configs:

* queries (``standardized_queries``): ``{"dataset", "prompt", "python_function_name",
  "python_args_dict": "<JSON object>", "context_functions": [names]}``;
* the API list (``standardized_api_list``): ``{"dataset", "name", "description",
  "args_dicts": [{"name", "type", "description", "required", "default"}]}``.

``--from`` is a folder holding ``standardized_queries.json[l]`` and
``standardized_api_list.json[l]`` (the config names; JSON list or JSON Lines),
or a hub id read through ``datasets.load_dataset(id, config, split=...)``.

Every query gives a ``parameter_value`` sample (its one gold call) and a
``name_detection`` sample (``#names``, gold = that function's name). The
library is the query's ``context_functions`` looked up in the API list of the
same ``dataset`` (a name missing there: the item is skipped). Python type names
become JSON Schema types (`schema_types.json_type`).

Defaults: NexusRaven scores a call by the argument values its generated Python
function sees, defaults filled in, so leaving out an argument equals sending its
default. The gold says so both ways: a parameter with a default that the gold
call leaves out may be omitted or sent as the default (`with_defaults`), and a
gold value equal to the default may also be omitted.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from fcbench.data.importers.common import (
    NAME_PATTERN,
    Skip,
    SuiteBuilder,
    _typed,
    accepted,
    gold_call,
    read_json_or_jsonl,
    user_message,
    with_defaults,
)
from fcbench.data.importers.hf import load_error, quiet_datasets
from fcbench.data.importers.schema_types import item_type, json_type
from fcbench.errors import UsageError

QUERY_COLUMNS = ("dataset", "prompt", "python_function_name", "python_args_dict", "context_functions")
API_COLUMNS = ("name", "description", "args_dicts")
NO_DEFAULT = (None, "None", "")  # how the API list spells "no default"

_NAME = re.compile(NAME_PATTERN)

ApiIndex = dict[tuple[str, str], dict[str, Any]]


# ------------------------------------------------------------- loading
def local_config(folder: Path, config: str) -> Path:
    for suffix in (".jsonl", ".json"):
        path = folder / f"{config}{suffix}"
        if path.is_file():
            return path
    raise UsageError(f"{folder}: no {config}.json or {config}.jsonl (NexusRaven's {config} config)")


def load_local(folder: Path, builder: SuiteBuilder, queries_config: str, api_config: str,
               ) -> tuple[list[Any], list[Any]]:
    rows = []
    for config in (queries_config, api_config):
        path = local_config(folder, config)
        builder.add_file(path.name, path)
        rows.append(read_json_or_jsonl(path))
    return rows[0], rows[1]


def load_hub(dataset_id: str, queries_config: str, api_config: str, split: str,
             ) -> tuple[list[Any], list[Any], dict[str, Any]]:
    """Both configs of a hub dataset through ``datasets`` (rows as dicts) and what to record."""
    try:
        import datasets
    except ImportError:
        raise UsageError("reading NexusRaven from the hub needs the 'datasets' package "
                         "(pip install 'fcbench[hf]'), or give a local folder") from None
    out = []
    for config in (queries_config, api_config):
        try:
            with quiet_datasets():
                out.append([dict(r) for r in datasets.load_dataset(dataset_id, config, split=split)])
        except Exception as exc:  # noqa: BLE001 - datasets raises many kinds; the user gets one line
            raise UsageError(f"cannot load {dataset_id} config {config} (split {split}): "
                             f"{load_error(exc)}") from None
    info = {"dataset": dataset_id, "split": split, "configs": [queries_config, api_config],
            "datasets_version": getattr(datasets, "__version__", "unknown")}
    return out[0], out[1], info


def check_rows(rows: list[Any], columns: tuple[str, ...], what: str) -> None:
    if not rows:
        raise UsageError(f"the NexusRaven {what} is empty")
    for row in rows[:5]:
        missing = [c for c in columns if not isinstance(row, dict) or c not in row]
        if missing:
            raise UsageError(f"not the NexusRaven {what}: a row has no {', '.join(missing)}")


# ------------------------------------------------------------- tools
def _as_list(value: Any) -> Any:
    """A list the hub stores as a list, or that a JSON export stored as a JSON string."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except (ValueError, RecursionError):  # bad JSON, a 5,000-digit number, nesting too deep
            return None
    return value


def parameter_schema(arg: dict[str, Any]) -> dict[str, Any]:
    raw = arg.get("type")
    out: dict[str, Any] = {}
    kind = json_type(raw)
    if kind is not None:
        out["type"] = kind
        if kind == "array" and item_type(raw) is not None:
            out["items"] = {"type": item_type(raw)}
    description = str(arg.get("description") or "")
    if raw and kind is None:
        description = f"{description} (type: {raw})".strip()
    if description:
        out["description"] = description
    default = arg.get("default")
    if not arg.get("required") and default not in NO_DEFAULT:
        out["default"] = _typed(default, kind)
    return out


def convert_tool(row: dict[str, Any]) -> dict[str, Any]:
    args = _as_list(row.get("args_dicts"))
    if not isinstance(args, list) or not all(isinstance(a, dict) and isinstance(a.get("name"), str) for a in args):
        raise Skip("malformed args_dicts in the API list")
    properties = {a["name"]: parameter_schema(a) for a in args}
    required = [a["name"] for a in args if a.get("required") is True]
    parameters: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        parameters["required"] = required
    return {"name": row["name"], "description": str(row.get("description") or ""), "parameters": parameters}


def index_api_list(rows: list[Any]) -> ApiIndex:
    return {(str(r.get("dataset") or ""), r["name"]): r for r in rows
            if isinstance(r, dict) and isinstance(r.get("name"), str)}


def library_for(query: dict[str, Any], apis: ApiIndex) -> list[dict[str, Any]]:
    names = _as_list(query.get("context_functions"))
    if not isinstance(names, list) or not names:
        raise Skip("no context functions")
    tools = []
    for name in dict.fromkeys(map(str, names)):
        row = apis.get((str(query.get("dataset") or ""), name)) or apis.get(("", name))
        if row is None:
            raise Skip("context function missing from the API list")
        if not _NAME.match(name):
            raise Skip("function name not allowed by fcbench")
        tools.append(convert_tool(row))
    return tools


# ------------------------------------------------------------- gold
def gold_arguments(values: dict[str, Any], tool: dict[str, Any]) -> dict[str, list]:
    """The gold call's arguments; a value equal to its parameter's default may also be omitted."""
    properties = tool["parameters"]["properties"]
    unknown = set(values) - set(properties)
    if unknown:
        raise Skip("gold argument missing from the function schema (no answer can pass)")
    if set(tool["parameters"].get("required") or ()) - set(values):
        raise Skip("a parameter the schema requires is missing from the gold (no answer can pass)")
    arguments = {}
    for key, value in values.items():
        if isinstance(value, str) and not value.strip():
            raise Skip("empty string argument (\"\" means 'may be omitted' in fcbench's gold)")
        default = properties[key].get("default", ...)
        same_as_default = value == default and isinstance(value, bool) == isinstance(default, bool)
        arguments[key] = ["", *accepted(value)] if same_as_default else accepted(value)
    return with_defaults(arguments, tool["parameters"])


def samples_for(query: dict[str, Any], sid: str, apis: ApiIndex) -> list[dict[str, Any]]:
    request = user_message(query.get("prompt"))
    tools = library_for(query, apis)
    name = query.get("python_function_name")
    by_name = {t["name"]: t for t in tools}
    if not isinstance(name, str) or name not in by_name:  # a list or object is no name (and unhashable)
        raise Skip("gold function not among the context functions")
    raw_args = query.get("python_args_dict")
    try:
        values = json.loads(raw_args) if isinstance(raw_args, str) else raw_args
    except (ValueError, RecursionError):
        raise Skip("python_args_dict is not JSON") from None
    if not isinstance(values, dict):
        raise Skip("python_args_dict is not an object")
    call = gold_call(name, gold_arguments(values, by_name[name]))
    meta = {"source_id": sid}
    return [
        {"id": sid, "task": "parameter_value", "messages": [request], "tools": tools,
         "gold": {"calls": [call]}, "metadata": dict(meta)},
        {"id": f"{sid}#names", "task": "name_detection", "messages": [request], "tools": tools,
         "gold": {"names": [name]}, "metadata": dict(meta)},
    ]


def import_nexusraven(builder: SuiteBuilder, queries: list[Any], api_list: list[Any]) -> None:
    check_rows(queries, QUERY_COLUMNS, "queries")
    check_rows(api_list, API_COLUMNS, "API list")
    apis = index_api_list(api_list)
    for index, query in enumerate(queries):
        category = str(query.get("dataset") or "nexusraven") if isinstance(query, dict) else "nexusraven"
        builder.item(category)
        try:
            if not isinstance(query, dict):
                raise Skip("query is not an object")
            builder.add_all(category, samples_for(query, f"{category}-{index}", apis))
        except Skip as why:
            builder.skip(category, str(why))


def looks_like_hub_id(text: str) -> bool:
    """``owner/name`` (what ``datasets.load_dataset`` takes), not a local path."""
    return bool(re.fullmatch(r"[A-Za-z0-9][\w.-]*/[\w.-]+", text)) and not text.startswith((".", "~"))
