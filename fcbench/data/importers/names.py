"""Source names -> names fcbench accepts (`NAME_PATTERN`), deterministic and collision-free.

Public suites name functions with spaces, colons, non-ASCII letters or more
than 64 characters (``IN:GET_WEATHER``, ``Get Weather Forecast``). `safe_name`
keeps what the pattern allows and replaces every other run of characters with
``_``; `unique_names` settles the cases where two source names would end up
the same (or too long) with a short hash of the source name, so a name only
ever depends on the source names it is computed from.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable

MAX_LENGTH = 64
_NOT_ALLOWED = re.compile(r"[^A-Za-z0-9_.-]+")


def safe_name(raw: str, *, fallback: str = "fn") -> str:
    """`raw` with disallowed characters as ``_``, starting with a letter or ``_`` (not truncated)."""
    text = _NOT_ALLOWED.sub("_", raw.strip()).strip("_") or fallback
    return text if re.match(r"[A-Za-z_]", text) else f"_{text}"


def _hashed(base: str, raw: str) -> str:
    digest = hashlib.sha256(raw.encode("utf-8")).hexdigest()[:8]
    return f"{base[: MAX_LENGTH - 9].rstrip('_')}_{digest}"


def unique_names(raws: Iterable[str], normalise: Callable[[str], str] = safe_name) -> dict[str, str]:
    """One allowed name per distinct raw name. A normalised name that is too long, or that
    two raw names share, becomes ``<prefix>_<sha256(raw)[:8]>`` for each of them."""
    by_base: dict[str, list[str]] = defaultdict(list)
    for raw in dict.fromkeys(raws):
        by_base[normalise(raw)].append(raw)
    out: dict[str, str] = {}
    for base, group in by_base.items():
        for raw in group:
            out[raw] = base if len(group) == 1 and len(base) <= MAX_LENGTH else _hashed(base, raw)
    return out
