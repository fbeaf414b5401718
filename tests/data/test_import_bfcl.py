"""`fcbench data import bfcl` on the project's own BFCL-format fixture (tests/fixtures/bfcl)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import REPO, installed, run_cli, suite_samples, write_jsonl

from fcbench.data.suites import resolve_suite
from fcbench.errors import UsageError

FIXTURE = REPO / "tests" / "fixtures" / "bfcl"



@pytest.fixture(scope="module")
def suite(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bfcl") / "suite"
    proc = run_cli("data", "import", "bfcl", "--from", str(FIXTURE), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "wrote suite bfcl-v3" in proc.stdout
    return out


def test_mapping_counts_per_category(suite):
    info = json.loads((suite / "suite.json").read_text())
    assert info["counts"] == {"name_detection": {"test": 5}, "parallel": {"test": 2}, "parameter_value": {"test": 5}}
    cats = info["categories"]
    assert cats["simple"]["samples"] == {"parameter_value": 2}
    assert cats["simple_java"]["samples"] == {"parameter_value": 1}
    assert cats["multiple"]["samples"] == {"name_detection": 2, "parameter_value": 2}
    assert cats["parallel"]["samples"] == {"parallel": 1}
    assert cats["parallel_multiple"] == {"items": 2, "samples": {"parallel": 1}, "skipped": {
        "gold parameter missing from the function schema (no answer can pass)": 1}}
    assert cats["irrelevance"]["samples"] == {"name_detection": 2}
    assert cats["live_irrelevance"]["samples"] == {"name_detection": 1}
    assert list(cats["live_relevance"]["skipped"]) == ["relevance: any call passes, there is no gold function set"]
    assert cats["multi_turn_base"]["items"] == 1 and not cats["multi_turn_base"]["samples"]
    assert info["source"]["bfcl_version"] == "v3"
    assert set(info["source"]["files"]) >= {"BFCL_v3_simple.json", "possible_answer/BFCL_v3_simple.json"}
    assert "imported_at" not in json.dumps(info)


def test_types_become_json_schema(suite):
    route = suite_samples(suite, "parameter_value")["simple_1"]["tools"][0]["parameters"]
    assert route["type"] == "object"
    props = route["properties"]
    assert props["start"]["type"] == "array" and props["start"]["items"]["type"] == "number"  # tuple of float
    assert props["options"]["type"] == "object"                                                # dict
    assert props["options"]["properties"]["avoid"] == {"type": "array", "items": {"type": "string"}}
    assert "type" not in props["tag"]                                                          # any
    java = suite_samples(suite, "parameter_value")["simple_java_0"]["tools"][0]["parameters"]["properties"]
    assert java["list"]["type"] == "string" and "ArrayList" in java["list"]["description"]
    assert java["list"]["x-bfcl-type"] == "ArrayList" and java["list"]["x-bfcl-language"] == "java"


def test_gold_keeps_accepted_values_and_settles_quirks(suite):
    pv = suite_samples(suite, "parameter_value")
    assert pv["simple_0"]["gold"]["calls"][0]["arguments"] == {"base": [10], "height": [5.0], "unit": ["units", ""]}
    # ["", None]: omission or an explicit null, as in BFCL (null's type differs from the schema's,
    # and BFCL matches a gold value of another type as it is)
    assert pv["simple_1"]["gold"]["calls"][0]["arguments"]["tag"] == ["", None]
    par = suite_samples(suite, "parallel")["parallel_multiple_0"]["gold"]["calls"]
    assert par[1]["arguments"]["currency"] == [""]                                  # not in the schema, omittable
    assert pv["multiple_1"]["tools"][1]["name"] == "finance.stock_price"            # dots kept


def test_multiple_gives_two_ids(suite):
    nd = suite_samples(suite, "name_detection")
    assert nd["multiple_0#names"]["gold"] == {"names": ["get_weather"]}
    assert nd["irrelevance_1"]["gold"] == {"names": []}
    assert nd["live_irrelevance_0-0-0"]["tools"] == []
    assert nd["live_irrelevance_0-0-0"]["messages"][0]["role"] == "system"
    meta = nd["irrelevance_0"]["metadata"]
    bfcl = meta.pop("bfcl")  # the item as BFCL has it, for --rules bfcl
    assert meta == {"source": "bfcl", "category": "irrelevance", "split": "test",
                    "source_id": "irrelevance_0", "language": "python"}
    assert bfcl["category"] == "irrelevance" and bfcl["ground_truth"] == [] and bfcl["functions"]


@pytest.mark.parametrize("mode", ["native", "prompt"])
def test_oracle_scores_100(suite, tmp_path, mode):
    run = tmp_path / "run"
    proc = run_cli("run", "--model", "reference/oracle", "--suite", str(suite), "--mode", mode,
                   "--out", str(run), "--quiet")
    assert proc.returncode == 0, proc.stderr
    results = json.loads((run / "results.json").read_text())
    assert {t: m["metrics"]["accuracy"] for t, m in results["tasks"].items()} == {
        "name_detection": 1.0, "parallel": 1.0, "parameter_value": 1.0}
    assert results["suite"]["name"] == "bfcl-v3"


def test_import_is_reproducible(suite, tmp_path):
    again = tmp_path / "again"
    assert run_cli("data", "import", "bfcl", "--from", str(FIXTURE), "--out", str(again)).returncode == 0
    for path in sorted(p for p in suite.rglob("*") if p.is_file()):
        assert (again / path.relative_to(suite)).read_bytes() == path.read_bytes(), path.name


def test_default_location_and_resolve_suite(tmp_path, monkeypatch):
    home = tmp_path / "home"
    proc = run_cli("data", "import", "bfcl", "--from", str(FIXTURE), "--categories", "simple,irrelevance",
                   env={"FCBENCH_SUITES": str(home)})
    assert proc.returncode == 0, proc.stderr
    monkeypatch.setenv("FCBENCH_SUITES", str(home))
    assert resolve_suite("bfcl-v3") == home / "bfcl-v3"
    assert json.loads((home / "bfcl-v3" / "suite.json").read_text())["counts"] == {
        "name_detection": {"test": 2}, "parameter_value": {"test": 2}}
    assert resolve_suite(str(home / "bfcl-v3")) == home / "bfcl-v3"
    with pytest.raises(UsageError, match="no imported suite"):
        resolve_suite("nope")
    with pytest.raises(UsageError, match="no such suite folder"):
        resolve_suite("./nope")
    # a second import into the same place needs --force, which replaces only the suite
    again = run_cli("data", "import", "bfcl", "--from", str(FIXTURE), env={"FCBENCH_SUITES": str(home)})
    assert again.returncode == 2 and "--force" in again.stderr
    forced = run_cli("data", "import", "bfcl", "--from", str(FIXTURE), "--force", env={"FCBENCH_SUITES": str(home)})
    assert forced.returncode == 0, forced.stderr
    assert json.loads((home / "bfcl-v3" / "suite.json").read_text())["counts"]["parallel"] == {"test": 2}


def _bad_format_dir(tmp: Path) -> Path:
    (tmp / "bad").mkdir()
    (tmp / "bad" / "BFCL_v3_simple.json").write_text("{not json\n")
    write_jsonl(tmp / "bad" / "possible_answer" / "BFCL_v3_simple.json", [])
    return tmp / "bad"


def _no_answers_dir(tmp: Path) -> Path:
    write_jsonl(tmp / "na" / "BFCL_v3_simple.json", [{"id": "simple_0", "question": [[]], "function": []}])
    return tmp / "na"


def _plain_file(tmp: Path) -> Path:
    write_jsonl(tmp / "questions.jsonl", [{"id": 1}])
    return tmp / "questions.jsonl"


def _not_empty(tmp: Path) -> Path:
    (tmp / "busy").mkdir()
    (tmp / "busy" / "notes.txt").write_text("mine")
    return tmp / "busy"


@pytest.mark.parametrize("args, message, why", [
    (lambda t: ["--from", str(t / "missing")], "no such file or folder", "wrong path"),
    (lambda t: ["--from", str(t)], "no BFCL question files", "a folder without BFCL files"),
    (lambda t: ["--from", str(_plain_file(t))], "not a BFCL question file", "wrong file name"),
    (lambda t: ["--from", str(_bad_format_dir(t))], "not a JSON line", "wrong format"),
    (lambda t: ["--from", str(_no_answers_dir(t))], "missing possible-answer file", "answers missing"),
    (lambda t: ["--from", str(FIXTURE), "--categories", "simple,nope"], "no BFCL v3 file for categories: nope",
     "unknown category"),
    (lambda t: ["--from", str(FIXTURE), "--out", str(_not_empty(t)), "--force"], "not a suite folder",
     "--force never deletes a folder that is not a suite"),
    (lambda t: ["--from", str(FIXTURE), "--name", "a/b", "--out", str(t / "o")], "one folder name", "bad name"),
])
def test_clear_errors(tmp_path, args, message, why):
    proc = run_cli("data", "import", "bfcl", *args(tmp_path))
    assert proc.returncode == 2, why
    assert message in proc.stderr, (why, proc.stderr)
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr, why


@pytest.mark.skipif(not installed("bfcl-eval"), reason="bfcl-eval is not installed")
def test_from_package(tmp_path):
    out = tmp_path / "pkg"
    proc = run_cli("data", "import", "bfcl", "--from-package", "--out", str(out),
                   "--categories", "simple_python,multiple,parallel,irrelevance")
    assert proc.returncode == 0, proc.stderr
    info = json.loads((out / "suite.json").read_text())
    assert info["version"].startswith("bfcl-eval-")
    run = run_cli("run", "--model", "reference/oracle", "--suite", str(out), "--out", str(tmp_path / "r"), "--quiet")
    assert run.returncode == 0, run.stderr
    results = json.loads((tmp_path / "r" / "results.json").read_text())
    assert all(m["metrics"]["accuracy"] == 1.0 for m in results["tasks"].values())


def test_missing_package_is_a_clear_error(tmp_path):
    if installed("bfcl-eval"):
        pytest.skip("bfcl-eval is installed")
    proc = run_cli("data", "import", "bfcl", "--from-package", "--out", str(tmp_path / "o"))
    assert proc.returncode == 2 and "bfcl-eval is not installed" in proc.stderr
