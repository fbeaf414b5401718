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
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable

from fcbench.data.importers import glaive, xlam
from fcbench.data.importers.common import Skip, SuiteBuilder, read_json_or_jsonl
from fcbench.errors import UsageError


def _xlam_row(row: dict[str, Any], index: int, prefix: str) -> tuple[list[dict[str, Any]], list[str]]:
    return xlam.samples_for_row(row, index, prefix), []


#: name -> (required columns, row converter returning (samples, skipped-turn reasons))
MAPPINGS: dict[str, tuple[tuple[str, ...], Callable]] = {
    "xlam": (xlam.COLUMNS, _xlam_row),
    "glaive": (glaive.COLUMNS, glaive.samples_for_row),
}
LOCAL_BUILDERS = {".json": "json", ".jsonl": "json", ".parquet": "parquet", ".csv": "csv"}


@contextmanager
def quiet_datasets():
    """`datasets` logs a load that fails on stderr before raising it (pyarrow's reason among
    others): silenced here, the reason goes into the one error line instead (`load_error`)."""
    from datasets.utils import logging as datasets_logging

    level = datasets_logging.get_verbosity()
    datasets_logging.set_verbosity(datasets_logging.CRITICAL + 10)
    try:
        yield
    finally:
        datasets_logging.set_verbosity(level)


def load_error(exc: BaseException) -> str:
    """`exc` and its causes (datasets wraps pyarrow's reason), as one line of at most 300 characters."""
    chain: list[BaseException] = []
    while exc is not None and exc not in chain and len(chain) < 4:
        chain.append(exc)
        exc = exc.__cause__ or exc.__context__
    text = ": ".join(f"{type(e).__name__}: {e}" for e in chain)
    return " ".join(text.split())[:300]


def check_rows_file(path: Path) -> None:
    """A local JSON or JSON Lines file must hold rows (objects) before `datasets` reads it: on some
    files that do not (one holding `null`) it ends the process (a segmentation fault in pyarrow)."""
    try:
        whole = json.loads(path.read_bytes())
    except (ValueError, RecursionError):  # JSON Lines, or no JSON at all (one line from the reader)
        items = read_json_or_jsonl(path)
    else:
        if not isinstance(whole, (dict, list)):
            raise UsageError(f"{path}: not dataset rows (the file holds one JSON "
                             f"{'null' if whole is None else type(whole).__name__}, not objects)")
        items = [whole] if isinstance(whole, dict) else whole
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise UsageError(f"{path}: row {index} is not a JSON object")


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
            if builder == "json":
                check_rows_file(path)
            with quiet_datasets():
                rows = datasets.load_dataset(builder, data_files={split: str(path)}, split=split)
        elif path.is_dir() or dataset_id.startswith((".", "/", "~")):
            if not path.is_dir():
                raise UsageError(f"{dataset_id}: no such file or folder")
            info["dataset"] = path.name
            with quiet_datasets():
                rows = datasets.load_dataset(str(path), split=split)
        else:
            with quiet_datasets():
                rows = datasets.load_dataset(dataset_id, split=split)
    except UsageError:
        raise
    except Exception as exc:  # noqa: BLE001 - datasets raises many kinds; the user gets one line
        raise UsageError(f"cannot load {dataset_id} (split {split}): {load_error(exc)}") from None
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
