"""docs/extending.md is executed: its files are written, its package installed, its commands run,
and what it says about the results is checked.

The page marks a file with ``<!-- file: PATH -->`` right before a fenced block, a command with
``$ `` inside a ``console`` block, and a claim with ``<!-- expect: ... -->``:

* ``<!-- expect: RUN_DIR TASK accuracy=X n=N [failures=a,b] -->``: the run's results for TASK;
  ``failures`` lists exactly the categories seen;
* ``<!-- expect: SUITE_DIR samples=N skipped=\"REASON:N\" -->``: the suite's ``suite.json``
  (claims are split like a shell line).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

from fcbench.runlog import read_run

PAGE = REPO / "docs" / "extending.md"
FILE_BLOCK = re.compile(r"<!-- file: (?P<path>\S+) -->\n```[a-z]*\n(?P<body>.*?)```", re.S)
CONSOLE_BLOCK = re.compile(r"```console\n(?P<body>.*?)```", re.S)
EXPECT = re.compile(r"<!-- expect: (?P<spec>.*?) -->")


def page_parts(text: str):
    """(files, commands, expectations) in page order."""
    files = {m["path"]: m["body"] for m in FILE_BLOCK.finditer(text)}
    commands = [line[2:] for m in CONSOLE_BLOCK.finditer(text)
                for line in m["body"].splitlines() if line.startswith("$ ")]
    expects = [m["spec"] for m in EXPECT.finditer(text)]
    return files, commands, expects


def read_pyproject(text: str) -> dict[str, dict[str, str]]:
    """The page's pyproject: ``[section]`` headers and ``key = "value"`` lines (all it uses;
    ``tomllib`` is not in Python 3.10)."""
    sections: dict[str, dict[str, str]] = {}
    current = sections.setdefault("", {})
    for line in text.splitlines():
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]").replace('"', ""), {})
        elif "=" in line:
            key, _, value = line.partition("=")
            current[key.strip()] = value.strip().strip('"')
    return sections


def install_like_pip(root: Path) -> None:
    """A ``.dist-info`` with the page's entry points: what ``pip install -e .`` leaves behind."""
    sections = read_pyproject((root / "pyproject.toml").read_text())
    project = {"project": {**sections["project"], "entry-points": {
        name.removeprefix("project.entry-points."): entries
        for name, entries in sections.items() if name.startswith("project.entry-points.")}}}
    dist = root / "my_fc_plugin-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {project['project']['name']}\n"
                                   f"Version: {project['project']['version']}\n")
    lines = []
    for group, entries in project["project"]["entry-points"].items():
        lines.append(f"[{group}]")
        lines += [f"{name} = {target}" for name, target in entries.items()]
    (dist / "entry_points.txt").write_text("\n".join(lines) + "\n")


def run_command(command: str, root: Path) -> subprocess.CompletedProcess:
    argv = shlex.split(command)
    if argv[0] == "fcbench":
        argv = [sys.executable, "-m", "fcbench", *argv[1:]]
    elif argv[0] == "python":
        argv[0] = sys.executable
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]),
           "FCBENCH_SUITES": str(root / "suites-home")}
    return subprocess.run(argv, cwd=root, env=env, capture_output=True, text=True, timeout=300)


def check_expectation(spec: str, root: Path) -> None:
    where, *claims = shlex.split(spec)
    path = root / where
    if (path / "suite.json").is_file():
        info = json.loads((path / "suite.json").read_text())
        for claim in claims:
            key, _, value = claim.partition("=")
            if key == "samples":
                assert sum(c["test"] for c in info["counts"].values()) == int(value), info["counts"]
            elif key == "skipped":
                reason, _, n = value.rpartition(":")
                skipped = {r: k for c in info["categories"].values() for r, k in c["skipped"].items()}
                assert skipped == {reason: int(n)}, skipped
        return
    task, *claims = claims
    results = read_run(path).results
    assert results is not None and task in results.tasks, f"{where}: no results for {task}"
    got = results.tasks[task]
    for claim in claims:
        key, _, value = claim.partition("=")
        if key == "accuracy":
            assert got.score == pytest.approx(float(value)), (where, got.score, got.failures)
        elif key == "n":
            assert got.n == int(value)
        elif key == "failures":
            assert set(got.failures) == set(value.split(",")), (where, got.failures)
        else:
            raise AssertionError(f"unknown claim {claim!r} in docs/extending.md")


def test_page_parts_are_found():
    files, commands, expects = page_parts(PAGE.read_text())
    assert {"pyproject.toml", "my_fc_plugin/single_call.py", "my_fc_plugin/first_tool.py",
            "import_lookups.py", "my_fc_plugin/data/test.jsonl"} <= set(files)
    assert len(commands) >= 6 and len(expects) >= 5


def test_extending_page_runs_as_written(tmp_path):
    files, commands, expects = page_parts(PAGE.read_text())
    for rel, body in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(body)
    install_like_pip(tmp_path)
    outputs = []
    for command in commands:
        done = run_command(command, tmp_path)
        assert done.returncode == 0, f"$ {command}\n{done.stdout}\n{done.stderr}"
        outputs.append(done.stdout)
    assert "single_call" in outputs[commands.index("fcbench list")]
    for spec in expects:
        check_expectation(spec, tmp_path)
    # The declared label and direction reach a report made where the plug-in is not installed.
    report = subprocess.run([sys.executable, "-m", "fcbench", "report", str(tmp_path / "runs" / "first"),
                             "--format", "csv"], capture_output=True, text=True, cwd=REPO, check=True)
    rows = {r["metric"]: r for r in csv.DictReader(io.StringIO(report.stdout))}
    assert rows["extra_calls"]["label"] == "extra calls per sample"
    assert rows["extra_calls"]["higher_is_better"] == "false"
    assert rows["argument_agreement"]["higher_is_better"] == "true"
