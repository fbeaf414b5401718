"""fcbench's verdicts on BFCL's data, through fcbench's own path, against BFCL's real checker.

Runs in fcbench's venv, after ``answers.py`` and ``bfcl_verdicts.py`` (see README.md). For
every generated answer it does what a user does: the BFCL data is imported with
``fcbench data import bfcl``'s importer; the answers are written as BFCL result files
(``{"id", "result"}``) and replayed with ``replay/``; each answer is scored by fcbench's
pipeline (`fcbench.running.pipeline.score_output`) under both rules profiles. Then:

* ``--rules bfcl`` must agree with BFCL's verdict on 100 % of the answers;
* under ``--rules fcbench`` every disagreement must be a documented row of
  ``docs/bfcl-differences.md`` (`ROWS` says which answer classes each row explains);
  the counts per row are printed.

Exit 0 when both hold, 1 otherwise. ``--json OUT`` writes the figures.
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import json
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from bfcl_data import DEFAULT_DATA, DEFAULT_WORK, load_entries, read_jsonl

from fcbench.data.importers.bfcl import import_bfcl
from fcbench.data.importers.common import SuiteBuilder
from fcbench.models.replay import ReplayModel
from fcbench.running.pipeline import score_output
from fcbench.scoring.bfcl import decode_prompt
from fcbench.scoring.bfcl.values import standardize
from fcbench.scoring.profiles import PROFILES
from fcbench.scoring.values import normalize_string
from fcbench.task_registry import discover_tasks

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "bfcl-differences.md"

#: row id of docs/bfcl-differences.md -> the answer classes whose disagreements it explains
#: (an answer class is what `answers.py` wrote: a mutation, a wrapper, a spelling variant).
#: `explain` adds the rows that depend on the category or the direction of the disagreement.
ROWS: dict[str, tuple[str, ...]] = {
    "calls-in-text": ("end_of_turn", "prose_after", "prose_before", "fence_language", "tabs", "lines",
                      "semicolon_after", "quoted", "fence", "whitespace", "trailing_period"),
    "expressions": ("arithmetic",),
    "fc-names": ("fc_dotted_name",),
    "fc-arguments-object": ("fc_args_object",),
    "fc-two-names": ("fc_two_keys",),
    "fc-call-strings": ("fc_call_string",),
    "fc-empty-arguments": ("fc_call_blank_args",),
    "bare-literals": ("bare_literals",),
    "unary-quirk": ("unary_operator",),
    "tuples": ("tuple_value",),
    "positional-args": ("positional_arg",),
    "keyword-params": ("keyword_from",),
    "int-in-float-array": ("int_in_float_array",),
    "integral-float": ("wrong_type", "int_floats"),  # checked against the answer in `explain`
    "optimal-parallel": ("wrong_order",),
    "schema-check": ("optional_empty_string",),
    "string-whitespace": ("fc_value_newline",),
}


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in _strings(v)]
    return []


def _answer_strings(answer: dict) -> list[str]:
    """The string values an answer holds (FC argument strings decoded; text decoded as BFCL does)."""
    result = answer["result"]
    if answer["style"] == "fc" and isinstance(result, list):
        found = []
        for element in result:
            for args in (element.values() if isinstance(element, dict) else ()):
                try:
                    found += _strings(json.loads(args) if isinstance(args, str) else args)
                except ValueError:
                    pass
        return found
    try:
        return _strings(decode_prompt(result, "python"))
    except Exception:  # noqa: BLE001 - a text BFCL cannot decode holds no comparable strings
        return []


def _differs_by_punctuation(answer: dict, entry: dict) -> bool:
    """Does a string of the answer equal a gold string once BFCL drops ``,./-_*^`` and spaces,
    but not under fcbench's string rule (trim, collapse whitespace, case-fold)?"""
    gold = _strings(entry["ground_truth"])
    for value in _answer_strings(answer):
        for accepted in gold:
            if standardize(value) == standardize(accepted) and normalize_string(value) != normalize_string(accepted):
                return True
    return False


def _gold_has_bare_dict_value(entry: dict) -> bool:
    """A gold dict whose value is a bare value instead of a list of accepted values (a data slip:
    BFCL's dict rule then tests membership in a string, character by character)."""
    def bad(value: object) -> bool:
        if isinstance(value, dict):
            return any(not isinstance(v, list) or any(bad(x) for x in v) for v in value.values())
        if isinstance(value, list):
            return any(bad(v) for v in value)
        return False
    return any(bad(params) for call in entry["ground_truth"] for params in call.values())


def _has_integral_float(answer: dict) -> bool:
    result = answer["result"]
    if answer["style"] == "fc" and isinstance(result, list):
        values = []
        for element in result:
            for args in (element.values() if isinstance(element, dict) else ()):
                try:
                    values.append(json.loads(args) if isinstance(args, str) else args)
                except ValueError:
                    pass
    else:
        try:
            values = [decode_prompt(result, "python")]
        except Exception:  # noqa: BLE001
            return False

    def walk(value: object) -> bool:
        if isinstance(value, float):
            return value.is_integer()
        if isinstance(value, dict):
            return any(walk(v) for v in value.values())
        if isinstance(value, (list, tuple)):
            return any(walk(v) for v in value)
        return False
    return any(walk(v) for v in values)


def _has_expression(answer: dict) -> bool:
    """Does an argument of a text answer hold an operator expression (``7 % 3``, ``True + True``,
    ``(1 if x else 2)``) that BFCL's decoder evaluates and fcbench refuses to run?"""
    if answer["style"] != "prompt" or not isinstance(answer["result"], str):
        return False
    try:
        tree = ast.parse(answer["result"].strip().strip("`"), mode="eval")
    except (SyntaxError, ValueError):
        return False
    operators = (ast.BinOp, ast.BoolOp, ast.IfExp, ast.Compare)
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and any(isinstance(n, operators) for n in ast.walk(node.value)):
            return True
    return False


def _has_tuple(answer: dict) -> bool:
    if answer["style"] != "prompt":
        return False
    try:
        decoded = decode_prompt(answer["result"], "python")
    except Exception:  # noqa: BLE001
        return False

    def walk(value: object) -> bool:
        if isinstance(value, tuple):
            return True
        if isinstance(value, dict):
            return any(walk(v) for v in value.values())
        if isinstance(value, list):
            return any(walk(v) for v in value)
        return False
    return walk(decoded)


def explain(answer: dict, bfcl: dict, result, entry: dict) -> str | None:
    """The documented row that explains why fcbench's verdict differs from BFCL's, or None.

    In order: a data slip of the item; Java/JavaScript text; answers where no call is due;
    the mutation the answer was made with (`ROWS`, some checked against the answer);
    then, for right answers and spelling variants, what BFCL's error says.
    """
    category, style, cls = answer["category"], answer["style"], answer["class"]
    error = bfcl.get("error_type") or ""
    if _gold_has_bare_dict_value(entry):
        return "gold-dict-value-slip"
    if style == "prompt" and category in ("simple_java", "simple_javascript"):
        return "java-js-text"
    for row in ("fc-call-strings", "fc-empty-arguments"):  # FC record shapes, on any category
        if cls in ROWS[row]:
            return row
    if "irrelevance" in category:  # BFCL saw no call; fcbench saw a broken one, or read one
        return "malformed-no-call" if "malformed_output" in result.failures else "calls-in-text"
    if cls == "string_normalized":
        return "string-punctuation" if bfcl["valid"] else "string-whitespace"
    if cls == "float_tolerance":
        return "expressions" if style == "prompt" and bfcl["valid"] else "float-tolerance"
    if result.passed and error.startswith("type_error") and _has_integral_float(answer):
        return "integral-float"
    if cls == "wrong_type" and result.passed and _has_tuple(answer):
        return "tuples"
    for row, classes in ROWS.items():
        if cls in classes and row != "integral-float":
            return row
    if "schema_invalid" in result.failures:
        return "schema-check"
    if category == "simple_java" and not bfcl["valid"] and error == "value_error:list/tuple":
        return "java-string-array"
    if result.passed and error.endswith("type_error:nested"):
        return "int-in-float-array"
    if result.passed and error.endswith("cannot_find_match"):
        return "optimal-parallel"
    if result.passed and style == "prompt" and error.endswith("decoder_failed"):
        return "calls-in-text"  # BFCL's decoder wants the text to be the list; fcbench found the call in it
    if bfcl["valid"] and "malformed_output" in result.failures and _has_expression(answer):
        return "expressions"
    if bfcl["valid"] and "wrong_value" in result.failures and _differs_by_punctuation(answer, entry):
        return "string-punctuation"
    return None


def import_suite(data: Path, out: Path) -> None:
    builder = SuiteBuilder("bfcl-agreement", "bfcl")
    import_bfcl(builder, data)
    builder.write(out, force=True)


def rounds(answers: list[dict]) -> list[list[dict]]:
    """Answers grouped so that no entry appears twice in a group (a replay file holds one
    answer per id)."""
    seen: Counter = Counter()
    out: list[list[dict]] = []
    for answer in answers:
        k = seen[answer["entry_id"]]
        seen[answer["entry_id"]] += 1
        while len(out) <= k:
            out.append([])
        out[k].append(answer)
    return out


def replay_models(batch: list[dict], work: Path, index: int) -> dict[str, ReplayModel]:
    """{style: replay/ model} for one round: each style's answers are one model's BFCL result
    file, replayed as that style (``-M bfcl_style``)."""
    models = {}
    for style in ("prompt", "fc"):
        path = work / f"round-{index:03d}-{style}.jsonl"
        path.write_text("".join(json.dumps({"id": a["entry_id"], "result": a["result"]}, ensure_ascii=False) + "\n"
                                for a in batch if a["style"] == style), encoding="utf-8")
        models[style] = ReplayModel(f"replay/{path}", bfcl_style=style)
    return models


async def score_round(batch: list[dict], samples: dict, tasks: dict, work: Path, index: int) -> dict:
    """{(answer id, rules): passed} for one round, through replay/ and the pipeline."""
    models = replay_models(batch, work, index)
    verdicts: dict = {}
    for answer in batch:
        model = models[answer["style"]]
        sample = samples.get(answer["entry_id"])
        if sample is None:
            continue
        task = tasks[sample.task]
        for name, rules in PROFILES.items():
            request = rules.adapt_request(task.build_request(sample, "native"), sample, task)
            output = await model.generate(request)
            result = score_output(sample, task, request, output, rules)
            verdicts[(answer["id"], name)] = (result.status == "scored" and bool(result.passed), result)
    return verdicts


def main() -> int:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--answers", type=Path, default=DEFAULT_WORK / "answers.jsonl")
    cli.add_argument("--verdicts", type=Path, default=DEFAULT_WORK / "bfcl_verdicts.jsonl")
    cli.add_argument("--data", type=Path, default=DEFAULT_DATA)
    cli.add_argument("--max-show", type=int, default=30)
    cli.add_argument("--json", type=Path, default=None, help="write the figures here")
    cli.add_argument("--dump", type=Path, default=None, help="write every fcbench disagreement here (JSONL)")
    args = cli.parse_args()

    real = {row["id"]: row for row in read_jsonl(args.verdicts)}
    entries = load_entries(args.data)
    answers = [a for a in read_jsonl(args.answers) if a["id"] in real]
    tasks = discover_tasks()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        suite = Path(tmp) / "suite"
        import_suite(args.data, suite)
        samples = {s.id: s for name in ("parameter_value", "parallel", "name_detection")
                   if (suite / name / "test.jsonl").exists() for s in tasks[name].load("test", suite)}
        verdicts: dict = {}
        for i, batch in enumerate(rounds(answers)):
            verdicts.update(asyncio.run(score_round(batch, samples, tasks, Path(tmp), i)))
    elapsed = time.perf_counter() - started

    figures: dict = {"answers": len(answers), "not_imported": 0, "categories": Counter(), "styles": Counter(),
                     "bfcl": {"agree": 0, "disagree": 0}, "fcbench": {"agree": 0, "disagree": 0},
                     "rows": Counter(), "unexplained": 0}
    shown: dict[str, list] = defaultdict(list)
    dumped: list[dict] = []
    for answer in answers:
        if (answer["id"], "bfcl") not in verdicts:
            figures["not_imported"] += 1
            continue
        figures["categories"][answer["category"]] += 1
        figures["styles"][answer["style"]] += 1
        want = bool(real[answer["id"]]["valid"])
        for name in PROFILES:
            passed, result = verdicts[(answer["id"], name)]
            if passed == want:
                figures[name]["agree"] += 1
                continue
            figures[name]["disagree"] += 1
            if name == "fcbench" and args.dump is not None:
                dumped.append({"answer": answer, "bfcl": real[answer["id"]], "passed": result.passed,
                               "failures": list(result.failures), "details": result.details})
            if name == "fcbench":
                row = explain(answer, real[answer["id"]], result, entries[answer["entry_id"]])
                if row is not None:
                    figures["rows"][row] += 1
                    continue
                figures["unexplained"] += 1
            if len(shown[name]) < args.max_show:
                shown[name].append((answer, real[answer["id"]], result))

    compared = figures["answers"] - figures["not_imported"]
    print(f"{figures['answers']:,} answers ({compared:,} on imported items, {figures['not_imported']:,} on items "
          f"the importer skips), scored through import + replay + pipeline in {elapsed:.1f} s")
    print("  categories: " + ", ".join(f"{k} {v:,}" for k, v in sorted(figures["categories"].items())))
    print("  styles: " + ", ".join(f"{k} {v:,}" for k, v in sorted(figures["styles"].items())))
    for name in PROFILES:
        agree = figures[name]["agree"]
        print(f"--rules {name}: {agree:,}/{compared:,} agree with BFCL ({100 * agree / max(compared, 1):.2f} %)")
    print("  fcbench disagreements by documented row: " + (", ".join(
        f"{row} {n:,}" for row, n in figures["rows"].most_common()) or "none"))
    print(f"  fcbench disagreements no row explains: {figures['unexplained']:,}")
    residual = Counter((a["class"], a["style"], a["category"], w["valid"], r.passed, w.get("error_type"))
                       for a, w, r in shown.get("fcbench", []))
    for key, n in residual.most_common(40):
        print(f"    unexplained: {n} x {key}")
    for name, rows in shown.items():
        for answer, want, result in rows:
            print(f"\n[{name}] {answer['id']} ({answer['category']}, {answer['style']}, class {answer['class']}): "
                  f"BFCL {want['valid']} {want.get('error_type')}, fcbench {result.passed} {list(result.failures)}")
            print(f"    answer: {json.dumps(answer['result'], ensure_ascii=False)[:300]}")
            print(f"    scorer: {json.dumps(result.details, ensure_ascii=False, default=str)[:300]}")
    if args.dump is not None:
        args.dump.write_text("".join(json.dumps(d, ensure_ascii=False, default=str) + "\n" for d in dumped))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, default=dict) + "\n")
    ok = figures["bfcl"]["disagree"] == 0 and figures["unexplained"] == 0
    print("\nagreement:", "OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
