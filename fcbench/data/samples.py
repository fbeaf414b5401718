"""Loading sample files: JSONL, validated line by line against a published JSON Schema.

Every problem becomes a `UsageError` naming the file, the line and what is
wrong, so the CLI can print one line and exit 2.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from fcbench.errors import UsageError
from fcbench.records import Sample

SCHEMA_RESOURCE = "sample.schema.json"
_MISSING = object()


@lru_cache(maxsize=1)
def sample_schema() -> dict[str, Any]:
    """The published JSON Schema of one sample line (``fcbench/data/schemas/sample.schema.json``)."""
    return json.loads(resources.files("fcbench.data.schemas").joinpath(SCHEMA_RESOURCE).read_text())


@lru_cache(maxsize=64)
def _validator(schema_json: str):
    import jsonschema

    schema = json.loads(schema_json)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _first_error(validator: Any, instance: Any) -> str | None:
    if validator.is_valid(instance):
        return None
    error = min(validator.iter_errors(instance), key=lambda e: [str(p) for p in e.absolute_path])
    where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
    return f"{where}: {error.message}"


def _cache_marker(data: bytes, schemas: list[Any]) -> Path | None:
    """Where we note that these exact bytes passed these exact schemas.

    Validating every line with jsonschema costs about 0.5 ms a sample; a file
    whose bytes and schemas did not change since it last passed need not be
    validated again. ``FCBENCH_CACHE`` moves the cache (``off`` disables it).
    """
    root = os.environ.get("FCBENCH_CACHE", str(Path.home() / ".cache" / "fcbench"))
    if root == "off":
        return None
    h = hashlib.sha256(data)
    h.update(json.dumps(schemas, sort_keys=True).encode())
    return Path(root) / "validated" / h.hexdigest()


_DECODER = json.JSONDecoder()  # the settings of json.loads
_SCAN = _DECODER.scan_once  # one JSON value at an index -> (value, end)
_SCANSTRING = json.decoder.scanstring
_SPACE = json.decoder.WHITESPACE.match
_BLANK = " \t\n\r"  # what _SPACE skips
_PREFIX = 48  # characters of a tool's text that pick its cache bucket
_TOOL_CACHE_CHARS = 1 << 22  # tool texts kept per file, at most (about 4 M characters)
_BUCKET = 16  # tool texts kept per prefix, at most (a lookup tries each)


class _Tools:
    """The tools already read in one file, by their exact JSON text.

    A suite repeats a few tool definitions over thousands of samples: each text is decoded
    once and its value reused (read-only, like every sample's tools). A text equal to a
    cached one from the same index on is, character for character, that value: a JSON
    object ends at its matching brace.
    """

    def __init__(self) -> None:
        self.by_prefix: dict[str, list[tuple[str, Any]]] = {}
        self.chars = 0

    def value_at(self, line: str, i: int) -> tuple[Any, int]:
        prefix = line[i:i + _PREFIX]
        for text, value in self.by_prefix.get(prefix, ()):
            if line.startswith(text, i):
                return value, i + len(text)
        value, end = _SCAN(line, i)
        if isinstance(value, dict) and self.chars < _TOOL_CACHE_CHARS:
            bucket = self.by_prefix.setdefault(prefix, [])
            if len(bucket) < _BUCKET:
                bucket.append((line[i:end], value))
                self.chars += end - i
        return value, end


def _tools_array(line: str, i: int, tools: _Tools) -> tuple[list[Any], int]:
    """The JSON array at `line[i]` (``[``), its objects through the tool cache."""
    i += 1
    if line[i] in _BLANK:
        i = _SPACE(line, i).end()
    items: list[Any] = []
    if line[i] == "]":
        return items, i + 1
    while True:
        value, i = tools.value_at(line, i)
        items.append(value)
        if line[i] in _BLANK:
            i = _SPACE(line, i).end()
        if line[i] == "]":
            return items, i + 1
        if line[i] != ",":
            raise ValueError("not an array")
        i += 1
        if line[i] in _BLANK:
            i = _SPACE(line, i).end()


def _read_line(line: str, tools: _Tools) -> Any:
    """``json.loads(line)`` for a sample line, its ``tools`` read through `tools`.

    Anything outside the usual shape (a top-level object) raises, and the caller asks
    json.loads, whose value or error is then the answer.
    """
    i = _SPACE(line, 0).end()
    if line[i] != "{":
        raise ValueError("not an object")
    obj: dict[str, Any] = {}
    i += 1
    while True:
        if line[i] in _BLANK:
            i = _SPACE(line, i).end()
        if line[i] != '"':
            raise ValueError("no key")
        key, i = _SCANSTRING(line, i + 1, True)
        if line[i] in _BLANK:
            i = _SPACE(line, i).end()
        if line[i] != ":":
            raise ValueError("no colon")
        i += 1
        if line[i] in _BLANK:
            i = _SPACE(line, i).end()
        if key == "tools" and line[i] == "[":
            obj[key], i = _tools_array(line, i, tools)
        else:
            obj[key], i = _SCAN(line, i)
        if line[i] in _BLANK:
            i = _SPACE(line, i).end()
        if line[i] == "}":
            break
        if line[i] != ",":
            raise ValueError("not an object")
        i += 1
    if _SPACE(line, i + 1).end() != len(line):
        raise ValueError("extra data")
    return obj


def load_samples(path: Path, *, task: str | None = None,
                 gold_schema: dict[str, Any] | None = None) -> list[Sample]:
    """Read and validate a JSONL sample file. Raises `UsageError` on the first bad line."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"{path}: no such sample file")
    data = path.read_bytes()
    marker = _cache_marker(data, [sample_schema(), gold_schema])
    validate = marker is None or not marker.exists()
    envelope = gold = None
    if validate:  # a file that already passed (same bytes, same schemas) is not validated again
        envelope = _validator(json.dumps(sample_schema(), sort_keys=True))
        gold = _validator(json.dumps(gold_schema, sort_keys=True)) if gold_schema is not None else None
    samples: list[Sample] = []
    seen: set[str] = set()
    tools = _Tools()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = _read_line(line, tools)
        except Exception:  # anything unusual, bad JSON included: json.loads decides
            obj = _MISSING
        where = f"{path}:{lineno}"
        try:
            if obj is _MISSING:
                obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise UsageError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno})") from None
        except (ValueError, RecursionError) as exc:
            raise UsageError(f"{where}: not readable JSON ({type(exc).__name__})") from None
        problem = None
        if validate:
            try:
                problem = _first_error(envelope, obj)
                if problem is None and gold is not None:
                    gold_problem = _first_error(gold, obj.get("gold"))
                    problem = f"gold/{gold_problem}" if gold_problem else None
            except RecursionError:
                problem = "(top level): nested too deeply"
        if problem:
            raise UsageError(f"{where}: sample does not match the schema: {problem}")
        if task is not None and obj["task"] != task:
            raise UsageError(f"{where}: sample belongs to task {obj['task']!r}, expected {task!r}")
        if obj["id"] in seen:
            raise UsageError(f"{where}: duplicate sample id {obj['id']!r}")
        seen.add(obj["id"])
        samples.append(Sample.from_dict(obj))
    if not samples:
        raise UsageError(f"{path}: no samples (the file is empty)")
    if validate and marker is not None:
        try:
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
        except OSError:
            pass  # a read-only home only costs the next run its validation time
    return samples


def file_checksum(path: Path) -> str:
    """sha256 of a data file, recorded in run.json to fingerprint the data."""
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return "sha256:" + h.hexdigest()
