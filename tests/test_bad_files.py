"""Bad user files through the real CLI: each case a fault a fuzz of the files found (a traceback,
or an error of more than one line), with the reason in its id.

What every case asserts: no traceback; either exit 0 with the bad item skipped and counted in
``suite.json`` (an importer that can drop one item does), or exit 2 with exactly one line on
stderr. The fixtures are written here, small; the ToolAlpaca one starts from the project's
own fixture file.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import REPO, run_cli, write_jsonl

DEEP = "[" * 5000 + "]" * 5000          # a JSON text nested 5,000 levels
BIG = "1" * 5000                        # a number Python will not read from text (over 4,300 digits)


def assert_clean(proc, *, skipped: Path | None = None, reason: str | None = None) -> None:
    """No traceback; exit 0 (with `reason` counted among the suite's skips) or exit 2 in one line."""
    assert "Traceback" not in proc.stderr, proc.stderr
    if proc.returncode == 2:
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("fcbench: error:"), proc.stderr
        assert skipped is None, f"expected the item skipped, got: {proc.stderr}"
        return
    assert proc.returncode == 0, proc.stderr
    if skipped is not None:
        info = json.loads((skipped / "suite.json").read_text())
        reasons = {r for c in info["categories"].values() for r in c["skipped"]}
        assert reason is None or any(reason in r for r in reasons), reasons


def one_line(proc, message: str) -> None:
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], proc.stderr


# ------------------------------------------------------------------ BFCL
def bfcl_folder(root: Path, parameters: dict) -> Path:
    good = {"name": "area", "description": "Area.", "parameters": {
        "type": "dict", "properties": {"base": {"type": "integer"}}, "required": ["base"]}}
    bad = {**good, "parameters": parameters}
    question = lambda i, fn: {"id": f"simple_{i}", "function": [fn],  # noqa: E731
                              "question": [[{"role": "user", "content": "Area of base 3?"}]]}
    write_jsonl(root / "BFCL_v3_simple.json", [question(0, good), question(1, bad)])
    write_jsonl(root / "possible_answer" / "BFCL_v3_simple.json",
                [{"id": f"simple_{i}", "ground_truth": [{"area": {"base": [3]}}]} for i in range(2)])
    return root


@pytest.mark.parametrize("required", [1.5, -1, True], ids=["float", "int", "bool"])
def test_bfcl_required_not_a_list_skips_the_item(tmp_path, required):
    """Before: TypeError ''float' object is not iterable' (gold_calls_of did set(required))."""
    src = bfcl_folder(tmp_path / "src", {"type": "dict", "properties": {"base": {"type": "integer"}},
                                        "required": required})
    out = tmp_path / "suite"
    proc = run_cli("data", "import", "bfcl", "--from", str(src), "--out", str(out))
    assert_clean(proc, skipped=out, reason="'required' is not a list")


# ------------------------------------------------------------ ToolAlpaca
def test_toolalpaca_action_input_with_a_5000_digit_number_skips_the_item(tmp_path):
    """Before: ValueError 'Exceeds the limit (4300 digits)' from json.loads of Action_Input,
    which caught only JSONDecodeError (the same in every importer that reads JSON inside a
    source string: glaive, xlam, nexusraven, apibank, toolalpaca)."""
    src = tmp_path / "data"
    shutil.copytree(REPO / "tests" / "fixtures" / "toolalpaca" / "data", src)
    path = src / "eval_simulated.json"
    items = json.loads(path.read_text())
    items[0]["Golden_Answers"][0][0]["Action_Input"] = '{"station": ' + BIG + "}"
    path.write_text(json.dumps(items))
    out = tmp_path / "suite"
    assert_clean(run_cli("data", "import", "toolalpaca", "--from", str(src), "--out", str(out)),
                 skipped=out, reason="Action_Input is not JSON")


# ------------------------------------------------------------ NexusRaven
API = {"dataset": "d", "name": "search", "description": "Search.",
       "args_dicts": [{"name": "q", "type": "str", "description": "Words.", "required": True, "default": None}]}


def nexus_query(**over) -> dict:
    return {"dataset": "d", "prompt": "Search for cats.", "python_function_name": "search",
            "python_args_dict": '{"q": "cats"}', "context_functions": ["search"], **over}


@pytest.mark.parametrize("bad", [
    pytest.param({"python_args_dict": DEEP}, id="args-nested-5000-levels-RecursionError"),
    pytest.param({"python_args_dict": '{"q": ' + BIG + "}"}, id="args-5000-digit-number-ValueError"),
    pytest.param({"context_functions": "[" + BIG + "]"}, id="context-functions-5000-digit-number-ValueError"),
    pytest.param({"python_function_name": ["search"]}, id="function-name-a-list-unhashable-TypeError"),
    pytest.param({"python_function_name": {"a": 1}}, id="function-name-an-object-unhashable-TypeError"),
])
def test_nexusraven_bad_query_field_skips_the_query(tmp_path, bad):
    """Before: a traceback (RecursionError / ValueError from json.loads of a field, which caught
    only JSONDecodeError; TypeError 'unhashable type' for a function name that is no string)."""
    src = tmp_path / "src"
    write_jsonl(src / "standardized_api_list.jsonl", [API])
    write_jsonl(src / "standardized_queries.jsonl", [nexus_query(), nexus_query(**bad)])
    out = tmp_path / "suite"
    assert_clean(run_cli("data", "import", "nexusraven", "--from", str(src), "--out", str(out)), skipped=out)


# ------------------------------------------------------------ RestBench
def restbench_spec(operation: dict, components: dict | None = None) -> dict:
    return {"openapi": "3.0.0", "paths": {"/search/movie": {"get": {
        "summary": "Search.", "parameters": [{"name": "query", "in": "query", "schema": {"type": "string"}}]}},
        "/movie/{movie_id}/rating": {"post": operation}}, "components": components or {}}


@pytest.mark.parametrize("operation", [
    pytest.param({"parameters": 5}, id="parameters-a-number-TypeError"),
    pytest.param({"requestBody": {"content": {"application/json": 1.5}}}, id="media-type-a-number-AttributeError"),
    pytest.param({"requestBody": {"content": 7}}, id="content-a-number-AttributeError"),
    pytest.param({"requestBody": {"content": {"application/json": {"schema": {"properties": 2}}}}},
                 id="body-properties-a-number-AttributeError"),
    pytest.param({"requestBody": {"content": {"application/json": {"schema": {
        "properties": {"value": {"type": "number"}}, "required": True}}}}}, id="body-required-a-bool-TypeError"),
])
def test_restbench_spec_field_of_the_wrong_type(tmp_path, operation):
    """Before: a traceback from Spec.tool, which read an operation's fields without checking
    their types; now a field of the wrong type reads as absent."""
    data = tmp_path / "tmdb.json"
    data.write_text(json.dumps([{"query": "Find Inception.", "solution": ["GET /search/movie"]}]))
    spec = tmp_path / "tmdb_oas.json"
    spec.write_text(json.dumps(restbench_spec({"summary": "Rate.", **operation})))
    out = tmp_path / "suite"
    assert_clean(run_cli("data", "import", "restbench", "--from", str(data), "--spec", str(spec),
                         "--out", str(out)))


def test_restbench_spec_with_a_5000_digit_number(tmp_path):
    """Before: ValueError 'Exceeds the limit (4300 digits)' (Spec caught JSONDecodeError only)."""
    data = tmp_path / "tmdb.json"
    data.write_text(json.dumps([{"query": "Find Inception.", "solution": ["GET /search/movie"]}]))
    spec = tmp_path / "tmdb_oas.json"
    spec.write_text(json.dumps(restbench_spec({"summary": "Rate."})).replace('"3.0.0"', BIG))
    one_line(run_cli("data", "import", "restbench", "--from", str(data), "--spec", str(spec),
                     "--out", str(tmp_path / "suite")), "not a JSON OpenAPI spec")


# ------------------------------------------------------------- ToolBench
def toolbench_record(qid: int, **api_over) -> dict:
    api = {"tool_name": "Weather", "api_name": "Current", "api_description": "Weather now.",
           "required_parameters": [{"name": "city", "type": "STRING"}], "optional_parameters": [], **api_over}
    return {"query": "Weather in Paris?", "query_id": qid, "api_list": [api]}


@pytest.mark.parametrize("bad", [
    pytest.param(lambda r: r.update(api_list=True), id="api-list-a-bool-TypeError-in-name-table"),
    pytest.param(lambda r: r["api_list"][0].update(optional_parameters=3), id="parameters-a-number-TypeError"),
])
def test_toolbench_list_field_of_the_wrong_type_skips_the_record(tmp_path, bad):
    """Before: TypeError ''bool' object is not iterable' (name_table and parameters_of iterated
    `value or []` without checking it is a list)."""
    record = toolbench_record(2)
    bad(record)
    src = tmp_path / "G1_instruction.json"
    src.write_text(json.dumps([toolbench_record(1), record]))
    out = tmp_path / "suite"
    assert_clean(run_cli("data", "import", "toolbench", "--from", str(src), "--out", str(out)), skipped=out)


# ------------------------------------------------------------ Hugging Face
@pytest.mark.parametrize("text,message", [
    ('{"system": "SYSTEM: none", "chat": "USER: hi"}\ntrue\n', "row 2 is not a JSON object"),
    ("null\n", "not dataset rows"),
], ids=["a row that is no object: was two lines on stderr (datasets logged pyarrow's complaint above "
        "fcbench's line, which said only 'An error occurred')",
        "a file holding null: was a segmentation fault (exit 139) inside datasets/pyarrow"])
def test_hf_file_that_holds_no_rows_is_one_line(tmp_path, text, message):
    """The rows of a local JSON / JSON Lines file are checked before `datasets` reads it."""
    pytest.importorskip("datasets")
    src = tmp_path / "rows.jsonl"
    src.write_text(text)
    proc = run_cli("data", "import", "hf", str(src), "--mapping", "glaive", "--out", str(tmp_path / "suite"),
                   env={"HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf")})
    one_line(proc, message)


# ------------------------------------------------------------- run folders
@pytest.fixture(scope="module")
def small_run(tmp_path_factory) -> Path:
    run = tmp_path_factory.mktemp("bad-files") / "run"
    proc = run_cli("run", "--model", "reference/lexical", "--tasks", "parameter_value", "--limit", "3",
                   "--out", str(run), "--quiet")
    assert proc.returncode == 0, proc.stderr
    return run


@pytest.mark.parametrize("key,value,message", [
    pytest.param("limit", {}, "fingerprint_fields/limit", id="limit-an-object-TypeError-in-slice"),
    pytest.param("limit", "5", "fingerprint_fields/limit", id="limit-a-string-TypeError-in-slice"),
])
def test_resume_with_fingerprint_fields_of_the_wrong_type(tmp_path, small_run, key, value, message):
    """Before: `run --resume` takes the limit (and mode, split) from run.json's fingerprint_fields,
    which the reader did not check (only their top-level copies): a limit of {} or "5" reached
    the slice of the samples, a TypeError traceback. (A wrong mode or split was already refused
    in one line, later; the reader now names the field for all three.)"""
    run = tmp_path / "run"
    shutil.copytree(small_run, run)
    manifest = json.loads((run / "run.json").read_text())
    manifest["fingerprint_fields"][key] = value
    (run / "run.json").write_text(json.dumps(manifest))
    before = {p.name: p.read_bytes() for p in run.iterdir()}
    one_line(run_cli("run", "--resume", str(run), "--quiet"), message)
    assert {p.name: p.read_bytes() for p in run.iterdir()} == before
