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
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
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
