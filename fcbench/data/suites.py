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
        return given
    if looks_like_path(text):
        raise UsageError(f"{text}: no such suite folder")
    named = suites_home() / text
    if named.is_dir():
        return named
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
