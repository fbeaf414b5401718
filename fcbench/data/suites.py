"""Where suites live: a folder given by path, or an imported suite found by name.

``fcbench run --suite NAME|DIR`` accepts either. A value that names an existing
folder, or that looks like a path (it holds a path separator or starts with
``.`` or ``~``), is a folder. A bare name is looked up in the suites home:
``$FCBENCH_SUITES`` when set, else ``$XDG_CACHE_HOME/fcbench/suites`` (default
``~/.cache/fcbench/suites``), which is where ``fcbench data import`` writes
when no ``--out`` is given.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from fcbench.errors import UsageError
from fcbench.records import RecordError, field_of

SUITES_ENV = "FCBENCH_SUITES"


def suites_home() -> Path:
    """The folder that holds imported suites by name."""
    explicit = os.environ.get(SUITES_ENV)
    if explicit:
        return Path(explicit).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path("~/.cache").expanduser())
    return Path(cache).expanduser() / "fcbench" / "suites"


def looks_like_path(text: str) -> bool:
    return os.sep in text or "/" in text or text.startswith((".", "~"))


def resolve_suite(name_or_dir: str | Path) -> Path:
    """The suite folder meant by `name_or_dir`; `UsageError` when there is none."""
    text = str(name_or_dir)
    given = Path(text).expanduser()
    if given.is_dir():
        return unfinished_check(given)
    if looks_like_path(text):
        raise UsageError(f"{text}: no such suite folder")
    named = suites_home() / text
    if named.is_dir():
        return unfinished_check(named)
    raise UsageError(f"{text}: no such suite folder, and no imported suite of that name in {suites_home()}")


def read_suite_manifest(path: Path) -> dict[str, Any]:
    """The name and version fields of a suite's ``suite.json`` (written by ``fcbench data``)."""
    from fcbench.runlog import read_json

    data = read_json(path)
    try:
        info = {"name": field_of(data, "name", "string", default=None, nullable=True),
                "version": field_of(data, "version", "string", default=None, nullable=True),
                "seed": field_of(data, "seed", "integer", default=None, nullable=True),
                "generator_version": field_of(data, "generator_version", "string", default=None, nullable=True)}
    except RecordError as exc:
        raise UsageError(f"{path}: field {exc}") from None
    return {k: v for k, v in info.items() if v is not None}


# ---------------------------------------------------------------- writing
#: the folder inside a suite folder where `write_suite_files` builds the new suite. While it
#: exists, the suite's writing was stopped before it finished, and nothing may run on it.
STAGING = ".fcbench-writing"
MANIFEST = "suite.json"


def unfinished(folder: Path) -> bool:
    """Was a suite's writing into `folder` stopped before it finished?"""
    return (folder / STAGING).exists()


def unfinished_check(folder: Path) -> Path:
    if unfinished(folder):
        raise UsageError(f"{folder}: writing this suite was stopped before it finished; "
                         "write it again (fcbench data import ... --force, or data generate)")
    return folder


def write_suite_files(out: Path, files: Mapping[str, str], tasks: list[str],
                      validate: Callable[[Path], None] | None = None, *, replace: tuple[str, ...] = ()) -> None:
    """Write a suite so that a stop at any moment leaves no half suite that runs.

    `files` maps paths inside the suite (``TASK/test.jsonl``, ``suite.json``) to their text;
    `tasks` are the task folders among them. Everything is written into `STAGING` inside `out`,
    checked there by `validate`, then moved into place task by task and ``suite.json`` last; the
    staging folder goes only when all is in place. A process killed before that leaves the
    staging folder behind, and `resolve_suite` refuses the folder until it is written again
    (a run on some tasks of a suite would silently score fewer samples).

    An earlier suite in `out` (its ``suite.json`` and the task folders named in `replace`) is
    removed only once the new one has passed `validate`; nothing else in `out` is touched.
    """
    staging = out / STAGING
    if staging.exists():
        shutil.rmtree(staging)
    for rel, text in files.items():
        path = staging / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    if validate is not None:
        try:
            validate(staging)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)  # refused: the folder is as it was
            raise
    (out / MANIFEST).unlink(missing_ok=True)
    for task in {*replace, *tasks}:
        if (out / task).is_dir():
            shutil.rmtree(out / task)
    for task in tasks:
        os.replace(staging / task, out / task)
    loose = sorted((rel for rel in files if (staging / rel).is_file()), key=lambda rel: rel == MANIFEST)
    for rel in loose:  # files outside the task folders, the manifest last
        os.replace(staging / rel, out / rel)
    shutil.rmtree(staging)
