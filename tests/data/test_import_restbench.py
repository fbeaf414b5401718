"""`fcbench data import restbench` on the project's own RestBench-format fixtures
(tests/fixtures/restbench: datasets/tmdb.json with 6 queries of which 3 are skipped,
datasets/spotify.json with 3, and a small OpenAPI spec specs/tmdb_oas.json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import REPO, import_suite, run_cli, suite_samples

from fcbench.data.importers.restbench import tool_name, unique_names
from fcbench.records import ModelOutput, Sample, ToolCall
from fcbench.task_registry import discover_tasks

FIXTURE = REPO / "tests" / "fixtures" / "restbench"
SPEC = FIXTURE / "specs" / "tmdb_oas.json"


def load(suite: Path) -> dict[str, dict]:
    return suite_samples(suite, "chaining")


def imported(tmp_path_factory, name: str, *extra: str) -> Path:
    return import_suite(tmp_path_factory.mktemp(name) / "suite", "restbench", "--from", str(FIXTURE), *extra)


@pytest.fixture(scope="module")
def bare(tmp_path_factory) -> Path:
    return imported(tmp_path_factory, "restbench-bare")


@pytest.fixture(scope="module")
def with_spec(tmp_path_factory) -> Path:
    return imported(tmp_path_factory, "restbench-spec", "--spec", str(SPEC))


BAD_ITEMS = {"empty query": 1, "empty solution": 1, "solution step is not 'METHOD /path'": 1}


def test_counts_and_skip_reasons(bare, with_spec):
    info = json.loads((bare / "suite.json").read_text())
    assert info["counts"] == {"chaining": {"test": 6}}
    assert info["categories"]["tmdb"] == {"items": 6, "samples": {"chaining": 3}, "skipped": BAD_ITEMS}
    assert info["categories"]["spotify"] == {"items": 3, "samples": {"chaining": 3}, "skipped": {}}
    # with the spec, a solution endpoint the spec lacks (GET /tv/top_rated) cannot be offered
    spec_info = json.loads((with_spec / "suite.json").read_text())
    assert spec_info["counts"] == {"chaining": {"test": 5}}
    assert spec_info["categories"]["tmdb"]["skipped"] == {**BAD_ITEMS, "solution endpoint not in the spec": 1}
    assert "tmdb_oas.json" in spec_info["source"]["files"]                    # the spec is part of the source
    assert any("names-only" in note for note in info["notes"])


def test_names_are_safe_and_deterministic():
    assert tool_name("GET /person/{person_id}/movie_credits") == "get_person_person_id_movie_credits"
    assert tool_name("GET /me/player/currently-playing") == "get_me_player_currently_playing"
    long_name = tool_name("GET /" + "/".join(["segment"] * 12))
    assert len(long_name) == 64 and long_name == tool_name("GET /" + "/".join(["segment"] * 12))
    # two endpoints that would share a name both get a hash suffix, so neither is favoured
    names = unique_names(["GET /a/{b}", "GET /a/b"])
    assert len(set(names.values())) == 2 and all(n.startswith("get_a_b_") for n in names.values())


def test_bare_tools_and_gold(bare):
    sample = load(bare)["spotify-0"]
    assert sample["gold"] == {"result": None, "calls": [
        {"name": "get_me", "arguments": {}}, {"name": "post_users_user_id_playlists", "arguments": {}},
        {"name": "get_search", "arguments": {}}, {"name": "post_playlists_playlist_id_tracks", "arguments": {}}]}
    assert sample["metadata"]["names_only"] is True
    assert sample["metadata"]["solution"][1] == "POST /users/{user_id}/playlists"   # original kept
    tool = next(t for t in sample["tools"] if t["name"] == "post_users_user_id_playlists")
    assert tool["description"] == "POST /users/{user_id}/playlists"
    assert tool["parameters"] == {"type": "object", "required": ["user_id"], "properties": {
        "user_id": {"type": "string", "description": "path parameter {user_id}"}}}
    # without a spec the library is the endpoints the file's solutions use
    assert len(sample["tools"]) == 6


def test_spec_tools(with_spec):
    sample = load(with_spec)["tmdb-0"]
    # the source step " GET /search/movie " (spaces as in the published file) is read trimmed
    assert [c["name"] for c in sample["gold"]["calls"]] == ["get_search_movie", "get_movie_movie_id_credits"]
    tools = {t["name"]: t for t in sample["tools"]}
    assert set(tools) == {"get_search_movie", "get_search_person", "get_movie_movie_id_credits",
                          "get_person_person_id_movie_credits", "post_movie_movie_id_rating"}  # the whole spec
    search = tools["get_search_movie"]
    assert search["description"] == "GET /search/movie: Search for movies by title."
    assert search["parameters"]["required"] == ["query"]
    assert search["parameters"]["properties"]["page"] == {                      # a $ref parameter, resolved
        "type": "integer", "default": 1, "minimum": 1, "description": "Page of results."}
    credits = tools["get_movie_movie_id_credits"]["parameters"]
    assert set(credits["properties"]) == {"movie_id", "language"}              # path-level + query; no header
    rating = tools["post_movie_movie_id_rating"]["parameters"]
    assert rating["required"] == ["movie_id", "value"] and rating["properties"]["value"]["type"] == "number"


def test_names_only_chaining_ignores_arguments(with_spec):
    """The chaining task honours metadata.names_only: right names in the right order pass
    whatever the arguments; a wrong order still fails."""
    sample = Sample.from_dict(load(with_spec)["tmdb-0"])
    task = discover_tasks()["chaining"]
    right = ModelOutput(tool_calls=(ToolCall("get_search_movie", {"query": "Inception", "page": 1}),
                                    ToolCall("get_movie_movie_id_credits", {"movie_id": 27205})))
    assert task.score(sample, right).passed
    swapped = ModelOutput(tool_calls=tuple(reversed(right.tool_calls)))
    assert not task.score(sample, swapped).passed


@pytest.mark.parametrize("oracle_suite", ["bare", "with_spec"])
def test_oracle_scores_100(oracle_suite, request, tmp_path):
    suite = request.getfixturevalue(oracle_suite)
    run = tmp_path / "run"
    proc = run_cli("run", "--model", "reference/oracle", "--suite", str(suite), "--out", str(run), "--quiet")
    assert proc.returncode == 0, proc.stderr
    tasks = json.loads((run / "results.json").read_text())["tasks"]
    # every gold the importer wrote is reachable: the data, the scorer and the oracle agree
    assert tasks["chaining"]["metrics"]["accuracy"] == 1.0


@pytest.mark.parametrize("data, spec, message, why", [
    ('[{"query": "q", "answers": []}]', None, "not RestBench data", "another format"),
    ("[1, 2", None, "not valid JSON", "not JSON"),
    ('[{"query": "q", "solution": ["GET /x"]}]', '{"openapi": "3.0.0"}', "not an OpenAPI spec", "a spec without paths"),
])
def test_bad_input_refused_in_one_line(tmp_path, data, spec, message, why):
    source = tmp_path / "tmdb.json"
    source.write_text(data)
    extra = []
    if spec is not None:
        (tmp_path / "tmdb_oas.json").write_text(spec)
        extra = ["--spec", str(tmp_path / "tmdb_oas.json")]
    proc = run_cli("data", "import", "restbench", "--from", str(source), "--out", str(tmp_path / "out"), *extra)
    assert proc.returncode == 2, why
    assert message in proc.stderr and proc.stderr.strip().count("\n") == 0, (why, proc.stderr)
    assert "Traceback" not in proc.stderr
