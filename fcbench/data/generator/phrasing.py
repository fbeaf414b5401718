"""Turning a tool's phrasing template plus argument values into request text.

Template syntax (see `fcbench.data.generator.tooling.SimTool`): ``{param}`` is replaced
by the value, ``{obj.field}`` reaches into an object parameter and
``{flag|text if true|text if false}`` picks a text by a boolean. Rendering
also records which parameters the text *mentions*: that decides the gold
(a mentioned parameter must be sent, an unmentioned optional one may be
omitted). A flag slot whose chosen text is empty mentions nothing.

Also here: how values read in prose, reference phrases for nested requests
("the city from step 1") and the connectors that join several requests.
"""

from __future__ import annotations

import random
import re
from typing import Any, Mapping, Sequence

from fcbench.records import record

_SLOT = re.compile(r"\{([^{}]*)\}")

#: a parameter mentioned as a whole (vs. a set of its sub-fields)
WHOLE = "*"


@record
class Slot:
    param: str
    field: str | None = None  # {obj.field}
    branches: tuple[str, str] | None = None  # {flag|true text|false text}


@record
class Template:
    """A parsed phrasing: literal text and slots, alternating (text first)."""

    source: str
    texts: tuple[str, ...]
    slots: tuple[Slot, ...]

    @property
    def starts_with_slot(self) -> bool:
        return self.texts[0] == "" and bool(self.slots)


def parse_template(source: str) -> Template:
    texts, slots, pos = [], [], 0
    for m in _SLOT.finditer(source):
        texts.append(source[pos:m.start()])
        body = m.group(1)
        if "|" in body:
            parts = body.split("|")
            if len(parts) != 3:
                raise ValueError(f"flag slot {{{body}}} needs exactly two texts")
            slots.append(Slot(parts[0].strip(), None, (parts[1], parts[2])))
        elif "." in body:
            param, field = body.split(".", 1)
            slots.append(Slot(param.strip(), field.strip()))
        else:
            slots.append(Slot(body.strip()))
        pos = m.end()
    texts.append(source[pos:])
    if "{" in "".join(texts) or "}" in "".join(texts):
        raise ValueError("unbalanced braces")
    return Template(source, tuple(texts), tuple(slots))


def template_problem(template: Template, parameters: Mapping[str, Any]) -> str | None:
    """Why a phrasing cannot be used with this parameter schema (None when it can)."""
    props = parameters.get("properties") or {}
    named = set()
    for slot in template.slots:
        if slot.param not in props:
            return f"slot {{{slot.param}}} names no parameter"
        named.add(slot.param)
        if slot.field is not None:
            sub = (props[slot.param].get("properties") or {})
            if props[slot.param].get("type") != "object" or slot.field not in sub:
                return f"slot {{{slot.param}.{slot.field}}} names no field of an object parameter"
    missing = [p for p in parameters.get("required") or [] if p not in named]
    if missing:
        return f"required parameter(s) {', '.join(missing)} not mentioned"
    for p in sorted(named):
        fields = {s.field for s in template.slots if s.param == p and s.field is not None}
        whole = any(s.field is None for s in template.slots if s.param == p)
        if fields and not whole:
            need = set(props[p].get("required") or [])
            if need - fields:
                return f"required field(s) {', '.join(sorted(need - fields))} of {p} not mentioned"
    return None


# ------------------------------------------------------------------ values
def say(value: Any) -> str:
    """A JSON value as it reads in a sentence (lists as "a, b and c")."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        items = [say(v) for v in value]
        if value and all(isinstance(v, dict) for v in value):
            items = [f"({i})" for i in items]
        return join_words(items)
    if isinstance(value, dict):
        return ", ".join(f"{humanize(k)} {say(v)}" for k, v in value.items())
    return "none" if value is None else str(value)


def join_words(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


_WORDS = {"lat": "latitude", "lon": "longitude", "lng": "longitude", "qty": "quantity",
          "dob": "date of birth", "num": "number", "pct": "percentage", "id": "ID"}


def humanize(name: str) -> str:
    """``city_id`` -> ``city ID``; ``lat`` -> ``latitude``."""
    return " ".join(_WORDS.get(w, w) for w in name.split("_") if w)


@record
class Rendering:
    text: str
    #: param -> WHOLE, or a tuple of the sub-fields mentioned
    mentioned: dict[str, Any]
    #: every slot produced non-empty text (an empty value would leave a hole)
    complete: bool


def render(template: Template, values: Mapping[str, Any],
           references: Mapping[str, str] | None = None) -> Rendering:
    """Fill the template. `references` maps a parameter to the phrase that replaces its value.

    Around a reference phrase the template's own wording is trimmed so the sentence
    still reads: the noun written before the slot ("for item {product_id}"), quotes
    around it, and a unit or count word after it ("{nights} nights") go; a unit slot
    right after it reads "(in meters)" instead of a bare "meters".
    """
    references = references or {}
    out = [template.texts[0]]
    mentioned: dict[str, Any] = {}
    complete = True
    after_reference = False
    for slot, after in zip(template.slots, template.texts[1:]):
        follows_reference = after_reference and not out[-1].strip()
        after_reference = False
        if slot.branches is not None:
            piece = slot.branches[0] if values.get(slot.param) else slot.branches[1]
            if piece.strip():
                mentioned[slot.param] = WHOLE
        elif slot.param in references:
            piece = references[slot.param]
            out[-1] = _drop_noun_before(out[-1], slot.param)
            if out[-1].endswith('"') and after.startswith('"'):
                out[-1], after = out[-1][:-1], after[1:]
            after = _drop_word_after(after, slot.param)
            mentioned[slot.param] = WHOLE
            after_reference = True
        elif slot.field is not None:
            obj = values.get(slot.param)
            value = obj.get(slot.field) if isinstance(obj, dict) else None
            piece = say(value) if value is not None else ""
            complete &= bool(piece.strip())
            prev = mentioned.get(slot.param, ())
            if prev != WHOLE:
                mentioned[slot.param] = tuple(sorted(set(prev) | {slot.field}))
        else:
            value = values.get(slot.param)
            piece = say(value) if value is not None else ""
            complete &= bool(piece.strip())
            mentioned[slot.param] = WHOLE
            if follows_reference and piece and slot.param.endswith(_UNIT_PARAMS):
                piece = f"(in {piece})"  # "the value from step 1 (in meters) to centimeters"
        out.append(piece)
        out.append(after)
    return Rendering(tidy("".join(out)), mentioned, complete)


#: parameters whose value names a unit: after a reference phrase they read "(in ...)"
_UNIT_PARAMS = ("unit", "currency")

#: nouns a template may write before a value ("for item {product_id}", "drop booking {booking_id}");
#: a reference phrase names its own thing, so these go
_NOUNS_BEFORE = {
    "amount", "booking", "city", "confirmation", "contact", "coordinates", "date", "device", "dinner",
    "employee", "event", "exercise", "flight", "game", "hotel", "id", "item", "latitude", "leave",
    "longitude", "manager", "match", "medication", "number", "order", "place", "player", "product",
    "recipe", "request", "reservation", "restaurant", "shipment", "symbol", "table", "team",
    "thermostat", "time-off", "trade", "value"}
#: such nouns that also work as the verb opening a sentence ("Email {email} ...", "Order ...")
_VERBS_FIRST = {"email", "text", "message", "book", "order", "record", "table", "date"}
_DETERMINER_END = re.compile(r"(?:^|(?<=\s))(?:my|the|your|our|a|an|this)\s+$", re.IGNORECASE)


def _drop_noun_before(text: str, param: str) -> str:
    """"in city " + "that city" -> "in that city": drop the noun(s) and determiner written before the slot.

    Drops the parameter's own noun ("city ID", "city") or up to three words from
    `_NOUNS_BEFORE` ("order confirmation", "table booking"), then a determiner.
    A word that opens the sentence stays when it may be the verb ("Email {email}").
    """
    nouns = [humanize(param)]
    for suffix in ("_id", "_number", "_code", "_name"):
        if param.endswith(suffix) and len(param) > len(suffix):
            nouns.append(humanize(param[:-len(suffix)]))
    for noun in nouns:
        m = re.search(rf"(?:^|\s)({re.escape(noun)}(?:\s*[:=])?\s+)$", text, re.IGNORECASE)
        if m:
            if text[:m.start(1)].strip() or noun.casefold() not in _VERBS_FIRST:
                text = text[:m.start(1)]
            break
    else:
        for _ in range(3):
            m = re.search(r"(?:^|\s)([A-Za-z-]+\s+)$", text)
            if not m or m.group(1).strip().casefold() not in _NOUNS_BEFORE:
                break
            if not text[:m.start(1)].strip() and m.group(1).strip().casefold() in _VERBS_FIRST:
                break
            text = text[:m.start(1)]
    # "my " + "the order from step 1": a determiner before the phrase goes too
    return _DETERMINER_END.sub("", text)


#: words a template writes after a count or measure; the reference phrase already says them
_WORDS_AFTER = ("%", "percent", "degrees", "°C", "Celsius", "minutes", "min", "portions", "people")


def _drop_word_after(text: str, param: str) -> str:
    """" nights under" after "the same number of nights as in step 1" -> " under"."""
    words = sorted({humanize(param), _REFERENCE_NOUNS.get(param, humanize(param)), *_WORDS_AFTER},
                   key=lambda w: (-len(w), w))
    pattern = "|".join(re.escape(w) for w in words)
    return re.sub(rf"^\s*(?:{pattern})(?=\W|$)", "", text, flags=re.IGNORECASE)


def tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s+([,.;:?!])", r"\1", text)
    return text[:1].upper() + text[1:]


def lower_first(sentence: str, starts_with_slot: bool = False) -> str:
    """Lower-case the first word so the sentence can follow a connector ("Then, find ...")."""
    if starts_with_slot:
        return sentence
    word = sentence.split(" ", 1)[0]
    core = re.sub(r"[^A-Za-z']", "", word)
    if len(core) > 1 and core[0].isupper() and core[1:].islower() and not core.startswith("I'"):
        return sentence[0].lower() + sentence[1:]
    return sentence


# ------------------------------------------------------------ references
_ORDINALS = ["first", "second", "third", "fourth"]

#: how a reference names a field when its humanized name reads badly in a sentence
_REFERENCE_NOUNS = {"email": "email address", "phone": "phone number", "target_temp": "target temperature",
                    "duration_minutes": "minutes", "start_time": "start time"}
#: fields that count something: "the same number of nights as in step 1"
_COUNTS = {"nights", "servings", "shares", "duration_minutes"}


def reference_phrase(rng: random.Random, field: str, step: int, consumer_step: int,
                     ambiguous: bool) -> str:
    """How the request names an output of an earlier step (1-based `step`).

    An id names its thing ("the team from step 1", "that team"), a count says
    "the same number of nights as in step 1", anything else its field name
    ("the latitude from the first step"). `ambiguous` (another step returned a
    field of that name too) keeps to phrases that say the step.
    """
    ordinal = _ORDINALS[step - 1]
    adjacent = step == consumer_step - 1
    noun = _REFERENCE_NOUNS.get(field, humanize(field))
    thing = next((humanize(field[:-len(suffix)]) for suffix in ("_id", "_number")
                  if field.endswith(suffix) and len(field) > len(suffix)), None)
    if field in _COUNTS or field == "quantity":
        what = "quantity" if field == "quantity" else f"number of {noun}"
        explicit = [f"the same {what} as in step {step}", f"the same {what} as in the {ordinal} step"]
        loose = [f"the same {what} as before"] if adjacent else []
    elif thing:
        explicit = [f"the {thing} from step {step}", f"the {thing} from the {ordinal} step",
                    f"the {thing} you found in step {step}", f"the {thing} returned by the {ordinal} request"]
        loose = [f"the {thing} you find"]
        if adjacent:
            loose += [f"the {thing} from that result"] + [f"that {thing}"] * 2
    else:
        explicit = [f"the {noun} from step {step}", f"the {noun} from the {ordinal} step",
                    f"the {noun} you got in step {step}", f"the {noun} returned by the {ordinal} request"]
        loose = [f"the {noun} you get", f"the resulting {noun}"]
        if adjacent:
            loose += [f"the {noun} from that result", f"the {noun} it gives back"]
    return rng.choice(explicit if ambiguous else explicit + loose)


# ------------------------------------------------------------ connectors
_SEQUENCES = [
    ("First, {}", "Then, {}", "After that, {}", "Finally, {}"),
    ("Step 1: {}", "Step 2: {}", "Step 3: {}", "Step 4: {}"),
    ("{}", "Once that's done, {}", "Next, {}", "Lastly, {}"),
    ("Please do this in order. First, {}", "Second, {}", "Third, {}", "Last, {}"),
    ("Start with this: {}", "When you have that, {}", "Then, {}", "And to finish, {}"),
]
_TOGETHER = [
    ("{}", "Also, {}", "Also, {}", "And {}"),
    ("{}", "In addition, {}", "Plus, {}", "One more: {}"),
    ("A few things. {}", "{}", "{}", "{}"),
    ("{}", "And also: {}", "And also: {}", "And also: {}"),
    ("Can you help with several things? {}", "Additionally, {}", "Additionally, {}", "Finally, {}"),
]
#: connector openings that already greet or frame the request (no extra prefix before them)
_LEADS = ("Please do this", "Start with", "Step 1", "A few things", "Can you help")
_PREFIXES = [("Hi! ", False), ("Hello, ", True), ("Quick question: ", False), ("Hey there. ", False),
             ("When you get a chance, ", True), ("If you can, ", True), ("Good morning! ", False),
             ("I need some help. ", False), ("Before I forget: ", False)]
_SUFFIXES = [" Thanks!", " Thank you.", " Thanks a lot.", " Cheers."]


def _connect(pattern: str, sentence: str, starts_with_slot: bool) -> str:
    if pattern == "{}" or pattern.endswith(". {}") or pattern.endswith("? {}"):
        return pattern.format(sentence)
    if pattern.endswith(": {}"):
        return pattern.format(sentence)
    return pattern.format(lower_first(sentence, starts_with_slot))


def join_requests(rng: random.Random, sentences: Sequence[tuple[str, bool]], ordered: bool) -> str:
    """Join rendered sentences ``(text, starts_with_slot)``; `ordered` states the order."""
    n = len(sentences)
    if n == 1:
        return sentences[0][0]
    table = rng.choice(_SEQUENCES if ordered else _TOGETHER)
    numbered = table[0].startswith("Step 1")
    parts = []
    for i, (text, slot_first) in enumerate(sentences):
        if ordered and not numbered and i == n - 1:
            pattern = table[1] if n == 2 else table[3]
        else:
            pattern = table[i]
        parts.append(_connect(pattern, text, slot_first))
    return " ".join(parts)


def dress(rng: random.Random, request: str, starts_with_slot: bool = False) -> str:
    """Sometimes add a greeting or context before the request, and thanks after it."""
    r = rng.random()
    if r < 0.3 and not request.startswith(_LEADS):
        prefix, lowers = rng.choice(_PREFIXES)
        request = prefix + (lower_first(request, starts_with_slot) if lowers else request)
    if rng.random() < 0.15:
        request += rng.choice(_SUFFIXES)
    return request
