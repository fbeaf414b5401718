"""Import API-Blend's sequence sets (SeqATIS, SeqSNIPS, SeqTopV2, SeqSGD, SeqMultiWOZ, SeqToolQA).

Record shapes (one shape per file; the file name, without suffix, is the category):

==============================  ==========================================================================
SeqATIS, SeqSNIPS               ``{"text", "APIs": [{"API": intent, "Parameters": {slot: [value]}}]}``
SeqTopV2                        ``{"input", "apis": ["INTENT(slot = \\"v\\", ...)"]}``
SeqSGD, SeqMultiWOZ             ``{"input", "output": "Intent(slot = v ; ...) [SEP] Intent(...)"}``
SeqToolQA                       ``{"qid", "input", "apis": ["LoadDB[flights]", "FilterDB[...]", ...], "output"}``
==============================  ==========================================================================

Sub-tasks: a record with one call is a ``parameter_value`` sample, one with
several a ``chaining`` sample (the calls in the source's order). API-Blend
scores these sets as sequences (API-F1, LCS), and the records do not say
which calls depend on which, so none is made ``parallel``. SeqToolQA's calls
depend on each other through the tool's state (``FilterDB`` filters the table
``LoadDB`` loaded), not through argument values, so fcbench's ``$varN.field$``
references have nothing to point at: SeqToolQA is ``chaining`` too, with the
record's ``output`` (the answer) as ``gold.result``.

The library of every sample of a file is every intent seen in that file, each
with the slots seen for it as optional string parameters, so the model must
pick among them. Intent and slot names are made safe for fcbench
(`names.unique_names`: ``IN:GET_WEATHER`` -> ``IN_GET_WEATHER``). Gold values
are the source's strings. A slot with several values, an empty value, or a
call the parser cannot read skips its record, counted.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from fcbench.data.importers.common import Skip, SuiteBuilder, accepted, gold_call, read_json_or_jsonl, user_message
from fcbench.data.importers.names import unique_names
from fcbench.errors import UsageError

Call = tuple[str, dict[str, str]]  # (intent, {slot: value}) as the source spells them

SHAPES = ("slots", "topv2", "sgd", "toolqa")
SGD_SEPARATOR = "[SEP]"
_CALL = re.compile(r"^\s*([^\s(\[]+)\s*([(\[])(.*)([)\]])\s*$", re.DOTALL)
_KEY = re.compile(r"\s*([^=\s,;\"]+)\s*=\s*")
_KEYED_PART = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*=(?![=<>])\s*(.*?)\s*$", re.DOTALL)

#: SeqToolQA actions and their parameters, as ToolQA names them (``LoadDB[<DBName>]``...).
#: Actions taking free text get the whole text between the brackets as their one argument.
TOOLQA_PARAMETERS: dict[str, tuple[str, ...]] = {
    "LoadDB": ("DBName",), "FilterDB": ("Condition",), "GetValue": ("ValueName",),
    "LoadGraph": ("GraphName",), "NeighbourCheck": ("GraphName", "Node"),
    "NodeCheck": ("GraphName", "Node"), "EdgeCheck": ("GraphName", "Node1", "Node2"),
    "Calculate": ("Formula",), "RetrieveAgenda": ("Content",), "RetrieveScirex": ("Content",),
    "SQLInterpreter": ("SQLCommand",), "PythonInterpreter": ("PythonCode",), "Finish": ("answer",),
}
TOOLQA_FREE_TEXT = {"Calculate", "RetrieveAgenda", "RetrieveScirex", "SQLInterpreter", "PythonInterpreter",
                    "Finish"}


# ------------------------------------------------------------- locating
def data_files(source: Path) -> list[Path]:
    if not source.exists():
        raise UsageError(f"{source}: no such file or folder")
    if source.is_file():
        return [source]
    files = sorted(p for p in source.iterdir() if p.is_file() and p.suffix in (".json", ".jsonl"))
    if not files:
        raise UsageError(f"{source}: no API-Blend files here (.json or .jsonl)")
    return files


def shape_of(record: Any) -> str | None:
    if not isinstance(record, dict):
        return None
    if "text" in record and "APIs" in record:
        return "slots"
    if "input" in record and isinstance(record.get("apis"), list):
        first = next((a for a in record["apis"] if isinstance(a, str)), "")
        return "toolqa" if "qid" in record or re.match(r"^\s*\w+\[", first) else "topv2"
    if "input" in record and isinstance(record.get("output"), str):
        return "sgd"
    return None


# ------------------------------------------------------------- parsing
def parse_assignments(text: str, separators: str) -> dict[str, str]:
    """``slot = "v", slot2 = v2`` (quoted or bare values) as ``{slot: value}``."""
    args: dict[str, str] = {}
    i, n = 0, len(text)
    while True:
        while i < n and (text[i].isspace() or text[i] in separators):
            i += 1
        if i >= n:
            return args
        m = _KEY.match(text, i)
        if m is None:
            raise Skip("API call arguments not understood")
        key, i = m.group(1), m.end()
        if i < n and text[i] == '"':
            end = i + 1
            while end < n and text[end] != '"':
                end += 2 if text[end] == "\\" else 1
            if end >= n:
                raise Skip("API call arguments not understood")
            value, i = re.sub(r"\\(.)", r"\1", text[i + 1:end]), end + 1
        else:
            end = i
            while end < n and text[end] not in separators:
                end += 1
            value, i = text[i:end].strip(), end
        if key in args:
            raise Skip("slot given twice in one call")
        args[key] = value
        while i < n and text[i].isspace():
            i += 1
        if i < n and text[i] not in separators:
            raise Skip("API call arguments not understood")


def parse_call(text: Any, separators: str) -> Call:
    m = _CALL.match(text) if isinstance(text, str) else None
    if m is None or (m.group(2), m.group(4)) != ("(", ")"):
        raise Skip("API call not understood")
    return m.group(1), parse_assignments(m.group(3), separators)


def parse_toolqa(text: Any) -> Call:
    """``Action[content]``: ``key=value, ...`` when every part is one, else ToolQA's own
    positional parameters (`TOOLQA_PARAMETERS`)."""
    m = _CALL.match(text) if isinstance(text, str) else None
    if m is None or (m.group(2), m.group(4)) != ("[", "]"):
        raise Skip("SeqToolQA call not understood")
    action, content = m.group(1), m.group(3).strip()
    if not content:
        return action, {}
    parts = content.split(",")
    keyed = [_KEYED_PART.match(p) for p in parts]
    if action not in TOOLQA_FREE_TEXT and all(keyed):
        return action, {k.group(1): k.group(2) for k in keyed if k}
    names = TOOLQA_PARAMETERS.get(action)
    if names is None:
        raise Skip("SeqToolQA action without known parameters")
    if len(names) == 1:
        return action, {names[0]: content}
    if len(parts) != len(names):
        raise Skip("SeqToolQA call with an unexpected number of arguments")
    return action, {name: part.strip() for name, part in zip(names, parts)}


def slot_value(value: Any) -> str:
    if isinstance(value, list):
        if len(value) != 1:
            raise Skip("slot with several values" if value else "empty slot value")
        value = value[0]
    if value is None or isinstance(value, (dict, list)):
        raise Skip("slot value is not text")
    return str(value)


def calls_of(record: dict[str, Any], shape: str) -> list[Call]:
    if shape == "slots":
        apis = record.get("APIs")
        if not isinstance(apis, list):
            raise Skip("APIs is not a list")
        calls = []
        for api in apis:
            if not isinstance(api, dict) or not isinstance(api.get("API"), str) or not api["API"]:
                raise Skip("API entry without an API name")
            params = api.get("Parameters") or {}
            if not isinstance(params, dict):
                raise Skip("Parameters is not an object")
            calls.append((api["API"], {str(k): slot_value(v) for k, v in params.items()}))
    elif shape == "topv2":
        calls = [parse_call(text, ",") for text in record["apis"]]
    elif shape == "sgd":
        calls = [parse_call(text, ";") for text in record["output"].split(SGD_SEPARATOR) if text.strip()]
    else:
        calls = [parse_toolqa(text) for text in record["apis"]]
    if not calls:
        raise Skip("no API calls")
    if any(v.strip() == "" for _, args in calls for v in args.values()):
        raise Skip("empty slot value")  # "" means "may be omitted" in fcbench's gold
    return calls


# ------------------------------------------------------------- library
class Library:
    """The intents of one file with the slots seen for each, under fcbench-safe names."""

    def __init__(self, category: str, parsed: list[list[Call]]):
        slots: dict[str, set[str]] = defaultdict(set)
        for calls in parsed:
            for intent, args in calls:
                slots[intent].update(args)
        self.intent_names = unique_names(sorted(slots))
        self.slot_names = {intent: unique_names(sorted(s)) for intent, s in slots.items()}
        self.tools = [self._tool(category, intent) for intent in sorted(slots)]

    def _tool(self, category: str, intent: str) -> dict[str, Any]:
        properties = {safe: {"type": "string", "description": f"slot {raw}"}
                      for raw, safe in self.slot_names[intent].items()}
        return {"name": self.intent_names[intent], "description": f"{category} API {intent}",
                "parameters": {"type": "object", "properties": properties}}

    def gold(self, call: Call) -> dict[str, Any]:
        intent, args = call
        slots = self.slot_names[intent]
        return gold_call(self.intent_names[intent], {slots[k]: accepted(v) for k, v in args.items()})


# ------------------------------------------------------------- samples
def sample_for(record: dict[str, Any], sid: str, shape: str, calls: list[Call], library: Library,
               ) -> dict[str, Any]:
    request = user_message(record.get("text") if shape == "slots" else record.get("input"))
    golds = [library.gold(c) for c in calls]
    meta: dict[str, Any] = {"source_id": sid}
    if len(golds) == 1:
        return {"id": sid, "task": "parameter_value", "messages": [request], "tools": library.tools,
                "gold": {"calls": golds}, "metadata": meta}
    result = record.get("output") if shape == "toolqa" else None
    return {"id": sid, "task": "chaining", "messages": [request], "tools": library.tools,
            "gold": {"calls": golds, "result": result}, "metadata": meta}


def import_file(builder: SuiteBuilder, path: Path) -> None:
    records = read_json_or_jsonl(path)
    shape = shape_of(records[0]) if records else None
    if shape is None:
        raise UsageError(f"{path}: not an API-Blend file (records need 'text' + 'APIs', 'input' + 'apis' "
                         "or 'input' + 'output')")
    category = path.stem
    builder.add_file(path.name, path)
    parsed: list[tuple[int, dict[str, Any], list[Call]]] = []
    for index, record in enumerate(records):
        builder.item(category)
        try:
            if shape_of(record) != shape:
                raise Skip("record of another shape than the file's first")
            parsed.append((index, record, calls_of(record, shape)))
        except Skip as why:
            builder.skip(category, str(why))
    library = Library(category, [calls for _, _, calls in parsed])
    for index, record, calls in parsed:
        sid = f"{category}-{record['qid']}" if shape == "toolqa" and "qid" in record else f"{category}-{index}"
        try:
            builder.add(category, sample_for(record, sid, shape, calls, library))
        except Skip as why:
            builder.skip(category, str(why))


def import_apiblend(builder: SuiteBuilder, files: list[Path]) -> None:
    for path in files:
        import_file(builder, path)
