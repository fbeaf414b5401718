"""Wrong but well-formed answers, for the ``perturbed`` behaviour.

Calls: one argument value is changed (the slot is picked by a hash of the
sample id, then the next slots in turn) until the changed call is accepted by
no gold call of the sample and does not duplicate another call of the answer
(two calls that differ only in a flag would otherwise swap into each other).
When no argument can be made wrong, the last call is dropped, else the
function is renamed. Where no call is expected, the answer calls the first
library function.

Text: every gold fact in the answer is changed in one pass (numbers plus one,
text facts replaced), so the answer misses facts and claims numbers the tools
never gave; a fact changed in one place only may still be found elsewhere.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any, Mapping, Sequence

from fcbench.records import Tool, ToolCall


def _stable_index(key: str, n: int) -> int:
    return int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:8], 16) % n


def perturb_value(value: Any) -> Any:
    """A different value of the same JSON type."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, float):
        return value + 1.5
    if isinstance(value, str):
        flipped = value[::-1]
        return flipped if flipped.lower() != value.lower() else value + "x"
    if isinstance(value, list):
        return value[:-1] if value else ["x"]
    if isinstance(value, dict):
        if not value:
            return {"x": 1}
        first = sorted(value)[0]
        return {**value, first: perturb_value(value[first])}
    return "x"


# ------------------------------------------------------------------ gold acceptance (rough)
def gold_calls(gold: Mapping[str, Any]) -> list[dict[str, Any]]:
    """BFCL-style gold calls of a sample (``calls`` and ``next``)."""
    found = []
    for key in ("calls", "next"):
        for call in gold.get(key) or []:
            if isinstance(call, dict) and isinstance(call.get("arguments"), dict):
                found.append(call)
    return found


def _same(a: Any, b: Any) -> bool:
    return a == b and isinstance(a, bool) == isinstance(b, bool)


def gold_accepts(gold_call: Mapping[str, Any], call: ToolCall) -> bool:
    """Same name, every argument among its accepted values, every omitted one optional."""
    if gold_call.get("name") != call.name:
        return False
    accepted: Mapping[str, list] = gold_call["arguments"]
    for key, value in call.arguments.items():
        if key not in accepted or not any(_same(value, a) for a in accepted[key] if a != ""):
            return False
    return all(key in call.arguments or "" in values for key, values in accepted.items())


def _is_wrong(candidate: ToolCall, others: Sequence[ToolCall], golds: Sequence[Mapping[str, Any]]) -> bool:
    duplicate = any(o.name == candidate.name and o.arguments == candidate.arguments for o in others)
    return not duplicate and not any(gold_accepts(g, candidate) for g in golds)


def perturb_calls(calls: Sequence[ToolCall], library: Sequence[Tool], sample_id: str,
                  gold: Mapping[str, Any] | None = None) -> list[ToolCall]:
    golds = gold_calls(gold or {})
    slots = [(i, key) for i, c in enumerate(calls) for key in sorted(c.arguments)]
    start = _stable_index(sample_id, len(slots)) if slots else 0
    for k in range(len(slots)):
        i, key = slots[(start + k) % len(slots)]
        changed = dict(calls[i].arguments)
        changed[key] = perturb_value(changed[key])
        candidate = ToolCall(calls[i].name, changed, calls[i].label)
        if _is_wrong(candidate, [c for j, c in enumerate(calls) if j != i], golds):
            return [candidate if j == i else c for j, c in enumerate(calls)]
    if len(calls) > 1:
        return list(calls[:-1])
    if calls:
        return [ToolCall(calls[0].name + "_v2", dict(calls[0].arguments), calls[0].label)]
    if library:  # a call where none is expected
        return [ToolCall(library[0].name, {})]
    return [ToolCall("unknown_function", {})]


# ------------------------------------------------------------------ text
_NUMBER = re.compile(r"\d+")


def _fact_substitutions(facts: Sequence[Any]) -> dict[str, str]:
    """Lower-cased spelling of each fact -> what replaces it (numbers plus one, text unknown)."""
    subs: dict[str, str] = {}
    for fact in facts:
        value = fact.get("value") if isinstance(fact, dict) else None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            subs[str(value)] = str(value + 1)
            if isinstance(value, float) and value.is_integer():
                subs[str(int(value))] = str(int(value) + 1)
        elif isinstance(value, str) and value.strip():
            subs[value.lower()] = "(unknown)"
    return subs


def perturb_text(text: str | None, gold: Mapping[str, Any] | None = None) -> str:
    """The answer with every gold fact changed in one pass; else its first number; else unhelpful."""
    if text:
        subs = _fact_substitutions((gold or {}).get("facts") or [])
        if subs:
            spellings = "|".join(re.escape(s) for s in sorted(subs, key=len, reverse=True))
            pattern = re.compile(rf"(?<![\w.])(?:{spellings})(?![\w])", re.IGNORECASE)
            changed = pattern.sub(lambda m: subs[m.group().lower()], text)
            if changed != text:
                return changed
        if _NUMBER.search(text):
            return _NUMBER.sub(lambda m: str(int(m.group()) + 1), text, count=1)
    return "I could not find that information."
