"""BERTScore is optional twice over (the bert-score package, a local model): every "missing" path
says so at most once and the run goes on; the wiring is checked with a stub scorer (no model)."""

from __future__ import annotations

import builtins
import json

import pytest
from fcbench_tasks.response_generation import TASK

from fcbench.records import Message, ModelOutput, Sample
from fcbench.scoring import bertscore

REFERENCE = "It is sunny in Lisbon."
SAMPLE = Sample("rg-1", "response_generation", (Message("user", "Weather in Lisbon?"),), (),
                {"reference": REFERENCE, "facts": [{"value": "sunny", "kind": "text"}]})


@pytest.fixture(autouse=True)
def fresh_cache():
    bertscore._scorer_for.cache_clear()
    yield
    bertscore._scorer_for.cache_clear()


def test_no_model_named_means_no_bertscore_and_no_message(monkeypatch, capsys):
    monkeypatch.delenv(bertscore.MODEL_ENV, raising=False)
    assert bertscore.configured_scorer() is None
    assert "bertscore_f1" not in TASK().score(SAMPLE, ModelOutput(text=REFERENCE)).metrics
    assert capsys.readouterr().err == ""


def test_a_model_path_that_is_not_a_folder_is_said_once(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv(bertscore.MODEL_ENV, str(tmp_path / "no-such-model"))
    task = TASK()
    for _ in range(3):
        score = task.score(SAMPLE, ModelOutput(text=REFERENCE))
        assert score.passed and "bertscore_f1" not in score.metrics, "the run goes on without it"
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not a local model folder" in err[0] and "goes on without it" in err[0]


def test_without_the_package_it_says_how_to_install_it(monkeypatch, tmp_path, capsys):
    real_import = builtins.__import__

    def no_bert_score(name, *args, **kwargs):
        if name == "bert_score" or name.startswith("bert_score."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_bert_score)
    monkeypatch.setenv(bertscore.MODEL_ENV, str(tmp_path))
    assert bertscore.configured_scorer() is None
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pip install 'fcbench[bert-score]'" in err


def test_the_layer_comes_from_the_models_config_or_must_be_given(tmp_path):
    (tmp_path / "config.json").write_text('{"num_hidden_layers": 6}')
    assert bertscore.default_layer(tmp_path) == 6
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(ValueError, match=bertscore.LAYERS_ENV):
        bertscore.default_layer(tmp_path)


def test_a_configured_scorer_is_loaded_once_and_its_value_reported(monkeypatch, tmp_path):
    loads = []

    def stub_loader(model_dir, layers=None):
        loads.append((model_dir, layers))
        return lambda reply, reference: 0.25 if reply else 0.0

    monkeypatch.setattr(bertscore, "load_scorer", stub_loader)
    monkeypatch.setenv(bertscore.MODEL_ENV, str(tmp_path))
    monkeypatch.setenv(bertscore.LAYERS_ENV, "9")
    task = TASK()
    scores = [task.score(SAMPLE, ModelOutput(text=REFERENCE)), task.score(SAMPLE, ModelOutput(text=""))]
    assert [s.metrics["bertscore_f1"] for s in scores] == [0.25, 0.0]
    assert loads == [(tmp_path, 9)], "one load per model and layer, with the layer asked for"
    assert task.aggregate(scores)["bertscore_f1"] == pytest.approx(0.125)


def test_the_model_is_recorded_and_a_resumed_run_keeps_it(tmp_path, tiny_suite):
    """Why: a resume that scored with another model (or none) would average two models' scores
    into one bertscore_f1; the run remembers its model, and refuses another one."""
    from conftest import run_cli

    model = tmp_path / "bert-model"
    model.mkdir()
    run_dir = tmp_path / "run"
    proc = run_cli("run", "--model", "reference/oracle", "--suite", str(tiny_suite), "--quiet",
                   "--bertscore-model", str(model), "--out", str(run_dir))
    assert proc.returncode == 0, proc.stderr
    manifest = json.loads((run_dir / "run.json").read_text())
    assert manifest["bertscore_model"] == str(model.resolve())
    assert "bertscore_model" not in manifest["fingerprint_fields"]

    other = tmp_path / "other-model"
    other.mkdir()
    refused = run_cli("run", "--resume", str(run_dir), "--bertscore-model", str(other), "--quiet")
    assert refused.returncode == 2 and "a resumed run keeps its model" in refused.stderr
    kept = run_cli("run", "--resume", str(run_dir), "--quiet")
    assert kept.returncode == 0, kept.stderr
    assert json.loads((run_dir / "run.json").read_text())["bertscore_model"] == str(model.resolve())
