"""`fcbench data import apiblend` on the project's own API-Blend-format fixtures
(tests/fixtures/apiblend: one small file per set shape, 19 records of which 7 must be skipped)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import REPO, import_suite, run_cli, suite_samples, write_jsonl

from fcbench.data.importers.apiblend import parse_call, parse_toolqa
from fcbench.data.importers.common import Skip

FIXTURE = REPO / "tests" / "fixtures" / "apiblend"



@pytest.fixture(scope="module")
def suite(tmp_path_factory) -> Path:
    return import_suite(tmp_path_factory.mktemp("apiblend") / "suite", "apiblend", "--from", str(FIXTURE))


def test_counts_and_skip_reasons(suite):
    info = json.loads((suite / "suite.json").read_text())
    # one call -> parameter_value, several -> chaining; nothing else
    assert info["counts"] == {"chaining": {"test": 6}, "parameter_value": {"test": 6}}
    cats = info["categories"]
    assert {c: v["samples"] for c, v in cats.items()} == {
        "SeqATIS": {"chaining": 1, "parameter_value": 1}, "SeqMultiWOZ": {"parameter_value": 1},
        "SeqSGD": {"chaining": 1, "parameter_value": 1}, "SeqSNIPS": {"chaining": 1, "parameter_value": 1},
        "SeqToolQA": {"chaining": 2}, "SeqTopV2": {"chaining": 1, "parameter_value": 2}}
    assert {c: v["skipped"] for c, v in cats.items()} == {
        "SeqATIS": {"no API calls": 1, "slot with several values": 1},
        "SeqMultiWOZ": {},
        "SeqSGD": {"empty slot value": 1},           # "" would mean "may be omitted" in fcbench's gold
        "SeqSNIPS": {"empty slot value": 1},
        "SeqToolQA": {"SeqToolQA call not understood": 1,
                      "SeqToolQA call with an unexpected number of arguments": 1},
        "SeqTopV2": {"API call arguments not understood": 1}}


def test_library_and_gold_field_by_field(suite):
    atis = suite_samples(suite, "parameter_value")["SeqATIS-0"]
    # the library is every intent of the file (skipped records add none), slots as optional strings
    assert [t["name"] for t in atis["tools"]] == ["atis_airfare", "atis_airline", "atis_flight"]
    flight = atis["tools"][2]
    assert flight == {"name": "atis_flight", "description": "SeqATIS API atis_flight", "parameters": {
        "type": "object", "properties": {
            "fromloc.city_name": {"type": "string", "description": "slot fromloc.city_name"},
            "toloc.city_name": {"type": "string", "description": "slot toloc.city_name"}}}}
    assert atis["gold"] == {"calls": [{"name": "atis_flight", "arguments": {
        "fromloc.city_name": ["boston"], "toloc.city_name": ["denver"]}}]}
    # several calls keep the source's order; API-Blend records no final answer
    sgd = suite_samples(suite, "chaining")["SeqSGD-0"]["gold"]
    assert [c["name"] for c in sgd["calls"]] == ["FindRestaurants", "ReserveRestaurant"]
    assert sgd["calls"][1]["arguments"] == {"city": ["San Jose"], "party_size": ["2"], "time": ["7 pm"]}
    assert sgd["result"] is None
    # ";" separates SGD slots, so a comma stays inside a value
    ride = suite_samples(suite, "parameter_value")["SeqSGD-1"]["gold"]["calls"][0]["arguments"]
    assert ride["destination"] == ["123 Main St, Apt 4"]


def test_topv2_quoting_and_name_normalisation(suite):
    topv2 = suite_samples(suite, "chaining")["SeqTopV2-1"]["gold"]["calls"]
    assert topv2[0]["arguments"] == {"TODO": ["buy milk, eggs"], "DATE_TIME": ["at 5pm"]}
    assert topv2[1]["arguments"]["CONTENT"] == ['say "hi"']             # escaped quotes unescaped
    event = suite_samples(suite, "parameter_value")["SeqTopV2-2"]
    assert event["gold"]["calls"][0] == {"name": "IN_GET_EVENT", "arguments": {"SL_LOCATION": ["Austin"]}}
    assert "IN_GET_EVENT" in [t["name"] for t in event["tools"]]


def test_toolqa_is_chaining_with_the_answer_as_result(suite):
    flights = suite_samples(suite, "chaining")["SeqToolQA-easy-flights-0000"]["gold"]
    assert [c["name"] for c in flights["calls"]] == ["LoadDB", "FilterDB", "GetValue"]
    assert flights["calls"][0]["arguments"] == {"DBName": ["flights"]}          # positional -> ToolQA's name
    assert flights["calls"][1]["arguments"]["Origin"] == ["ATL"]                # key=value conditions
    assert flights["calls"][2]["arguments"] == {"ValueName": ["DepTime"]}       # keyed, same name
    assert flights["result"] == "1456.0"
    coffee = suite_samples(suite, "chaining")["SeqToolQA-easy-coffee-0001"]["gold"]["calls"]
    assert coffee[1]["arguments"] == {"Condition": ["Date>=2019-10-01, Date<=2019-10-02"]}
    assert coffee[3]["arguments"] == {"Formula": ["mean(1.5, 2.5)"]}            # free text kept whole


@pytest.mark.parametrize("text, why", [
    ("GET_WEATHER(LOCATION = \"Seattle\"", "unclosed call"),
    ("GET_WEATHER(LOCATION = \"Seattle)", "unclosed quote"),
    ("GET_WEATHER(A = \"x\", A = \"y\")", "a slot given twice"),
])
def test_unreadable_calls_are_skipped(text, why):
    with pytest.raises(Skip):
        parse_call(text, ",")


def test_toolqa_arity_and_unknown_actions_are_skipped():
    with pytest.raises(Skip, match="unexpected number of arguments"):
        parse_toolqa("NodeCheck[a, b, c]")  # ToolQA's NodeCheck takes a graph and a node
    with pytest.raises(Skip, match="without known parameters"):
        parse_toolqa("Teleport[home]")      # not a ToolQA action, and not key=value
    assert parse_toolqa("Teleport[to=home]") == ("Teleport", {"to": "home"})


@pytest.mark.parametrize("model, expected", [
    ("reference/oracle", {"chaining": 1.0, "parameter_value": 1.0}),
    # lexical makes one call with guessed values: never the exact slot values here
    ("reference/lexical", {"chaining": 0.0, "parameter_value": 0.0}),
])
def test_reference_models(suite, tmp_path, model, expected):
    run = tmp_path / "run"
    proc = run_cli("run", "--model", model, "--suite", str(suite), "--out", str(run), "--quiet")
    assert proc.returncode == 0, proc.stderr
    tasks = json.loads((run / "results.json").read_text())["tasks"]
    assert {t: m["metrics"]["accuracy"] for t, m in tasks.items()} == expected


@pytest.mark.parametrize("make, message, why", [
    (lambda t: t / "missing.jsonl", "no such file or folder", "wrong path"),
    (lambda t: t, "no API-Blend files here", "an empty folder"),
    (lambda t: write_jsonl(t / "x.jsonl", [{"query": "q", "answers": []}]), "not an API-Blend file", "wrong format"),
    (lambda t: write_jsonl(t / "y.jsonl", ["{broken"]), "not a JSON line", "broken JSON"),
])
def test_bad_input_is_refused_in_one_line(tmp_path, make, message, why):
    src = tmp_path / "src"
    src.mkdir()
    proc = run_cli("data", "import", "apiblend", "--from", str(make(src)), "--out", str(tmp_path / "out"))
    assert proc.returncode == 2, why
    assert message in proc.stderr, (why, proc.stderr)
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr, why
