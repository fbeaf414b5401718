"""Import ToolBench's (ToolLLM's) test sets as name_detection samples.

Source: the test query files ``G1_instruction.json``, ``G1_category.json``,
``G1_tool.json``, ``G2_instruction.json``, ``G2_category.json`` and
``G3_instruction.json`` (JSON lists), each record ``{"query_id", "query",
"api_list": [{"category_name", "tool_name", "api_name", "api_description",
"required_parameters", "optional_parameters"}], "relevant APIs"?: [[tool_name, api_name]]}``.

ToolBench records the APIs a query needs but no gold arguments, so each
record gives one ``name_detection`` sample: the library is the record's whole
``api_list``, the gold is the relevant APIs' names (``relevant APIs`` when the
record has it, else every listed API). Only names are judged.

Function names are ToolBench's own ``<api_name>_for_<tool_name>`` (each part
lower-cased, runs of other characters than letters, digits and ``_`` as one
``_``, a leading digit prefixed with ``get_``, as ToolBench writes them for its
models), then made safe and unique over the whole import by `names.unique_names`
(a name over 64 characters, or shared by two APIs, ends with a hash of the
``tool_name``/``api_name`` pair).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fcbench.data.importers.common import Skip, SuiteBuilder, read_json_or_jsonl, user_message
from fcbench.data.importers.names import safe_name, unique_names
from fcbench.data.importers.schema_types import simple_property
from fcbench.errors import UsageError

SETS = ("G1_instruction", "G1_category", "G1_tool", "G2_instruction", "G2_category", "G3_instruction")
RELEVANT = "relevant APIs"
API_KEYS = ("tool_name", "api_name")
SEPARATOR = "\x1f"  # joins a (tool_name, api_name) pair into one key for `unique_names`

Api = tuple[str, str]  # (tool_name, api_name)


# ------------------------------------------------------------- locating
def set_files(source: Path) -> list[Path]:
    """The test-set files at `source`: one file (any name), or a folder's files named after a set."""
    if not source.exists():
        raise UsageError(f"{source}: no such file or folder")
    if source.is_file():
        return [source]
    files = [source / f"{name}.json" for name in SETS if (source / f"{name}.json").is_file()]
    if not files:
        raise UsageError(f"{source}: no ToolBench test set here (expected {', '.join(s + '.json' for s in SETS)})")
    return files


def read_set(path: Path) -> list[Any]:
    records = read_json_or_jsonl(path)
    if not records or not all(isinstance(r, dict) and "query" in r and "api_list" in r for r in records[:5]):
        raise UsageError(f"{path}: not a ToolBench test set (every record needs 'query' and 'api_list')")
    return records


# ------------------------------------------------------------- names
def _standardize(text: str) -> str:
    text = re.sub(r"_+", "_", re.sub(r"[^A-Za-z0-9_]", "_", text)).lower().strip("_")
    return f"get_{text}" if text[:1].isdigit() else text


def toolbench_name(key: str) -> str:
    """``<api_name>_for_<tool_name>`` of a ``tool<SEP>api`` key, as ToolBench spells it."""
    tool, api = key.split(SEPARATOR)
    return safe_name(f"{_standardize(api) or 'api'}_for_{_standardize(tool) or 'tool'}")


def api_of(entry: Any) -> Api:
    if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) and entry[k] for k in API_KEYS):
        raise Skip("api_list entry without tool_name and api_name")
    return entry["tool_name"], entry["api_name"]


def name_table(records: list[Any]) -> dict[Api, str]:
    """Every API of every record read, with its fcbench name (unique over the import)."""
    keys = []
    for record in records:
        entries = record.get("api_list") if isinstance(record, dict) else None
        for entry in entries if isinstance(entries, list) else []:  # any other value: tools_of skips the record
            try:
                keys.append(SEPARATOR.join(api_of(entry)))
            except Skip:
                continue
    out: dict[Api, str] = {}
    for key, name in unique_names(sorted(keys), normalise=toolbench_name).items():
        tool, api = key.split(SEPARATOR)
        out[(tool, api)] = name
    return out


# ------------------------------------------------------------- conversion
def parameters_of(entry: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    required: list[str] = []
    for group in ("required_parameters", "optional_parameters"):
        params = entry.get(group) or []
        if not isinstance(params, list):
            raise Skip("malformed API parameter list")
        for param in params:
            if not isinstance(param, dict) or not isinstance(param.get("name"), str):
                raise Skip("malformed API parameter")
            spec = {**param, "type": str(param.get("type") or "").lower()}
            properties[param["name"]] = simple_property(spec)
            if group == "required_parameters":
                required.append(param["name"])
    out: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        out["required"] = required
    return out


def tools_of(record: dict[str, Any], names: dict[Api, str]) -> dict[Api, dict[str, Any]]:
    entries = record.get("api_list")
    if not isinstance(entries, list) or not entries:
        raise Skip("empty api_list")
    tools: dict[Api, dict[str, Any]] = {}
    for entry in entries:
        api = api_of(entry)
        tools.setdefault(api, {"name": names[api], "description": str(entry.get("api_description") or ""),
                               "parameters": parameters_of(entry)})
    return tools


def relevant_of(record: dict[str, Any], tools: dict[Api, dict[str, Any]]) -> list[Api]:
    if RELEVANT not in record:
        return list(tools)
    pairs = record[RELEVANT]
    if not isinstance(pairs, list) or not pairs:
        raise Skip("empty relevant APIs")
    relevant = []
    for pair in pairs:
        if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)):
            raise Skip("relevant API is not a [tool_name, api_name] pair")
        if tuple(pair) not in tools:
            raise Skip("relevant API missing from the api_list")
        relevant.append((pair[0], pair[1]))
    return list(dict.fromkeys(relevant))


def sample_for(record: dict[str, Any], category: str, names: dict[Api, str]) -> dict[str, Any]:
    qid = record.get("query_id")
    if qid is None or isinstance(qid, (dict, list)) or str(qid) == "":
        raise Skip("record without query_id")
    request = user_message(record.get("query"))
    tools = tools_of(record, names)
    gold = [tools[api]["name"] for api in relevant_of(record, tools)]
    sid = f"{category}-{qid}"
    return {"id": sid, "task": "name_detection", "messages": [request], "tools": list(tools.values()),
            "gold": {"names": gold}, "metadata": {"source_id": str(qid), "relevant_given": RELEVANT in record}}


def import_toolbench(builder: SuiteBuilder, files: list[Path]) -> None:
    sets = [(path, read_set(path)) for path in files]
    names = name_table([r for _, records in sets for r in records])
    for path, records in sets:
        category = path.stem
        builder.add_file(path.name, path)
        for record in records:
            builder.item(category)
            try:
                if not isinstance(record, dict):
                    raise Skip("record is not an object")
                builder.add(category, sample_for(record, category, names))
            except Skip as why:
                builder.skip(category, str(why))
