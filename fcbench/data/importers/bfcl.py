"""Import BFCL (Berkeley Function Calling Leaderboard) single-turn categories.

Source layout (as in the ``bfcl-eval`` package's ``data/`` folder): question
files ``BFCL_v<N>_<category>.json`` and ``possible_answer/BFCL_v<N>_<category>.json``,
both JSON Lines despite the extension. Questions are
``{"id", "question": [[messages]], "function": [schemas]}``; possible answers
``{"id", "ground_truth": [{function name: {param: [accepted values]}}]}``.

Category -> sub-task (every question gives one sample per listed task):

==========================================  ===================================
``simple``, ``simple_*``, ``live_simple``    parameter_value
``multiple``, ``live_multiple``              parameter_value + name_detection (``#names``)
``parallel``, ``parallel_multiple``, live    parallel (a single gold call: parameter_value)
``irrelevance``, ``live_irrelevance``        name_detection with gold ``[]``
everything else                              skipped, counted per reason
==========================================  ===================================

Accepted-value lists are kept as they are (``""`` = may be omitted, as in
BFCL). Function names keep their dots (fcbench allows them); BFCL's FC
handlers send ``calc_area`` for ``calc.area``, and ``replay/`` maps such
names back when it reads BFCL result files.
"""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path
from typing import Any

from fcbench.data.importers.common import NAME_PATTERN, Skip, SuiteBuilder, read_json_or_jsonl
from fcbench.data.importers.schema_types import bfcl_parameters
from fcbench.errors import UsageError

FILE_RE = re.compile(r"^BFCL_(v\d+)_(.+)\.json$")
SKIPPED_CATEGORIES = {
    "live_relevance": "relevance: any call passes, there is no gold function set",
    "format_sensitivity": "not a question file",
    "web_search": "multi-step agentic category (live web search)",
    "memory": "multi-step agentic category (memory back-ends)",
}
ROLES = ("system", "user", "assistant")
_NAME = re.compile(NAME_PATTERN)


def plan(category: str) -> tuple[str, ...] | str:
    """The sub-tasks a category feeds, or the reason it is skipped."""
    if category in SKIPPED_CATEGORIES:
        return SKIPPED_CATEGORIES[category]
    if category.startswith("multi_turn"):
        return "multi-turn category (needs BFCL's stateful executors)"
    base = category[len("live_"):] if category.startswith("live_") else category
    if base == "irrelevance":
        return ("name_detection",)
    if base in ("parallel", "parallel_multiple"):
        return ("parallel",)
    if base == "multiple":
        return ("parameter_value", "name_detection")
    if base == "simple" or base.startswith("simple_"):
        return ("parameter_value",)
    return "category not mapped to a sub-task"


def language_of(category: str) -> str:
    if category.endswith("_java"):
        return "java"
    if category.endswith("_javascript"):
        return "javascript"
    return "python"


# ------------------------------------------------------------- locating
def package_data_dir() -> tuple[Path, str]:
    """The installed ``bfcl-eval`` package's data folder and the package version."""
    try:
        dist = metadata.distribution("bfcl-eval")
    except metadata.PackageNotFoundError:
        raise UsageError("bfcl-eval is not installed (pip install bfcl-eval), or give --from PATH") from None
    data = Path(str(dist.locate_file("bfcl_eval/data")))
    if not data.is_dir():
        raise UsageError(f"bfcl-eval {dist.version} has no data folder at {data}")
    return data, dist.version


def question_files(source: Path) -> list[tuple[str, str, Path]]:
    """(version, category, path) of the question files at `source` (a folder or one file),
    keeping only the newest BFCL version when several are present."""
    if not source.exists():
        raise UsageError(f"{source}: no such file or folder")
    paths = [source] if source.is_file() else sorted(source.glob("BFCL_*.json"))
    found = []
    for path in paths:
        m = FILE_RE.match(path.name)
        if m is None:
            raise UsageError(f"{path}: not a BFCL question file (expected BFCL_v<N>_<category>.json)")
        found.append((m.group(1), m.group(2), path))
    if not found:
        raise UsageError(f"{source}: no BFCL question files (BFCL_v<N>_<category>.json) here")
    newest = max((f[0] for f in found), key=lambda v: int(v[1:]))
    return [f for f in found if f[0] == newest]


def answer_file(question: Path) -> Path:
    return question.parent / "possible_answer" / question.name


# ------------------------------------------------------------ conversion
def tools_of(item: dict[str, Any], language: str) -> list[dict[str, Any]]:
    functions = item.get("function")
    if not isinstance(functions, list) or not functions:
        raise Skip("no function list")
    tools, names = [], set()
    for fn in functions:
        if not isinstance(fn, dict) or not isinstance(fn.get("name"), str):
            raise Skip("malformed function schema")
        if isinstance(fn.get("parameters"), dict) and not isinstance(fn["parameters"].get("required", []), list):
            raise Skip("malformed function schema: 'required' is not a list")
        name = fn["name"]
        if not _NAME.match(name):
            raise Skip("function name not allowed by fcbench")
        if name in names:
            raise Skip("two functions with the same name")
        names.add(name)
        tools.append({"name": name, "description": str(fn.get("description") or ""),
                      "parameters": bfcl_parameters(fn.get("parameters"), language)})
    return tools


def messages_of(item: dict[str, Any]) -> list[dict[str, Any]]:
    question = item.get("question")
    if not isinstance(question, list) or not question:
        raise Skip("no question")
    if len(question) != 1:
        raise Skip("multi-turn question")
    turn = question[0] if isinstance(question[0], list) else question
    messages = []
    for m in turn:
        if not isinstance(m, dict) or m.get("role") not in ROLES or not isinstance(m.get("content"), str):
            raise Skip("message of an unsupported shape")
        messages.append({"role": m["role"], "content": m["content"]})
    if not messages or messages[-1]["role"] != "user":
        raise Skip("question does not end with a user message")
    return messages


def gold_calls_of(answer: dict[str, Any], tools: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The ground truth as fcbench gold calls; accepted values as BFCL lists them (``None``
    next to ``""`` included: BFCL accepts an explicit null there, through its rule that a
    gold value of another type than the schema's is matched as is). One BFCL data quirk is
    settled the way BFCL's own checker settles it: an omittable gold parameter that the
    schema lacks can only be omitted (``[""]``). A required one makes the item
    unanswerable: skipped."""
    library = {t["name"]: t for t in tools}
    truth = answer.get("ground_truth")
    if not isinstance(truth, list) or not truth:
        raise Skip("empty ground truth")
    calls = []
    for entry in truth:
        if not isinstance(entry, dict) or len(entry) != 1:
            raise Skip("ground truth entry is not {function: {params}}")
        (name, params), = entry.items()
        if name not in library:
            raise Skip("gold function not in the library")
        if not isinstance(params, dict):
            raise Skip("ground truth parameters are not an object")
        props = library[name]["parameters"].get("properties") or {}
        required = set(library[name]["parameters"].get("required") or ())
        if required - set(map(str, params)):
            raise Skip("a parameter the schema requires is missing from the gold (no answer can pass)")
        arguments = {}
        for key, values in params.items():
            values = list(values) if isinstance(values, list) else [values]
            if not values:
                raise Skip("empty accepted-values list")
            omittable = any(isinstance(v, str) and v == "" for v in values)
            if key in required and all(isinstance(v, str) and v == "" for v in values):
                raise Skip("a required parameter the gold can only omit (no answer can pass)")
            if key not in props:
                if not omittable:
                    raise Skip("gold parameter missing from the function schema (no answer can pass)")
                values = [""]
            arguments[str(key)] = values
        calls.append({"name": name, "arguments": arguments})
    return calls


def samples_for(item: dict[str, Any], answer: dict[str, Any] | None, category: str,
                tasks: tuple[str, ...]) -> list[dict[str, Any]]:
    """The fcbench samples of one BFCL question (see the module table)."""
    sid = item.get("id")
    if not isinstance(sid, str) or not sid:
        raise Skip("question without id")
    language = language_of(category)
    irrelevance = tasks == ("name_detection",)
    tools = [] if irrelevance and not item.get("function") else tools_of(item, language)
    messages = messages_of(item)
    # The item as BFCL has it, for `--rules bfcl` (its checker reads BFCL's own types and ground truth).
    bfcl = {"category": category, "functions": item.get("function") or [],
            "ground_truth": (answer or {}).get("ground_truth") or []}
    metadata_ = {"source_id": sid, "language": language, "bfcl": bfcl}

    def sample(task: str, gold: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        return {"id": sid + suffix, "task": task, "messages": messages, "tools": tools,
                "gold": gold, "metadata": dict(metadata_)}

    if irrelevance:
        return [sample("name_detection", {"names": []})]
    if answer is None:
        raise Skip("no possible answer")
    calls = gold_calls_of(answer, tools)
    if tasks == ("parallel",):
        if len(calls) == 1:
            return [sample("parameter_value", {"calls": calls})]
        return [sample("parallel", {"calls": calls})]
    if len(calls) != 1:
        raise Skip("expected exactly one gold call")
    out = [sample("parameter_value", {"calls": calls})]
    if "name_detection" in tasks:
        out.append(sample("name_detection", {"names": [calls[0]["name"]]}, "#names"))
    return out


def import_bfcl(builder: SuiteBuilder, source: Path, *, categories: set[str] | None = None) -> str:
    """Add every mapped question under `source` to `builder`; returns the BFCL version (``v4``)."""
    files = question_files(source)
    version = files[0][0]
    for _, category, path in files:
        if categories is not None and category not in categories:
            continue
        tasks = plan(category)
        if isinstance(tasks, str):
            builder.skip(category, tasks, _count_items(path), items=True)
            continue
        items = read_json_or_jsonl(path)
        builder.add_file(path.name, path)
        answers: dict[str, dict[str, Any]] = {}
        if tasks != ("name_detection",):
            apath = answer_file(path)
            if not apath.is_file():
                raise UsageError(f"{apath}: missing possible-answer file for {path.name}")
            builder.add_file(f"possible_answer/{path.name}", apath)
            for a in read_json_or_jsonl(apath):
                if isinstance(a, dict) and isinstance(a.get("id"), str):
                    answers[a["id"]] = a
        for item in items:
            builder.item(category)
            try:
                if not isinstance(item, dict):
                    raise Skip("question is not an object")
                builder.add_all(category, samples_for(item, answers.get(str(item.get("id"))), category, tasks))
            except Skip as why:
                builder.skip(category, str(why))
    if categories is not None:
        unknown = categories - {c for _, c, _ in files}
        if unknown:
            raise UsageError(f"no BFCL {version} file for categories: {', '.join(sorted(unknown))}")
    return version


def _count_items(path: Path) -> int:
    """Questions in a skipped file (1 when it is not JSON Lines, e.g. an index file)."""
    try:
        return len(read_json_or_jsonl(path))
    except UsageError:
        return 1
