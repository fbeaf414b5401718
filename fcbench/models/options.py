"""Reading backend options (``-M KEY=VALUE``): one checker per kind of value.

``-M`` values arrive as JSON when they parse as JSON, else as strings, so
``-M timeout=30`` is a number, ``-M timeout=abc`` a string and
``-M max_connections=[1]`` a list. Each checker accepts the sensible spellings
and turns anything else into one `UsageError` line that names the option.
"""

from __future__ import annotations

import math
from typing import Any

from fcbench.errors import UsageError

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off", "")


def _bad(name: str, value: Any, expected: str) -> UsageError:
    shown = repr(value) if not isinstance(value, str) else repr(value[:60])
    return UsageError(f"option {name}: expected {expected}, got {shown}")


def number_option(name: str, value: Any, *, minimum: float = 0.0, positive: bool = False) -> float:
    """A finite number >= `minimum` (> 0 when `positive`); numeric strings are accepted."""
    expected = "a number > 0" if positive else f"a number >= {minimum:g}"
    if isinstance(value, bool):
        raise _bad(name, value, expected)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise _bad(name, value, expected) from None
    if not math.isfinite(number) or number < minimum or (positive and number <= 0):
        raise _bad(name, value, expected)
    return number


def int_option(name: str, value: Any, *, minimum: int = 0) -> int:
    """A whole number >= `minimum` (``8``, ``"8"`` and ``8.0`` all read as 8)."""
    expected = f"a whole number >= {minimum}"
    if isinstance(value, bool):
        raise _bad(name, value, expected)
    if isinstance(value, str):
        try:
            value = float(value) if value.strip().lstrip("-").replace(".", "", 1).isdigit() else value
        except ValueError:
            pass
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or value < minimum:
        raise _bad(name, value, expected)
    return value


def flag_option(name: str, value: Any) -> bool:
    """true/false, 1/0, yes/no, on/off."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower() if isinstance(value, (str, int)) else None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _bad(name, value, "true or false")


def object_option(name: str, value: Any) -> dict[str, Any]:
    """A JSON object (``-M 'NAME={"k": 1}'``); unset is an empty one."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _bad(name, value, "a JSON object, e.g. -M '" + name + "={\"key\": 1}'")
    return value


def string_option(name: str, value: Any, choices: tuple[str, ...] | None = None) -> str:
    """A string (one of `choices` when given)."""
    if not isinstance(value, str) or (choices is not None and value not in choices):
        raise _bad(name, value, " or ".join(choices) if choices else "a string")
    return value
