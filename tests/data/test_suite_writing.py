"""A suite is written whole or not at all (`fcbench.data.suites.write_suite_files`).

A process killed while `fcbench data generate` or `fcbench data import` writes must never leave a
folder that runs as a smaller suite: the run would score fewer samples and say nothing. And a
refused import must leave an earlier suite in place.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, run_cli

from fcbench.data.suites import STAGING, resolve_suite, write_suite_files
from fcbench.errors import UsageError

BFCL_FIXTURE = REPO / "tests" / "fixtures" / "bfcl"
SEED = 7

# Writes a suite (the files of the folder argv[3]) as `fcbench data generate|import` do, and
# SIGKILLs itself just before step N of the publishing: the Nth file or folder moved into place
# (N = 0 .. 7), or the staging folder's removal (N = 8).
KILLED_WRITE = """
import os, shutil, signal, sys
from pathlib import Path
import fcbench.data.suites as suites
kill_before = int(sys.argv[2])
steps = [0]
def step(real):
    def wrapped(*args, **kwargs):
        if steps[0] == kill_before:
            os.kill(os.getpid(), signal.SIGKILL)
        steps[0] += 1
        return real(*args, **kwargs)
    return wrapped
suites.os.replace = step(os.replace)
suites.shutil.rmtree = step(shutil.rmtree)
source = Path(sys.argv[3])
files = {str(p.relative_to(source)): p.read_text(encoding="utf-8") for p in source.rglob("*") if p.is_file()}
tasks = sorted({rel.split("/")[0] for rel in files if "/" in rel})
Path(sys.argv[1]).mkdir(parents=True, exist_ok=True)
suites.write_suite_files(Path(sys.argv[1]), files, tasks)
print("finished")
"""


def files_of(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("reference") / "suite"
    proc = run_cli("data", "generate", "--seed", str(SEED), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    return out


def killed_write(out: Path, kill_before: int, source: Path) -> None:
    proc = subprocess.run([sys.executable, "-c", KILLED_WRITE, str(out), str(kill_before), str(source)],
                          capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.returncode == -9 and "finished" not in proc.stdout, (kill_before, proc.stderr)


def test_a_write_killed_at_any_step_never_leaves_a_suite_that_runs(tmp_path, generated):
    """Every moment of the publishing is tried: after each kill the folder is refused in one line
    (the staging folder is still there), and writing it again gives the whole suite byte for byte."""
    reference = files_of(generated)
    tasks = sorted({name.split("/")[0] for name in reference if "/" in name})
    assert len(tasks) == 7 and "suite.json" in reference
    for kill_before in range(len(tasks) + 2):  # seven task folders, suite.json, the staging folder
        out = tmp_path / f"killed-{kill_before}"
        killed_write(out, kill_before, generated)
        assert (out / STAGING).is_dir()
        with pytest.raises(UsageError, match="stopped before it finished"):
            resolve_suite(out)
        write_suite_files(out, {rel: text.decode() for rel, text in reference.items()}, tasks)
        assert files_of(out) == reference, f"killed before step {kill_before}: the suite written again differs"
        assert resolve_suite(out) == out


def test_the_commands_refuse_a_stopped_write_and_data_generate_finishes_it(tmp_path, generated):
    out = tmp_path / "killed"
    killed_write(out, 4, generated)
    run = run_cli("run", "--model", "reference/oracle", "--suite", str(out), "--out", str(tmp_path / "run"))
    assert run.returncode == 2 and run.stderr.count("\n") == 1, run.stderr
    assert "stopped before it finished" in run.stderr and "Traceback" not in run.stderr
    listed = run_cli("list", "--suite", str(out))
    assert listed.returncode == 2 and "stopped before it finished" in listed.stderr
    again = run_cli("data", "generate", "--seed", str(SEED), "--out", str(out))
    assert again.returncode == 0, again.stderr
    assert files_of(out) == files_of(generated)


def test_a_killed_import_is_replaced_with_force_and_named_suites_are_refused_too(tmp_path, monkeypatch):
    home = tmp_path / "home"
    out = home / "bfcl-fixture"
    killed_import = KILLED_WRITE[:KILLED_WRITE.index("source = Path")] + (
        "from fcbench.cli import main\n"
        "main(['data', 'import', 'bfcl', '--from', sys.argv[3], '--out', sys.argv[1]])\n")
    proc = subprocess.run([sys.executable, "-c", killed_import, str(out), "2", str(BFCL_FIXTURE)],
                          capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.returncode == -9, proc.stderr
    monkeypatch.setenv("FCBENCH_SUITES", str(home))
    with pytest.raises(UsageError, match="stopped before it finished"):
        resolve_suite("bfcl-fixture")  # by name, as `fcbench run --suite bfcl-fixture` looks it up
    refused = run_cli("data", "import", "bfcl", "--from", str(BFCL_FIXTURE), "--out", str(out))
    assert refused.returncode == 2 and "--force" in refused.stderr
    forced = run_cli("data", "import", "bfcl", "--from", str(BFCL_FIXTURE), "--out", str(out), "--force")
    assert forced.returncode == 0, forced.stderr
    clean = run_cli("data", "import", "bfcl", "--from", str(BFCL_FIXTURE), "--out", str(tmp_path / "clean"))
    assert clean.returncode == 0, clean.stderr
    assert files_of(out) == files_of(tmp_path / "clean")


def test_a_refused_import_leaves_the_earlier_suite_as_it_was(tmp_path, monkeypatch):
    """Validation runs on the staged files: an import refused there has deleted nothing."""
    from fcbench.data.importers import common

    out = tmp_path / "suite"
    first = run_cli("data", "import", "bfcl", "--from", str(BFCL_FIXTURE), "--out", str(out))
    assert first.returncode == 0, first.stderr
    (out / "NOTES.md").write_text("the user's own file\n")
    before = files_of(out)

    def refuse(folder: Path, tasks: list[str]) -> None:
        assert folder.name == STAGING  # what is checked is the new suite, not yet in place
        raise UsageError("a sample the task plugin refuses")

    monkeypatch.setattr(common, "validate_suite", refuse)
    builder = common.SuiteBuilder("again", "bfcl")
    builder.add("parallel", {"id": "x", "task": "parallel"})
    with pytest.raises(UsageError, match="refuses"):
        builder.write(out, force=True)
    assert files_of(out) == before and not (out / STAGING).exists()
    assert resolve_suite(out) == out
