"""Reference answers and gold facts for response_generation, built from tool results.

The reference states every short scalar of every result ("the temperature is
21.3, the humidity is 55 and the condition is sunny"). The facts are the
values an answer must contain, so they are kept to what the user asked for:
at most three per call (fields the request names first, then key fields such
as totals, statuses and dates), none from lookups whose output only fed a
later call, and never identifiers (``C107``, ``BK90002``), times of day (too
many equally right spellings), values the user already gave (echoed
arguments), booleans or long lists. A faithful, focused answer passes; an
answer need not recite every field of every result.
"""

from __future__ import annotations

import json
import re
from typing import Any

from fcbench.data.generator import phrasing as ph
from fcbench.data.generator.compose import _VERBS, Call, Plan, name_tokens

MAX_FACTS_PER_CALL = 3
MAX_FACTS = 6
_KEY_WORDS = ("total", "price", "amount", "balance", "status", "result", "name", "title", "value",
              "temperature", "condition", "distance", "duration", "score", "count")
_ID_LIKE = re.compile(r"^[A-Z]{1,5}[-_]?\d{2,}[A-Z]?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?)?$")
_TIME = re.compile(r"^\d{1,2}:\d{2}(:\d{2})?$")


def _is_id(field: str, value: Any) -> bool:
    return field == "id" or field.endswith("_id") or field.endswith("_ids") or \
        (isinstance(value, str) and bool(_ID_LIKE.match(value)))


def _echoes(value: Any, args: Any) -> bool:
    if isinstance(args, dict):
        return any(_echoes(value, v) for v in args.values())
    if isinstance(args, list):
        return any(_echoes(value, v) for v in args)
    if isinstance(value, str) and isinstance(args, str):
        return value.strip().casefold() == args.strip().casefold()
    return not isinstance(value, bool) and not isinstance(args, bool) and value == args


def fact_of(field: str, value: Any, args: dict[str, Any]) -> dict[str, Any] | None:
    """The gold fact for one output value, or None when an answer need not state it."""
    if isinstance(value, bool) or value is None or _is_id(field, value) or _echoes(value, args):
        return None
    if isinstance(value, (int, float)):
        return {"value": value, "kind": "number"}
    if isinstance(value, str):
        text = value.strip()
        if _DATE.match(text):
            return {"value": text, "kind": "date"}
        if _TIME.match(text) or not text or len(text) > 40 or len(text.split()) > 6:
            return None
        return {"value": text, "kind": "text"}
    return None


def _clause(field: str, value: Any) -> str | None:
    h = ph.humanize(field)
    if isinstance(value, bool):
        for lead in ("is_", "has_", "can_"):
            if field.startswith(lead):
                rest = ph.humanize(field[len(lead):])
                verb = lead[:-1]
                return f"it {verb} {rest}" if value else f"it {verb} not {rest}" if verb != "has" \
                    else f"it has no {rest}"
        return f"{h}: {'yes' if value else 'no'}"
    if isinstance(value, list):
        if not value:
            return f"there are no {h}"
        if all(isinstance(v, dict) for v in value):
            items = ["(" + ", ".join(f"{ph.humanize(k)} {ph.say(v)}" for k, v in item.items()
                                     if not isinstance(v, (list, dict))) + ")" for item in value[:3]]
            more = f", plus {len(value) - 3} more" if len(value) > 3 else ""
            return f"the {h} are {ph.join_words(items)}{more}"
        if len(value) > 8:
            return f"there are {len(value)} {h}"
        return f"the {h} are {ph.say(value)}"
    if isinstance(value, dict):
        inner = [c for k, v in value.items() for c in [_clause(k, v)] if c]
        return f"{h}: " + ", ".join(inner) if inner else None
    return f"the {h} is {ph.say(value)}"


def _title(call: Call, repeated: bool) -> str:
    words = call.name.split("_")
    if len(words) > 1 and words[0] in _VERBS and name_tokens(call.spec.tool) - _VERBS:
        words = words[1:]
    while len(words) > 1 and words[0] in ("to", "from", "for", "of", "by", "the", "a"):
        words = words[1:]
    title = ph.humanize("_".join(words))
    if repeated:
        first = next((v for p, v in call.args.items() if not isinstance(v, (dict, list, bool))), None)
        if first is not None:
            title += f" for {ph.say(first)}"
    return title[:1].upper() + title[1:]


def _priority(field: str, fact: dict[str, Any], request_words: set[str]) -> int:
    """Lower is more important: fields the request names, then key fields and dates,
    0/1 numbers (flags, empty counts) last."""
    if fact["kind"] == "number" and fact["value"] in (0, 1):
        return 3
    if set(field.lower().split("_")) & request_words:
        return 0
    if fact["kind"] == "date" or any(w in field for w in _KEY_WORDS):
        return 1
    return 2


def _feeds_later(plan: Plan, index: int) -> bool:
    """Call `index` is a lookup whose output a later call takes by reference (not what the user asked)."""
    marker = f"$var{index + 1}."
    return any(marker in json.dumps(c.gold) for c in plan.calls[index + 1:])


def _said_before(fact: dict[str, Any], plan: Plan) -> bool:
    """The user wrote this value in the request or it was sent as an argument: not news."""
    value = fact["value"]
    given = [{p: v for p, v in c.args.items() if p not in c.linked} for c in plan.calls]
    if isinstance(value, str) and value.casefold() in plan.request.casefold():
        return True
    return any(_echoes(value, args) for args in given)


def reference_and_facts(plan: Plan) -> tuple[str, list[dict[str, Any]]]:
    names = [c.name for c in plan.calls]
    request_words = set(re.findall(r"[a-z0-9]+", plan.request.lower()))
    sentences, facts = [], []
    for index, call in enumerate(plan.calls):
        clauses = [c for f, v in call.result.items() for c in [_clause(f, v)] if c]
        if not clauses:
            continue
        body = ph.join_words(clauses)
        if len(plan.calls) == 1:
            sentences.append(f"Here is what I found: {body}.")
        else:
            sentences.append(f"{_title(call, names.count(call.name) > 1)}: {body}.")
        found = []
        if _feeds_later(plan, index):
            continue
        for f, v in call.result.items():
            values = v if isinstance(v, list) and len(v) <= 3 and not any(isinstance(x, (dict, list)) for x in v) \
                else [v]
            for item in values:
                fact = fact_of(f, item, call.args)
                if fact and fact not in facts and fact not in [x for _, _, x in found] \
                        and not _said_before(fact, plan):
                    found.append((_priority(f, fact, request_words), len(found), fact))
        kept = sorted(sorted(found)[:MAX_FACTS_PER_CALL], key=lambda t: t[1])
        facts.extend(fact for _, _, fact in kept)
    return " ".join(sentences), facts[:MAX_FACTS]
