"""Import RestBench (``datasets/tmdb.json``, ``datasets/spotify.json``) as names-only chaining.

Each file is a list of ``{"query": request, "solution": ["GET /search/person",
"GET /person/{person_id}/movie_credits", ...]}``: the endpoints to call, in
order, without argument values. Every query becomes a ``chaining`` sample
whose gold calls carry no arguments and whose metadata says
``names_only: true``; the chaining task then judges the names and their order
only (see ``tasks/chaining/task.py``).

Tools: one per endpoint, named by `tool_name` (``GET /person/{person_id}/movie_credits``
-> ``get_person_person_id_movie_credits``; fcbench names allow no ``/`` or
``{}``); the description starts with the original ``METHOD /path``.

* With the service's OpenAPI spec (``--spec``, JSON; matched to the data file
  whose stem starts the spec's file name, e.g. ``tmdb_oas.json`` -> ``tmdb.json``),
  the library is every operation of the spec, with its path and query
  parameters and its JSON request body's properties.
* Without one, the library is the endpoints the file's solutions use, with
  their path parameters as required strings.

Steps are read with surrounding spaces trimmed (``" GET /movie/popular"`` occurs).
Skipped, with the reason counted: an empty query or solution, a step that is
not ``METHOD /path``, and (with a spec) a step the spec does not describe.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from fcbench.data.importers.common import Skip, SuiteBuilder, looks_like_items, read_json_or_jsonl
from fcbench.errors import UsageError

METHODS = ("get", "post", "put", "patch", "delete")
_STEP = re.compile(r"^(GET|POST|PUT|PATCH|DELETE)\s+(/\S*)$", re.IGNORECASE)
_PATH_PARAM = re.compile(r"\{([^{}]+)\}")
SCHEMA_KEYS = ("type", "enum", "items", "default", "format", "minimum", "maximum")


# ------------------------------------------------------------- names
def endpoint_of(step: Any) -> str:
    """``"get  /x"`` -> ``"GET /x"``; raises Skip for anything else."""
    m = _STEP.match(step.strip()) if isinstance(step, str) else None
    if m is None:
        raise Skip("solution step is not 'METHOD /path'")
    return f"{m.group(1).upper()} {m.group(2)}"


def tool_name(endpoint: str) -> str:
    """A name fcbench allows, derived from ``METHOD /path`` alone (so the same endpoint
    gets the same name in every suite): the method in lower case, then the path's
    words joined by ``_``; names over 64 characters end in a hash of the endpoint."""
    method, _, path = endpoint.partition(" ")
    words = re.sub(r"[^A-Za-z0-9]+", "_", path).strip("_")
    name = f"{method.lower()}_{words}" if words else method.lower()
    if len(name) > 64:
        name = f"{name[:57]}_{_digest(endpoint)}"
    return name


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:6]


def unique_names(endpoints: list[str]) -> dict[str, str]:
    """Endpoint -> tool name; endpoints whose names collide (``/a/{b}`` and ``/a/b``)
    all get a hash suffix."""
    names = {e: tool_name(e) for e in endpoints}
    taken: dict[str, int] = {}
    for name in names.values():
        taken[name] = taken.get(name, 0) + 1
    return {e: (f"{n[:57]}_{_digest(e)}" if taken[n] > 1 else n) for e, n in names.items()}


# ------------------------------------------------------------- tools
def bare_tool(endpoint: str, name: str) -> dict[str, Any]:
    """A tool from the endpoint string alone: its path parameters as required strings."""
    params = _PATH_PARAM.findall(endpoint)
    parameters: dict[str, Any] = {"type": "object", "properties": {
        p: {"type": "string", "description": f"path parameter {{{p}}}"} for p in params}}
    if params:
        parameters["required"] = params
    return {"name": name, "description": endpoint, "parameters": parameters}


class Spec:
    """The operations of an OpenAPI (3.x or Swagger 2) JSON document."""

    def __init__(self, path: Path):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):  # ValueError: bad JSON, bad UTF-8, a 5,000-digit number
            raise UsageError(f"{path}: not a JSON OpenAPI spec") from None
        if not isinstance(doc, dict) or not isinstance(doc.get("paths"), dict):
            raise UsageError(f"{path}: not an OpenAPI spec (no 'paths' object)")
        self.path, self.doc = path, doc
        self.operations: dict[str, tuple[dict[str, Any], list[Any]]] = {}
        for route, item in doc["paths"].items():
            if not isinstance(item, dict):
                continue
            shared = item.get("parameters") if isinstance(item.get("parameters"), list) else []
            for method, operation in item.items():
                if method.lower() in METHODS and isinstance(operation, dict):
                    self.operations[f"{method.upper()} {route}"] = (operation, shared)

    def resolve(self, node: Any, depth: int = 0) -> Any:
        """`node` with a local ``$ref`` (``#/components/...``) followed, a few levels deep."""
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and depth < 8:
            target: Any = self.doc
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target.get(part) if isinstance(target, dict) else None
            node, depth = target, depth + 1
        return node if isinstance(node, dict) else {}

    def tool(self, endpoint: str, name: str) -> dict[str, Any]:
        operation, shared = self.operations[endpoint]
        properties: dict[str, Any] = {}
        required: list[str] = []
        own = operation.get("parameters")
        for raw in [*shared, *(own if isinstance(own, list) else [])]:
            param = self.resolve(raw)
            if param.get("in") not in ("path", "query") or not isinstance(param.get("name"), str):
                continue
            properties[param["name"]] = self.property(param.get("schema") or param, param.get("description"))
            if param.get("required") is True or param.get("in") == "path":
                required.append(param["name"])
        content = _object(self.resolve(operation.get("requestBody")).get("content"))
        body = self.resolve(_object(content.get("application/json")).get("schema"))
        body_required = body.get("required") if isinstance(body.get("required"), list) else []
        for key, schema in _object(body.get("properties")).items():
            properties[str(key)] = self.property(schema, None)
            if key in body_required:
                required.append(str(key))
        summary = str(operation.get("summary") or operation.get("description") or "").strip()
        parameters: dict[str, Any] = {"type": "object", "properties": properties}
        if required:
            parameters["required"] = list(dict.fromkeys(required))
        return {"name": name, "description": f"{endpoint}: {summary}" if summary else endpoint,
                "parameters": parameters}

    def property(self, schema: Any, description: Any) -> dict[str, Any]:
        schema = self.resolve(schema)
        out = {k: schema[k] for k in SCHEMA_KEYS if k in schema}
        if isinstance(out.get("items"), dict):
            out["items"] = {k: v for k, v in self.resolve(out["items"]).items() if k in SCHEMA_KEYS[:2]}
        text = description or schema.get("description")
        if text:
            out["description"] = str(text).strip()
        return out


def _object(value: Any) -> dict[str, Any]:
    """`value` when it is a JSON object; any other value of a spec field that should be one reads as absent."""
    return value if isinstance(value, dict) else {}


def library(solutions: list[list[str]], spec: Spec | None) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The tools offered with every query of a file, and endpoint -> tool name."""
    if spec is not None:
        endpoints = sorted(spec.operations)
    else:
        endpoints = sorted({e for steps in solutions for e in steps})
    names = unique_names(endpoints)
    tools = [spec.tool(e, names[e]) if spec else bare_tool(e, names[e]) for e in endpoints]
    return sorted(tools, key=lambda t: t["name"]), names


# ------------------------------------------------------------- files
def data_files(source: Path) -> list[Path]:
    """One file, or every JSON list of ``{"query", "solution"}`` below a folder."""
    if not source.exists():
        raise UsageError(f"{source}: no such file or folder")
    if source.is_file():
        return [source]
    files = sorted(p for p in source.rglob("*.json") if p.is_file() and looks_like_items(p, "query", "solution"))
    if not files:
        raise UsageError(f"{source}: no RestBench files here (JSON lists of {{'query', 'solution'}})")
    return files



def match_specs(files: list[Path], specs: list[Path]) -> dict[Path, Spec]:
    """Data file -> its spec: the spec whose file name starts with the data file's stem
    (any spec when there is one of each)."""
    if len(files) == 1 and len(specs) == 1:
        return {files[0]: Spec(specs[0])}
    out: dict[Path, Spec] = {}
    for spec in specs:
        owners = [f for f in files if spec.name.lower().startswith(f.stem.lower())]
        if len(owners) != 1:
            raise UsageError(f"{spec}: matches no single data file (name specs <data stem>_*.json, "
                             f"e.g. tmdb_oas.json for tmdb.json)")
        if owners[0] in out:
            raise UsageError(f"{spec}: a second spec for {owners[0].name}")
        out[owners[0]] = Spec(spec)
    return out


def steps_of(item: dict[str, Any]) -> list[str]:
    solution = item.get("solution")
    if not isinstance(solution, list) or not solution:
        raise Skip("empty solution")
    return [endpoint_of(step) for step in solution]


def import_restbench(builder: SuiteBuilder, files: list[Path], specs: list[Path]) -> None:
    by_file = match_specs(files, specs)
    for path in files:
        items = read_json_or_jsonl(path)
        if not items or not all(isinstance(i, dict) and "query" in i and "solution" in i for i in items):
            raise UsageError(f"{path}: not RestBench data (every item needs 'query' and 'solution')")
        builder.add_file(path.name, path)
        spec = by_file.get(path)
        if spec is not None:
            builder.add_file(spec.path.name, spec.path)
        category = path.stem
        parsed: list[list[str] | str] = []
        for item in items:
            try:
                parsed.append(steps_of(item))
            except Skip as why:
                parsed.append(str(why))
        tools, names = library([p for p in parsed if isinstance(p, list)], spec)
        for index, (item, steps) in enumerate(zip(items, parsed)):
            builder.item(category)
            try:
                if isinstance(steps, str):
                    raise Skip(steps)
                builder.add(category, sample_for(f"{category}-{index}", item, steps, tools, names))
            except Skip as why:
                builder.skip(category, str(why))


def sample_for(sid: str, item: dict[str, Any], steps: list[str], tools: list[dict[str, Any]],
               names: dict[str, str]) -> dict[str, Any]:
    query = item.get("query")
    if not isinstance(query, str) or not query.strip():
        raise Skip("empty query")
    if any(step not in names for step in steps):
        raise Skip("solution endpoint not in the spec")
    calls = [{"name": names[step], "arguments": {}} for step in steps]
    return {"id": sid, "task": "chaining", "messages": [{"role": "user", "content": query.strip()}], "tools": tools,
            "gold": {"calls": calls, "result": None},
            "metadata": {"source_id": sid, "names_only": True, "solution": steps}}
