"""`fcbench run` imports what the run needs before its first request, and the rest where it is used.

The modules are looked at in a subprocess (a clean ``sys.modules``) at the moment the oracle is
asked for its first answer. No timings: a module that comes back on the way to the first
request fails here by name.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import REPO, run_cli

FIRST_REQUEST = """
import json, sys
import fcbench.cli
import fcbench.models.reference as reference

seen = {}
generate = reference.OracleModel.generate

async def first(self, request):
    seen.setdefault("modules", sorted(sys.modules))
    return await generate(self, request)

reference.OracleModel.generate = first
code = fcbench.cli.main(sys.argv[1:])
print(json.dumps({"code": code, "modules": seen.get("modules"), "after": sorted(sys.modules)}), file=sys.stderr)
"""

#: not on the way to a plain run's first request: printing, other protocols, executors, batch APIs
LATER = ("rich", "fcbench.analysis.report", "fcbench.running.provider_batch", "fcbench.models.provider_batches",
         "fcbench.running.ray_executor", "fcbench.running.merge", "fcbench.models.api_base")


def _modules_at_first_request(*args: str) -> dict:
    proc = subprocess.run([sys.executable, "-c", FIRST_REQUEST, "run", *args, "--quiet"], cwd=REPO,
                          env={**os.environ}, capture_output=True, text=True, timeout=300)
    report = json.loads(proc.stderr.strip().splitlines()[-1])
    assert report["code"] == 0, proc.stderr
    return report


def test_a_plain_run_imports_no_printing_batch_or_executor_module_before_its_first_request(tmp_path, tiny_suite):
    report = _modules_at_first_request("--model", "reference/oracle", "--suite", str(tiny_suite),
                                       "--out", str(tmp_path / "run"))
    early = [m for m in report["modules"] if m.split(".")[0] == "rich" or m in LATER]
    assert early == [], early
    assert "rich.table" in report["after"]  # the table is still printed, with rich, at the end


def test_every_batch_option_is_named_as_the_runner_expects():
    """The runner imports the --batch machinery only for a --batch run or an option named batch_*."""
    from fcbench.models.provider_batches import BATCH_OPTIONS
    from fcbench.running.runner import BATCH_OPTION_PREFIX

    assert BATCH_OPTIONS and all(name.startswith(BATCH_OPTION_PREFIX) for name in BATCH_OPTIONS)


def test_a_batch_option_without_batch_is_still_refused(tmp_path, tiny_suite):
    proc = run_cli("run", "--model", "reference/oracle", "--suite", str(tiny_suite), "-M", "batch_size=5",
                   "--out", str(tmp_path / "run"), "--quiet")
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == ["fcbench: error: batch_size apply to --batch runs only"]
    assert not (tmp_path / "run").exists()


def test_each_command_name_is_the_one_its_module_registers():
    """`fcbench NAME ...` builds only NAME's part of the parser: the names must be the registered ones."""
    from fcbench import cli

    def commands(parser) -> dict:
        (sub,) = [a for a in parser._actions if a.dest == "command"]
        return {name: p.get_default("func") for name, p in sub.choices.items()}

    everything = commands(cli.build_parser())
    assert list(everything) == list(cli.COMMAND_NAMES)
    for name in cli.COMMAND_NAMES:
        assert commands(cli.build_parser(name)) == {name: everything[name]}
        assert everything[name].__module__ == cli.command_module(name).__name__


def test_the_entry_point_precheck_sees_a_declared_group(tmp_path, monkeypatch):
    """The task registry asks importlib.metadata only when some distribution may declare the group:
    a dist-info (or egg-info) on the path that names it is always seen."""
    from fcbench import task_registry

    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    assert not task_registry._may_declare("fcbench.tests-only-group")
    for folder in ("Some_Plugin-1.0.dist-info", "other.egg-info"):
        (site / folder).mkdir()
        (site / folder / "entry_points.txt").write_text("[ fcbench.tests-only-group ]\nx = m:C\n")
        assert task_registry._may_declare("fcbench.tests-only-group")
        (site / folder / "entry_points.txt").unlink()
    assert not task_registry._may_declare("fcbench.tests-only-group")
    zipped = tmp_path / "plugins.zip"
    zipped.write_bytes(b"PK\x05\x06" + b"\0" * 18)  # an empty zip: only importlib.metadata looks inside
    monkeypatch.syspath_prepend(str(zipped))
    assert task_registry._may_declare("fcbench.tests-only-group")
