"""Checking what is read back from a run folder: ``run.json`` and ``results.json``.

A run folder may have been edited, truncated or written by another version.
Everything fcbench reads from it is checked field by field here, so a bad file
is one `UsageError` naming the file and the field (``results.json: field
tasks/nested/n: expected integer, got string``), never a traceback deep in a
report and never a silently wrong table. Fields a file lacks are allowed where
older versions did not write them; fields fcbench does not know are ignored.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fcbench.errors import UsageError
from fcbench.records import RecordError, field_of, kind_of

_MODES = ("native", "prompt")
_RULES = ("fcbench", "bfcl")


def _check_rules(name: str) -> None:
    if name not in _RULES:
        raise RecordError(f"rules: unknown rules profile {name!r} (known: {', '.join(_RULES)})")


def read_json(path: Path) -> Any:
    """A JSON file written by fcbench (or given by the user), or one clear `UsageError`."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror or exc})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    except (ValueError, RecursionError) as exc:
        raise UsageError(f"{path}: not readable JSON ({type(exc).__name__})") from None


def load_manifest_file(path: Path) -> dict[str, Any]:
    """A checked ``run.json``."""
    return check_manifest(read_json(path), path)


def load_results_file(path: Path) -> dict[str, Any]:
    """A checked ``results.json``."""
    return check_results(read_json(path), path)


def _fail(path: Path | str, exc: RecordError) -> UsageError:
    return UsageError(f"{path}: field {exc}")


def _numbers(d: dict[str, Any], where: str, kind: str = "number") -> None:
    for key, value in d.items():
        field_of({key: value}, key, kind, where)


def _check_sampling(d: Any, where: str) -> None:
    field_of(d, "temperature", "number", where, default=None, nullable=True)
    field_of(d, "max_tokens", "integer", where, default=None, nullable=True)
    field_of(d, "seed", "integer", where, default=None, nullable=True)


def _check_suite(d: Any, where: str) -> None:
    if d is None:
        return
    field_of(d, "name", "string", where, default=None, nullable=True)
    field_of(d, "path", "string", where, default=None, nullable=True)


def check_manifest(data: Any, path: Path | str) -> dict[str, Any]:
    """``run.json`` as a dict whose every field fcbench reads has the right type."""
    try:
        field_of(data, "fingerprint", "string")
        field_of(data, "model", "string")
        mode = field_of(data, "mode", "string", default="native")
        if mode not in _MODES:
            raise RecordError(f"mode: unknown mode {mode!r}")
        field_of(data, "split", "string", default="test")
        _check_rules(field_of(data, "rules", "string", default="fcbench"))
        field_of(data, "status", "string", default=None, nullable=True)
        limit = field_of(data, "limit", "integer", default=None, nullable=True)
        if limit is not None and limit < 1:
            raise RecordError(f"limit: expected a positive integer, got {limit}")
        concurrency = field_of(data, "concurrency", "integer", default=None, nullable=True)
        if concurrency is not None and concurrency < 1:
            raise RecordError(f"concurrency: expected a positive integer, got {concurrency}")
        _check_sampling(field_of(data, "sampling", "object", default={}), "sampling/")
        _check_suite(field_of(data, "suite", "object", default=None, nullable=True), "suite/")
        field_of(data, "model_args", "object", default={})
        field_of(data, "backend", "object", default={})
        fields = field_of(data, "fingerprint_fields", "object", default={})
        for name, task in field_of(fields, "tasks", "object", "fingerprint_fields/", default={}).items():
            where = f"fingerprint_fields/tasks/{name}/"
            field_of(task, "version", "string", where, default=None, nullable=True)
            field_of(task, "checksum", "string", where, default=None, nullable=True)
        _check_sampling(field_of(fields, "sampling", "object", "fingerprint_fields/", default={}),
                        "fingerprint_fields/sampling/")
        field_of(fields, "judge", "string", "fingerprint_fields/", default=None, nullable=True)
        _check_rules(field_of(fields, "rules", "string", "fingerprint_fields/", default="fcbench"))
        for name, task in field_of(data, "tasks", "object", default={}).items():
            where = f"tasks/{name}/"
            field_of(task, "version", "string", where, default=None, nullable=True)
            field_of(task, "checksum", "string", where, default=None, nullable=True)
            field_of(task, "samples", "integer", where, default=None, nullable=True)
        for i, session in enumerate(field_of(data, "sessions", "array", default=[])):
            field_of(session, "started", "string", f"sessions/{i}/", default=None, nullable=True)
        totals = field_of(data, "totals", "object", default={})
        for key in ("prompt_tokens", "completion_tokens", "retried_attempts", "infra_errors"):
            field_of(totals, key, "integer", "totals/", default=None, nullable=True)
        field_of(totals, "cost_usd_estimate", "number", "totals/", default=None, nullable=True)
        _numbers(field_of(totals, "latency_s", "object", "totals/", default={}), "totals/latency_s/")
    except RecordError as exc:
        raise _fail(path, exc) from None
    return data


def check_task_results(t: Any, where: str) -> None:
    field_of(t, "version", "string", where, default=None, nullable=True)
    for key in ("n", "n_infra_error"):
        value = field_of(t, key, "integer", where, default=0)
        if value < 0:
            raise RecordError(f"{where}{key}: expected an integer >= 0, got {value}")
    field_of(t, "n_passed", "integer", where, default=None, nullable=True)
    field_of(t, "main_metric", "string", where, default="accuracy")
    field_of(t, "score", "number", where, default=None, nullable=True)
    ci = field_of(t, "ci", "array", where, default=None, nullable=True)
    if ci is not None and (len(ci) != 2 or not all(kind_of(x) in ("integer", "number") for x in ci)):
        raise RecordError(f"{where}ci: expected [low, high] numbers, got {ci!r:.60}")
    field_of(t, "ci_method", "string", where, default=None, nullable=True)
    _numbers(field_of(t, "metrics", "object", where, default={}), f"{where}metrics/")
    _numbers(field_of(t, "failures", "object", where, default={}), f"{where}failures/", "integer")
    field_of(t, "checksum", "string", where, default=None, nullable=True)
    _numbers(field_of(t, "rules_judged", "object", where, default={}), f"{where}rules_judged/", "integer")
    outcomes = field_of(t, "outcomes", "object", where, default=None, nullable=True)
    if outcomes is not None:
        field_of(outcomes, "ids_sha256", "string", f"{where}outcomes/", default=None, nullable=True)
        marks = field_of(outcomes, "passed", "string", f"{where}outcomes/", default="")
        if marks.strip("01."):
            raise RecordError(f"{where}outcomes/passed: expected only 1, 0 and . marks")


def check_results(data: Any, path: Path | str) -> dict[str, Any]:
    """``results.json`` as a dict whose every field fcbench reads has the right type."""
    try:
        tasks = field_of(data, "tasks", "object")
        field_of(data, "model", "string", default=None, nullable=True)
        mode = field_of(data, "mode", "string", default=None, nullable=True)
        if mode is not None and mode not in _MODES:
            raise RecordError(f"mode: unknown mode {mode!r}")
        for key in ("split", "created", "fingerprint", "fcbench_version"):
            field_of(data, key, "string", default=None, nullable=True)
        _check_rules(field_of(data, "rules", "string", default="fcbench"))
        field_of(data, "limit", "integer", default=None, nullable=True)
        _check_suite(field_of(data, "suite", "object", default=None, nullable=True), "suite/")
        for name, t in tasks.items():
            check_task_results(t, f"tasks/{name}/")
        totals = field_of(data, "totals", "object", default={})
        for key in ("samples", "scored", "infra_errors", "missing"):
            field_of(totals, key, "integer", "totals/", default=0)
        _numbers(field_of(totals, "infra_error_kinds", "object", "totals/", default={}),
                 "totals/infra_error_kinds/", "integer")
    except RecordError as exc:
        raise _fail(path, exc) from None
    return data


def load_suite_manifest(path: Path) -> dict[str, Any]:
    """The name and version fields of a suite's ``suite.json`` (written by ``fcbench data``)."""
    data = read_json(path)
    try:
        info = {"name": field_of(data, "name", "string", default=None, nullable=True),
                "version": field_of(data, "version", "string", default=None, nullable=True),
                "seed": field_of(data, "seed", "integer", default=None, nullable=True),
                "generator_version": field_of(data, "generator_version", "string", default=None, nullable=True)}
    except RecordError as exc:
        raise _fail(path, exc) from None
    return {k: v for k, v in info.items() if v is not None}
