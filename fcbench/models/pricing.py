"""Indicative cost of a run, from token counts and a price table (USD per 1M tokens).

The built-in table (`prices.json` beside this file) lists a few well-known API
models with the date it was written; it is a rough guide, not a bill. Users
override it with backend options:

* ``prices=PATH``: a JSON file ``{"models": {name: {"input": X, "output": Y}}}`` (or the
  bare ``{name: {...}}`` mapping), merged over the built-in table;
* ``price_in=X`` and ``price_out=Y``: the prices of this run's model, whatever its name.

Names match exactly, else by the longest table name followed by ``-`` (so dated
names such as ``claude-sonnet-4-5-20250929`` or ``gpt-4o-2024-08-06`` are found).
The built-in table applies to the ``openai`` and ``anthropic`` providers only: a
local server's model has no list price, unless the user gives one. A ``--batch`` run is
estimated at the batch APIs' price (`BATCH_DISCOUNT` of the listed one).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from fcbench.errors import UsageError
from fcbench.records import record

DEFAULT_TABLE = Path(__file__).with_name("prices.json")
PRICED_PROVIDERS = frozenset({"openai", "anthropic"})
#: share of the listed price that batch APIs bill (OpenAI Batch API, Anthropic Message Batches: 50 %)
BATCH_DISCOUNT = 0.5


@record
class Price:
    """USD per 1M input (prompt) and output (completion) tokens."""

    input: float
    output: float

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        return (prompt_tokens * self.input + completion_tokens * self.output) / 1_000_000


def _read_table(path: Path) -> dict[str, Price]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"{path}: cannot read price table ({exc.strerror or exc})") from None
    except ValueError as exc:
        raise UsageError(f"{path}: price table is not JSON ({exc})") from None
    models = data.get("models", data) if isinstance(data, dict) else None
    if not isinstance(models, dict):
        raise UsageError(f"{path}: expected {{\"models\": {{name: {{\"input\": X, \"output\": Y}}}}}}")
    table = {}
    for name, entry in models.items():
        try:
            table[name] = Price(_non_negative(entry["input"]), _non_negative(entry["output"]))
        except (KeyError, TypeError, ValueError):
            raise UsageError(f"{path}: price of {name!r} needs numbers 'input' and 'output' >= 0") from None
    return table


def _non_negative(value: Any) -> float:
    number = float(value)
    if not number >= 0:
        raise ValueError(value)
    return number


@lru_cache(maxsize=1)
def default_table() -> dict[str, Price]:
    return _read_table(DEFAULT_TABLE)


def lookup(model: str, table: Mapping[str, Price]) -> Price | None:
    """The price of `model` (without provider): exact name, else the longest ``NAME-`` prefix."""
    if model in table:
        return table[model]
    prefixes = [name for name in table if model.startswith(name + "-")]
    return table[max(prefixes, key=len)] if prefixes else None


def price_for(model_name: str, overrides: Mapping[str, Any] | None = None) -> Price | None:
    """The price of ``provider/model`` under the user's overrides; None when unknown."""
    overrides = overrides or {}
    if overrides.get("price_in") is not None or overrides.get("price_out") is not None:
        try:
            return Price(_non_negative(overrides.get("price_in", 0)), _non_negative(overrides.get("price_out", 0)))
        except (TypeError, ValueError):
            raise UsageError("price_in and price_out must be numbers >= 0 (USD per 1M tokens)") from None
    provider, _, model = model_name.partition("/")
    if not model:
        provider, model = "", model_name
    table = dict(default_table()) if provider in PRICED_PROVIDERS or not provider else {}
    if overrides.get("prices"):
        table.update(_read_table(Path(str(overrides["prices"]))))
    return lookup(model, table)


def estimate_cost(model_name: str, prompt_tokens: int, completion_tokens: int,
                  overrides: Mapping[str, Any] | None = None, *, batch: bool = False) -> float | None:
    """Indicative USD cost of `prompt_tokens` in and `completion_tokens` out; None when no price is known.

    `batch`: the requests went through the provider's batch API (``--batch``), which OpenAI and
    Anthropic bill at `BATCH_DISCOUNT` of the listed prices (user overrides included).
    """
    price = price_for(model_name, overrides)
    if price is None:
        return None
    factor = BATCH_DISCOUNT if batch else 1.0
    return round(price.cost(prompt_tokens, completion_tokens) * factor, 6)
