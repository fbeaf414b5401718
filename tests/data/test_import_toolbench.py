"""`fcbench data import toolbench` on the project's own ToolBench-format fixtures
(tests/fixtures/toolbench: three set files, 8 records of which 4 must be skipped, plus a
README.json that is not a set and must be ignored)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import REPO, import_suite, run_cli, suite_samples

from fcbench.data.importers.common import NAME_PATTERN

FIXTURE = REPO / "tests" / "fixtures" / "toolbench"


def load(suite: Path) -> dict[str, dict]:
    return suite_samples(suite, "name_detection")


@pytest.fixture(scope="module")
def suite(tmp_path_factory) -> Path:
    return import_suite(tmp_path_factory.mktemp("toolbench") / "suite", "toolbench", "--from", str(FIXTURE))


def test_counts_and_skip_reasons(suite):
    info = json.loads((suite / "suite.json").read_text())
    # no gold arguments in ToolBench: name_detection is the only sub-task
    assert info["counts"] == {"name_detection": {"test": 4}}
    cats = info["categories"]
    assert set(cats) == {"G1_instruction", "G2_category", "G3_instruction"}       # README.json ignored
    assert cats["G1_instruction"] == {"items": 4, "samples": {"name_detection": 2}, "skipped": {
        "empty request": 1, "relevant API missing from the api_list": 1}}
    assert cats["G2_category"]["skipped"] == {"empty api_list": 1}
    assert cats["G3_instruction"]["skipped"] == {"api_list entry without tool_name and api_name": 1}


def test_tools_and_gold_field_by_field(suite):
    sample = load(suite)["G1_instruction-101"]
    assert sample["messages"] == [{"role": "user", "content": "What's the weather in Paris right now?"}]
    # the library is the whole api_list, named <api_name>_for_<tool_name> as ToolBench names them
    # (a leading digit gets "get_"); the gold is the "relevant APIs" only
    assert [t["name"] for t in sample["tools"]] == ["get_current_weather_for_weather_api",
                                                    "get_5_day_forecast_for_weather_api"]
    assert sample["gold"] == {"names": ["get_current_weather_for_weather_api"]}
    now = sample["tools"][0]
    assert now["description"] == "Current weather of a city."
    assert now["parameters"] == {"type": "object", "required": ["city"], "properties": {
        "city": {"type": "string", "description": "City name.", "default": "London"},
        "units": {"description": "metric or imperial. (type: enum)", "default": "metric"}}}
    assert sample["metadata"]["relevant_given"] is True
    # without a "relevant APIs" field every listed API is relevant
    jokes = load(suite)["G1_instruction-102"]
    assert jokes["gold"] == {"names": ["random_for_jokes", "search_for_jokes"]}
    assert jokes["metadata"]["relevant_given"] is False


def test_names_are_allowed_deterministic_and_unique(suite):
    import re

    sample = load(suite)["G2_category-101"]
    names = [t["name"] for t in sample["tools"]]
    # "My-Tool"/"Get Data" and "My Tool"/"Get-Data" both standardise to get_data_for_my_tool:
    # each gets a hash of its own pair; an over-long name is cut and hashed the same way
    assert names[0].startswith("get_data_for_my_tool_") and names[1].startswith("get_data_for_my_tool_")
    assert len(set(names)) == 3
    assert names[2].startswith("flight_departures_for_international_aeronautical") and len(names[2]) <= 64
    assert all(re.match(NAME_PATTERN, n) for n in names)
    assert sample["gold"]["names"] == [names[0], names[2]]
    # an API shared by two sets keeps one name everywhere
    assert "get_current_weather_for_weather_api" in load(suite)["G3_instruction-301"]["gold"]["names"]


@pytest.mark.parametrize("model, expected", [
    ("reference/oracle", 1.0),
    # lexical calls one best-matching function; only the one-API gold can pass
    ("reference/lexical", 0.25),
])
def test_reference_models(suite, tmp_path, model, expected):
    run = tmp_path / "run"
    proc = run_cli("run", "--model", model, "--suite", str(suite), "--out", str(run), "--quiet")
    assert proc.returncode == 0, proc.stderr
    tasks = json.loads((run / "results.json").read_text())["tasks"]
    assert {t: m["metrics"]["accuracy"] for t, m in tasks.items()} == {"name_detection": expected}


@pytest.mark.parametrize("content, name, message, why", [
    (None, "missing.json", "no such file or folder", "wrong path"),
    ('[{"query_id": 1, "question": "q"}]', "G1_tool.json", "not a ToolBench test set", "wrong format"),
    ("[1, 2", "G1_tool.json", "not valid JSON", "broken JSON"),
    ('["q1", "q2"]', "G1_tool.json", "not a ToolBench test set", "a list of strings, not records"),
    ('[{"query": "q", "query_id": 1, "api_list": []}]', "G1_tool.json", "no sample could be imported",
     "every record unusable"),
])
def test_bad_input_is_refused_in_one_line(tmp_path, content, name, message, why):
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    proc = run_cli("data", "import", "toolbench", "--from", str(path), "--out", str(tmp_path / "out"))
    assert proc.returncode == 2, why
    assert message in proc.stderr, (why, proc.stderr)
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr, why


def test_folder_without_sets_is_refused(tmp_path):
    (tmp_path / "other.json").write_text("[]")
    proc = run_cli("data", "import", "toolbench", "--from", str(tmp_path), "--out", str(tmp_path / "out"))
    assert proc.returncode == 2 and "no ToolBench test set here" in proc.stderr, proc.stderr
