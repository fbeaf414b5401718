"""Generate thousands of model answers of our own making from BFCL's possible answers.

Deterministic (one ``random.Random`` per entry, seeded by its id). For every entry of the 12
single-turn categories, in prompt style (Python, Java or JavaScript text, by category) and FC
style (``[{name: JSON argument string}]``), it writes right answers (several renderings of
the accepted values) and labelled error classes: value/name/call mutations (mutations.py,
``SEMANTIC``), spelling variants (``VARIANT_CLASSES``), text around or inside the answer
(``TEXTUAL``, exotic.py), FC-only shapes (``FC_ONLY``) and, for the irrelevance categories,
``IRRELEVANCE_PROMPT``/``IRRELEVANCE_FC``. Big categories get a random sample of the classes
per entry, small ones (simple_java included) all of them. The class is a label for reading
the report, not an expected verdict: the real verdict comes from bfcl-eval (bfcl_verdicts.py).

    python tests_bfcl/answers.py [--out build/bfcl_port/answers.jsonl] [--per-entry 6]
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bfcl_data import DEFAULT_DATA, DEFAULT_WORK, load_entries, write_jsonl
from exotic import EXOTIC_STRUCTURES
from mutations import ALWAYS, SEMANTIC, Item, gold_calls, language_of, random_variant, sample_value
from render import Call, Variant, fc_answer, prompt_calls

SMALL_CATEGORY = 100  # categories with at most this many entries get every applicable class


# ------------------------------------------------------------------ text wrappers
def wrap(texts: list[str], how: str, language: str) -> str:
    body = "[" + ", ".join(texts) + "]"
    fence_language = {"python": "python", "java": "java", "javascript": "javascript"}[language]
    wrappers: dict[str, Callable[[], str]] = {
        "plain": lambda: body,
        "no_brackets": lambda: ", ".join(texts),
        "fence": lambda: f"```\n{body}\n```",
        "fence_language": lambda: f"```{fence_language}\n{body}\n```",
        "prose_before": lambda: f"Sure! Here is the call: {body}",
        "prose_after": lambda: f"{body}\n\nLet me know if you need anything else.",
        "end_of_turn": lambda: body + "<|eot_id|>",
        "trailing_period": lambda: body + ".",
        "lines": lambda: "\n".join(f"[{t}]" for t in texts),
        "whitespace": lambda: f" \n {body}\n\n",
        "tabs": lambda: f"\t{body}\t",
        "quoted": lambda: f"'{body}'",
        "parenthesized": lambda: "(" + ", ".join(texts) + ")",
        "semicolons_inside": lambda: "[" + "; ".join(texts) + ";]",
        "semicolon_after": lambda: body + ";",
        "unclosed": lambda: body[:-2] if len(body) > 2 else body[:-1],
        "duplicate_keyword": lambda: _duplicate_keyword(texts),
        "exotic_structure": lambda: _exotic_structure(texts, language, 0),
        "exotic_structure_2": lambda: _exotic_structure(texts, language, 7),
    }
    return wrappers[how]()


def _exotic_structure(texts: list[str], language: str, offset: int) -> str:
    first = texts[0] if texts else "f(a=1)"
    patterns = EXOTIC_STRUCTURES[language]
    pattern = patterns[(sum(map(ord, first)) + offset) % len(patterns)]
    return pattern.format(f=first.split("(", 1)[0], c=first)


def _duplicate_keyword(texts: list[str]) -> str:
    first = texts[0] if texts else "f()"
    head, _, rest = first.partition("(")
    key = rest.split("=", 1)[0].strip() if "=" in rest else "a"
    return "[" + ", ".join([f"{head}({key}=1, {rest}"] + texts[1:]) + "]"


TEXTUAL = ("no_brackets", "fence", "fence_language", "prose_before", "prose_after", "end_of_turn",
           "trailing_period", "lines", "whitespace", "tabs", "quoted", "parenthesized", "semicolons_inside",
           "semicolon_after", "unclosed", "duplicate_keyword", "exotic_structure", "exotic_structure_2")


# ------------------------------------------------------------------ FC-only classes
def fc_only(item: Item, calls: list[Call], how: str) -> Any:
    base = fc_answer(calls, item.language, item.docs, Variant())
    if how == "fc_dotted_name":
        return fc_answer(calls, item.language, item.docs, Variant(), underscores=False) \
            if any("." in c.name for c in calls) else None
    if how == "fc_text_reply":
        return "I will call the function for you."
    if how == "fc_empty_text":
        return ""
    if how == "fc_empty_list":
        return []
    if how == "fc_args_not_json":
        return [{name: args[:-1]} for element in base for name, args in element.items()]
    if how == "fc_args_object":
        return [{name: json.loads(args)} for element in base for name, args in element.items()]
    if how == "fc_element_empty":
        return base + [{}]
    if how == "fc_call_string":  # each element the call written as text
        return prompt_calls(calls, item.language, item.docs, Variant())
    if how == "fc_two_keys":
        return [{**element, "other_tool": "{}"} for element in base]
    if how == "fc_args_null":
        return [{name: "null"} for element in base for name in element]
    if how == "fc_quoted_strings":
        return fc_answer(calls, item.language, item.docs, Variant(quote_fc_strings=True)) \
            if item.language != "python" else None
    if how == "fc_raw_json":
        return _fc_raw_json(item, calls) if item.language != "python" else None
    if how == "fc_value_newline":
        return _fc_newline(base) if item.language != "python" else None
    raise KeyError(how)


def _fc_raw_json(item: Item, calls: list[Call]) -> list[dict] | None:
    answer = fc_answer(calls, item.language, item.docs, Variant())
    for element, call in zip(answer, calls):
        (name, args), = element.items()
        parsed = json.loads(args)
        for key, value in call.args.items():
            if isinstance(value, bool | int | float | list | dict) and value is not None:
                parsed[key] = value
                element[name] = json.dumps(parsed)
                return answer
    return None


def _fc_newline(answer: list[dict]) -> list[dict] | None:
    for element in answer:
        (name, args), = element.items()
        parsed = json.loads(args)
        for key, value in parsed.items():
            if isinstance(value, str):
                parsed[key] = value + "\n"
                element[name] = json.dumps(parsed)
                return answer
    return None


FC_ONLY = ("fc_dotted_name", "fc_text_reply", "fc_empty_text", "fc_empty_list", "fc_args_not_json",
           "fc_args_object", "fc_element_empty", "fc_two_keys", "fc_args_null", "fc_quoted_strings", "fc_raw_json",
           "fc_value_newline", "fc_call_string")
VARIANT_CLASSES = {
    "java_no_long_suffix": Variant(long_suffix=False), "java_no_float_suffix": Variant(float_suffix=False),
    "unquoted_string_items": Variant(quote_string_items=False), "java_add_block": Variant(add_block=True),
    "js_new_array": Variant(new_array=True), "bare_any_identifiers": Variant(bare_identifiers=True),
    "int_floats": Variant(int_floats=True), "double_quotes_compact": Variant(double_quotes=True, compact=True),
}


# ------------------------------------------------------------------ per entry
def render(item: Item, style: str, calls: list[Call], variant: Variant, how: str = "plain") -> Any:
    if style == "fc":
        return fc_answer(calls, item.language, item.docs, variant)
    return wrap(prompt_calls(calls, item.language, item.docs, variant), how, item.language)


def ast_answers(item: Item, per_entry: int | None) -> list[tuple[str, str, Any]]:
    """Right answers and error classes of one entry, both styles."""
    out: list[tuple[str, str, Any]] = []
    for style in ("prompt", "fc"):
        out.append((style, "right", render(item, style, gold_calls(item), Variant())))
        out.append((style, "right_full", render(item, style, gold_calls(item, full=True), Variant())))
        out.append((style, "right_random", render(item, style, gold_calls(item, full=item.rng.random() < 0.5,
                                                                          randomize=True), random_variant(item.rng))))
        kinds = [("semantic", name) for name in SEMANTIC if name not in ALWAYS]
        kinds += [("variant", name) for name in VARIANT_CLASSES]
        kinds += [("text", name) for name in TEXTUAL] if style == "prompt" else [("fc", name) for name in FC_ONLY]
        if per_entry is not None:
            kinds = item.rng.sample(kinds, min(per_entry, len(kinds)))
        kinds += [("semantic", name) for name in ALWAYS]
        for kind, name in kinds:
            result = _one_class(item, style, kind, name)
            if result is not None:
                out.append((style, name, result))
    return out


def _one_class(item: Item, style: str, kind: str, name: str) -> Any:
    calls = gold_calls(item, full=item.rng.random() < 0.3)
    if kind == "semantic":
        mutated = SEMANTIC[name](item, copy.deepcopy(calls))
        return None if mutated is None else render(item, style, mutated, Variant())
    if kind == "variant":
        return render(item, style, calls, VARIANT_CLASSES[name])
    if kind == "text":
        return render(item, style, calls, Variant(), name)
    return fc_only(item, calls, name)


def _sample_call(item: Item) -> Call:
    if not item.docs:
        return Call("get_weather", {"city": "Paris"})
    name = item.rng.choice(sorted(item.docs))
    props = item.props(name)
    return Call(name, {k: sample_value(props.get(k, {})) for k in item.required(name)})


IRRELEVANCE_PROMPT = ("prose", "empty_list", "empty_text", "call", "call_no_args", "broken_call", "call_in_prose",
                      "fenced_call", "two_calls", "json_like", "java_like", "unclosed_call", "non_calls",
                      "list_of_empty_dict", "no_brackets_call", "bare_word", "lines_of_calls", "call_end_of_turn")
IRRELEVANCE_FC = ("fc_text_reply", "fc_empty_text", "fc_empty_list", "fc_call", "fc_call_empty_args",
                  "fc_element_empty", "fc_args_null", "fc_args_not_json", "fc_two_calls", "fc_none", "fc_empty_dict",
                  "fc_args_list", "fc_call_string", "fc_call_blank_args")


def irrelevance_answers(item: Item, per_style: int | None) -> list[tuple[str, str, Any]]:
    call = _sample_call(item)
    text = prompt_calls([call], "python", item.docs, Variant())[0]
    name = call.name.replace(".", "_")
    args = json.dumps(call.args)
    prompt = {
        "prose": "I'm sorry, none of the available functions can answer that question.",
        "empty_list": "[]", "empty_text": "", "call": f"[{text}]", "call_no_args": f"[{call.name}()]",
        "broken_call": f"[{call.name}(a=", "call_in_prose": f"To do this I would call [{text}] for you.",
        "fenced_call": f"```python\n[{text}]\n```", "two_calls": f"[{text}, {text}]",
        "json_like": json.dumps([{"name": call.name, "arguments": call.args}]),
        "java_like": f"[{call.name}(a=1);]", "unclosed_call": f"[{call.name}(a={{\"name\": \"x\"}}, b=1",
        "non_calls": "[1, 2]", "list_of_empty_dict": "[{}]", "no_brackets_call": text, "bare_word": "None",
        "lines_of_calls": f"[{text}]\n[{text}]", "call_end_of_turn": f"[{text}]<|im_end|>",
    }
    fc = {
        "fc_text_reply": "There is no suitable function for this request.", "fc_empty_text": "", "fc_empty_list": [],
        "fc_call": [{name: args}], "fc_call_empty_args": [{name: "{}"}], "fc_element_empty": [{}],
        "fc_args_null": [{name: "null"}], "fc_args_not_json": [{name: args[:-1] or "{"}],
        "fc_two_calls": [{name: args}, {name: args}], "fc_none": None, "fc_empty_dict": {},
        "fc_args_list": [{name: "[1, 2]"}], "fc_call_string": [text], "fc_call_blank_args": [{name: ""}],
    }
    out: list[tuple[str, str, Any]] = []
    for style, table in (("prompt", prompt), ("fc", fc)):
        names = list(table)
        if per_style is not None:
            names = item.rng.sample(names, min(per_style, len(names)))
        out += [(style, label, table[label]) for label in names]
    return out


def generate(entries: dict[str, dict], per_entry: int, per_irrelevance: int) -> list[dict]:
    sizes = Counter(entry["category"] for entry in entries.values())
    rows = []
    for entry_id, entry in entries.items():
        category = entry["category"]
        docs: dict[str, dict] = {}
        for doc in entry["function"]:
            docs.setdefault(doc["name"], doc)
        item = Item(entry, language_of(category), docs, random.Random(entry_id))
        small = sizes[category] <= SMALL_CATEGORY
        if "irrelevance" in category:
            produced = irrelevance_answers(item, None if small else per_irrelevance)
        else:
            produced = ast_answers(item, None if small else per_entry)
        seen: Counter[tuple[str, str]] = Counter()
        for style, label, result in produced:
            seen[(style, label)] += 1
            rows.append({"id": f"{entry_id}|{style}|{label}|{seen[(style, label)]}", "entry_id": entry_id,
                         "category": category, "style": style, "class": label, "result": result})
    return rows


def main() -> int:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--out", type=Path, default=DEFAULT_WORK / "answers.jsonl")
    cli.add_argument("--data", type=Path, default=DEFAULT_DATA)
    cli.add_argument("--per-entry", type=int, default=6, help="error classes per entry and style (big categories)")
    cli.add_argument("--per-irrelevance", type=int, default=4, help="answers per irrelevance entry and style")
    args = cli.parse_args()
    rows = generate(load_entries(args.data), args.per_entry, args.per_irrelevance)
    write_jsonl(args.out, rows)
    counts = Counter((row["category"], row["style"]) for row in rows)
    for category in dict.fromkeys(row["category"] for row in rows):
        print(f"{category:24s} prompt={counts[(category, 'prompt')]:6d} fc={counts[(category, 'fc')]:6d}")
    print(f"{len(rows)} answers -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
