"""Where suites live: a folder given by path, or an imported suite found by name.

``fcbench run --suite NAME|DIR`` accepts either. A value that names an existing
folder, or that looks like a path (it holds a path separator or starts with
``.`` or ``~``), is a folder. A bare name is looked up in the suites home:
``$FCBENCH_SUITES`` when set, else ``$XDG_CACHE_HOME/fcbench/suites`` (default
``~/.cache/fcbench/suites``), which is where ``fcbench data import`` writes
when no ``--out`` is given. Standard library only.
"""

from __future__ import annotations

import os
from pathlib import Path

from fcbench.errors import UsageError

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


def available_suites() -> list[str]:
    """Names of the suites in the suites home (folders holding a ``suite.json``), sorted."""
    home = suites_home()
    if not home.is_dir():
        return []
    return sorted(p.name for p in home.iterdir() if (p / "suite.json").is_file())
