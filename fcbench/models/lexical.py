"""`reference/lexical`: an honest non-LLM baseline, the floor every real model should beat.

It reads no gold. It picks tools by word overlap between the user's request
and each tool's name and description (words rare in the library weigh more),
fills arguments with literals copied from the request (quoted strings, ids
like ``C107``, ISO dates, capitalised phrases, numbers, enum values) or from
earlier tool results, and answers in text by repeating tool-result values
whose keys share a word with the request. Deterministic: no randomness, no
dependence on hash order.

When several calls are chosen in one answer and a later call lacks a value
that an earlier chosen tool returns (by its ``returns`` schema), it writes a
reference ``$varN.field$`` and labels the calls, as the nested task allows.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from fcbench.models.base import Model
from fcbench.parsing import extract_calls
from fcbench.records import Message, ModelOutput, Request, Tool, ToolCall, Usage, record

STOP_WORDS = frozenset([
    "a", "an", "the", "and", "or", "but", "if", "then", "also", "plus", "of", "to", "in", "on",
    "at", "for", "from", "by", "with", "about", "as", "into", "over", "under", "is", "are", "was",
    "were", "be", "been", "being", "do", "does", "did", "done", "have", "has", "had", "i", "me",
    "my", "we", "our", "you", "your", "it", "its", "this", "that", "these", "those", "there",
    "here", "what", "which", "who", "whom", "whose", "how", "when", "where", "why", "can", "could",
    "would", "should", "will", "shall", "may", "might", "must", "please", "want", "need", "like",
    "just", "some", "any", "all", "each", "every", "get", "give", "tell", "show", "let", "know",
    "make", "sure", "now", "right", "today", "up", "out", "so", "than", "too", "very", "much",
    "many", "more", "most", "use", "using", "s"
])
CONNECTORS = frozenset({"and", "then", "also", "plus", "after", "afterwards", "next", "both"})
# Capitalised words that open a sentence without naming anything.
SENTENCE_OPENERS = STOP_WORDS | frozenset({
    "find", "look", "check", "compare", "rank", "book", "list", "search", "send", "create", "add",
    "cancel", "convert", "calculate", "set", "update", "delete", "remove", "schedule", "which",
    "ok", "okay", "hi", "hello", "thanks", "great", "fine", "yes", "no", "sure", "i'm", "i'd"})

SCORE_THRESHOLD = 1.0   # below this, no tool fits the request
SECOND_CALL_RATIO = 0.3  # an extra call needs this share of the best tool's score
MAX_CALLS = 3

_WORD = re.compile(r"[a-z0-9]+")
_QUOTED = re.compile(r'"([^"\n]{1,80})"|(?<!\w)\'([^\'\n]{1,80})\'(?!\w)')
_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?\b")
_ID = re.compile(r"\b[A-Z]{1,6}-?\d{2,}[A-Z0-9]*\b")
_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?!\w)")
_PHRASE = re.compile(r"\b[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)*")
_SENTENCE_END = re.compile(r"[.!?:;]\s*$")


def stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """Lower-cased, stemmed content words in order (stop words dropped)."""
    return [stem(w) for w in _WORD.findall(text.lower().replace("_", " ")) if w not in STOP_WORDS]


# ------------------------------------------------------------------ literals
@dataclass
class Literals:
    """Values copied from text, each consumed at most once, in order of appearance."""

    text: str
    quoted: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    numbers: list[int | float] = field(default_factory=list)

    @classmethod
    def from_text(cls, text: str, vocabulary: frozenset[str] = frozenset()) -> Literals:
        """`vocabulary`: words of the tool library; one of them opening a sentence is no name."""
        lit = cls(text)
        lit.quoted = [a or b for a, b in _QUOTED.findall(text)]
        rest = _QUOTED.sub(" ", text)
        lit.dates = _DATE.findall(rest)
        rest = _DATE.sub(" ", rest)
        lit.ids = _ID.findall(rest)
        rest = _ID.sub(" ", rest)
        lit.numbers = [float(n) if "." in n else int(n) for n in _NUMBER.findall(rest)]
        lit.phrases = _phrases(rest, vocabulary)
        return lit

    def take(self, pool: str) -> Any:
        values = getattr(self, pool)
        return values.pop(0) if values else None

    def take_number(self, integer: bool) -> int | float | None:
        for i, n in enumerate(self.numbers):
            if not integer or float(n).is_integer():
                self.numbers.pop(i)
                return int(n) if integer else n
        return None


def _plain(word: str) -> str:
    """"What's" -> "what"."""
    match = re.match(r"[a-z]+", word.lower())
    return match.group(0) if match else ""


def _phrases(text: str, vocabulary: frozenset[str]) -> list[str]:
    """Runs of capitalised words, minus the word that merely opens a sentence."""
    found = []
    for match in _PHRASE.finditer(text):
        parts = match.group(0).split()
        before = text[:match.start()]
        opener = _plain(parts[0])
        if (not before.strip() or _SENTENCE_END.search(before)) and \
                (opener in SENTENCE_OPENERS or stem(opener) in vocabulary):
            parts = parts[1:]
        while parts and parts[0].lower() in STOP_WORDS:
            parts = parts[1:]
        if parts:
            found.append(" ".join(parts))
    return found


def _string_pools(name: str, schema: dict[str, Any]) -> list[str]:
    """Which literal kinds suit a string parameter, best first (from its name and description)."""
    hint = f"{name} {schema.get('description', '')} {schema.get('format', '')}".lower()
    if "date" in hint or "day" in name:
        return ["dates", "quoted", "phrases"]
    if re.search(r"(?:^|[\s_])ids?\b|identifier|code|number", hint):
        return ["ids", "quoted", "phrases"]
    return ["quoted", "phrases", "ids", "dates"]


def _as_dict(value: Any) -> dict[str, Any]:
    """Schemas from outside may be malformed; treat anything but an object as empty."""
    return value if isinstance(value, dict) else {}


def _schema_type(schema: dict[str, Any]) -> str:
    kind = schema.get("type", "string")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    return kind if isinstance(kind, str) else "string"


def _enum_in_text(schema: dict[str, Any], text: str) -> Any:
    """The enum value that appears first in the text (whole word, any case), if any."""
    best = None
    for value in schema.get("enum") or ():
        match = re.search(rf"(?<!\w){re.escape(str(value).lower())}(?!\w)", text.lower())
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), value)
    return None if best is None else best[1]


# ------------------------------------------------------------------ filling
@dataclass
class Filler:
    """Fills a call's arguments from request literals, earlier results and earlier calls."""

    literals: Literals
    known: dict[str, Any]  # field -> latest value seen in tool results
    result_ids: list[str]  # id-like strings seen in tool results
    producers: list[tuple[str, Tool]] = field(default_factory=list)  # (label, tool) chosen so far

    def value(self, name: str, schema: dict[str, Any]) -> Any:
        if schema.get("enum"):
            return _enum_in_text(schema, self.literals.text)
        kind = _schema_type(schema)
        if kind in ("integer", "number"):
            return self.literals.take_number(kind == "integer")
        if kind == "boolean":
            return schema.get("default", False)
        if kind == "object":
            return self.fill(schema) or None
        if kind == "array":
            items = _as_dict(schema.get("items"))
            return self._array(name, {**items, "description": items.get("description")
                                      or schema.get("description", "")})
        return self._string(name, schema)

    def _string(self, name: str, schema: dict[str, Any]) -> Any:
        """Same field in an earlier result, then the best-suited request literal, then a
        reference to an earlier call of this answer, then any other literal."""
        if isinstance(self.known.get(name), str):
            return self.known[name]
        first, *others = _string_pools(name, schema)
        value = self.literals.take(first)
        if value is not None:
            return value
        for label, tool in reversed(self.producers):
            if name in _as_dict(_as_dict(tool.returns).get("properties")):
                return f"${label}.{name}$"
        if first == "ids" and self.result_ids:
            return self.result_ids[-1]
        for pool in others:
            value = self.literals.take(pool)
            if value is not None:
                return value
        return None

    def _array(self, name: str, items: dict[str, Any]) -> list[Any] | None:
        values: list[Any] = []
        while len(values) < 10:
            value = self.value(name, items) if _schema_type(items) != "array" else None
            if value is None or value in values:
                break
            values.append(value)
        return values or None

    def fill(self, schema: dict[str, Any]) -> dict[str, Any]:
        """Required parameters, plus optional ones whose enum value appears in the text."""
        properties = _as_dict(_as_dict(schema).get("properties"))
        required = [p for p in _as_dict(schema).get("required") or () if p in properties]
        optional = [p for p in properties if p not in required and _as_dict(properties[p]).get("enum")]
        arguments = {}
        for name in required + optional:
            value = self.value(name, _as_dict(properties[name]))
            if value is not None:
                arguments[name] = value
        return arguments


# ------------------------------------------------------------------ conversation
@record
class Conversation:
    request: str
    past_calls: tuple[ToolCall, ...]
    results: tuple[Any, ...]  # decoded tool results, oldest first


_PROMPT_OUTPUT = re.compile(r"Output of ([\w.\- ]+): (.*)", re.DOTALL)


def _decode(content: str | None) -> Any:
    try:
        return json.loads(content or "")
    except ValueError:
        return content


def read_conversation(messages: tuple[Message, ...]) -> Conversation:
    """The user's request, the calls made so far and their results, in either mode."""
    request, calls, results = "", [], []
    for m in messages:
        if m.role == "tool":
            results.append(_decode(m.content))
        elif m.role == "user":
            output = _PROMPT_OUTPUT.match(m.content or "")
            if output:
                results.append(_decode(output.group(2)))
            else:
                request = m.content or ""
        elif m.role == "assistant":
            calls.extend(m.tool_calls or extract_calls(m.content).calls)
    return Conversation(request, tuple(calls), tuple(results))


def _flatten(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """(key path, scalar) pairs of a JSON value, in document order."""
    if isinstance(value, dict):
        return [pair for k, v in value.items() for pair in _flatten(v, f"{prefix}.{k}" if prefix else k)]
    if isinstance(value, list):
        return [pair for v in value for pair in _flatten(v, prefix)]
    return [(prefix, value)] if value is not None else []


# ------------------------------------------------------------------ choosing
def _tool_words(tool: Tool) -> tuple[set[str], set[str]]:
    return set(words(tool.name)), set(words(tool.description))


def rank_tools(request: str, library: tuple[Tool, ...]) -> list[tuple[float, int, Tool]]:
    """(score, first position in the request, tool) for tools above threshold, best first."""
    request_words = words(request)
    vocab = {tool.name: _tool_words(tool) for tool in library}
    df: dict[str, int] = {}
    for name_words, desc_words in vocab.values():
        for w in name_words | desc_words:
            df[w] = df.get(w, 0) + 1
    ranked = []
    for tool in library:
        name_words, desc_words = vocab[tool.name]
        score, first = 0.0, len(request_words)
        for w in dict.fromkeys(request_words):
            if w in name_words or w in desc_words:
                score += (2.0 if w in name_words else 1.0) / df[w]
                first = min(first, request_words.index(w))
        if score >= SCORE_THRESHOLD:
            ranked.append((score, first, tool))
    ranked.sort(key=lambda r: (-r[0], r[2].name))
    return ranked


def _wanted_calls(request: str) -> int:
    connectors = sum(1 for w in _WORD.findall(request.lower()) if w in CONNECTORS)
    return min(MAX_CALLS, 1 + connectors)


def choose_calls(conv: Conversation, library: tuple[Tool, ...]) -> list[ToolCall]:
    ranked = rank_tools(conv.request, library)
    if not ranked:
        return []
    follow_up = bool(conv.results)
    limit = 1 if follow_up else _wanted_calls(conv.request)
    best = ranked[0][0]
    chosen = [r for r in ranked if r[0] >= best * SECOND_CALL_RATIO]
    if not follow_up:  # the best-scoring tools; a follow-up walks on past the calls already made
        chosen = chosen[:limit]
    chosen.sort(key=lambda r: (r[1], -r[0], r[2].name))  # in the order the request mentions them
    known = {k.rsplit(".", 1)[-1]: v for k, v in _flatten(list(conv.results))}
    result_ids = [v for _, v in _flatten(list(conv.results)) if isinstance(v, str) and _ID.fullmatch(v)]
    vocabulary = frozenset(w for tool in library for group in _tool_words(tool) for w in group)
    filler = Filler(Literals.from_text(conv.request, vocabulary), known, result_ids)
    made = {_call_key(c) for c in conv.past_calls}
    calls: list[ToolCall] = []
    for _, _, tool in chosen:
        call = ToolCall(tool.name, filler.fill(tool.parameters))
        if _call_key(call) in made:
            continue
        calls.append(call)
        filler.producers.append((f"var{len(calls)}", tool))
        if len(calls) == limit:
            break
    if any("$var" in json.dumps(c.arguments) for c in calls):
        calls = [ToolCall(c.name, c.arguments, f"var{i}") for i, c in enumerate(calls, start=1)]
    return calls


def _call_key(call: ToolCall) -> str:
    return call.name + json.dumps(call.arguments, sort_keys=True, default=str)


# ------------------------------------------------------------------ answering
def answer_text(conv: Conversation) -> str:
    """Repeat tool-result values whose keys share a word with the request."""
    if not conv.results:
        return "I cannot help with that using the available functions."
    request_words = set(words(conv.request))
    pairs = _flatten(list(conv.results))
    picked = [(k, v) for k, v in pairs if request_words & set(words(k))]
    if not picked:  # nothing matches: report the last result's values
        picked = _flatten(conv.results[-1])[:4]
    seen: dict[str, Any] = {}
    for key, value in picked:
        seen.setdefault(f"{key.replace('_', ' ').replace('.', ' ')}: {value}", None)
    return "Here is what I found: " + "; ".join(seen) + "." if seen else "I found no usable result."


def _count_tokens(text: str) -> int:
    return len(text.split())


class LexicalModel(Model):
    provider = "reference"
    offline = True

    async def generate(self, request: Request) -> ModelOutput:
        conv = read_conversation(request.messages)
        calls = choose_calls(conv, request.library) if request.expects == "calls" else []
        native = request.mode == "native"
        if calls:
            rendered = json.dumps([c.to_dict() for c in calls], ensure_ascii=False)
            output_text = None if native else rendered
            completion = rendered
        elif not native and request.expects == "calls" and not conv.results:
            output_text = completion = "[]"
        else:
            output_text = completion = answer_text(conv)
        prompt = " ".join(m.content or "" for m in request.messages)
        if native and request.tools:
            prompt += " " + json.dumps([t.to_dict() for t in request.tools])
        usage = Usage(_count_tokens(prompt), _count_tokens(completion))
        return ModelOutput(text=output_text, tool_calls=tuple(calls) if native else (),
                           finish_reason="tool_calls" if calls and native else "stop",
                           usage=usage, latency_s=0.0)

    def settings(self) -> dict[str, Any]:
        return {"provider": self.provider, "kind": "lexical", "threshold": SCORE_THRESHOLD,
                "max_calls": MAX_CALLS}
