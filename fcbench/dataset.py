"""Loading sample files: JSONL, validated line by line against a published JSON Schema.

Every problem becomes a `UsageError` naming the file, the line and what is
wrong, so the CLI can print one line and exit 2.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from fcbench.errors import UsageError
from fcbench.records import Sample

SCHEMA_RESOURCE = "sample.schema.json"


@lru_cache(maxsize=1)
def sample_schema() -> dict[str, Any]:
    """The published JSON Schema of one sample line (``fcbench/schemas/sample.schema.json``)."""
    return json.loads(resources.files("fcbench.schemas").joinpath(SCHEMA_RESOURCE).read_text())


@lru_cache(maxsize=64)
def _validator(schema_json: str):
    import jsonschema

    schema = json.loads(schema_json)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _first_error(schema: dict[str, Any], instance: Any) -> str | None:
    validator = _validator(json.dumps(schema, sort_keys=True))
    error = next(iter(sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))), None)
    if error is None:
        return None
    where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
    return f"{where}: {error.message}"


def load_samples(path: Path, *, task: str | None = None,
                 gold_schema: dict[str, Any] | None = None) -> list[Sample]:
    """Read and validate a JSONL sample file. Raises `UsageError` on the first bad line."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"{path}: no such sample file")
    samples: list[Sample] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            where = f"{path}:{lineno}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise UsageError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno})") from None
            problem = _first_error(sample_schema(), obj)
            if problem is None and gold_schema is not None:
                gold_problem = _first_error(gold_schema, obj.get("gold"))
                problem = f"gold/{gold_problem}" if gold_problem else None
            if problem:
                raise UsageError(f"{where}: sample does not match the schema: {problem}")
            if task is not None and obj["task"] != task:
                raise UsageError(f"{where}: sample belongs to task {obj['task']!r}, expected {task!r}")
            if obj["id"] in seen:
                raise UsageError(f"{where}: duplicate sample id {obj['id']!r}")
            seen.add(obj["id"])
            samples.append(Sample.from_dict(obj))
    return samples


def file_checksum(path: Path) -> str:
    """sha256 of a data file, recorded in run.json to fingerprint the data."""
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return "sha256:" + h.hexdigest()
