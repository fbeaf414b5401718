"""The `fcbench` command ends without the interpreter's teardown (`fcbench.cli.entry`), and
loses nothing by it: output flushed into a pipe, exit codes kept, every `atexit` handler run."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from conftest import REPO, run_cli


def test_output_into_a_pipe_is_complete_and_the_exit_code_kept(tmp_path):
    """Through a pipe stdout is block-buffered: without the flush before `os._exit` the table
    and the last lines would be lost."""
    proc = run_cli("run", "--model", "reference/oracle", "--tasks", "parallel", "--limit", "3", "--quiet",
                   "--out", str(tmp_path / "run"))
    assert proc.returncode == 0, proc.stderr
    assert "parallel" in proc.stdout and proc.stdout.rstrip().endswith(f"run folder: {tmp_path / 'run'}")
    listed = run_cli("list")
    assert listed.returncode == 0 and all(t in listed.stdout for t in ("nested", "response_generation"))
    refused = run_cli("run", "--model", "reference/oracle", "--tasks", "nope")
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1 and "nope" in refused.stderr


def test_atexit_handlers_registered_by_a_command_still_run(tmp_path):
    """A handler a command registers (a vLLM server's stop, Ray's shutdown, a temporary folder)
    runs before the process ends, and a file it writes is complete."""
    marker = tmp_path / "marker.txt"
    script = textwrap.dedent(f"""
        import atexit, sys
        from fcbench import cli
        command = cli.main

        def main(argv=None):
            atexit.register(lambda: open({str(marker)!r}, "w").write("stopped " * 1000))
            return command(argv)

        cli.main = main
        sys.argv = ["fcbench", "list"]
        cli.entry()
    """)
    proc = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "nested" in proc.stdout
    assert marker.read_text() == "stopped " * 1000


def test_an_exception_escaping_main_keeps_pythons_own_exit(tmp_path):
    """A bug that escapes `main` is not hidden by the fast exit: traceback, exit code 1."""
    script = textwrap.dedent("""
        import sys
        from fcbench import cli

        def main(argv=None):
            raise RuntimeError("a bug")

        cli.main = main
        sys.argv = ["fcbench", "list"]
        cli.entry()
    """)
    proc = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and "RuntimeError: a bug" in proc.stderr
