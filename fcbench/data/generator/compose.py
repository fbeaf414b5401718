"""Drawing gold calls from the catalog and composing them into multi-call plans.

`Catalog` loads the simulated tools, drops what cannot be used (a domain
module that fails to import, a phrasing that misses a required parameter, a
sampler that never yields a working call) with one message on stderr each,
and finds the producer -> consumer links used by nested plans.

A *call* (`Call`) is one drawn request sentence with its gold accepted
values, the concrete arguments a perfect model sends, and the result of
executing them. A *plan* (`Plan`) is calls executed in order on one fresh
``World(seed)`` (state carried over) plus the joined request text. Every
builder here returns None when a draw fails (an ``{"error": ...}`` result, a
value leaking into the text...); callers simply draw again.
"""

from __future__ import annotations

import copy
import importlib
import json
import logging
import pkgutil
import random
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from fcbench.data.generator import phrasing as ph
from fcbench.data.generator.tooling import SimTool, World, catalog, run_tool
from fcbench.records import record

PROBE_DRAWS = 12


log = logging.getLogger(__name__)


def say_problem(message: str) -> None:
    log.warning("fcbench-sim: %s", message)


# ------------------------------------------------------------------ catalog
@record
class Spec:
    """A usable tool and its usable phrasings (index into ``tool.phrasings``, parsed)."""

    tool: SimTool
    templates: tuple[tuple[int, ph.Template], ...]

    @property
    def name(self) -> str:
        return self.tool.name

    @property
    def domain(self) -> str:
        return self.tool.domain

    @property
    def properties(self) -> dict[str, Any]:
        return self.tool.parameters.get("properties") or {}

    @property
    def required(self) -> list[str]:
        return list(self.tool.parameters.get("required") or [])


def _load_tools(report: Callable[[str], None]) -> dict[str, SimTool]:
    """Every tool of every domain module that imports; a broken module is reported and left out."""
    from fcbench.data.generator import domains

    broken = set()
    for info in sorted(pkgutil.iter_modules(domains.__path__), key=lambda m: m.name):
        module = f"{domains.__name__}.{info.name}"
        try:
            importlib.import_module(module)
        except Exception as exc:  # a broken domain must not take the suite down
            broken.add(module)
            report(f"skipping domain module {module}: import failed ({type(exc).__name__}: {exc})")
    try:
        tools = catalog()
    except Exception:  # catalog() re-imports the broken module once; the registry stays usable
        tools = catalog()
    return {n: t for n, t in sorted(tools.items()) if getattr(t.impl, "__module__", "") not in broken}


class Catalog:
    """The usable part of the simulated-tool catalog for one world seed."""

    def __init__(self, seed: int, report: Callable[[str], None] = say_problem):
        self.seed = seed
        self.problems: list[str] = []
        self._tables: dict[str, list[dict[str, Any]]] = {}
        self._similarity: dict[tuple[str, str], float] = {}

        def note(message: str) -> None:
            self.problems.append(message)
            report(message)

        self.specs: dict[str, Spec] = {}
        for name, tool in _load_tools(note).items():
            spec = self._check(tool, note)
            if spec is not None:
                self.specs[name] = spec
        self.names = sorted(self.specs)
        self.domains = sorted({s.domain for s in self.specs.values()})
        self.links = {(a, b): fields for a in self.names for b in self.names if a != b
                      for fields in [link_fields(self.specs[a].tool, self.specs[b].tool)] if fields}

    def _check(self, tool: SimTool, note: Callable[[str], None]) -> Spec | None:
        params = tool.parameters if isinstance(tool.parameters, dict) else {}
        if params.get("type") != "object":
            note(f"skipping tool {tool.name}: parameters are not an object schema")
            return None
        templates = []
        for i, source in enumerate(tool.phrasings):
            try:
                template = ph.parse_template(source)
                problem = ph.template_problem(template, params)
            except ValueError as exc:
                problem = str(exc)
            if problem:
                note(f"tool {tool.name}: skipping phrasing {i} ({problem}): {source!r}")
            else:
                templates.append((i, template))
        if not templates:
            note(f"skipping tool {tool.name}: no usable phrasing")
            return None
        spec = Spec(tool, tuple(templates))
        rng = random.Random(f"{self.seed}/probe/{tool.name}")
        if not any(draw_call(rng, spec, self.world()) for _ in range(PROBE_DRAWS)):
            note(f"skipping tool {tool.name}: none of {PROBE_DRAWS} sampled calls ran without error")
            return None
        return spec

    def world(self) -> World:
        """A fresh world for this seed; its tables are copies of tables built once."""
        return _CachedWorld(self.seed, self._tables)

    def similarity(self, target: SimTool, other: SimTool) -> float:
        key = (target.name, other.name)
        if key not in self._similarity:
            self._similarity[key] = similarity(target, other)
        return self._similarity[key]

    def in_domain(self, domain: str) -> list[Spec]:
        return [self.specs[n] for n in self.names if self.specs[n].domain == domain]


class _CachedWorld(World):
    """A `World` that copies its tables from a shared cache instead of rebuilding them.

    Table builders are seeded and pure, so a copy is exactly what a fresh
    ``World(seed)`` would build; copying keeps tools that edit rows in place
    from leaking state between samples. (Tests re-execute gold calls on plain
    `World`s to check this.)
    """

    def __init__(self, seed: int, cache: dict[str, list[dict[str, Any]]]):
        super().__init__(seed)
        self._cache = cache

    def table(self, name: str) -> list[dict[str, Any]]:
        if name not in self._tables:
            if name not in self._cache:
                self._cache[name] = World(self.seed).table(name)
            self._tables[name] = _copy_json(self._cache[name])
        return self._tables[name]


def _copy_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy_json(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return copy.deepcopy(value)


def json_type(schema: Any) -> Any:
    if not isinstance(schema, dict):
        return None
    t = schema.get("type")
    if t == "array":
        return ("array", json_type(schema.get("items")))
    return t


def link_fields(producer: SimTool, consumer: SimTool) -> tuple[str, ...]:
    """Parameters of `consumer` that a field of `producer`'s output can fill: same name, same
    JSON type; enums, booleans and objects are left out (a reference there reads badly)."""
    outputs = (producer.returns or {}).get("properties") or {}
    fields = []
    for p, schema in (consumer.parameters.get("properties") or {}).items():
        if p in outputs and isinstance(schema, dict) and "enum" not in schema \
                and schema.get("type") not in ("boolean", "object", None) \
                and json_type(schema) == json_type(outputs[p]):
            fields.append(p)
    return tuple(fields)


# -------------------------------------------------------------------- calls
@dataclass
class Call:
    spec: Spec
    phrasing: int
    text: str
    slot_first: bool
    gold: dict[str, list]  # parameter -> accepted values
    args: dict[str, Any]  # the concrete arguments executed (references resolved)
    result: dict[str, Any]
    linked: tuple[str, ...] = ()  # parameters given by reference

    @property
    def name(self) -> str:
        return self.spec.name

    def key(self) -> str:
        return self.name + json.dumps(self.args, sort_keys=True)


def _valid_args(spec: Spec, args: dict[str, Any]) -> bool:
    from fcbench.scoring.calls import schema_valid

    try:
        return bool(schema_valid(args, spec.tool.to_tool()))
    except Exception:
        return False


def _plain_json(value: Any) -> Any:
    return json.loads(json.dumps(value, ensure_ascii=False, allow_nan=False))


def draw_call(rng: random.Random, spec: Spec, world: World, *,
              overrides: dict[str, Any] | None = None,
              references: dict[str, tuple[str, str]] | None = None) -> Call | None:
    """Sample arguments, pick a phrasing, render it, execute it on `world`.

    `overrides` replace sampled values (a producer's output); `references`
    maps a parameter to ``(reference string, phrase)``: the phrase is written
    instead of the value and the gold accepts the reference. Returns None if
    the sampler fails, the text has a hole, the arguments break the schema or
    the call returns an error.
    """
    try:
        values = copy.deepcopy(spec.tool.sample_args(rng, world))
        if not isinstance(values, dict):
            return None
    except Exception:
        return None
    values.update(copy.deepcopy(overrides or {}))
    references = references or {}
    templates = [t for t in spec.templates if not _possessive_reference(t[1], references)] or spec.templates
    index, template = rng.choice(templates)
    rendering = ph.render(template, values, {p: r[1] for p, r in references.items()})
    if not rendering.complete or any(p not in rendering.mentioned for p in spec.required):
        return None
    gold, args = _gold_and_args(spec, values, rendering.mentioned, references)
    if gold is None or not _valid_args(spec, args):
        return None
    try:
        result = _plain_json(run_tool(world, spec.name, copy.deepcopy(args)))
    except Exception:
        return None
    if not isinstance(result, dict) or "error" in result:
        return None
    linked = tuple(p for p in references if p in rendering.mentioned)
    return Call(spec, index, rendering.text, template.starts_with_slot, gold, _plain_json(args), result, linked)


def _possessive_reference(template: ph.Template, references: dict[str, Any]) -> bool:
    """A referenced slot followed by "'s" ("{employee_id}'s leave") reads badly as a phrase."""
    return any(slot.param in references and after.startswith(("'s", "’s"))
               for slot, after in zip(template.slots, template.texts[1:]))


def _omitted(schema: Any) -> list:
    return ["", schema["default"]] if isinstance(schema, dict) and "default" in schema else [""]


def _gold_and_args(spec: Spec, values: dict[str, Any], mentioned: dict[str, Any],
                   references: dict[str, tuple[str, str]]) -> tuple[dict | None, dict]:
    gold: dict[str, list] = {}
    args: dict[str, Any] = {}
    for p, schema in spec.properties.items():
        how = mentioned.get(p)
        if how is None:
            gold[p] = _omitted(schema)
            continue
        if p not in values:
            if (schema or {}).get("type") != "boolean":
                return None, args
            values[p] = False
        if p in references:
            gold[p], args[p] = [references[p][0]], values[p]
        elif how == ph.WHOLE:
            gold[p], args[p] = [values[p]], values[p]
        else:
            obj, sub = values[p], (schema.get("properties") or {})
            if not isinstance(obj, dict):
                return None, args
            g, a = {}, {}
            for k, sub_schema in sub.items():
                if k in how and k in obj:
                    g[k], a[k] = [obj[k]], obj[k]
                else:
                    g[k] = _omitted(sub_schema)
            gold[p], args[p] = [g], a
    return _plain_json(gold), args


# -------------------------------------------------------------------- plans
@dataclass
class Plan:
    kind: str  # single | nested | chaining | parallel
    calls: list[Call]
    request: str
    order_sensitive: bool = False
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def domain(self) -> str:
        return self.calls[-1].spec.domain

    @property
    def domains(self) -> list[str]:
        return sorted({c.spec.domain for c in self.calls})

    @property
    def dependent(self) -> bool:
        return self.kind in ("nested", "chaining")


def _finish(rng: random.Random, kind: str, calls: list[Call], ordered: bool) -> Plan:
    text = ph.join_requests(rng, [(c.text, c.slot_first) for c in calls], ordered)
    return Plan(kind, calls, ph.dress(rng, text, calls[0].slot_first))


def single_plan(rng: random.Random, cat: Catalog, spec: Spec) -> Plan | None:
    call = draw_call(rng, spec, cat.world())
    return _finish(rng, "single", [call], False) if call else None


def _scalars(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _scalars(v)]
    if isinstance(value, list):
        return [s for v in value for s in _scalars(v)]
    return [ph.say(value).casefold()]


def nested_domains(cat: Catalog) -> list[str]:
    """Domains with a tool that can consume another tool's output."""
    return sorted({cat.specs[b].domain for _, b in cat.links})


def nested_plan(rng: random.Random, cat: Catalog, length: int, domain: str | None = None) -> Plan | None:
    """2-3 calls; each later call takes at least one argument from an earlier call's output.
    The second call's tool belongs to `domain` (any domain when None)."""
    if not cat.links:
        return None
    pairs = [pair for pair in sorted(cat.links) if domain is None or cat.specs[pair[1]].domain == domain]
    if not pairs:
        return None
    a, b = rng.choice(pairs)
    domain = cat.specs[b].domain
    world = cat.world()
    first = draw_call(rng, cat.specs[a], world)
    if first is None:
        return None
    calls = [first]
    consumer = b
    for _ in range(length - 1):
        producers = [i for i, c in enumerate(calls) if (c.name, consumer) in cat.links]
        if not producers:
            return None
        nxt = _linked_call(rng, cat, world, calls, rng.choice(producers), cat.specs[consumer])
        if nxt is None:
            return None
        calls.append(nxt)
        options = sorted({y for (x, y) in cat.links for c in calls if x == c.name and y != nxt.name})
        if not options:
            break
        consumer = rng.choice([y for y in options if cat.specs[y].domain == domain] or options)
    if len(calls) < 2:
        return None
    _add_echo_references(calls)
    plan = _finish(rng, "nested", calls, True)
    text = plan.request.casefold()
    for call in calls:
        for p in call.linked:
            value = call.args[p]
            if isinstance(value, str) and value.casefold() in text:
                return None  # the request must not give the referenced value away
    return plan


def _linked_call(rng: random.Random, cat: Catalog, world: World, calls: list[Call],
                 producer: int, spec: Spec) -> Call | None:
    source = calls[producer]
    said = {s for c in calls for s in _scalars(c.args) if len(s) > 1 or s.isdigit()}
    fields = [f for f in cat.links[(source.name, spec.name)]
              if f in source.result and not set(_scalars(source.result[f])) & said]
    if not fields:
        return None
    label, step = f"var{producer + 1}", producer + 1
    references = {}
    for f in fields:
        ambiguous = sum(1 for c in calls if f in c.result) > 1
        phrase = ph.reference_phrase(rng, f, step, len(calls) + 1, ambiguous)
        references[f] = (f"${label}.{f}$", phrase)
    call = draw_call(rng, spec, world, overrides={f: source.result[f] for f in fields},
                     references=references)
    if call is None or not call.linked:
        return None
    return call


def _add_echo_references(calls: list[Call]) -> None:
    """A literal argument equal to an earlier output field of the same name may also be
    given as a reference to it (e.g. nights=3 that the hotel search returned as nights)."""
    for j, call in enumerate(calls):
        for p, accepted in call.gold.items():
            if p in call.linked or p not in call.args:
                continue
            for i in range(j):
                value = call.args[p]
                if p in calls[i].result and calls[i].result[p] == value and not isinstance(value, bool):
                    ref = f"$var{i + 1}.{p}$"
                    if ref not in accepted:
                        accepted.append(ref)


def chaining_domains(cat: Catalog, mutating: bool) -> list[str]:
    domains = [d for d in cat.domains if len(cat.in_domain(d)) >= 2]
    movers = [d for d in domains if any(s.tool.mutates for s in cat.in_domain(d))]
    return movers if mutating and movers else domains


def chaining_plan(rng: random.Random, cat: Catalog, length: int, want_sensitive: bool,
                  domain: str | None = None) -> Plan | None:
    """2-4 literal calls of one domain in a stated order, preferably with a state change
    that makes the order observable (`order_sensitive`)."""
    domain = domain or rng.choice(chaining_domains(cat, want_sensitive))
    specs = cat.in_domain(domain)
    sequence = [rng.choice(specs) for _ in range(length - 1)]
    movers = [s for s in specs if s.tool.mutates]
    sequence.insert(rng.randrange(length), rng.choice(movers) if movers and want_sensitive else rng.choice(specs))
    world = cat.world()
    calls = []
    for spec in sequence:
        call = draw_call(rng, spec, world)
        if call is None:
            return None
        calls.append(call)
    if len({c.key() for c in calls}) < len(calls):
        return None
    plan = _finish(rng, "chaining", calls, True)
    plan.order_sensitive = order_matters(cat, calls)
    return plan


def order_matters(cat: Catalog, calls: list[Call]) -> bool:
    """Running the calls in reverse order changes some call's result."""
    world = cat.world()
    reversed_results = [run_tool(world, c.name, copy.deepcopy(c.args)) for c in reversed(calls)]
    return any(_plain_json(r) != c.result for r, c in zip(reversed(reversed_results), calls))


def parallel_plan(rng: random.Random, cat: Catalog, length: int, same_tool: bool,
                  sequence: list[Spec] | None = None, domain: str | None = None) -> Plan | None:
    """2-4 independent read-only calls: one tool with different arguments, or different tools
    (or exactly the tools of `sequence`). The last call's tool belongs to `domain` when given."""
    readers = [cat.specs[n] for n in cat.names if not cat.specs[n].tool.mutates]
    home = [s for s in readers if domain is None or s.domain == domain] or readers
    if sequence is not None:
        sequence = list(sequence)
    elif same_tool:
        sequence = [rng.choice(home)] * length
    else:
        pool = home if rng.random() < 0.5 and len(home) >= length else readers
        last = rng.choice(home)
        sequence = rng.sample([s for s in pool if s.name != last.name], length - 1) + [last]
    world = cat.world()
    calls = []
    for spec in sequence:
        call = draw_call(rng, spec, world)
        if call is None:
            return None
        calls.append(call)
    if len({c.key() for c in calls}) < len(calls) or len({c.text for c in calls}) < len(calls):
        return None
    return _finish(rng, "parallel", calls, False)


# --------------------------------------------------------------- libraries
_VERBS = {"get", "list", "find", "search", "set", "create", "add", "update", "delete", "remove",
          "check", "compute", "calculate", "convert", "book", "cancel", "send", "make", "show", "lookup"}
_STOP = {"a", "an", "the", "of", "for", "by", "to", "and", "or", "in", "on", "at", "with", "from",
         "its", "it", "is", "are", "be", "as", "your", "my", "e", "g", "one", "optionally", "return",
         "returns", "given", "all", "this", "that", "their", "them", "each", "per", "into", "when"}


def _tokens(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", text.lower()) if w not in _STOP}


def name_tokens(tool: SimTool) -> set[str]:
    return set(tool.name.lower().split("_")) - _STOP


def similarity(target: SimTool, other: SimTool) -> float:
    """How easily `other` could be mistaken for `target` (same domain, shared name and description words)."""
    tn, on = name_tokens(target), name_tokens(other)
    content = len((tn & on) - _VERBS)
    verbs = len(tn & on & _VERBS)
    words = len(_tokens(target.description) & _tokens(other.description))
    return 4.0 * (target.domain == other.domain) + 2.0 * content + 1.0 * verbs + 0.5 * min(words, 6)


def distractors(rng: random.Random, cat: Catalog, targets: list[SimTool], k: int,
                allowed: Callable[[Spec], bool] = lambda s: True) -> list[SimTool]:
    """`k` tools not in `targets`, drawn from the most similar ones (twice as many candidates as needed)."""
    taken = {t.name for t in targets}
    candidates = [cat.specs[n] for n in cat.names if n not in taken and allowed(cat.specs[n])]
    scored = sorted(candidates, key=lambda s: (-max(cat.similarity(t, s.tool) for t in targets), s.name))
    pool = scored[:max(2 * k, k + 2)]
    return [s.tool for s in rng.sample(pool, min(k, len(pool)))]


def unrelated_to(cat: Catalog, target: SimTool) -> Callable[[Spec], bool]:
    """Tools that cannot serve a request meant for `target`: another domain, no shared
    content word in the name, no shared specific parameter name (one used in < 3 domains)."""
    common = cat_common_params(cat)
    t_params = set(target.parameters.get("properties") or {}) - common
    t_words = name_tokens(target) - _VERBS

    def ok(spec: Spec) -> bool:
        if spec.domain == target.domain or (name_tokens(spec.tool) - _VERBS) & t_words:
            return False
        return not (set(spec.properties) & t_params)

    return ok


def cat_common_params(cat: Catalog) -> set[str]:
    by_param: dict[str, set[str]] = {}
    for s in cat.specs.values():
        for p in s.properties:
            by_param.setdefault(p, set()).add(s.domain)
    return {p for p, ds in by_param.items() if len(ds) >= 3}


def library(rng: random.Random, tools: list[SimTool]) -> list[dict[str, Any]]:
    """Deduplicated tools in a random (seeded) order, as sample dicts."""
    unique = {t.name: t for t in tools}
    order = sorted(unique)
    rng.shuffle(order)
    return [unique[n].to_tool().to_dict() for n in order]
