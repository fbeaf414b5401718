"""Third-party model providers plug in through the ``fcbench.models`` entry-point group.

A plugin is installed the way pip would leave it: a module plus a ``.dist-info``
folder declaring the entry points, on PYTHONPATH (or sys.path in-process).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

from fcbench.errors import UsageError
from fcbench.models.openai_api import OpenAIModel
from fcbench.models.reference import OracleModel
from fcbench.models.registry import known_providers, resolve_model

GOLD_MODULE = '''
from fcbench.models.base import Model


class GoldModel(Model):
    """A third-party backend: answers every request with its task's reference output."""

    provider = "theirprovider"

    def __init__(self, name, config=None, **options):
        super().__init__(name, config, **options)
        self.answered = 0

    async def generate(self, request):
        self.answered += 1
        return request.reference_output

    def settings(self):
        return {"provider": self.provider, "by": __name__, "answered": self.answered}


class NotAModel:
    pass
'''

# Importing this module is a bug: only the provider a run names may be imported.
BROKEN_MODULE = 'raise RuntimeError("their_broken must not be imported")\n'

ENTRY_POINTS = """[fcbench.models]
theirprovider = their_models:GoldModel
notamodel = their_models:NotAModel
broken = their_broken:Anything
ghost = no_such_module:Model
openai = their_broken:Anything
reference = their_broken:Anything
"""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    root.mkdir()
    (root / "their_models.py").write_text(GOLD_MODULE)
    (root / "their_broken.py").write_text(BROKEN_MODULE)
    dist = root / "their_models-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: their-models\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(ENTRY_POINTS)
    return root


@pytest.fixture
def installed(site: Path, monkeypatch):
    """The plugin on sys.path of this process; its modules forgotten afterwards."""
    monkeypatch.syspath_prepend(str(site))
    yield site
    for name in ("their_models", "their_broken"):
        sys.modules.pop(name, None)


def fcbench(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(REPO)])}
    return subprocess.run([sys.executable, "-m", "fcbench", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def assert_one_line_exit_2(proc: subprocess.CompletedProcess, *fragments: str) -> None:
    err = proc.stderr.strip()
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    assert len(err.splitlines()) == 1, f"expected one line, got: {proc.stderr!r}"
    for fragment in fragments:
        assert fragment in err, err


# ------------------------------------------------------------------ through the CLI
def test_plugin_provider_runs_and_answers(site, tmp_path):
    out = tmp_path / "run"
    proc = fcbench(site, tmp_path, "run", "--model", "theirprovider/x", "--tasks", "parameter_value",
                   "--limit", "3", "--out", str(out), "--quiet")
    assert proc.returncode == 0, proc.stderr
    manifest = json.loads((out / "run.json").read_text())
    assert manifest["model"] == "theirprovider/x"
    assert manifest["backend"] == {"provider": "theirprovider", "by": "their_models", "answered": 3}
    results = json.loads((out / "results.json").read_text())
    assert results["tasks"]["parameter_value"]["score"] == 1.0, "the plugin answered with the references"
    lines = (out / "samples.jsonl").read_text().splitlines()
    assert len(lines) == 3


def test_help_imports_no_plugin(site, tmp_path):
    proc = fcbench(site, tmp_path, "--help")
    assert proc.returncode == 0, proc.stderr
    assert "their_broken" not in proc.stderr


@pytest.mark.parametrize("provider, fragments", [
    ("broken", ("model provider plugin 'broken' (their_broken:Anything) failed to load",
                "RuntimeError: their_broken must not be imported")),
    ("ghost", ("model provider plugin 'ghost' (no_such_module:Model) failed to load", "ModuleNotFoundError")),
    ("notamodel", ("model provider plugin 'notamodel' (their_models:NotAModel) is not a subclass of "
                   "fcbench.models.base.Model",)),
])
def test_bad_plugin_is_one_line_exit_2(site, tmp_path, provider, fragments):
    proc = fcbench(site, tmp_path, "run", "--model", f"{provider}/x", "--tasks", "parameter_value",
                   "--limit", "1", "--out", str(tmp_path / "run"))
    assert_one_line_exit_2(proc, "fcbench: error:", *fragments)


# ------------------------------------------------------------------ in-process
def test_known_providers_list_plugins_once(installed):
    providers = known_providers()
    assert {"theirprovider", "notamodel", "broken", "ghost"} <= set(providers)
    assert providers.count("openai") == 1 and providers.count("reference") == 1
    assert "their_models" not in sys.modules and "their_broken" not in sys.modules, "listing imports nothing"


def test_unknown_provider_message_names_plugins(installed):
    with pytest.raises(UsageError, match="unknown model provider 'nope'.*theirprovider"):
        resolve_model("nope/x")


def test_builtin_providers_win_over_plugins_of_the_same_name(installed, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-plugin-shadow")
    assert type(resolve_model("openai/gpt-4o")) is OpenAIModel
    assert type(resolve_model("reference/oracle")) is OracleModel
    assert "their_broken" not in sys.modules


def test_plugin_gets_the_common_option_checks(installed):
    model = resolve_model("theirprovider/x", price_in=1)
    assert type(model).__module__ == "their_models" and model.options == {"price_in": 1}
    with pytest.raises(UsageError, match="unknown option.*theirprovider/ models: bogus"):
        resolve_model("theirprovider/x", bogus=1)
