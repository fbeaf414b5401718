"""Import Hugging Face datasets through ``datasets.load_dataset`` with a named column mapping.

``DATASET_ID`` is a hub id (``Salesforce/xlam-function-calling-60k``) or a
local file or folder (JSON, JSON Lines, Parquet, CSV), which is read with the
matching ``datasets`` builder, so tests and air-gapped users need no hub.
Mappings (``MAPPINGS``): ``xlam`` (see `fcbench.data.importers.xlam`) and
``glaive`` (see `fcbench.data.importers.glaive`).
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any, Callable

from fcbench.data.importers import glaive, xlam
from fcbench.data.importers.common import Skip, SuiteBuilder
from fcbench.errors import UsageError


def _xlam_row(row: dict[str, Any], index: int, prefix: str) -> tuple[list[dict[str, Any]], list[str]]:
    return xlam.samples_for_row(row, index, prefix), []


#: name -> (required columns, row converter returning (samples, skipped-turn reasons))
MAPPINGS: dict[str, tuple[tuple[str, ...], Callable]] = {
    "xlam": (xlam.COLUMNS, _xlam_row),
    "glaive": (glaive.COLUMNS, glaive.samples_for_row),
}
LOCAL_BUILDERS = {".json": "json", ".jsonl": "json", ".parquet": "parquet", ".csv": "csv"}


def check_mapping(name: str) -> None:
    if name not in MAPPINGS:
        raise UsageError(f"unknown mapping {name!r}; known mappings: {', '.join(sorted(MAPPINGS))}")


def load_rows(dataset_id: str, split: str) -> tuple[Any, dict[str, Any]]:
    """The dataset split (an iterable of row dicts) and what to record about its origin."""
    try:
        import datasets
    except ImportError:
        raise UsageError("the Hugging Face importer needs the 'datasets' package "
                         "(pip install 'fcbench[hf]')") from None
    try:
        datasets.disable_progress_bars()
    except AttributeError:  # older datasets
        pass
    path = Path(dataset_id).expanduser()
    info: dict[str, Any] = {"dataset": dataset_id, "split": split, "datasets_version": datasets.__version__}
    try:
        if path.is_file():
            builder = LOCAL_BUILDERS.get(path.suffix.lower())
            if builder is None:
                raise UsageError(f"{path}: unsupported file type (use {', '.join(sorted(LOCAL_BUILDERS))})")
            info["dataset"] = path.name
            rows = datasets.load_dataset(builder, data_files={split: str(path)}, split=split)
        elif path.is_dir() or dataset_id.startswith((".", "/", "~")):
            if not path.is_dir():
                raise UsageError(f"{dataset_id}: no such file or folder")
            info["dataset"] = path.name
            rows = datasets.load_dataset(str(path), split=split)
        else:
            rows = datasets.load_dataset(dataset_id, split=split)
    except UsageError:
        raise
    except Exception as exc:  # noqa: BLE001 - datasets raises many kinds; the user gets one line
        message = " ".join(str(exc).split())[:300]
        raise UsageError(f"cannot load {dataset_id} (split {split}): {type(exc).__name__}: {message}") from None
    return rows, info


def default_name(dataset_id: str, mapping: str) -> str:
    stem = Path(dataset_id).stem if Path(dataset_id).suffix else dataset_id.rstrip("/").split("/")[-1]
    return f"hf-{re.sub(r'[^A-Za-z0-9_.-]+', '-', stem).strip('-') or mapping}"


def import_hf(builder: SuiteBuilder, rows: Any, mapping: str, *, limit: int | None = None) -> None:
    columns, convert = MAPPINGS[mapping]
    available = set(getattr(rows, "column_names", None) or [])
    missing = [c for c in columns if c not in available]
    if missing:
        raise UsageError(f"the dataset has no column {', '.join(missing)} needed by mapping {mapping!r} "
                         f"(columns: {', '.join(sorted(available)) or 'none'})")
    digest = hashlib.sha256()
    prefix = mapping
    for index, row in enumerate(rows):
        if limit is not None and index >= limit:
            break
        digest.update(json.dumps(row, sort_keys=True, default=str).encode() + b"\n")
        builder.item(mapping)
        try:
            samples, skipped = convert(row, index, prefix)
            builder.add_all(mapping, samples)
        except Skip as why:
            builder.skip(mapping, str(why))
            continue
        for reason in skipped:
            builder.skip(mapping, f"turn: {reason}")
    builder.files["rows"] = "sha256:" + digest.hexdigest()
