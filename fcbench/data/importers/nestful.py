"""Import NESTFUL sequences: nested (with references), chaining (without), next_best (prefixes).

Two source shapes are read:

* NESTFUL's own files (JSON Lines or a JSON list): ``{"sample_id", "input",
  "output": [{"name", "label": "$var_1", "arguments"}], "tools": [{"name",
  "description", "parameters": {p: {"type", "description"}}, "output_parameters"}],
  "gold_answer"}`` with references ``"$var_1.result$"``;
* the ``nestful-wrapper`` package's data: ``<set>-data.json`` (``{"input",
  "output"}``, labels ``var1``, references ``$var1.field$``, a closing
  ``var_result`` pseudo-call that only gathers outputs) beside a catalog
  ``<set>-spec.json`` (``query_parameters`` with ``required``, ``output_parameters``).

Conversion (documented with counts in the suite's ``suite.json``):

* labels become ``var1, var2, ...`` by position and references are rewritten to
  match (``$var_1.result$`` -> ``$var1.result$``; ``[0]`` indexes -> ``.0``);
* a sequence holding a reference is a ``nested`` sample, one without is a
  ``chaining`` sample; ``gold.result`` is ``gold_answer`` (null when the
  source has none). No ``world_seed``: fcbench cannot execute NESTFUL's
  functions, so the execution win rate is not reported for these samples;
* items whose references fcbench cannot express are skipped, with the reason:
  a reference inside a longer string (``"$var1.a$ - $var2.b$"``), a reference
  to a whole output (``$var3$``), or to an unknown or later label;
* ``next_best``: the empty prefix always gives a sample (the acceptable first
  calls: any call without references for nested sequences, the first call for
  chaining ones). A longer prefix needs the earlier calls' results; only data
  that records them (a ``response`` on each call, as in the wrapper's
  ComplexFuncBench set) gives those samples, plus a ``stop`` sample after the
  whole sequence. Otherwise they are counted as skipped.
* the library is the item's own ``tools`` list, or, for catalog data, the
  catalog functions its gold sequence uses (the full catalogs hold up to
  ~170 kB of schemas, too much to send with every request).
"""

from __future__ import annotations

import json
import re
from importlib import metadata
from pathlib import Path
from typing import Any

from fcbench.data.importers.common import (
    NAME_PATTERN,
    Skip,
    SuiteBuilder,
    accepted,
    looks_like_items,
    read_json_or_jsonl,
    user_message,
    with_defaults,
)
from fcbench.data.importers.schema_types import simple_property
from fcbench.errors import UsageError

WHOLE_REF = re.compile(r"^\$([A-Za-z_][A-Za-z0-9_]*)(?:\.([^$]+))?\$$")
ANY_REF = re.compile(r"\$[A-Za-z_][A-Za-z0-9_]*(?:\.[^$\s]*)?\$?")
RESULT_CALL = "var_result"
PACKAGE_SETS = ("executable/executable", "non-executable/non-executable-glaive",
                "non-executable/non-executable-sgd")
_NAME = re.compile(NAME_PATTERN)


# ------------------------------------------------------------- locating
def package_files() -> tuple[list[Path], str]:
    """The data files of the installed ``nestful-wrapper`` package and its version."""
    try:
        dist = metadata.distribution("nestful-wrapper")
    except metadata.PackageNotFoundError:
        raise UsageError("nestful-wrapper is not installed (pip install nestful-wrapper), "
                         "or give --from PATH") from None
    root = Path(str(dist.locate_file("data_v1")))
    files = [root / f"{s}-data.json" for s in PACKAGE_SETS]
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise UsageError(f"nestful-wrapper {dist.version}: data files not found: {', '.join(missing)}")
    return files, dist.version


def data_files(source: Path) -> list[Path]:
    if not source.exists():
        raise UsageError(f"{source}: no such file or folder")
    if source.is_file():
        return [source]
    files = sorted(p for p in source.rglob("*") if p.is_file() and p.suffix in (".json", ".jsonl")
                   and not p.name.endswith("-spec.json") and looks_like_items(p, "input", "output"))
    if not files:
        raise UsageError(f"{source}: no NESTFUL data files here (JSON or JSON Lines items with "
                         "'input' and 'output')")
    return files



def category_of(path: Path) -> str:
    return path.stem[: -len("-data")] if path.stem.endswith("-data") else path.stem


def catalog_for(path: Path, builder: SuiteBuilder) -> dict[str, dict[str, Any]] | None:
    spec = path.with_name(path.name.replace("-data.json", "-spec.json"))
    if spec == path or not spec.is_file():
        return None
    builder.add_file(spec.name, spec)
    entries = read_json_or_jsonl(spec)
    return {e["name"]: e for e in entries if isinstance(e, dict) and isinstance(e.get("name"), str)}


# ------------------------------------------------------------ tools
def convert_tool(spec: dict[str, Any]) -> dict[str, Any]:
    name = spec.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise Skip("function name not allowed by fcbench")
    params = spec.get("parameters")
    if not isinstance(params, dict):
        params = spec.get("query_parameters") if isinstance(spec.get("query_parameters"), dict) else {}
    if params.get("type") == "object" and isinstance(params.get("properties"), dict):
        parameters = params  # already a JSON Schema
    else:
        parameters = {"type": "object", "properties": {str(k): simple_property(v) for k, v in params.items()}}
        required = [str(k) for k, v in params.items() if isinstance(v, dict) and v.get("required") is True]
        if required:
            parameters["required"] = required
    tool: dict[str, Any] = {"name": name, "description": str(spec.get("description") or ""),
                            "parameters": parameters}
    outputs = spec.get("output_parameters")
    if isinstance(outputs, dict) and outputs:
        props: dict[str, Any] = {}
        for key, value in outputs.items():
            props.setdefault(str(key).split(".")[0].split("[")[0], simple_property(value))
        tool["returns"] = {"type": "object", "properties": props}
    return tool


def library_for(item: dict[str, Any], names: list[str],
                catalog: dict[str, dict[str, Any]] | None) -> list[dict[str, Any]]:
    if isinstance(item.get("tools"), list) and item["tools"]:
        specs = [t for t in item["tools"] if isinstance(t, dict)]
    elif catalog is not None:
        specs = [catalog[n] for n in dict.fromkeys(names) if n in catalog]
    else:
        raise UsageError("NESTFUL items need a 'tools' list or a <set>-spec.json catalog beside the data")
    tools, seen = [], set()
    for spec in specs:
        tool = convert_tool(spec)
        if tool["name"] not in seen:
            seen.add(tool["name"])
            tools.append(tool)
    missing = set(names) - seen
    if missing:
        raise Skip("gold function missing from the tools")
    return tools


# ------------------------------------------------------------ references
def normalize_label(label: Any) -> str | None:
    if not isinstance(label, str) or not label.strip("$ "):
        return None
    text = label.strip().strip("$")
    m = re.fullmatch(r"var_?(\d+)", text)
    return f"var{m.group(1)}" if m else text


def _field_path(path: str) -> str:
    return re.sub(r"\[(\d+)\]", r".\1", path).strip(".")


def rewrite(value: Any, mapping: dict[str, str], found: list[tuple[str, str]]) -> Any:
    """`value` with NESTFUL references in fcbench's form; appends (label, field) to `found`."""
    if isinstance(value, str):
        m = WHOLE_REF.match(value.strip())
        if m:
            label, path = normalize_label(m.group(1)), m.group(2)
            if not path:
                raise Skip("reference to a whole output")
            if label not in mapping:
                raise Skip("reference to an unknown or later call")
            found.append((mapping[label], _field_path(path)))
            return f"${mapping[label]}.{_field_path(path)}$"
        if ANY_REF.search(value) and any(normalize_label(r.strip("$").split(".")[0]) in mapping
                                         for r in ANY_REF.findall(value)):
            raise Skip("reference inside a longer string")
        return value
    if isinstance(value, list):
        return [rewrite(v, mapping, found) for v in value]
    if isinstance(value, dict):
        return {str(k): rewrite(v, mapping, found) for k, v in value.items()}
    return value


class Step:
    """One gold call after conversion."""

    def __init__(self, name: str, arguments: dict[str, Any], label: str, refs: list[tuple[str, str]],
                 response: Any, has_response: bool):
        self.name, self.arguments, self.label = name, arguments, label
        self.refs, self.response, self.has_response = refs, response, has_response


def steps_of(item: dict[str, Any]) -> list[Step]:
    calls = item.get("output")
    if not isinstance(calls, list):
        raise Skip("output is not a list of calls")
    calls = [c for c in calls if not (isinstance(c, dict) and c.get("name") == RESULT_CALL)]
    if not calls:
        raise Skip("no calls")
    mapping: dict[str, str] = {}
    steps = []
    for i, call in enumerate(calls):
        if not isinstance(call, dict) or not isinstance(call.get("name"), str):
            raise Skip("malformed call")
        args = call.get("arguments") or {}
        if not isinstance(args, dict):
            raise Skip("arguments are not an object")
        refs: list[tuple[str, str]] = []
        new_label = f"var{i + 1}"
        converted = rewrite(args, mapping, refs)
        old = normalize_label(call.get("label"))
        if old is not None:
            mapping[old] = new_label
        steps.append(Step(call["name"], converted, new_label, refs, call.get("response"), "response" in call))
    return steps


# ------------------------------------------------------------ samples
def gold_arguments(arguments: dict[str, Any], tool: dict[str, Any]) -> dict[str, list]:
    return with_defaults({k: accepted(v) for k, v in arguments.items()}, tool["parameters"])


def resolve(value: Any, outputs: dict[str, Any]) -> Any:
    """Replace fcbench references by the recorded outputs (a list read by field takes its first item)."""
    if isinstance(value, str):
        m = WHOLE_REF.match(value)
        if m and m.group(2):
            if m.group(1) not in outputs:
                raise Skip("reference to a call without a recorded output")
            node = outputs[m.group(1)]
            for part in m.group(2).split("."):
                if isinstance(node, list) and not part.isdigit():
                    node = node[0] if node else None
                if isinstance(node, dict) and part in node:
                    node = node[part]
                elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                    node = node[int(part)]
                else:
                    raise Skip("reference not found in the recorded outputs")
            return node
        return value
    if isinstance(value, list):
        return [resolve(v, outputs) for v in value]
    if isinstance(value, dict):
        return {k: resolve(v, outputs) for k, v in value.items()}
    return value


def next_best_samples(sid: str, request: dict[str, Any], tools: list[dict[str, Any]], steps: list[Step],
                      nested: bool) -> tuple[list[dict[str, Any]], int]:
    """Samples for the prefixes that can be rendered faithfully, and how many could not.

    Prefix k (0..n) shows the first k calls with their recorded outputs; for k < n
    the gold is the acceptable next calls, for k = n it is ``stop``.
    """
    n = len(steps)
    by_name = {t["name"]: t for t in tools}
    out: list[dict[str, Any]] = []
    outputs: dict[str, Any] = {}
    messages = [request]
    for k in range(n + 1):
        if k < n:
            done = {s.label for s in steps[:k]}
            ready = [s for s in steps[k:] if all(lb in done for lb, _ in s.refs)] if nested else [steps[k]]
            try:
                nxt = [{"name": s.name, "arguments": gold_arguments(resolve(s.arguments, outputs), by_name[s.name])}
                       for s in ready]
            except Skip:
                return out, n + 1 - k
            gold: dict[str, Any] = {"next": _unique(nxt), "stop": False}
        else:
            gold = {"next": [], "stop": True}
        out.append({"id": f"{sid}#next{k}", "task": "next_best", "messages": list(messages),
                    "tools": tools, "gold": gold, "metadata": {"source_id": sid, "prefix": k}})
        if k == n:
            break
        step = steps[k]
        try:
            if not step.has_response:
                raise Skip("no recorded output")
            args = resolve(step.arguments, outputs)
        except Skip:
            return out, n - k  # the prefixes k+1..n (the stop sample included)
        call_id = f"call_{k + 1}"
        messages.append({"role": "assistant", "content": None,
                         "tool_calls": [{"id": call_id, "name": step.name, "arguments": args}]})
        messages.append({"role": "tool", "tool_call_id": call_id, "name": step.name,
                         "content": json.dumps(step.response, ensure_ascii=False)})
        outputs[step.label] = step.response
    return out, 0


def _unique(calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen, out = set(), []
    for c in calls:
        key = json.dumps(c, sort_keys=True)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def samples_for(item: dict[str, Any], sid: str, catalog: dict[str, dict[str, Any]] | None,
                ) -> tuple[list[dict[str, Any]], int]:
    request = user_message(item.get("input"))
    steps = steps_of(item)
    tools = library_for(item, [s.name for s in steps], catalog)
    nested = any(s.refs for s in steps)
    by_name = {t["name"]: t for t in tools}
    for s in steps:
        if set(s.arguments) - set(by_name[s.name]["parameters"].get("properties") or {}):
            raise Skip("argument missing from the function schema (no answer can pass)")
    calls = [{"name": s.name, "arguments": gold_arguments(s.arguments, by_name[s.name]),
              **({"label": s.label} if nested else {})} for s in steps]
    main = {"id": sid, "task": "nested" if nested else "chaining", "messages": [request], "tools": tools,
            "gold": {"calls": calls, "result": item.get("gold_answer")}, "metadata": {"source_id": sid}}
    nb, skipped = next_best_samples(sid, request, tools, steps, nested)
    return [main, *nb], skipped


def import_nestful(builder: SuiteBuilder, files: list[Path]) -> None:
    for path in files:
        category = category_of(path)
        builder.add_file(path.name, path)
        catalog = catalog_for(path, builder)
        items = read_json_or_jsonl(path)
        if not items or not all(isinstance(i, dict) and "input" in i and "output" in i for i in items):
            raise UsageError(f"{path}: not NESTFUL data (every item needs 'input' and 'output')")
        for index, item in enumerate(items):
            builder.item(category)
            sid = str(item.get("sample_id") or item.get("id") or f"{category}-{index}")
            try:
                samples, skipped = samples_for(item, sid, catalog)
                builder.add_all(category, samples)
            except Skip as why:
                builder.skip(category, str(why))
                continue
            if skipped:
                builder.skip(category, "next_best prefixes not built: earlier tool outputs not recorded", skipped)
