"""Every bad input, to every command, is one line on stderr and exit code 2, and touches nothing.

A table of cases, each with the reason it is bad. Each case runs the real CLI
entry point (`fcbench.cli.main`, in-process for speed; the cases that need
another user run it as a subprocess) and asserts:

* exit code 2;
* exactly one line on stderr, starting ``fcbench: error:`` and naming the problem;
* no traceback;
* wherever the command was given a folder (a run, a suite), every file in it is
  byte-identical afterwards.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest
from conftest import REPO, param_sample, write_jsonl

from fcbench.cli import main


@dataclass
class Case:
    reason: str
    args: Callable[[Ctx], list[str]]
    message: str                                  # must appear in the error line (case-insensitive)
    watch: Callable[[Ctx], list[Path]] = lambda ctx: []  # folders that must stay byte-identical
    env: dict[str, str] = field(default_factory=dict)
    other_user: bool = False                      # run as an unprivileged user (permission cases)


class Ctx:
    """Fixtures built once: a finished run, a suite, files in every bad state."""

    def __init__(self, root: Path):
        self.root = root
        self.suite = root / "suite"
        write_jsonl(self.suite / "parameter_value" / "test.jsonl",
                    [param_sample(i, c) for i, c in enumerate(["Lisbon", "Paris", "Oslo"])])
        self.run = root / "run"
        code, _, err = call(["run", "--model", "reference/oracle", "--suite", str(self.suite), "--out",
                             str(self.run), "--quiet"])
        assert code == 0, err
        self.regular_file = root / "a-file"
        self.regular_file.write_text("I am a file\n")
        self.readonly = root / "readonly"
        self.readonly.mkdir()
        self.readonly.chmod(0o555)

    def copy_run(self, name: str) -> Path:
        dst = self.root / name
        if not dst.exists():
            shutil.copytree(self.run, dst)
        return dst

    def run_with(self, name: str, edit: Callable[[Path], None]) -> Path:
        """A copy of the finished run, edited."""
        dst = self.root / name
        if not dst.exists():
            shutil.copytree(self.run, dst)
            edit(dst)
        return dst

    def suite_with(self, name: str, lines: list | None = None, raw: bytes | None = None,
                   extra: dict[str, bytes] | None = None) -> Path:
        suite = self.root / name
        if not suite.exists():
            path = suite / "parameter_value" / "test.jsonl"
            if raw is not None:
                path.parent.mkdir(parents=True)
                path.write_bytes(raw)
            else:
                write_jsonl(path, lines or [])
            for rel, data in (extra or {}).items():
                (suite / rel).write_bytes(data)
        return suite

    def file(self, name: str, data: bytes | str) -> Path:
        path = self.root / name
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return path


def call(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse's own errors
            code = exc.code
    return code, out.getvalue(), err.getvalue()


@functools.cache
def other_user_can_run(prefix: tuple[str, ...]) -> bool:
    """Can the dropped user run fcbench at all? Not when the checkout or its venv sits in a
    folder only its owner may read (``mktemp -d`` makes one mode 0700)."""
    probe = subprocess.run([*prefix, sys.executable, "-c", "import fcbench.cli"], cwd=REPO,
                           capture_output=True, text=True, timeout=120, env={**os.environ, "HOME": "/tmp"})
    return probe.returncode == 0


def call_as_other_user(argv: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    prefix: list[str] = []
    if os.geteuid() == 0:  # root ignores file permissions: drop to nobody for the call
        prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        if not other_user_can_run(tuple(prefix)):
            pytest.skip(f"user nobody cannot read this checkout or its venv ({REPO}), so a permission "
                        "error cannot be provoked for root; clone into a folder others may read")
    proc = subprocess.run([*prefix, sys.executable, "-m", "fcbench", *argv], cwd=REPO, capture_output=True,
                          text=True, timeout=120,
                          env={**os.environ, "FCBENCH_CACHE": "off", "HOME": "/tmp", **env})
    return proc.returncode, proc.stdout, proc.stderr


def snapshot(folders: list[Path]) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for folder in folders:
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                files[str(path)] = path.read_bytes() if path.is_file() else b"<folder>"
        elif folder.is_file():
            files[str(folder)] = folder.read_bytes()
    return files


def json_edit(name: str, change: Callable[[dict], None]) -> Callable[[Path], None]:
    def edit(run: Path) -> None:
        path = run / name
        data = json.loads(path.read_text())
        change(data)
        path.write_text(json.dumps(data))
    return edit


def append_bytes(data: bytes) -> Callable[[Path], None]:
    def edit(run: Path) -> None:
        with (run / "samples.jsonl").open("ab") as fh:
            fh.write(data)
    return edit


def edit_first_sample_line(change: Callable[[dict], None]) -> Callable[[Path], None]:
    def edit(run: Path) -> None:
        path = run / "samples.jsonl"
        lines = path.read_text().splitlines()
        record = json.loads(lines[0])
        change(record)
        lines[0] = json.dumps(record)
        path.write_text("\n".join(lines) + "\n")
    return edit


def set_field(*path_and_value):
    *path, value = path_and_value

    def change(data: dict) -> None:
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


RUN = ["run", "--model", "reference/oracle", "--quiet"]
OC = ["run", "--model", "openai-compatible/m", "--base-url", "http://127.0.0.1:9/v1", "--quiet"]
NO_KEYS = {"OPENAI_API_KEY": "", "OPENAI_BASE_URL": "", "ANTHROPIC_API_KEY": "", "ANTHROPIC_BASE_URL": ""}


def on_suite(ctx: Ctx, suite: Path, *extra: str) -> list[str]:
    return [*RUN, "--tasks", "parameter_value", "--suite", str(suite), "--out", str(ctx.root / "never"), *extra]


def replay(ctx: Ctx, name: str, data: bytes) -> list[str]:
    return ["run", "--model", f"replay/{ctx.file(name, data)}", "--out", str(ctx.root / "never")]


def resume(run: Path, *extra: str) -> list[str]:
    return ["run", "--resume", str(run), "--quiet", *extra]


PV = "parameter_value"
CASES: list[Case] = [
    # ------------------------------------------------------------ run: model and options
    Case("unknown provider", lambda c: ["run", "--model", "nope/x"], "unknown model provider"),
    Case("unknown reference model", lambda c: ["run", "--model", "reference/genius"], "unknown reference model"),
    Case("model without provider", lambda c: ["run", "--model", "gpt4"], "provider/model"),
    Case("no model at all", lambda c: ["run"], "--model is required"),
    Case("unknown task", lambda c: [*RUN, "--tasks", "parameter_value,bogus"], "unknown task 'bogus'"),
    Case("empty task list", lambda c: [*RUN, "--tasks", ","], "no task selected"),
    Case("negative concurrency", lambda c: [*RUN, "--concurrency", "-3"], "positive integer"),
    Case("concurrency not a number", lambda c: [*RUN, "--concurrency", "many"], "positive integer"),
    Case("zero limit", lambda c: [*RUN, "--limit", "0"], "positive integer"),
    Case("temperature not a number", lambda c: [*RUN, "--temperature", "hot"], "number"),
    Case("negative temperature", lambda c: [*RUN, "--temperature", "-1"], "number >= 0"),
    Case("temperature NaN", lambda c: [*RUN, "--temperature", "nan"], "number >= 0"),
    Case("zero max tokens", lambda c: [*RUN, "--max-tokens", "0"], "positive integer"),
    Case("seed not an integer", lambda c: [*RUN, "--seed", "1.5"], "integer"),
    Case("negative retries", lambda c: [*RUN, "--retries", "-1"], "integer >= 0"),
    Case("infinite retry delay", lambda c: [*RUN, "--retry-base-delay", "inf"], "number >= 0"),
    Case("unknown mode", lambda c: [*RUN, "--mode", "chat"], "invalid choice"),
    Case("misspelt backend option", lambda c: [*RUN, "-M", "dealy=0.1"], "unknown option(s) for reference/"),
    Case("backend option without '='", lambda c: [*RUN, "-M", "delay"], "KEY=VALUE"),
    Case("delay not a number", lambda c: [*RUN, "-M", "delay=abc"], "option delay: expected a number"),
    Case("negative delay", lambda c: [*RUN, "-M", "delay=-1"], "option delay"),
    Case("price not a number", lambda c: [*RUN, "-M", "price_in=abc"], "price_in"),
    Case("price table missing", lambda c: [*RUN, "-M", f"prices={c.root / 'no-prices.json'}"], "no-prices.json"),
    Case("timeout not a number", lambda c: [*OC, "-M", "timeout=abc"], "option timeout"),
    Case("zero timeout", lambda c: [*OC, "-M", "timeout=0"], "option timeout"),
    Case("max_connections a list", lambda c: [*OC, "-M", "max_connections=[1]"], "option max_connections"),
    Case("max_connections negative", lambda c: [*OC, "-M", "max_connections=-2"], "option max_connections"),
    Case("tool_names not a flag", lambda c: [*OC, "-M", "tool_names=maybe"], "option tool_names"),
    Case("extra_body not an object", lambda c: [*OC, "-M", "extra_body=[1]"], "option extra_body"),
    Case("unknown max_tokens_field", lambda c: [*OC, "-M", "max_tokens_field=tokens"], "max_tokens_field"),
    Case("omit the model field", lambda c: [*OC, "-M", "omit=model"], "omit cannot drop model"),
    Case("openai-compatible without a URL", lambda c: ["run", "--model", "openai-compatible/m"], "--base-url",
         env=NO_KEYS),
    Case("base URL not http", lambda c: ["run", "--model", "openai-compatible/m", "--base-url", "ftp://x/v1"],
         "--base-url"),
    Case("openai with two base URLs", lambda c: ["run", "--model", "openai/m", "--base-url", "http://a/v1",
                                                 "--base-url", "http://b/v1"], "one --base-url"),
    Case("openai without a key", lambda c: ["run", "--model", "openai/gpt-4o"], "OPENAI_API_KEY", env=NO_KEYS),
    Case("anthropic timeout not a number", lambda c: ["run", "--model", "anthropic/c", "--base-url", "http://a",
                                                      "-M", "timeout=soon"], "option timeout"),
    Case("unknown judge provider", lambda c: [*RUN, "--judge", "nope/x"], "unknown model provider"),
    Case("unknown judge model", lambda c: [*RUN, "--judge", "reference/genius"], "unknown reference model"),
    # ------------------------------------------------------------ run: data
    Case("split without data", lambda c: on_suite(c, c.suite, "--split", "nosuch"), "no nosuch data",
         watch=lambda c: [c.suite]),
    Case("missing suite folder", lambda c: [*RUN, "--suite", str(c.root / "nowhere")], "no such suite folder"),
    Case("suite is a regular file", lambda c: [*RUN, "--suite", str(c.regular_file)], "no such suite folder"),
    Case("unknown suite name", lambda c: [*RUN, "--suite", "never-imported"], "no imported suite"),
    Case("bad JSONL line", lambda c: on_suite(c, c.suite_with("s-json", [param_sample(0), "{not json"])),
         "test.jsonl:2: not valid JSON", watch=lambda c: [c.root / "s-json"]),
    Case("sample missing messages", lambda c: on_suite(c, c.suite_with("s-msg", [
        {"id": "a", "task": PV, "tools": [], "gold": {}}])), "test.jsonl:1: sample does not match the schema"),
    Case("gold of the wrong shape", lambda c: on_suite(c, c.suite_with("s-gold", [
        {**param_sample(0), "gold": {"calls": "get_weather"}}])), "gold"),
    Case("duplicate sample id", lambda c: on_suite(c, c.suite_with("s-dup", [param_sample(0), param_sample(0)])),
         "duplicate sample id"),
    Case("sample of another task", lambda c: on_suite(c, c.suite_with("s-task", [
        {**param_sample(0), "task": "nested"}])), "belongs to task"),
    Case("empty test.jsonl", lambda c: on_suite(c, c.suite_with("s-empty", raw=b"")), "no samples",
         watch=lambda c: [c.root / "s-empty"]),
    Case("test.jsonl not UTF-8", lambda c: on_suite(c, c.suite_with("s-latin", raw=b'{"id": "\xff"}\n')),
         "not UTF-8"),
    Case("test.jsonl nested too deeply", lambda c: on_suite(c, c.suite_with(
        "s-deep", raw=b"[" * 5000 + b"]" * 5000 + b"\n")), "test.jsonl:1"),
    Case("suite.json not JSON", lambda c: on_suite(c, c.suite_with("s-manifest", [param_sample(0)],
                                                                   extra={"suite.json": b"{oops"})),
         "suite.json: not valid JSON"),
    Case("suite.json of wrong types", lambda c: on_suite(c, c.suite_with(
        "s-manifest-type", [param_sample(0)], extra={"suite.json": b'{"name": "x", "seed": "one"}'})),
         "field seed: expected integer"),
    Case("replay file missing", lambda c: ["run", "--model", f"replay/{c.root / 'none.jsonl'}"],
         "no such replay file"),
    Case("replay file not UTF-8", lambda c: replay(c, "latin.jsonl", b'{"id": "a\xff"}'), "not UTF-8"),
    Case("replay line not JSON", lambda c: replay(c, "broken.jsonl", b"{oops"), "broken.jsonl:1: not a replay record"),
    Case("replay line without an id", lambda c: replay(c, "noid.jsonl", b'{"text": "hi"}'), "no 'sample_id' or 'id'"),
    Case("replay line not an object", lambda c: replay(c, "list.jsonl", b"[1, 2]"), "not a JSON object"),
    Case("replay folder without files", lambda c: ["run", "--model", f"replay/{c.readonly}"],
         "no .json or .jsonl replay files"),
    # ------------------------------------------------------------ run: output folder
    Case("--out below a regular file", lambda c: [*RUN, "--suite", str(c.suite), "--out",
                                                  str(c.regular_file / "run")], "is a file, not a folder",
         watch=lambda c: [c.regular_file]),
    Case("--out in a read-only folder", lambda c: [*RUN, "--suite", str(c.suite), "--out",
                                                   str(c.readonly / "run")], "permission denied",
         watch=lambda c: [c.readonly], other_user=True),
    Case("--out not empty", lambda c: [*RUN, "--suite", str(c.suite), "--out", str(c.run)],
         "not an empty folder", watch=lambda c: [c.run]),
    Case("--out and --resume together", lambda c: [*RUN, "--out", str(c.root / "x"), "--resume", str(c.run)],
         "not both", watch=lambda c: [c.run]),
    # ------------------------------------------------------------ run --resume
    Case("resume of a folder that is no run", lambda c: resume(c.suite), "not a run folder",
         watch=lambda c: [c.suite]),
    Case("resume of a missing folder", lambda c: resume(c.root / "gone"), "no such run folder"),
    Case("resume of a regular file", lambda c: resume(c.regular_file), "no such run folder"),
    Case("run.json not UTF-8", lambda c: resume(c.run_with("r-latin", lambda r: (r / "run.json").write_bytes(
        b'{"model": "\xff"}'))), "not UTF-8", watch=lambda c: [c.root / "r-latin"]),
    Case("run.json is a folder", lambda c: resume(c.run_with("r-dir", lambda r: ((r / "run.json").unlink(),
                                                                                  (r / "run.json").mkdir()))),
         "is a folder", watch=lambda c: [c.root / "r-dir"]),
    Case("run.json not JSON", lambda c: resume(c.run_with("r-json", lambda r: (r / "run.json").write_text("{"))),
         "run.json: not valid JSON", watch=lambda c: [c.root / "r-json"]),
    Case("run.json limit of the wrong type", lambda c: resume(c.run_with(
        "r-limit", json_edit("run.json", set_field("limit", "5")))), "field limit: expected integer",
         watch=lambda c: [c.root / "r-limit"]),
    Case("run.json without a fingerprint", lambda c: resume(c.run_with(
        "r-fp", json_edit("run.json", lambda d: d.pop("fingerprint")))), "field fingerprint: missing",
         watch=lambda c: [c.root / "r-fp"]),
    Case("run.json sampling of the wrong type", lambda c: resume(c.run_with(
        "r-sampling", json_edit("run.json", set_field("sampling", "temperature", "hot")))),
         "field sampling/temperature", watch=lambda c: [c.root / "r-sampling"]),
    Case("samples.jsonl with a garbage byte line", lambda c: resume(c.run_with(
        "r-garbage", append_bytes(b"\xff\xfe\x00garbage\n"))), "samples.jsonl:4: not UTF-8",
         watch=lambda c: [c.root / "r-garbage"]),
    Case("samples.jsonl with a garbage tail", lambda c: resume(c.run_with(
        "r-tail", append_bytes(b"\xff\xfe garbage"))), "not a result line cut off",
         watch=lambda c: [c.root / "r-tail"]),
    Case("samples.jsonl with a line that is not JSON", lambda c: resume(c.run_with(
        "r-notjson", append_bytes(b"{oops}\n"))), "samples.jsonl:4: not a JSON result line",
         watch=lambda c: [c.root / "r-notjson"]),
    Case("samples.jsonl with an unknown status", lambda c: resume(c.run_with(
        "r-status", edit_first_sample_line(set_field("status", "maybe")))), "unknown status 'maybe'",
         watch=lambda c: [c.root / "r-status"]),
    Case("samples.jsonl with passed of the wrong type", lambda c: resume(c.run_with(
        "r-passed", edit_first_sample_line(set_field("passed", "yes")))), "samples.jsonl:1: not a result line: passed",
         watch=lambda c: [c.root / "r-passed"]),
    Case("samples.jsonl with a call name of the wrong type", lambda c: resume(c.run_with(
        "r-callname", edit_first_sample_line(lambda d: d["output"].update(tool_calls=[{"name": 5}])))),
         "output/tool_calls/0/name", watch=lambda c: [c.root / "r-callname"]),
    Case("samples.jsonl with a sample of no task of the run", lambda c: resume(c.run_with(
        "r-stranger", edit_first_sample_line(set_field("sample_id", "not-in-the-data")))),
         "samples this run does not have", watch=lambda c: [c.root / "r-stranger"]),
    Case("resume with another model", lambda c: ["run", "--model", "reference/lexical", "--resume",
                                                 str(c.copy_run("r-model"))], "different run",
         watch=lambda c: [c.root / "r-model"]),
    Case("resume of a run whose URL held a password", lambda c: resume(c.run_with(
        "r-cred", json_edit("run.json", set_field("model_args", {"base_url": "http://***@host:1/v1"})))),
         "held credentials", watch=lambda c: [c.root / "r-cred"]),
    # ------------------------------------------------------------ list
    Case("list of a missing suite", lambda c: ["list", "--suite", str(c.root / "nowhere")], "no such suite folder"),
    Case("list of a suite name never imported", lambda c: ["list", "--suite", "never-imported"],
         "no imported suite"),
    # ------------------------------------------------------------ report
    Case("report of a missing run", lambda c: ["report", str(c.root / "nope")], "no such run folder"),
    Case("report in an unknown format", lambda c: ["report", str(c.run), "--format", "xml"],
         "unknown report format", watch=lambda c: [c.run]),
    Case("report of a folder without results", lambda c: ["report", str(c.suite)], "no results.json",
         watch=lambda c: [c.suite]),
    Case("report of results.json that is not JSON", lambda c: ["report", str(c.run_with(
        "p-json", lambda r: (r / "results.json").write_text("[1,")))], "results.json: not valid JSON",
         watch=lambda c: [c.root / "p-json"]),
    Case("report of results.json with n as a string", lambda c: ["report", str(c.run_with(
        "p-n", json_edit("results.json", set_field("tasks", PV, "n", "5"))))],
         "field tasks/parameter_value/n: expected integer", watch=lambda c: [c.root / "p-n"]),
    Case("report of results.json with tasks a list", lambda c: ["report", str(c.run_with(
        "p-tasks", json_edit("results.json", set_field("tasks", []))))], "field tasks: expected object",
         watch=lambda c: [c.root / "p-tasks"]),
    Case("report of results.json with a CI of one number", lambda c: ["report", str(c.run_with(
        "p-ci", json_edit("results.json", set_field("tasks", PV, "ci", [0.5]))))], "ci: expected [low, high]",
         watch=lambda c: [c.root / "p-ci"]),
    Case("report of a run whose run.json has wrong totals", lambda c: ["report", str(c.run_with(
        "p-totals", json_edit("run.json", set_field("totals", "prompt_tokens", "many"))))],
         "field totals/prompt_tokens", watch=lambda c: [c.root / "p-totals"]),
    # ------------------------------------------------------------ show
    Case("show of a missing folder", lambda c: ["show", str(c.root / "nope")], "no such run folder"),
    Case("show of a task not in the run", lambda c: ["show", str(c.run), "--task", "bogus"],
         "task 'bogus' is not in this run", watch=lambda c: [c.run]),
    Case("show of an unknown failure category", lambda c: ["show", str(c.run), "--failure", "no_such_category"],
         "unknown failure category", watch=lambda c: [c.run]),
    Case("show with limit 0", lambda c: ["show", str(c.run), "--limit", "0"], "positive integer"),
    Case("show with an unknown verdict", lambda c: ["show", str(c.run), "--verdict", "meh"], "invalid choice"),
    Case("show of a run with a garbage line", lambda c: ["show", str(c.run_with(
        "w-garbage", append_bytes(b"not json at all\n")))], "samples.jsonl:4", watch=lambda c: [c.root / "w-garbage"]),
    # ------------------------------------------------------------ compare
    Case("compare with a missing run", lambda c: ["compare", str(c.run), str(c.root / "nope")],
         "no such run folder or results file", watch=lambda c: [c.run]),
    Case("compare of results with a score as text", lambda c: ["compare", str(c.run), str(c.run_with(
        "c-score", json_edit("results.json", set_field("tasks", PV, "score", "high"))))],
         "field tasks/parameter_value/score: expected number", watch=lambda c: [c.run, c.root / "c-score"]),
    Case("compare of runs over different data", lambda c: ["compare", str(c.run), str(c.run_with(
        "c-data", json_edit("results.json", set_field("tasks", PV, "checksum", "sha256:other"))))],
         "different data", watch=lambda c: [c.run, c.root / "c-data"]),
    Case("compare with negative max flips", lambda c: ["compare", str(c.run), str(c.run), "--max-flips", "-1"],
         "integer >= 0"),
    Case("compare in an unknown format", lambda c: ["compare", str(c.run), str(c.run), "--format", "xml"],
         "invalid choice"),
    # ------------------------------------------------------------ gate
    Case("gate with a missing baseline", lambda c: ["gate", "--baseline", str(c.root / "nope"), "--candidate",
                                                    str(c.run)], "no such run folder or results file"),
    Case("gate with alpha above 1", lambda c: ["gate", "--baseline", str(c.run), "--candidate", str(c.run),
                                               "--alpha", "2"], "alpha"),
    Case("gate with a NaN max drop", lambda c: ["gate", "--baseline", str(c.run), "--candidate", str(c.run),
                                                "--max-drop", "nan"], "number >= 0"),
    Case("gate summary below a regular file", lambda c: ["gate", "--baseline", str(c.run), "--candidate",
                                                         str(c.run), "--summary", str(c.regular_file / "s.md"),
                                                         "--junit", str(c.root / "j.xml")], "is a file, not a folder",
         watch=lambda c: [c.run, c.regular_file]),
    Case("gate JUnit below a regular file", lambda c: ["gate", "--baseline", str(c.run), "--candidate", str(c.run),
                                                       "--summary", str(c.root / "s.md"),
                                                       "--junit", str(c.regular_file / "j.xml")],
         "is a file, not a folder",
         watch=lambda c: [c.run, c.regular_file]),
    Case("gate of a baseline with wrong types", lambda c: ["gate", "--baseline", str(c.run_with(
        "g-types", json_edit("results.json", set_field("tasks", PV, "outcomes", "passed", "yes")))),
        "--candidate", str(c.run)], "outcomes/passed", watch=lambda c: [c.root / "g-types"]),
    Case("gate of runs in different modes", lambda c: ["gate", "--baseline", str(c.run_with(
        "g-mode", json_edit("results.json", set_field("mode", "prompt")))), "--candidate", str(c.run),
        "--summary", str(c.root / "gm.md"), "--junit", str(c.root / "gm.xml")], "different modes",
         watch=lambda c: [c.root / "g-mode", c.run]),
    # ------------------------------------------------------------ leaderboard
    Case("leaderboard without an action", lambda c: ["leaderboard"], "build or rebuild"),
    Case("leaderboard build below a regular file", lambda c: ["leaderboard", "build", str(c.run), "--out",
                                                              str(c.regular_file / "lb")], "is a file, not a folder",
         watch=lambda c: [c.run, c.regular_file]),
    Case("leaderboard build of results with wrong types", lambda c: [
        "leaderboard", "build", str(c.run_with("l-types", json_edit("results.json", set_field("model", 5)))),
        "--out", str(c.root / "lb")], "field model: expected string", watch=lambda c: [c.root / "l-types"]),
    Case("leaderboard build of a missing run", lambda c: ["leaderboard", "build", str(c.root / "nope"),
                                                          "--out", str(c.root / "lb2")], "no such run folder"),
    Case("leaderboard rebuild without an index", lambda c: ["leaderboard", "rebuild", str(c.suite)],
         "no index.json", watch=lambda c: [c.suite]),
    Case("leaderboard rebuild of a broken index", lambda c: ["leaderboard", "rebuild", str(c.run_with(
        "l-index", lambda r: (r / "index.json").write_text('{"boards": [{"sources": [5]}]}')))],
         "not a leaderboard index", watch=lambda c: [c.root / "l-index"]),
    # ------------------------------------------------------------ data
    Case("generate with a seed that is no integer", lambda c: ["data", "generate", "--seed", "abc", "--out",
                                                               str(c.root / "g")], "integer"),
    Case("generate into a non-empty folder", lambda c: ["data", "generate", "--seed", "1", "--out", str(c.suite)],
         "not empty", watch=lambda c: [c.suite]),
    Case("generate below a regular file", lambda c: ["data", "generate", "--seed", "1", "--out",
                                                     str(c.regular_file / "g")], "is a file, not a folder",
         watch=lambda c: [c.regular_file]),
    Case("data without an action", lambda c: ["data"], "generate or import"),
    Case("import of a missing BFCL folder", lambda c: ["data", "import", "bfcl", "--from", str(c.root / "nope"),
                                                       "--out", str(c.root / "i1")], "nope"),
    Case("import of a BFCL file that is not JSON", lambda c: [
        "data", "import", "bfcl", "--from", str(c.file("BFCL_v4_simple_python.json", "{oops")),
        "--out", str(c.root / "i2")], "not a JSON line"),
    Case("import under a suite name with a slash", lambda c: [
        "data", "import", "nestful", "--from", str(c.file("n.jsonl", "")), "--name", "a/b"], "one folder name"),
    Case("import of a missing NESTFUL file", lambda c: ["data", "import", "nestful", "--from",
                                                        str(c.root / "nope.jsonl"), "--out", str(c.root / "i3")],
         "nope.jsonl"),
    Case("import with an unknown HF mapping", lambda c: ["data", "import", "hf", "x/y", "--mapping", "bogus"],
         "mapping"),
    Case("import with a negative HF limit", lambda c: ["data", "import", "hf", "x/y", "--mapping", "xlam",
                                                       "--limit", "-5"], "positive integer"),
    Case("import without a source", lambda c: ["data", "import"], "required"),
    Case("unknown subcommand", lambda c: ["frobnicate"], "invalid choice"),
    # ------------------------------------------- shards, merge, batch, executors, paper view
    Case("shard index past the count", lambda c: [*RUN, "--shard", "4/4"], "0 <= i < N"),
    Case("shard that is not i/N", lambda c: [*RUN, "--shard", "half"], "expected i/N"),
    Case("merge of a folder that is no run", lambda c: ["merge", str(c.root / "no-such-shard"), "--out",
                                                        str(c.root / "m1")], "not a run folder"),
    Case("merge of a whole run, not a shard", lambda c: ["merge", str(c.run), "--out", str(c.root / "m2")],
         "not a shard", watch=lambda c: [c.run]),
    Case("merge without --out", lambda c: ["merge", str(c.run)], "required", watch=lambda c: [c.run]),
    Case("batch on a provider without a batch API", lambda c: [*RUN, "--batch", "--out", str(c.root / "b1")],
         "needs a provider with a batch API (anthropic/, openai/)"),
    Case("batch option without --batch", lambda c: [*RUN, "-M", "batch_size=10", "--out", str(c.root / "b2")],
         "apply to --batch runs only"),
    Case("Ray flags without --executor ray", lambda c: [*RUN, "--shards", "3", "--out", str(c.root / "r1")],
         "apply to --executor ray only"),
    Case("paper view with an unknown metric", lambda c: ["report", str(c.run), "--metrics", "bogus_f1"],
         "unknown metric(s) for --metrics: bogus_f1", watch=lambda c: [c.run]),
    Case("export-requests for a model without a batch format", lambda c: [
        "data", "export-requests", "--format", "openai-batch", "--model", "reference/oracle",
        "--out", str(c.root / "e.jsonl")], "give --model openai/NAME"),
    Case("import of a missing API-Bank folder", lambda c: ["data", "import", "apibank", "--from",
                                                           str(c.root / "no-api-bank"), "--out", str(c.root / "i4")],
         "no-api-bank"),
    Case("import of a ToolBench file that is not JSON", lambda c: [
        "data", "import", "toolbench", "--from", str(c.file("G1_instruction.json", "{oops")),
        "--out", str(c.root / "i5")], "not"),
]


@pytest.fixture(scope="module")
def ctx(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad-inputs")
    os.chmod(root, 0o755)  # the unprivileged user of the permission cases must reach it
    yield Ctx(root)
    (root / "readonly").chmod(0o755)


def test_the_table_is_big_enough():
    assert len(CASES) >= 80
    assert len({c.reason for c in CASES}) == len(CASES), "two cases share a reason"


@pytest.mark.parametrize("case", CASES, ids=[c.reason for c in CASES])
def test_bad_input_is_one_line_exit_2_and_touches_nothing(ctx, case, monkeypatch):
    argv = case.args(ctx)
    watched = case.watch(ctx)
    before = snapshot(watched)
    if case.other_user:
        code, out, err = call_as_other_user(argv, case.env)
    else:
        for key, value in case.env.items():
            monkeypatch.setenv(key, value)
        code, out, err = call(argv)
    lines = err.strip().splitlines()
    assert code == 2, (code, out, err)
    assert "Traceback" not in err + out
    assert len(lines) == 1, f"expected one line on stderr, got: {err!r}"
    assert lines[0].startswith("fcbench: error:"), lines[0]
    assert case.message.lower() in lines[0].lower(), lines[0]
    assert snapshot(watched) == before, "a folder given to the command changed"
