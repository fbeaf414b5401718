"""Every row of docs/bfcl-differences.md, executed: the example is a BFCL item and an answer in
BFCL's result format; it is imported with fcbench's importer, replayed with `replay/`, and
scored by fcbench's pipeline under both rules profiles. The ``bfcl`` profile must give the
verdict the page says BFCL gives (and the re-implemented checker agrees); the ``fcbench``
profile the other one. The page, this test and the agreement check of ``make test-bfcl``
(`tests_bfcl/agreement.py`) must name the same rows.
"""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import REPO

from fcbench.data.importers.bfcl import plan, samples_for
from fcbench.models.replay import ReplayModel
from fcbench.records import Sample
from fcbench.running.pipeline import score_output
from fcbench.scoring.bfcl import BfclEntry, evaluate
from fcbench.scoring.profiles import BFCL, FCBENCH
from fcbench.task_registry import discover_tasks

DOC = REPO / "docs" / "bfcl-differences.md"
AGREEMENT = REPO / "tests_bfcl" / "agreement.py"


def fn(name: str, params: dict, required: list[str] | None = None) -> dict:
    return {"name": name, "description": "d", "parameters": {"type": "dict", "properties": params,
                                                            "required": required or list(params)}}


def fc(**calls: dict) -> list[dict]:
    return [{name: json.dumps(args)} for name, args in calls.items()]


@dataclass(frozen=True)
class Row:
    ident: str
    category: str
    functions: list
    truth: list
    answer: object          # text (prompt style) or a BFCL FC record (a list)
    bfcl_passes: bool
    fcbench_category: str | None = None  # fcbench's failure category when fcbench fails


F_STR = fn("f", {"x": {"type": "string"}})
ROWS = [
    Row("optimal-parallel", "parallel", [F_STR], [{"f": {"x": ["a", "b"]}}, {"f": {"x": ["a"]}}],
        [{"f": json.dumps({"x": "a"})}, {"f": json.dumps({"x": "b"})}], False),
    Row("float-tolerance", "simple_python", [fn("g", {"ratio": {"type": "float"}})], [{"g": {"ratio": [0.3]}}],
        fc(g={"ratio": 0.1 + 0.2}), False),
    Row("integral-float", "simple_python", [fn("g", {"count": {"type": "integer"}})], [{"g": {"count": [5]}}],
        fc(g={"count": 5.0}), False),
    Row("string-punctuation", "simple_python", [fn("book", {"room": {"type": "string"}})],
        [{"book": {"room": ["C107"]}}], fc(book={"room": "C-107"}), True, "wrong_value"),
    Row("string-whitespace", "simple_python", [fn("w", {"city": {"type": "string"}})], [{"w": {"city": ["Oslo"]}}],
        fc(w={"city": "Oslo\n"}), False),
    Row("unicode-forms", "simple_python", [fn("find", {"place": {"type": "string"}})],
        [{"find": {"place": ["Caf\u00e9"]}}], fc(find={"place": "Cafe\u0301"}), False),
    Row("iso-dates", "simple_python", [fn("book", {"day": {"type": "string"}})], [{"book": {"day": ["2024-05-01"]}}],
        fc(book={"day": "2024-5-1"}), False),
    Row("recursive-objects", "simple_python", [fn("search", {"filters": {"type": "dict"}})],
        [{"search": {"filters": [{"range": [{"unit": ["km"]}]}]}}],
        fc(search={"filters": {"range": {"unit": "KM"}}}), False),
    Row("schema-check", "simple_python",
        [fn("w", {"city": {"type": "string"}, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}})],
        [{"w": {"city": ["Oslo"], "unit": ["celsius"]}}], fc(w={"city": "Oslo", "unit": "Celsius"}), True,
        "schema_invalid"),
    Row("malformed-no-call", "irrelevance", [fn("get_weather", {"city": {"type": "string"}})], [],
        "[get_weather(city=", True, "malformed_output"),
    Row("calls-in-text", "simple_python", [fn("area", {"base": {"type": "integer"}})], [{"area": {"base": [10]}}],
        "[area(base=10)]<|eot_id|>", False),
    Row("fc-names", "simple_python", [fn("calc.area", {"base": {"type": "integer"}})],
        [{"calc.area": {"base": [10]}}], [{"calc.area": json.dumps({"base": 10})}], False),
    Row("fc-arguments-object", "simple_python", [fn("area", {"base": {"type": "integer"}})],
        [{"area": {"base": [10]}}], [{"area": {"base": 10}}], False),
    Row("fc-two-names", "simple_python", [fn("area", {"base": {"type": "integer"}})], [{"area": {"base": [10]}}],
        [{"area": json.dumps({"base": 10}), "other": "{}"}], True, "malformed_output"),
    Row("fc-call-strings", "simple_python", [fn("area", {"base": {"type": "integer"}})], [{"area": {"base": [10]}}],
        ["area(base=10)"], False),
    Row("fc-empty-arguments", "irrelevance", [fn("get_weather", {"city": {"type": "string"}})], [],
        [{"get_weather": ""}], True, "extra_call"),
    Row("bare-literals", "simple_python", [fn("f", {"flag": {"type": "boolean"}})], [{"f": {"flag": [True]}}],
        "[f(flag=true)]", False),
    Row("expressions", "simple_python", [fn("f", {"n": {"type": "integer"}})], [{"f": {"n": [3]}}],
        "[f(n=1+2)]", True, "malformed_output"),
    Row("unary-quirk", "simple_python", [fn("f", {"n": {"type": "integer"}})], [{"f": {"n": [5]}}],
        "[f(n=+5)]", False),
    Row("tuples", "simple_python", [fn("f", {"xs": {"type": "array", "items": {"type": "integer"}}})],
        [{"f": {"xs": [[1, 2]]}}], "[f(xs=(1, 2))]", False),
    Row("positional-args", "simple_python", [fn("f", {"a": {"type": "integer"}})], [{"f": {"a": [2]}}],
        "[f(1, a=2)]", True, "malformed_output"),
    Row("keyword-params", "simple_python", [fn("search", {"from": {"type": "string"}})],
        [{"search": {"from": ["Oslo"]}}], '[search(from="Oslo")]', False),
    Row("java-js-text", "simple_java", [fn("Svc.run", {"flag": {"type": "boolean"}})], [{"Svc.run": {"flag": [True]}}],
        "[Svc.run(flag=true);]", True, "malformed_output"),
    Row("java-string-array", "simple_java",
        [fn("Svc.run", {"names": {"type": "Array", "items": {"type": "String"}}})],
        [{"Svc.run": {"names": [["a", "b"]]}}], [{"Svc_run": json.dumps({"names": 'new String[]{"a", "b"}'})}],
        False),
    Row("int-in-float-array", "simple_python", [fn("f", {"xs": {"type": "array", "items": {"type": "float"}}})],
        [{"f": {"xs": [[1.0, 2.5]]}}], fc(f={"xs": [1, 2.5]}), False),
    Row("gold-dict-value-slip", "simple_python", [fn("f", {"meta": {"type": "dict"}})],
        [{"f": {"meta": [{"format": "epoch_millis"}]}}], fc(f={"meta": {"format": "epoch_millis"}}), False),
]


def verdicts(row: Row, tmp_path: Path) -> tuple[bool, bool, bool, tuple[str, ...]]:
    """(BFCL's verdict from the checker alone, --rules bfcl, --rules fcbench, fcbench's categories)."""
    item = {"id": "x", "question": [[{"role": "user", "content": "q"}]], "function": row.functions}
    tasks = plan(row.category)
    (raw,) = [s for s in samples_for(item, {"id": "x", "ground_truth": row.truth}, row.category, tasks)
              if s["id"] == "x"]
    sample = Sample.from_dict(raw)
    task = discover_tasks()[sample.task]
    replay = tmp_path / "answers.jsonl"
    replay.write_text(json.dumps({"id": "x", "result": row.answer}) + "\n")
    model = ReplayModel(f"replay/{replay}")
    results = {}
    for rules in (BFCL, FCBENCH):
        request = rules.adapt_request(task.build_request(sample, "native"), sample, task)
        output = asyncio.run(model.generate(request))
        results[rules.name] = score_output(sample, task, request, output, rules)
    style = "prompt" if isinstance(row.answer, str) else "fc"
    checker = evaluate(BfclEntry("x", row.category, row.functions, row.truth), row.answer, style=style).valid
    return checker, bool(results["bfcl"].passed), bool(results["fcbench"].passed), results["fcbench"].failures


@pytest.mark.parametrize("row", ROWS, ids=[r.ident for r in ROWS])
def test_documented_difference(row, tmp_path):
    checker, bfcl, fcbench, categories = verdicts(row, tmp_path)
    assert checker is row.bfcl_passes, "the example does not give the verdict the page says BFCL gives"
    assert bfcl is checker, "--rules bfcl must give BFCL's verdict"
    assert fcbench is not bfcl, "a documented difference must change the verdict"
    if row.fcbench_category:
        assert row.fcbench_category in categories, categories


def test_multiple_gives_two_lenses(tmp_path):
    """[`multiple-two-lenses`]: a right function with a wrong argument fails parameter_value
    (as in BFCL) and passes name_detection."""
    functions = [fn("get_weather", {"city": {"type": "string"}}), fn("other", {"x": {"type": "string"}})]
    item = {"id": "m", "question": [[{"role": "user", "content": "q"}]], "function": functions}
    samples = [Sample.from_dict(s) for s in samples_for(
        item, {"id": "m", "ground_truth": [{"get_weather": {"city": ["Paris"]}}]}, "multiple", plan("multiple"))]
    replay = tmp_path / "r.jsonl"
    replay.write_text(json.dumps({"id": "m", "result": [{"get_weather": json.dumps({"city": "Lyon"})}]}) + "\n")
    model = ReplayModel(f"replay/{replay}")
    passed = {}
    for sample in samples:
        task = discover_tasks()[sample.task]
        request = task.build_request(sample, "native")
        passed[sample.task] = score_output(sample, task, request, asyncio.run(model.generate(request))).passed
    assert passed == {"parameter_value": False, "name_detection": True}


@pytest.mark.parametrize("text, handler", [
    ('<tool_call>\n{"name": "area", "arguments": {"base": 10}}\n</tool_call>', "Hermes and Qwen tags"),
    ('<|python_tag|>{"name": "area", "parameters": {"base": 10}}', "Llama's python tag"),
    ("```tool_code\n[area(base=10)]\n```", "Gemini's tool_code fence"),
    ('<function_call> {"name": "area", "arguments": {"base": 10}}', "Granite"),
])
def test_other_handlers_text_formats(tmp_path, text, handler):
    """[`other-handlers`]: a right answer in another handler's text format. BFCL with that
    handler passes it; --rules bfcl decodes as the default prompt handler does and fails it
    (as BFCL's checker does with that decoder); --rules fcbench reads it."""
    row = Row("other-handlers", "simple_python", [fn("area", {"base": {"type": "integer"}})],
              [{"area": {"base": [10]}}], text, False)
    checker, bfcl, fcbench, _ = verdicts(row, tmp_path)
    assert (checker, bfcl, fcbench) == (False, False, True), handler


def test_the_page_the_test_and_the_agreement_check_name_the_same_rows():
    documented = set(re.findall(r"\[`([a-z-]+)`\]", DOC.read_text(encoding="utf-8")))
    agreement = AGREEMENT.read_text(encoding="utf-8")
    attributed = set(re.findall(r'"([a-z]+(?:-[a-z]+)+)"', agreement)) & documented
    assert documented == {r.ident for r in ROWS} | {"multiple-two-lenses", "other-handlers"}
    used_by_agreement = set(re.findall(r'return "([a-z-]+)"', agreement)) | set(
        re.findall(r'^\s+"([a-z-]+)": \(', agreement, flags=re.M))
    assert used_by_agreement <= documented, f"agreement.py attributes to rows the page lacks: " \
                                            f"{used_by_agreement - documented}"
    assert attributed
