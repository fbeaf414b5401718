"""`fcbench data import hf` through `datasets.load_dataset`, offline, on the project's own
xLAM-style and Glaive-style files (tests/fixtures/hf)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import REPO, run_cli, suite_samples, write_jsonl

pytest.importorskip("datasets")

FIXTURE = REPO / "tests" / "fixtures" / "hf"
OFFLINE = {"HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1"}


def hf_import(*args: str):
    return run_cli("data", "import", "hf", *args, env=OFFLINE)



@pytest.fixture(scope="module")
def suites(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("hf")
    out = {}
    for mapping in ("xlam", "glaive"):
        out[mapping] = root / mapping
        proc = hf_import(str(FIXTURE / f"{mapping}.jsonl"), "--mapping", mapping, "--out", str(out[mapping]))
        assert proc.returncode == 0, proc.stderr
    return out


def test_xlam_mapping(suites):
    info = json.loads((suites["xlam"] / "suite.json").read_text())
    assert info["name"] == "hf-xlam"
    assert info["counts"] == {"name_detection": {"test": 4}, "parallel": {"test": 2}, "parameter_value": {"test": 1}}
    assert info["categories"]["xlam"]["skipped"] == {"answer calls a function missing from the tools": 1}
    assert info["source"]["mapping"] == "xlam" and info["source"]["files"]["rows"].startswith("sha256:")
    pv = suite_samples(suites["xlam"], "parameter_value")["xlam-0"]
    args = pv["gold"]["calls"][0]["arguments"]
    assert args == {"amount": [100], "from_cur": ["EUR"], "to_cur": ["GBP"], "round_to": ["", 2, "2"]}
    params = pv["tools"][0]["parameters"]
    assert params["required"] == ["amount", "from_cur"] and params["properties"]["amount"]["type"] == "number"
    par = suite_samples(suites["xlam"], "parallel")
    assert [c["arguments"]["n"] for c in par["xlam-1"]["gold"]["calls"]] == [[5], [7]]
    assert par["xlam-2"]["gold"]["calls"][0]["arguments"]["tags"] == [["python", "ml"]]
    nd = suite_samples(suites["xlam"], "name_detection")
    assert nd["xlam-2#names"]["gold"] == {"names": ["currency_convert", "search_posts"]}
    assert nd["xlam-3#names"]["gold"] == {"names": []}


def test_glaive_mapping(suites):
    info = json.loads((suites["glaive"] / "suite.json").read_text())
    assert info["counts"] == {"name_detection": {"test": 3}, "parameter_value": {"test": 2},
                              "response_generation": {"test": 2}}
    assert info["categories"]["glaive"]["skipped"] == {"no functions offered": 1,
                                                       "turn: call to a function missing from the system text": 1}
    nd = suite_samples(suites["glaive"], "name_detection")
    assert nd["glaive-0-1#names"]["gold"] == {"names": []}            # "how long should it be?": no call
    assert nd["glaive-0-3#names"]["gold"] == {"names": ["generate_password"]}
    pv = suite_samples(suites["glaive"], "parameter_value")["glaive-0-3"]
    assert [m["role"] for m in pv["messages"]] == ["user", "assistant", "user"]
    assert pv["gold"]["calls"][0]["arguments"] == {"length": [12], "symbols": ["", True]}
    rg = suite_samples(suites["glaive"], "response_generation")["glaive-1-3#answer"]
    assert [m["role"] for m in rg["messages"]] == ["user", "assistant", "tool"]
    assert rg["messages"][1]["tool_calls"][0]["arguments"] == {"weight": 70, "height": 1.75}
    assert rg["gold"]["facts"] == [{"value": 22.86, "kind": "number"}, {"value": "normal", "kind": "text"}]


@pytest.mark.parametrize("mapping", ["xlam", "glaive"])
def test_oracle_scores_100(suites, tmp_path, mapping):
    run = tmp_path / "run"
    proc = run_cli("run", "--model", "reference/oracle", "--suite", str(suites[mapping]), "--out", str(run), "--quiet")
    assert proc.returncode == 0, proc.stderr
    tasks = json.loads((run / "results.json").read_text())["tasks"]
    assert tasks and all(m["metrics"]["accuracy"] == 1.0 for m in tasks.values()), tasks


def test_limit_and_folder_dataset(tmp_path):
    folder = tmp_path / "ds"
    folder.mkdir()
    (folder / "train.jsonl").write_text((FIXTURE / "xlam.jsonl").read_text())
    proc = hf_import(str(folder), "--mapping", "xlam", "--limit", "2", "--out", str(tmp_path / "o"))
    assert proc.returncode == 0, proc.stderr
    info = json.loads((tmp_path / "o" / "suite.json").read_text())
    assert info["categories"]["xlam"]["items"] == 2 and info["source"]["limit"] == 2


@pytest.mark.parametrize("args, message, why", [
    (lambda t: [str(FIXTURE / "xlam.jsonl"), "--mapping", "toolace"], "unknown mapping 'toolace'", "unknown mapping"),
    (lambda t: [str(t / "missing.jsonl"), "--mapping", "xlam"], "no such file or folder", "wrong path"),
    (lambda t: [str(FIXTURE / "glaive.jsonl"), "--mapping", "xlam"], "no column query, tools, answers",
     "wrong format: the columns of another mapping"),
    (lambda t: [str(write_jsonl(t / "x.txt", ["hello"])), "--mapping", "xlam"], "unsupported file type",
     "a file datasets cannot read"),
    (lambda t: ["someone/not-a-cached-dataset", "--mapping", "xlam"], "cannot load someone/not-a-cached-dataset",
     "hub id while offline"),
])
def test_clear_errors(tmp_path, args, message, why):
    proc = hf_import(*args(tmp_path), "--out", str(tmp_path / "out"))
    assert proc.returncode == 2, (why, proc.stderr)
    assert message in proc.stderr, (why, proc.stderr)
    assert "Traceback" not in proc.stderr
