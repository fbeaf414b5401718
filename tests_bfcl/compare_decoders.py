"""Finer-grained check: decoder outputs and type-converter results, port vs bfcl-eval.

Runs INSIDE the bfcl venv and imports the port from this checkout (it needs only the stdlib
and tree-sitter, both there). Compares, by ``repr`` (so 1, 1.0 and True differ):

* the decoded form of every generated answer (``decode_prompt`` / ``decode_fc`` against BFCL's
  ``default_decode_ast_prompting`` / the FC handler's ``decode_ast``), failures included;
* the decoders on odd source text (exotic.py) embedded in calls, in all three languages;
* ``java_convert`` / ``js_convert`` against BFCL's converters on that text and more, for every
  type name (exception types included).

Exit 1 on any difference.

    ~/.cache/fcbench/bfcl-venv/bin/python tests_bfcl/compare_decoders.py
"""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the port, from this checkout
import bfcl_verdicts  # noqa: E402  (sets up bfcl-eval like the verdict script)
from bfcl_data import DEFAULT_WORK, read_jsonl  # noqa: E402
from bfcl_eval.constants.enums import ReturnFormat  # noqa: E402
from bfcl_eval.eval_checker.ast_eval.type_convertor.java_type_converter import java_type_converter  # noqa: E402
from bfcl_eval.eval_checker.ast_eval.type_convertor.js_type_converter import js_type_converter  # noqa: E402
from bfcl_eval.model_handler.utils import default_decode_ast_prompting  # noqa: E402
from exotic import EXOTIC_STRUCTURES, EXOTIC_VALUES  # noqa: E402

from fcbench.scoring.bfcl import BfclDecodeError, decode_fc, decode_prompt  # noqa: E402
from fcbench.scoring.bfcl.convert import JAVA_TYPES, JS_TYPES, java_convert, js_convert  # noqa: E402

FORMATS = {"python": ReturnFormat.PYTHON, "java": ReturnFormat.JAVA, "javascript": ReturnFormat.JAVASCRIPT}
CALL_TEMPLATES = ["[C.f(a={v})]", "[C.f(a={v}, b=2)]", "[f(a={v}, b='x')]", "C.f(x=1, a={v})", "[f(a=[{v}, {v}])]",
                  "[f(a={{'k': {v}}})]", "f({v}, a=1)"]
CONVERTER_TEXT = ["42", "-42", "4.0", "42L", "42l", "1.5f", "3f", "1e3f", "1e3", "1.5", "true", "false", "True", "'c'",
                  '"x"', "x", "", " ", "42\n", "1.5f\n", "5L\n", "10n", "10n\n", "-3n", "٤٢", "1_000",
                  "new int[]{1, 2}", 'new String[]{"a", "b"}', 'new ArrayList<>(Arrays.asList("a", "b"))',
                  "new ArrayList<Integer>() {{ add(1); add(2); }}",
                  'new HashMap<String, String>() {{ put("k", "v"); put("n", f(1)); }}', "[1, 2]", "['a', 'b']",
                  "[[1, 2], [3]]", "{k: 1, 'j': 'v', \"l\": [1, 2]}", "{a: {b: 1}}", "new Array(1, 2)",
                  "new Array('a')", "[true, 'x', 1.5, null]", "['1', 2]"]


def outcome(run: Callable[..., object], *args: object, failure: type[BaseException] = Exception,
            name: bool = False) -> tuple:
    """("ok", repr of run(*args)) or ("raises",), with the exception's class when ``name``."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # BFCL's JS converter prints on errors
            return ("ok", repr(run(*args)))
    except failure as exc:
        return ("raises", type(exc).__name__) if name else ("raises",)


def language_of(category: str) -> str:
    if "relevance" in category:
        return "python"  # relevance answers are always decoded as Python
    return "javascript" if "javascript" in category else "java" if "java" in category else "python"


def compare_answers() -> tuple[int, int]:
    count = bad = 0
    for answer in read_jsonl(DEFAULT_WORK / "answers.jsonl"):
        language, result = language_of(answer["category"]), answer["result"]
        if answer["style"] == "prompt":
            theirs = outcome(default_decode_ast_prompting, result, FORMATS[language])
            ours = outcome(decode_prompt, result, language, failure=BfclDecodeError)
        else:
            theirs = outcome(bfcl_verdicts.HANDLERS["fc"].decode_ast, result, FORMATS[language], False)
            ours = outcome(decode_fc, result, failure=BfclDecodeError)
        count += 1
        bad += report(theirs, ours, answer["id"], result)
    return count, bad


def compare_exotic_text() -> tuple[int, int]:
    count = bad = 0
    for language in FORMATS:
        texts = [t.format(v=v) for v in EXOTIC_VALUES[language] + EXOTIC_VALUES["python"] for t in CALL_TEMPLATES]
        structures = EXOTIC_STRUCTURES[language] + EXOTIC_STRUCTURES["python"]
        texts += [s.format(f="C.f", c="C.f(a=1, b='x')") for s in structures]
        for text in texts:
            theirs = outcome(default_decode_ast_prompting, text, FORMATS[language])
            ours = outcome(decode_prompt, text, language, failure=BfclDecodeError)
            count += 1
            bad += report(theirs, ours, language, text)
    return count, bad


def compare_converters() -> tuple[int, int]:
    count = bad = 0
    texts = [v for values in EXOTIC_VALUES.values() for v in values] + CONVERTER_TEXT
    java_items = ["integer", "long", "float", "double", "boolean", "String", "char", "any", None]
    js_items = ["String", "integer", "float", "Boolean", "dict", "array", "Bigint", "any", None]
    for text in texts:
        cases = [(java_type_converter, java_convert, kind, item) for kind in JAVA_TYPES
                 for item in (java_items if kind in ("Array", "ArrayList") else [None])]
        cases += [(js_type_converter, js_convert, kind, item) for kind in JS_TYPES
                  for item in (js_items if kind == "array" else [None])]
        for theirs_fn, ours_fn, kind, item in cases:
            args = (text, kind) if item is None else (text, kind, item)
            count += 1
            theirs = outcome(theirs_fn, *args, name=True)
            bad += report(theirs, outcome(ours_fn, *args, name=True), ours_fn.__name__, args)
    return count, bad


def report(theirs: tuple, ours: tuple, label: object, subject: object) -> int:
    if theirs == ours:
        return 0
    print(f"!! {label}: {subject!r:.200}\n   bfcl: {theirs!r:.300}\n   port: {ours!r:.300}")
    return 1


def main() -> int:
    total_bad = 0
    for name, compare in (("decoded answers", compare_answers), ("odd source text", compare_exotic_text),
                          ("converter calls", compare_converters)):
        count, bad = compare()
        total_bad += bad
        print(f"{name:16s} {count:7d} compared, {bad} differences")
    return 1 if total_bad else 0


if __name__ == "__main__":
    sys.exit(main())
