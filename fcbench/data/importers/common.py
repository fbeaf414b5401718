"""Shared pieces of the importers: gold encoding, skip accounting, and the suite writer.

An importer turns source items into fcbench sample dicts and hands them to a
`SuiteBuilder`, which counts what came from where (and what was skipped, with
the reason), validates every sample exactly as ``fcbench run`` will (sample
schema + the task's gold schema), and writes a suite folder:
``<out>/<task>/test.jsonl`` plus ``<out>/suite.json``.

``suite.json`` is reproducible: the same source bytes give the same folder
bytes. It records the source files' sha256 checksums instead of a time stamp.

Sample ids are unique across the whole suite (run folders key results by id).
When one source item yields several samples, the first keeps the source id and
the others are ``<source id>#<variant>``; ``replay/`` falls back from
``X#variant`` to ``X``, so one recorded answer scores every lens of its item.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from fcbench.data.samples import file_checksum
from fcbench.errors import UsageError
from fcbench.scoring.gold import encode_plain

IMPORTER_VERSION = "1"
SPLIT = "test"
NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_.-]{0,63}$"


class Skip(Exception):
    """A source item that cannot become a faithful sample; the message is the counted reason."""


# ------------------------------------------------------------------ gold
def accepted(value: Any) -> list:
    """A plain source value as an accepted-values list: ``[encoded value]``.

    Objects are written in BFCL's nested form (each key maps to a list of
    accepted values), so a list inside an object is never mistaken for a set
    of alternatives: ``{"tags": ["a", "b"]}`` becomes ``{"tags": [["a", "b"]]}``.
    """
    return [encode_plain(value)]


def gold_call(name: str, arguments: dict[str, list], label: str | None = None) -> dict[str, Any]:
    call: dict[str, Any] = {"name": name, "arguments": arguments}
    if label is not None:
        call["label"] = label
    return call


def with_defaults(arguments: dict[str, list], parameters: dict[str, Any]) -> dict[str, list]:
    """`arguments` plus ``["", default]`` for each schema parameter with a default that the
    source call leaves out: omitting it and sending the default both pass (fcbench's gold
    convention). A default written as a string for a number or boolean is also accepted
    in that type."""
    props = parameters.get("properties") if isinstance(parameters, dict) else None
    out = dict(arguments)
    for key, schema in (props or {}).items():
        if key in out or not isinstance(schema, dict) or "default" not in schema:
            continue
        alternatives: list = [""]
        seen: set[str] = set()
        for value in (_typed(schema["default"], schema.get("type")), schema["default"]):
            marker = json.dumps(value, sort_keys=True, default=str)
            if (isinstance(value, str) and value == "") or value is None or marker in seen:
                continue
            seen.add(marker)
            alternatives.append(encode_plain(value))
        out[str(key)] = alternatives
    return out


def _typed(value: Any, json_type: Any) -> Any:
    if not isinstance(value, str):
        return value
    text = value.strip()
    if json_type == "integer" and text.lstrip("-").isdigit():
        return int(text)
    if json_type == "number":
        try:
            return float(text)
        except ValueError:
            return value
    if json_type == "boolean" and text.lower() in ("true", "false"):
        return text.lower() == "true"
    return value


def user_message(text: Any) -> dict[str, Any]:
    if not isinstance(text, str) or not text.strip():
        raise Skip("empty request")
    return {"role": "user", "content": text}


def read_json_or_jsonl(path: Path) -> list[Any]:
    """Items of a JSON list file or a JSON Lines file (BFCL's ``.json`` files are JSON Lines).

    Raises `UsageError` naming the file when it is neither.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror or exc})") from None
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise UsageError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
        except (ValueError, RecursionError) as exc:
            raise UsageError(f"{path}: not readable JSON ({type(exc).__name__})") from None
        if not isinstance(data, list):
            raise UsageError(f"{path}: expected a JSON list or JSON Lines")
        return data
    items = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            items.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise UsageError(f"{path}:{lineno}: not a JSON line ({exc.msg})") from None
        except (ValueError, RecursionError) as exc:
            raise UsageError(f"{path}:{lineno}: not a readable JSON line ({type(exc).__name__})") from None
    return items


def looks_like_items(path: Path, *fields: str) -> bool:
    """Is the file a non-empty list of objects with all of `fields` (its first five items checked)?

    How an importer picks its data files out of a folder that holds other JSON too (specs, readmes).
    """
    try:
        items = read_json_or_jsonl(path)
    except UsageError:
        return False
    return bool(items) and all(isinstance(i, dict) and all(f in i for f in fields) for i in items[:5])


# --------------------------------------------------------------- builder
class SuiteBuilder:
    """Collects samples per task and source category, then writes and checks the suite."""

    def __init__(self, name: str, source: str, *, importer: str | None = None):
        """`name` is the suite's, `source` the kind of source (recorded in every sample's
        metadata); `importer` names the code that wrote the suite (default: the built-in
        importer of that source)."""
        self.name = name
        self.source = source
        self.importer = importer or f"fcbench.data.importers.{source} {IMPORTER_VERSION}"
        self.samples: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.categories: dict[str, dict[str, Any]] = {}
        self.files: dict[str, str] = {}
        self.source_info: dict[str, Any] = {"kind": source}
        self.notes: list[str] = []
        self._ids: set[str] = set()

    def _category(self, category: str) -> dict[str, Any]:
        return self.categories.setdefault(category, {"items": 0, "samples": {}, "skipped": {}})

    def add_file(self, label: str, path: Path) -> None:
        self.files[label] = file_checksum(path)

    def item(self, category: str) -> None:
        """Count one source item read in `category`."""
        self._category(category)["items"] += 1

    def skip(self, category: str, reason: str, n: int = 1, *, items: bool = False) -> None:
        """Count `n` skips for `reason` (with `items`, also count them as items read)."""
        if items:
            self._category(category)["items"] += n
        skipped = self._category(category)["skipped"]
        skipped[reason] = skipped.get(reason, 0) + n

    def add(self, category: str, sample: dict[str, Any]) -> None:
        if sample["id"] in self._ids:
            raise Skip(f"duplicate id {sample['id']}")
        self._ids.add(sample["id"])
        sample.setdefault("metadata", {})
        sample["metadata"] = {"source": self.source, "category": category, "split": SPLIT,
                              **sample["metadata"]}
        self.samples[sample["task"]].append(sample)
        per_task = self._category(category)["samples"]
        per_task[sample["task"]] = per_task.get(sample["task"], 0) + 1

    def add_all(self, category: str, samples: Iterable[dict[str, Any]]) -> None:
        """Add a source item's samples together: if one is refused, none is added."""
        batch = list(samples)
        ids = [s["id"] for s in batch]
        if len(set(ids)) != len(ids) or self._ids.intersection(ids):
            raise Skip("duplicate id")
        for sample in batch:
            self.add(category, sample)

    def counts(self) -> dict[str, dict[str, int]]:
        return {task: {SPLIT: len(rows)} for task, rows in sorted(self.samples.items())}

    def manifest(self) -> dict[str, Any]:
        digest = hashlib.sha256(json.dumps(self.files, sort_keys=True).encode()).hexdigest()[:12]
        return {
            "name": self.name,
            "version": self.source_info.get("version") or f"data-{digest}",
            "source": {**self.source_info, "files": dict(sorted(self.files.items()))},
            "importer": self.importer,
            "counts": self.counts(),
            "categories": {k: _sorted_category(v) for k, v in sorted(self.categories.items())},
            "notes": self.notes,
        }

    def write(self, out: Path, *, force: bool = False) -> dict[str, Any]:
        """Write the suite to `out`, validate it as ``fcbench run`` would, return the manifest.

        The files are checked before they take the place of anything (`write_suite_files`), so a
        refused or stopped import leaves an earlier suite in `out` as it was, or no runnable suite."""
        from fcbench.data.suites import MANIFEST, write_suite_files
        from fcbench.task_registry import discover_tasks

        if not self.samples:
            raise UsageError(f"no sample could be imported from this {self.source} source")
        out = Path(out)
        prepare_out(out, force=force)
        files = {f"{task}/{SPLIT}.jsonl":
                 "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in rows)
                 for task, rows in sorted(self.samples.items())}
        info = self.manifest()
        files[MANIFEST] = json.dumps(info, indent=2, ensure_ascii=False) + "\n"
        tasks = sorted(self.samples)
        write_suite_files(out, files, tasks, lambda staged: validate_suite(staged, tasks),
                          replace=tuple(discover_tasks()))
        return info


def _sorted_category(cat: dict[str, Any]) -> dict[str, Any]:
    return {"items": cat["items"], "samples": dict(sorted(cat["samples"].items())),
            "skipped": dict(sorted(cat["skipped"].items()))}


def prepare_out(out: Path, *, force: bool) -> None:
    """`out` must be new or empty; with `force`, it may hold an earlier suite (it has a
    ``suite.json``) or one whose writing was stopped, which the new one replaces once written.
    Nothing else is ever deleted."""
    from fcbench.data.suites import unfinished

    if not out.exists():
        out.mkdir(parents=True)
        return
    if not out.is_dir():
        raise UsageError(f"{out}: exists and is not a folder")
    if not any(out.iterdir()):
        return
    if not force:
        raise UsageError(f"{out}: folder exists and is not empty (use --force to replace an imported suite)")
    if not (out / "suite.json").is_file() and not unfinished(out):
        raise UsageError(f"{out}: not a suite folder (no suite.json); refusing to replace it")


def validate_suite(out: Path, tasks: list[str]) -> None:
    """Load every written file through the task plugins (schema + gold schema)."""
    from fcbench.task_registry import discover_tasks

    plugins = discover_tasks()
    for task in tasks:
        if task not in plugins:
            raise UsageError(f"importer produced samples for unknown task {task!r}")
        plugins[task].load("test", out)


def summary_line(info: dict[str, Any], out: Path) -> str:
    counts = ", ".join(f"{t} {c.get(SPLIT, 0)}" for t, c in info["counts"].items())
    skipped = sum(n for c in info["categories"].values() for n in c["skipped"].values())
    return f"wrote suite {info['name']} ({info['version']}) to {out}: {counts}; {skipped} source items skipped"
