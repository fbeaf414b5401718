"""`fcbench data import nestful` on the project's own NESTFUL-format fixtures (tests/fixtures/nestful):
``nestful_sample.jsonl`` in NESTFUL's repository shape, ``wrapper/travel-*.json`` in the
nestful-wrapper package's data + spec shape (with recorded call outputs)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import REPO, import_suite, installed, run_cli, suite_samples, write_jsonl

FIXTURE = REPO / "tests" / "fixtures" / "nestful"



@pytest.fixture(scope="module")
def suite(tmp_path_factory) -> Path:
    return import_suite(tmp_path_factory.mktemp("nestful") / "suite", "nestful", "--from", str(FIXTURE))


def test_counts_and_skip_reasons(suite):
    info = json.loads((suite / "suite.json").read_text())
    assert info["counts"] == {"chaining": {"test": 2}, "nested": {"test": 4}, "next_best": {"test": 10}}
    repo, wrapper = info["categories"]["nestful_sample"], info["categories"]["travel"]
    assert repo["samples"] == {"chaining": 1, "nested": 2, "next_best": 3}
    assert repo["skipped"] == {"reference inside a longer string": 1,
                               "next_best prefixes not built: earlier tool outputs not recorded": 7}
    assert wrapper["samples"] == {"chaining": 1, "nested": 2, "next_best": 7}
    assert wrapper["skipped"]["reference to a whole output"] == 1
    assert set(info["source"]["files"]) == {"nestful_sample.jsonl", "travel-data.json", "travel-spec.json"}


def test_labels_and_references_are_converted(suite):
    nested = suite_samples(suite, "nested")
    nf1 = nested["nf-1"]["gold"]
    assert [c["label"] for c in nf1["calls"]] == ["var1", "var2"]
    assert nf1["calls"][1]["arguments"] == {"arg_0": ["$var1.result$"], "arg_1": [10]}
    assert nf1["result"] == 70                                        # gold_answer
    assert "world_seed" not in nested["nf-1"]["metadata"]             # not executable in fcbench
    add = nested["nf-1"]["tools"][0]
    assert add["parameters"]["properties"]["arg_0"]["type"] == "number"          # "int or float"
    assert add["returns"] == {"type": "object", "properties": {"result": {"type": "number", "description": "sum"}}}
    faro = nested["travel-1"]
    assert faro["gold"]["calls"][1]["arguments"] == {"lat": ["$var1.location.lat$"]}
    assert faro["gold"]["calls"][2]["arguments"]["currency"] == ["EUR"]
    assert [c["name"] for c in faro["gold"]["calls"]] == ["Geo.SearchCity", "Weather.Now", "Hotels.Search"]
    assert faro["gold"]["result"] is None                               # the wrapper has no gold answer
    assert {t["name"] for t in faro["tools"]} == {"Geo.SearchCity", "Weather.Now", "Hotels.Search"}
    hotels = next(t for t in faro["tools"] if t["name"] == "Hotels.Search")["parameters"]
    assert hotels["required"] == ["cityId", "checkIn"] and hotels["properties"]["currency"]["enum"] == ["USD", "EUR"]
    assert suite_samples(suite, "chaining")["nf-2"]["gold"]["calls"][0] == {"name": "divide",
                                                                    "arguments": {"arg_0": [9], "arg_1": [3]}}


def test_next_best_prefixes(suite):
    nb = suite_samples(suite, "next_best")
    # empty prefix of a nested sequence: every call without references may come first
    assert [c["name"] for c in nb["travel-1#next0"]["gold"]["next"]] == ["Geo.SearchCity"]
    assert nb["nf-3#next0"]["gold"]["next"] == [{"name": "add", "arguments": {"arg_0": [1], "arg_1": [2]}}]
    # recorded outputs: prefix 1 shows the call and its output, and the reference is resolved
    # (a list output read by field takes its first item)
    porto = nb["travel-0#next1"]
    assert [m["role"] for m in porto["messages"]] == ["user", "assistant", "tool"]
    assert json.loads(porto["messages"][2]["content"]) == [{"cityId": "C-42", "location": {"lat": 41.15}}]
    assert porto["gold"]["next"][0]["arguments"] == {"cityId": ["C-42"], "checkIn": ["2024-08-15"],
                                                     "currency": ["", "USD"]}
    assert nb["travel-0#next2"]["gold"] == {"next": [], "stop": True}
    assert "travel-1#next1" not in nb                                   # no recorded outputs


def test_oracle_scores_100(suite, tmp_path):
    run = tmp_path / "run"
    proc = run_cli("run", "--model", "reference/oracle", "--suite", str(suite), "--out", str(run), "--quiet")
    assert proc.returncode == 0, proc.stderr
    tasks = json.loads((run / "results.json").read_text())["tasks"]
    assert {t: m["metrics"]["accuracy"] for t, m in tasks.items()} == {"nested": 1.0, "chaining": 1.0,
                                                                       "next_best": 1.0}
    assert "win" not in tasks["nested"]["metrics"]


def test_single_file_and_reproducible(tmp_path):
    outs = []
    for name in ("a", "b"):
        out = tmp_path / name
        proc = run_cli("data", "import", "nestful", "--from", str(FIXTURE / "nestful_sample.jsonl"), "--out", str(out))
        assert proc.returncode == 0, proc.stderr
        outs.append(out)
    assert (outs[0] / "suite.json").read_bytes() == (outs[1] / "suite.json").read_bytes()
    assert (outs[0] / "nested" / "test.jsonl").read_bytes() == (outs[1] / "nested" / "test.jsonl").read_bytes()


@pytest.mark.parametrize("make, message, why", [
    (lambda t: t / "missing.jsonl", "no such file or folder", "wrong path"),
    (lambda t: write_jsonl(t / "x.jsonl", [{"query": "q", "answers": []}]), "not NESTFUL data", "wrong format"),
    (lambda t: t, "no NESTFUL data files", "a folder without data"),
    (lambda t: write_jsonl(t / "y-data.json", [{"input": "q", "output": [{"name": "f", "arguments": {}}]}]),
     "need a 'tools' list or a <set>-spec.json catalog", "catalog data without its spec"),
])
def test_clear_errors(tmp_path, make, message, why):
    src = tmp_path / "src"
    src.mkdir()
    proc = run_cli("data", "import", "nestful", "--from", str(make(src)), "--out", str(tmp_path / "out"))
    assert proc.returncode == 2, why
    assert message in proc.stderr, (why, proc.stderr)
    assert "Traceback" not in proc.stderr


@pytest.mark.skipif(not installed("nestful-wrapper"), reason="nestful-wrapper is not installed")
def test_from_package(tmp_path):
    out = tmp_path / "pkg"
    proc = run_cli("data", "import", "nestful", "--from-package", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    info = json.loads((out / "suite.json").read_text())
    assert info["version"].startswith("nestful-wrapper-")
    assert set(info["categories"]) == {"executable", "non-executable-glaive", "non-executable-sgd"}
    run = run_cli("run", "--model", "reference/oracle", "--suite", str(out), "--out", str(tmp_path / "r"), "--quiet")
    assert run.returncode == 0, run.stderr
    results = json.loads((tmp_path / "r" / "results.json").read_text())
    assert all(m["metrics"]["accuracy"] == 1.0 for m in results["tasks"].values())
