"""`fcbench data import nexusraven` on the project's own NexusRaven-format fixtures
(tests/fixtures/nexusraven: the two configs as JSON Lines, 9 queries of which 5 must be skipped),
and the hub path through a stand-in ``datasets`` module (tests never touch the internet)."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import pytest
from conftest import REPO, import_suite, run_cli, suite_samples, write_jsonl

from fcbench.data.importers import nexusraven
from fcbench.data.importers.common import SuiteBuilder, read_json_or_jsonl
from fcbench.errors import UsageError

FIXTURE = REPO / "tests" / "fixtures" / "nexusraven"



@pytest.fixture(scope="module")
def suite(tmp_path_factory) -> Path:
    return import_suite(tmp_path_factory.mktemp("nexusraven") / "suite", "nexusraven", "--from", str(FIXTURE))


def test_counts_and_skip_reasons(suite):
    info = json.loads((suite / "suite.json").read_text())
    # 4 usable queries, each one parameter_value and one name_detection sample
    assert info["counts"] == {"name_detection": {"test": 4}, "parameter_value": {"test": 4}}
    cats = info["categories"]
    assert {c: v["items"] for c, v in cats.items()} == {"cve_cpe": 3, "emailrep": 3, "virustotal": 3}
    # every unusable query is counted under its reason, in its source dataset
    assert cats["cve_cpe"]["skipped"] == {"gold argument missing from the function schema (no answer can pass)": 1}
    assert cats["emailrep"]["skipped"] == {"context function missing from the API list": 1, "empty request": 1}
    assert cats["virustotal"]["skipped"] == {"gold function not among the context functions": 1,
                                             "python_args_dict is not JSON": 1}
    assert set(info["source"]["files"]) == {"standardized_queries.jsonl", "standardized_api_list.jsonl"}


def test_tools_and_gold_field_by_field(suite):
    pv = suite_samples(suite, "parameter_value")["cve_cpe-0"]
    # the library is the query's context_functions, looked up in the SAME dataset's API list
    # (the fixture has a second, different searchCVE under toolalpaca)
    assert [t["name"] for t in pv["tools"]] == ["searchCVE", "searchCPE"]
    cve = pv["tools"][0]
    assert cve["description"] == "Search the NVD for CVEs."
    props = cve["parameters"]["properties"]
    assert cve["parameters"]["required"] == ["keyword"]                      # required: true
    assert props["keyword"] == {"type": "string", "description": "Words to find in CVE descriptions."}
    assert props["limit"]["type"] == "integer" and props["limit"]["default"] == 10   # "int", default "10"
    assert props["cpeName"]["type"] == ["null", "string"] and "default" not in props["cpeName"]  # Optional, None
    assert props["isVulnerable"] == {"type": "boolean", "description": "Only vulnerable configurations.",
                                     "default": False}
    # gold: the python_args_dict values; the left-out defaulted parameter may be omitted or sent as its default
    assert pv["gold"] == {"calls": [{"name": "searchCVE", "arguments": {
        "keyword": ["log4j"], "limit": [5], "isVulnerable": ["", False]}}]}
    nd = suite_samples(suite, "name_detection")["cve_cpe-0#names"]
    assert nd["gold"] == {"names": ["searchCVE"]} and nd["tools"] == pv["tools"]
    # a gold value equal to its default may be omitted too (NexusRaven fills defaults before comparing)
    cpe = suite_samples(suite, "parameter_value")["cve_cpe-1"]["gold"]["calls"][0]["arguments"]
    assert cpe == {"keywordSearch": ["windows 10"], "resultsPerPage": ["", 20]}
    # a list value stays one value (not a set of alternatives)
    report = suite_samples(suite, "parameter_value")["emailrep-3"]["gold"]["calls"][0]["arguments"]
    assert report["tags"] == [["spam", "phishing"]]


@pytest.mark.parametrize("model, expected", [
    ("reference/oracle", {"name_detection": 1.0, "parameter_value": 1.0}),
    # lexical picks the right function 3 times of 4 but fills no argument list exactly
    ("reference/lexical", {"name_detection": 0.75, "parameter_value": 0.0}),
])
def test_reference_models(suite, tmp_path, model, expected):
    run = tmp_path / "run"
    proc = run_cli("run", "--model", model, "--suite", str(suite), "--out", str(run), "--quiet")
    assert proc.returncode == 0, proc.stderr
    tasks = json.loads((run / "results.json").read_text())["tasks"]
    assert {t: m["metrics"]["accuracy"] for t, m in tasks.items()} == expected


def _stub_datasets(monkeypatch, tables: dict[str, list]) -> list[tuple]:
    calls: list[tuple] = []

    def load_dataset(dataset_id, config, split):
        calls.append((dataset_id, config, split))
        if config not in tables:
            raise ValueError(f"BuilderConfig {config} not found")
        return tables[config]

    monkeypatch.setitem(sys.modules, "datasets", types.SimpleNamespace(load_dataset=load_dataset, __version__="0-stub"))
    return calls


def test_hub_path_reads_both_configs(monkeypatch):
    """A hub id is read config by config through datasets.load_dataset, and gives the same samples."""
    tables = {"standardized_queries": read_json_or_jsonl(FIXTURE / "standardized_queries.jsonl"),
              "standardized_api_list": read_json_or_jsonl(FIXTURE / "standardized_api_list.jsonl")}
    calls = _stub_datasets(monkeypatch, tables)
    assert nexusraven.looks_like_hub_id("Nexusflow/NexusRaven_API_evaluation")
    queries, api_list, info = nexusraven.load_hub("Nexusflow/NexusRaven_API_evaluation", "standardized_queries",
                                                  "standardized_api_list", "train")
    assert calls == [("Nexusflow/NexusRaven_API_evaluation", "standardized_queries", "train"),
                     ("Nexusflow/NexusRaven_API_evaluation", "standardized_api_list", "train")]
    assert info["configs"] == ["standardized_queries", "standardized_api_list"]
    builder = SuiteBuilder("nx", "nexusraven")
    nexusraven.import_nexusraven(builder, queries, api_list)
    assert builder.counts() == {"name_detection": {"test": 4}, "parameter_value": {"test": 4}}


def test_hub_errors_are_one_line(monkeypatch):
    _stub_datasets(monkeypatch, {})
    with pytest.raises(UsageError, match="cannot load owner/set config standardized_queries"):
        nexusraven.load_hub("owner/set", "standardized_queries", "standardized_api_list", "train")


@pytest.mark.parametrize("make, message, why", [
    (lambda t: t / "missing", "no such folder (and not a hub id", "wrong path, not a hub id either"),
    (lambda t: t, "no standardized_queries.json or standardized_queries.jsonl", "a folder without the files"),
    (lambda t: write_jsonl(t / "standardized_queries.jsonl", [{"query": "q"}]), "give the folder", "a file"),
    (lambda t: (write_jsonl(t / "standardized_queries.jsonl", [{"dataset": "d", "prompt": "p"}]),
                write_jsonl(t / "standardized_api_list.jsonl", [{"name": "f"}]))[0].parent,
     "not the NexusRaven queries: a row has no python_function_name", "wrong columns"),
    (lambda t: (write_jsonl(t / "standardized_queries.jsonl", ["{broken"]),
                write_jsonl(t / "standardized_api_list.jsonl", [{"name": "f"}]))[0].parent,
     "not a JSON line", "broken JSON"),
])
def test_bad_input_is_refused_in_one_line(tmp_path, make, message, why):
    src = tmp_path / "src"
    src.mkdir()
    proc = run_cli("data", "import", "nexusraven", "--from", str(make(src)), "--out", str(tmp_path / "out"))
    assert proc.returncode == 2, why
    assert message in proc.stderr, (why, proc.stderr)
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr, why
