"""Argument types for the CLI: one checker per kind of value, each a one-line error.

argparse calls these on the raw text; an `argparse.ArgumentTypeError` becomes
``fcbench: error: argument --X: <message>`` and exit code 2.
"""

from __future__ import annotations

import argparse
import json
import math
from typing import Any


def _number(text: str, expected: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
    return value


def _whole(text: str, expected: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}") from None


def _within(value: float, text: str, expected: str, low: float, high: float | None = None,
            open_low: bool = False) -> None:
    if value < low or (open_low and value == low) or (high is not None and value >= high):
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")


def positive_int(text: str) -> int:
    value = _whole(text, "a positive integer")
    _within(value, text, "a positive integer", 1)
    return value


def non_negative_int(text: str) -> int:
    value = _whole(text, "an integer >= 0")
    _within(value, text, "an integer >= 0", 0)
    return value


def integer(text: str) -> int:
    return _whole(text, "an integer")


def non_negative_float(text: str) -> float:
    value = _number(text, "a number >= 0")
    _within(value, text, "a number >= 0", 0)
    return value


def probability(text: str) -> float:
    """A number strictly between 0 and 1 (a significance level)."""
    value = _number(text, "a number between 0 and 1")
    _within(value, text, "a number between 0 and 1", 0, 1, open_low=True)
    return value


def model_arg(text: str) -> tuple[str, Any]:
    """``-M KEY=VALUE``: the value is JSON when it parses as JSON, else the text itself."""
    key, sep, raw = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):
        value = raw
    return key.replace("-", "_"), value


def task_list(text: str) -> list[str] | None:
    """``--tasks``: ``all`` (None: every task) or a comma-separated list of names."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    if text.strip() == "all":
        return None
    if not names:
        raise argparse.ArgumentTypeError(f"expected 'all' or a comma-separated list of tasks, got {text!r}")
    return names


def shard(text: str) -> Any:
    """``--shard I/N``: shard I of N, 0 <= I < N."""
    from fcbench.running.shards import Shard

    try:
        return Shard.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
