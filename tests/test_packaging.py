"""fcbench works from an installed wheel, and third-party tasks plug in through entry points."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import REPO, write_jsonl

PLUGIN = '''
from fcbench.task import Task
from fcbench.records import Score, ToolCall

class EchoTask(Task):
    """A third-party task: call `echo` with the user's word."""
    name = "echo"
    version = "7"
    description = "third-party example"

    def reference_calls(self, sample):
        return [ToolCall("echo", {"word": sample.gold["word"]})]

    def score(self, sample, output):
        ok = [(c.name, c.arguments) for c in output.tool_calls] == [("echo", {"word": sample.gold["word"]})]
        return Score(ok, {}, () if ok else ("wrong_value",))
'''


def _make_plugin(root: Path) -> Path:
    pkg = root / "echo_plugin"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text(PLUGIN)
    sample = {"id": "e1", "task": "echo", "messages": [{"role": "user", "content": "say hi"}],
              "tools": [{"name": "echo", "description": "echo a word",
                         "parameters": {"type": "object", "properties": {"word": {"type": "string"}}}}],
              "gold": {"word": "hi"}}
    write_jsonl(pkg / "data" / "test.jsonl", [sample])
    dist = root / "echo_plugin-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: echo-plugin\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[fcbench.tasks]\necho = echo_plugin:EchoTask\n")
    return root


def test_third_party_task_is_discovered_and_runs(tmp_path):
    site = _make_plugin(tmp_path / "site")
    env = {**os.environ, "PYTHONPATH": str(site)}
    listed = subprocess.run([sys.executable, "-m", "fcbench", "list"], cwd=tmp_path, env=env,
                            capture_output=True, text=True)
    assert listed.returncode == 0, listed.stderr
    assert "echo" in listed.stdout and "third-party example" in listed.stdout
    run_dir = tmp_path / "run"
    proc = subprocess.run([sys.executable, "-m", "fcbench", "run", "--model", "reference/oracle", "--tasks", "echo",
                           "--out", str(run_dir), "--quiet"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    results = json.loads((run_dir / "results.json").read_text())
    assert results["tasks"]["echo"]["score"] == 1.0
    assert results["tasks"]["echo"]["version"] == "7"


def test_installed_wheel_lists_and_runs_tasks(tmp_path):
    """Built wheel, installed into a plain folder, used from outside the checkout."""
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(wheels), str(REPO)], check=True, capture_output=True)
    (wheel,) = wheels.glob("fcbench-*.whl")
    target = tmp_path / "installed"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True)
    env = {**os.environ, "PYTHONPATH": str(target)}
    where = subprocess.run([sys.executable, "-c", "import fcbench, fcbench_tasks; print(fcbench.__file__);"
                            "print(fcbench_tasks.__file__)"], cwd=tmp_path, env=env,
                           capture_output=True, text=True, check=True).stdout.split()
    assert all(str(target) in w for w in where), where
    listed = subprocess.run([sys.executable, "-m", "fcbench", "list"], cwd=tmp_path, env=env,
                            capture_output=True, text=True)
    assert listed.returncode == 0, listed.stderr
    for name in ("nested", "chaining", "parallel", "name_detection", "parameter_value", "next_best",
                 "response_generation"):
        assert name in listed.stdout
    proc = subprocess.run([sys.executable, "-m", "fcbench", "run", "--model", "reference/oracle", "--limit", "3",
                           "--out", str(tmp_path / "run"), "--quiet"], cwd=tmp_path, env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    results = json.loads((tmp_path / "run" / "results.json").read_text())
    assert results["tasks"] and all(t["score"] == 1.0 for t in results["tasks"].values())
