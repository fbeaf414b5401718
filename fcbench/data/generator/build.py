"""The deterministic generator of the built-in suite (fcbench-sim).

``generate_suite(seed)`` turns the simulated-tool catalog into samples for the
seven sub-tasks; ``write_suite(out_dir, seed)`` writes them as JSONL. Same
seed, same bytes: every random choice comes from a ``random.Random`` seeded
with a string (``"<seed>/<task>/<split>"``), the catalog is walked in sorted
order, and the world tables are seeded with the same seed (so a new seed
changes the values in the tables too).

Test and dev use different random streams, and a dev sample whose request
text occurs in the test split is drawn again, so the splits share no request.
How each task's samples are built is described in ``tasks/README.md``.

    python -m fcbench.data.generator --seed 1 --out /tmp/suite          # suite layout
    python -m fcbench.data.generator --seed 1 --out tasks --builtin     # tasks/<task>/data/
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any, Callable

from fcbench.data.generator import compose as cp
from fcbench.data.generator.answers import reference_and_facts
from fcbench.data.suites import MANIFEST, write_suite_files

DEFAULT_SEED = 1
TEST_PER_TASK = 260
DEV_PER_TASK = 40
GENERATOR_VERSION = "1.0"
SUITE_NAME = "fcbench-sim"
TASKS = ("nested", "chaining", "parallel", "name_detection", "parameter_value", "next_best",
         "response_generation")
MAX_ATTEMPTS = 400

NO_FIT_SHARE = 0.2  # name_detection samples whose library has no fitting tool
TWO_TOOL_SHARE = 0.15  # name_detection samples that need two tools
STOP_SHARE = 0.22  # next_best samples where every call was made


# ------------------------------------------------------------------ helpers
def _weighted(rng: random.Random, options: list[tuple[Any, float]]) -> Any:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def _quota(rng: random.Random, n: int, shares: list[tuple[str, float]]) -> list[str]:
    """`n` kinds with exact shares (rounded), in a random order."""
    kinds: list[str] = []
    for kind, share in shares[1:]:
        kinds += [kind] * round(n * share)
    kinds += [shares[0][0]] * (n - len(kinds))
    rng.shuffle(kinds)
    return kinds


class _ToolCycle:
    """Hands out tools in shuffled rounds so every tool is used about equally."""

    def __init__(self, rng: random.Random, specs: list[cp.Spec]):
        self.rng, self.specs, self.queue = rng, specs, []

    def next(self) -> cp.Spec:
        if not self.queue:
            self.queue = list(self.specs)
            self.rng.shuffle(self.queue)
        return self.queue.pop()


def _retry(make: Callable[[], Any], what: str) -> Any:
    for _ in range(MAX_ATTEMPTS):
        out = make()
        if out is not None:
            return out
    raise RuntimeError(f"could not draw a {what} in {MAX_ATTEMPTS} attempts")


def gold_call(call: cp.Call, label: str | None = None) -> dict[str, Any]:
    d: dict[str, Any] = {"name": call.name, "arguments": call.gold}
    if label:
        d["label"] = label
    return d


def concrete_gold_call(call: cp.Call) -> dict[str, Any]:
    """The gold call with references replaced by the values they resolved to (next_best)."""
    args = {}
    for p, accepted in call.gold.items():
        if p in call.linked:
            args[p] = [call.args[p]]
        else:
            args[p] = [a for a in accepted if not (isinstance(a, str) and a.startswith("$") and a.endswith("$"))]
    return {"name": call.name, "arguments": args}


def call_messages(calls: list[cp.Call], start: int = 1, together: bool = False) -> list[dict[str, Any]]:
    """Assistant turns with the calls (concrete arguments, ids call_1...) and the tool results."""
    msgs: list[dict[str, Any]] = []
    ids = [f"call_{start + i}" for i in range(len(calls))]
    groups = [list(zip(ids, calls))] if together else [[pair] for pair in zip(ids, calls)]
    for group in groups:
        msgs.append({"role": "assistant", "content": None,
                     "tool_calls": [{"name": c.name, "arguments": c.args, "id": i} for i, c in group]})
        for i, c in group:
            msgs.append({"role": "tool", "content": json.dumps(c.result, ensure_ascii=False),
                         "tool_call_id": i, "name": c.name})
    return [{k: v for k, v in m.items() if v is not None} for m in msgs]


def user(text: str) -> dict[str, Any]:
    return {"role": "user", "content": text}


def param_features(call: cp.Call) -> list[str]:
    """Which kinds of argument the call exercises (for parameter_value coverage)."""
    kinds = set()
    for p, schema in call.spec.properties.items():
        accepted = call.gold.get(p, [""])
        if "" in accepted:
            kinds.add("omitted")
            continue
        t = schema.get("type")
        if "enum" in schema:
            kinds.add("enum")
        kinds.add({"boolean": "boolean", "array": "array", "object": "object",
                   "number": "number", "integer": "number"}.get(t, "string"))
    return sorted(kinds)


# -------------------------------------------------------------- task makers
# Each maker returns (plan, messages, tools, gold, extra metadata) or None.
Made = tuple[cp.Plan, list, list, dict, dict]


def _nested_plan(rng: random.Random, cat: cp.Catalog) -> cp.Plan:
    length = _weighted(rng, [(2, 0.65), (3, 0.35)])
    domain = rng.choice(cp.nested_domains(cat))
    for _ in range(MAX_ATTEMPTS // 4):  # stay in the drawn domain so domains stay balanced
        plan = cp.nested_plan(rng, cat, length, domain)
        if plan is not None:
            return plan
    return _retry(lambda: cp.nested_plan(rng, cat, length), "nested plan")


def _chaining_plan(rng: random.Random, cat: cp.Catalog) -> cp.Plan:
    length = _weighted(rng, [(2, 0.4), (3, 0.35), (4, 0.25)])
    if rng.random() < 0.8:
        domain = rng.choice(cp.chaining_domains(cat, True))
        for _ in range(60):
            plan = cp.chaining_plan(rng, cat, length, True, domain)
            if plan is not None and plan.order_sensitive:
                return plan
    domain = rng.choice(cp.chaining_domains(cat, False))
    for _ in range(MAX_ATTEMPTS // 4):
        plan = cp.chaining_plan(rng, cat, length, False, domain)
        if plan is not None:
            return plan
    return _retry(lambda: cp.chaining_plan(rng, cat, length, False), "chaining plan")


def _parallel_plan(rng: random.Random, cat: cp.Catalog) -> cp.Plan:
    length = _weighted(rng, [(2, 0.45), (3, 0.35), (4, 0.2)])
    same = rng.random() < 0.35
    domain = rng.choice(cat.domains)
    for _ in range(MAX_ATTEMPTS // 4):
        plan = cp.parallel_plan(rng, cat, length, same, domain=domain)
        if plan is not None:
            return plan
    return _retry(lambda: cp.parallel_plan(rng, cat, length, same), "parallel plan")


def make_nested(rng, cat, kind, cycle) -> Made:
    plan = _nested_plan(rng, cat)
    tools = [c.spec.tool for c in plan.calls]
    lib = cp.library(rng, tools + cp.distractors(rng, cat, tools, rng.randint(1, 3)))
    gold = {"calls": [gold_call(c, f"var{i + 1}") for i, c in enumerate(plan.calls)],
            "result": plan.calls[-1].result}
    return plan, [user(plan.request)], lib, gold, {}


def make_chaining(rng, cat, kind, cycle) -> Made:
    plan = _chaining_plan(rng, cat)
    tools = [c.spec.tool for c in plan.calls]
    lib = cp.library(rng, tools + cp.distractors(rng, cat, tools, rng.randint(1, 3)))
    gold = {"calls": [gold_call(c) for c in plan.calls], "result": plan.calls[-1].result}
    return plan, [user(plan.request)], lib, gold, {"order_sensitive": plan.order_sensitive}


def make_parallel(rng, cat, kind, cycle) -> Made:
    plan = _parallel_plan(rng, cat)
    tools = [c.spec.tool for c in plan.calls]
    lib = cp.library(rng, tools + cp.distractors(rng, cat, tools, rng.randint(1, 3)))
    return plan, [user(plan.request)], lib, {"calls": [gold_call(c) for c in plan.calls]}, {}


def make_name_detection(rng, cat, kind, cycle) -> Made | None:
    target = cycle.next()
    size = rng.randint(4, 8)
    if kind == "two":
        partners = [s for s in cat.specs.values() if s.name != target.name and not s.tool.mutates
                    and (s.domain == target.domain or rng.random() < 0.3)]
        if not partners:
            return None
        partner = rng.choice(sorted(partners, key=lambda s: s.name))
        plan = cp.parallel_plan(rng, cat, 2, False, sequence=[target, partner])
    else:
        plan = cp.single_plan(rng, cat, target)
    if plan is None:
        return None
    tools = [c.spec.tool for c in plan.calls]
    if kind == "nofit":
        others = cp.distractors(rng, cat, tools, size, allowed=cp.unrelated_to(cat, target.tool))
        if len(others) < 4:
            return None
        lib, names = cp.library(rng, others), []
    else:
        lib = cp.library(rng, tools + cp.distractors(rng, cat, tools, size - len(tools)))
        names = sorted({t.name for t in tools})
    return plan, [user(plan.request)], lib, {"names": names}, {"no_fit": kind == "nofit"}


def make_parameter_value(rng, cat, kind, cycle) -> Made | None:
    spec = cycle.next()
    plan = cp.single_plan(rng, cat, spec)
    if plan is None:
        return None
    others = cp.distractors(rng, cat, [spec.tool], rng.randint(0, 2),
                            allowed=lambda s: s.domain != spec.domain)
    lib = cp.library(rng, [spec.tool] + others)
    call = plan.calls[0]
    return plan, [user(plan.request)], lib, {"calls": [gold_call(call)]}, \
        {"features": param_features(call)}


def make_next_best(rng, cat, kind, cycle) -> Made:
    source = _weighted(rng, [("nested", 0.35), ("chaining", 0.35), ("parallel", 0.3)])
    plan = {"nested": _nested_plan, "chaining": _chaining_plan, "parallel": _parallel_plan}[source](rng, cat)
    n = len(plan.calls)
    made = n if kind == "stop" else rng.randint(1, n - 1)
    messages = [user(plan.request)] + call_messages(plan.calls[:made])
    if made == n:
        gold = {"next": [], "stop": True}
    elif plan.dependent:
        gold = {"next": [concrete_gold_call(plan.calls[made])], "stop": False}
    else:
        gold = {"next": [concrete_gold_call(c) for c in plan.calls[made:]], "stop": False}
    tools = [c.spec.tool for c in plan.calls]
    lib = cp.library(rng, tools + cp.distractors(rng, cat, tools, rng.randint(1, 2)))
    return plan, messages, lib, gold, {"plan": source, "calls_made": made, "calls_total": n}


def make_response_generation(rng, cat, kind, cycle) -> Made | None:
    source = _weighted(rng, [("single", 0.4), ("parallel", 0.25), ("nested", 0.2), ("chaining", 0.15)])
    if source == "single":
        plan = cp.single_plan(rng, cat, cycle.next())
        if plan is None:
            return None
    else:
        plan = {"nested": _nested_plan, "chaining": _chaining_plan, "parallel": _parallel_plan}[source](rng, cat)
    reference, facts = reference_and_facts(plan)
    if not facts:
        return None
    messages = [user(plan.request)] + call_messages(plan.calls, together=source == "parallel")
    lib = cp.library(rng, [c.spec.tool for c in plan.calls])
    return plan, messages, lib, {"reference": reference, "facts": facts}, {"plan": source}


MAKERS = {"nested": make_nested, "chaining": make_chaining, "parallel": make_parallel,
          "name_detection": make_name_detection, "parameter_value": make_parameter_value,
          "next_best": make_next_best, "response_generation": make_response_generation}


def _kinds(task: str, rng: random.Random, n: int) -> list[str]:
    if task == "name_detection":
        return _quota(rng, n, [("one", 0), ("nofit", NO_FIT_SHARE), ("two", TWO_TOOL_SHARE)])
    if task == "next_best":
        return _quota(rng, n, [("go", 0), ("stop", STOP_SHARE)])
    return ["any"] * n


# ------------------------------------------------------------------- suite
def generate_split(task: str, split: str, cat: cp.Catalog, count: int,
                   forbidden: set[str] = frozenset()) -> list[dict[str, Any]]:
    """`count` samples of one task and split; no request text in `forbidden`, none repeated."""
    rng = random.Random(f"{cat.seed}/{task}/{split}")
    cycle = _ToolCycle(rng, [cat.specs[n] for n in cat.names])
    seen: set[str] = set()
    samples = []
    for i, kind in enumerate(_kinds(task, rng, count)):
        for _ in range(MAX_ATTEMPTS):
            made = MAKERS[task](rng, cat, kind, cycle)
            if made is None:
                continue
            plan, messages, tools, gold, extra = made
            key = json.dumps(messages, sort_keys=True)
            if plan.request in forbidden or key in seen:
                continue
            seen.add(key)
            samples.append(_sample(task, split, i, cat.seed, plan, messages, tools, gold, extra))
            break
        else:
            raise RuntimeError(f"{task}/{split}: could not draw sample {i + 1}")
    return samples


def _sample(task, split, i, seed, plan, messages, tools, gold, extra) -> dict[str, Any]:
    meta: dict[str, Any] = {"domain": plan.domain, "world_seed": seed, "split": split,
                            "generator": f"{SUITE_NAME}/{GENERATOR_VERSION}"}
    if len(plan.domains) > 1:
        meta["domains"] = plan.domains
    phrasings = [c.phrasing for c in plan.calls]
    meta["phrasing"] = phrasings[0] if len(phrasings) == 1 else phrasings
    meta.update(extra)
    return {"id": f"{task}-{split}-{i + 1:04d}", "task": task, "messages": messages,
            "tools": tools, "gold": gold, "metadata": meta}


def generate_suite(seed: int = DEFAULT_SEED, *, catalog: cp.Catalog | None = None
                   ) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """task -> split -> samples (dicts in the sample schema) for the built-in suite."""
    cat = catalog if catalog is not None else cp.Catalog(seed)
    suite: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for task in TASKS:
        test = generate_split(task, "test", cat, TEST_PER_TASK)
        test_requests = {s["messages"][0]["content"] for s in test}
        dev = generate_split(task, "dev", cat, DEV_PER_TASK, test_requests)
        suite[task] = {"test": test, "dev": dev}
    return suite


def dump_jsonl(samples: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(s, ensure_ascii=False, separators=(",", ":")) + "\n" for s in samples)


def manifest(seed: int, suite: dict[str, dict[str, list]]) -> dict[str, Any]:
    return {"name": SUITE_NAME, "seed": seed, "generator_version": GENERATOR_VERSION,
            "counts": {task: {split: len(s) for split, s in splits.items()} for task, splits in suite.items()}}


def write_suite(out_dir: Path, seed: int = DEFAULT_SEED, *, builtin_layout: bool = False) -> dict[str, Any]:
    """Write ``out_dir/<task>/<split>.jsonl`` (``<task>/data/<split>.jsonl`` with `builtin_layout`)
    and, in the suite layout, ``out_dir/suite.json``. Returns the manifest."""
    out_dir = Path(out_dir)
    suite = generate_suite(seed)
    info = manifest(seed, suite)
    if builtin_layout:  # the repository's own data files, written in place
        for task, splits in suite.items():
            folder = out_dir / task / "data"
            folder.mkdir(parents=True, exist_ok=True)
            for split, samples in splits.items():
                (folder / f"{split}.jsonl").write_text(dump_jsonl(samples), encoding="utf-8", newline="\n")
        return info
    files = {f"{task}/{split}.jsonl": dump_jsonl(samples)
             for task, splits in suite.items() for split, samples in splits.items()}
    files[MANIFEST] = json.dumps(info, indent=2) + "\n"
    out_dir.mkdir(parents=True, exist_ok=True)
    write_suite_files(out_dir, files, sorted(suite))  # a stopped write leaves no half suite that runs
    return info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fcbench.data.generator",
                                     description="Generate the built-in fcbench-sim suite.")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--builtin", action="store_true",
                        help="write <out>/<task>/data/<split>.jsonl (the layout of tasks/)")
    args = parser.parse_args(argv)
    info = write_suite(args.out, args.seed, builtin_layout=args.builtin)
    total = sum(n for splits in info["counts"].values() for n in splits.values())
    print(f"wrote {total} samples for {len(info['counts'])} tasks to {args.out} (seed {args.seed})",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
