"""`fcbench data import toolalpaca` on the project's own ToolAlpaca-format fixtures
(tests/fixtures/toolalpaca/data: eval_real.json with 2 APIs and eval_simulated.json with 1;
12 requests of which 6 are skipped)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import REPO, import_suite, run_cli, suite_samples

FIXTURE = REPO / "tests" / "fixtures" / "toolalpaca"



@pytest.fixture(scope="module")
def suite(tmp_path_factory) -> Path:
    return import_suite(tmp_path_factory.mktemp("toolalpaca") / "suite", "toolalpaca", "--from", str(FIXTURE))


def test_counts_and_skip_reasons(suite):
    info = json.loads((suite / "suite.json").read_text())
    # one-step golds: parameter_value + name_detection; multi-step golds: chaining
    assert info["counts"] == {"chaining": {"test": 2}, "name_detection": {"test": 3},
                              "parameter_value": {"test": 3}}
    cats = info["categories"]
    assert cats["eval_real"] == {"items": 7, "samples": {"chaining": 1, "name_detection": 2, "parameter_value": 2},
                                 "skipped": {"Action_Input is not JSON": 1,
                                             # both requests of the API whose function name has spaces
                                             "function name not allowed by fcbench": 2,
                                             "gold function not in the API's functions": 1}}
    assert cats["eval_simulated"] == {"items": 5, "samples": {"chaining": 1, "name_detection": 1,
                                                              "parameter_value": 1}, "skipped": {
        "a required parameter is missing from the gold (no answer can pass)": 1,
        "no gold steps": 1, "no golden answer for the request": 1}}


def test_function_description_becomes_json_schema(suite):
    sample = suite_samples(suite, "parameter_value")["eval_real-0-0"]
    search = next(t for t in sample["tools"] if t["name"] == "searchBooks")
    assert search["description"] == "Search books by title or author."       # text before "Parameters:"
    assert search["parameters"] == {"type": "object", "required": ["query"], "properties": {
        "query": {"type": "string", "description": "Words to search for in titles and author names."},
        "sort": {"type": "string", "enum": ["relevance", "newest"], "description": "The order of the results."},
        "limit": {"type": "integer", "description": "How many books to return."}}}
    # the "components" entry (output structures, no Parameters part) is not a function
    assert [t["name"] for t in sample["tools"]] == ["searchBooks", "getBook", "getAuthor"]
    author = sample["tools"][2]["parameters"]["properties"]["author_id"]
    assert author == {"type": "integer"}                                      # "Required. integer. ": no description
    # "5" for an integer parameter is stored as the integer a model would send
    assert sample["gold"] == {"calls": [{"name": "searchBooks", "arguments": {
        "query": ["sourdough baking"], "sort": ["newest"], "limit": [5]}}]}
    assert sample["messages"] == [{"role": "user",
                                   "content": "Find me the newest books about sourdough baking, just 5 of them."}]
    assert sample["metadata"]["endpoints"]["getBook"] == "GET /books/{book_id}"   # Function_Projection
    assert sample["metadata"]["api"] == "BookFinder"
    tides = suite_samples(suite, "parameter_value")["eval_simulated-0-0"]["tools"][1]["parameters"]["properties"]
    assert tides["units"]["enum"] == ["metric", "imperial"]                    # a JSON "One of" list


def test_empty_values_are_not_given(suite):
    # "sort": "" and "limit": "" mean "not given": only query is in the gold
    le_guin = suite_samples(suite, "parameter_value")["eval_real-0-2"]["gold"]["calls"][0]
    assert le_guin["arguments"] == {"query": ["Ursula K. Le Guin"]}
    chain = suite_samples(suite, "chaining")["eval_simulated-0-1"]["gold"]
    assert chain == {"calls": [{"name": "listStations", "arguments": {}},      # Action_Input ""
                               {"name": "getTides", "arguments": {"station": ["S-1"]}}], "result": None}
    assert suite_samples(suite, "name_detection")["eval_real-0-0#names"]["gold"] == {"names": ["searchBooks"]}


def test_oracle_scores_100(suite, tmp_path):
    run = tmp_path / "run"
    proc = run_cli("run", "--model", "reference/oracle", "--suite", str(suite), "--out", str(run), "--quiet")
    assert proc.returncode == 0, proc.stderr
    tasks = json.loads((run / "results.json").read_text())["tasks"]
    # every gold the importer wrote is reachable: the data, the scorers and the oracle agree
    assert {t: m["metrics"]["accuracy"] for t, m in tasks.items()} == {
        "chaining": 1.0, "name_detection": 1.0, "parameter_value": 1.0}


@pytest.mark.parametrize("content, message, why", [
    ('[{"Name": "X", "Instructions": []}]', "not ToolAlpaca data (entry 0 lacks Function_Description, "
     "Golden_Answers)", "fields missing"),
    ('[{"Name": "X", "Function_Description": {}, "Instructions": "q", "Golden_Answers": []}]',
     "Instructions and Golden_Answers must be lists", "wrong field type"),
    ("[1, 2", "not valid JSON", "not JSON"),
])
def test_bad_input_refused_in_one_line(tmp_path, content, message, why):
    source = tmp_path / "eval_real.json"
    source.write_text(content)
    proc = run_cli("data", "import", "toolalpaca", "--from", str(source), "--out", str(tmp_path / "out"))
    assert proc.returncode == 2, why
    assert message in proc.stderr and proc.stderr.strip().count("\n") == 0, (why, proc.stderr)
    assert "Traceback" not in proc.stderr
