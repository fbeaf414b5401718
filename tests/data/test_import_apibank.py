"""`fcbench data import apibank` on the project's own API-Bank-format fixtures
(tests/fixtures/apibank/json_test_data: the four level-*.json files, 14 items of which 5 are
skipped and one more gives only its name lens; level 2 is shaped as published, its instruction
listing only ToolSearcher)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import REPO, import_suite, run_cli, suite_samples

FIXTURE = REPO / "tests" / "fixtures" / "apibank"



@pytest.fixture(scope="module")
def suite(tmp_path_factory) -> Path:
    return import_suite(tmp_path_factory.mktemp("apibank") / "suite", "apibank", "--from", str(FIXTURE))


def test_counts_and_skip_reasons(suite):
    info = json.loads((suite / "suite.json").read_text())
    # api items give parameter_value + name_detection; the level-2 ones that open with a
    # ToolSearcher call also give next_best; response items give response_generation
    assert info["counts"] == {"name_detection": {"test": 6}, "next_best": {"test": 2},
                              "parameter_value": {"test": 5}, "response_generation": {"test": 3}}
    cats = info["categories"]
    assert cats["level-1-api"] == {"items": 5, "samples": {"name_detection": 3, "parameter_value": 3}, "skipped": {
        "API request does not read as one call": 1, "gold API not in the candidate list": 1}}
    assert cats["level-2-api"] == {"items": 4, "samples": {"name_detection": 3, "next_best": 2,
                                                           "parameter_value": 2}, "skipped": {
        # GetUserToken: neither the instruction nor a ToolSearcher result describes it
        "gold API not in the candidate list": 1,
        # a ToolSearcher gold keeps its #names lens but has no exact argument gold
        "gold is a ToolSearcher query (free-text keywords: call lenses not built)": 1}}
    assert cats["level-1-response"]["skipped"] == {"dialogue does not end with an API result": 1}
    assert cats["level-2-response"]["skipped"] == {"empty gold reply": 1}
    assert set(info["source"]["files"]) == {"level-1-api.json", "level-1-response.json",
                                            "level-2-api.json", "level-2-response.json"}


def test_api_item_converted_field_by_field(suite):
    sample = suite_samples(suite, "parameter_value")["level-1-api-AddAgenda-level-1-1-0"]
    # the instruction's date note, then the dialogue; the earlier API-Request is a call + its result
    assert [m["role"] for m in sample["messages"]] == ["system", "user", "assistant", "user", "assistant",
                                                       "tool", "assistant", "user"]
    assert sample["messages"][0]["content"] == "The current year is 2023."
    assert sample["messages"][4]["tool_calls"] == [{"id": "call_1", "name": "GetUserToken",
                                                    "arguments": {"username": "foo", "password": "bar"}}]
    assert json.loads(sample["messages"][5]["content"]) == {"token": "z9x8c7v6"}   # Python dict read as JSON
    assert sample["messages"][7]["content"] == "On March 20 at 2 pm,\nin room 401."  # continuation line kept
    agenda = next(t for t in sample["tools"] if t["name"] == "AddAgenda")
    assert agenda["description"] == "The API for adding an agenda item, with content, time and location."
    props = agenda["parameters"]["properties"]
    assert props["token"] == {"type": "string", "description": "User's token."}
    assert "type" not in props["time"] and "(type: datetime)" in props["time"]["description"]  # no JSON type
    assert agenda["returns"]["properties"]["status"]["type"] == "string"
    assert sample["gold"] == {"calls": [{"name": "AddAgenda", "arguments": {
        "token": ["z9x8c7v6"], "content": ["Meeting with the design team"], "time": ["2023-03-20 14:00:00"],
        "location": ["room 401"]}}]}
    # max_results='3' for an int parameter is stored as the integer a model would send
    news = suite_samples(suite, "parameter_value")["level-1-api-GetNews-level-1-1-0"]
    assert news["gold"]["calls"][0]["arguments"]["max_results"] == [3]
    names = suite_samples(suite, "name_detection")["level-1-api-AddAgenda-level-1-1-0#names"]
    assert names["gold"] == {"names": ["AddAgenda"]} and names["messages"] == sample["messages"]


def test_level2_candidates_and_next_best(suite):
    nb = suite_samples(suite, "next_best")
    assert set(nb) == {"level-2-api-BookHotel-level-3-1-0#next", "level-2-api-DeleteAlarm-level-3-1-1#next"}
    hotel = nb["level-2-api-BookHotel-level-3-1-0#next"]
    assert hotel["messages"][3]["tool_calls"][0]["name"] == "ToolSearcher"
    assert hotel["gold"]["stop"] is False
    assert hotel["gold"]["next"][0]["arguments"]["room_count"] == [2]
    # the level-2 instruction lists only ToolSearcher: the API to call comes from its result
    # (one description, or a list of them)
    assert [t["name"] for t in hotel["tools"]] == ["ToolSearcher", "BookHotel"]
    alarm = nb["level-2-api-DeleteAlarm-level-3-1-1#next"]
    assert [t["name"] for t in alarm["tools"]] == ["ToolSearcher", "GetUserToken", "DeleteAlarm"]
    assert [c["name"] for m in alarm["messages"] for c in m.get("tool_calls", [])] == ["ToolSearcher",
                                                                                     "GetUserToken"]
    assert alarm["gold"]["next"] == [{"name": "DeleteAlarm", "arguments": {
        "token": ["q1w2e3r4"], "time": ["2023-03-17 07:00:00"]}}]
    assert "level-2-api-BookHotel-level-3-1-1" not in suite_samples(suite, "parameter_value")   # ToolSearcher gold


def test_response_items(suite):
    rg = suite_samples(suite, "response_generation")
    rome = rg["level-1-response-QueryWeather-level-1-1-0"]
    assert rome["messages"][-1]["role"] == "tool"
    assert json.loads(rome["messages"][-1]["content"]) == {"weather": "Sunny", "temperature": 21.5}
    assert rome["gold"]["reference"].startswith("It will be sunny")                # "AI: " prefix removed
    assert {"value": 21.5, "kind": "number"} in rome["gold"]["facts"]             # result value the reply states


def test_oracle_scores_100(suite, tmp_path):
    run = tmp_path / "run"
    proc = run_cli("run", "--model", "reference/oracle", "--suite", str(suite), "--out", str(run), "--quiet")
    assert proc.returncode == 0, proc.stderr
    tasks = json.loads((run / "results.json").read_text())["tasks"]
    # every gold the importer wrote is reachable: the data, the scorers and the oracle agree
    assert {t: m["metrics"]["accuracy"] for t, m in tasks.items()} == {
        "name_detection": 1.0, "next_best": 1.0, "parameter_value": 1.0, "response_generation": 1.0}


@pytest.mark.parametrize("content, message, why", [
    ('[{"query": "q", "answers": []}]', "not API-Bank data (item 0 lacks text fields", "another format"),
    ('{"file": "x", "id": 0', "not a JSON line", "not JSON"),
    (None, "no API-Bank files here", "a folder without level-*.json"),
])
def test_bad_input_refused_in_one_line(tmp_path, content, message, why):
    source = tmp_path / "src"
    source.mkdir()
    if content is not None:
        source = source / "level-1-api.json"
        source.write_text(content)
    proc = run_cli("data", "import", "apibank", "--from", str(source), "--out", str(tmp_path / "out"))
    assert proc.returncode == 2, why
    assert message in proc.stderr and proc.stderr.strip().count("\n") == 0, (why, proc.stderr)
    assert "Traceback" not in proc.stderr
