"""`fcbench leaderboard`: tables never mix suites, modes or data versions; the HTML page works
in a real headless browser; the committed leaderboards/ is reproducible from its results."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import REPO, run_cli
from test_compare import make_run

pytest.importorskip("matplotlib", reason="the leaderboard chart needs matplotlib (pip install 'fcbench[plots]')")

PATTERNS = {"parallel": "1101", "nested": "10"}


@pytest.fixture
def runs(tmp_path):
    """Three comparable runs, and three that each differ in one thing that forbids mixing."""
    made = {
        "alpha": make_run(tmp_path / "r" / "alpha", PATTERNS, model="acme/alpha"),
        "beta": make_run(tmp_path / "r" / "beta", {"parallel": "0001", "nested": "11"}, model="acme/beta"),
        "gamma": make_run(tmp_path / "r" / "gamma", {"parallel": "1111", "nested": "00"}, model="acme/gamma"),
        "prompt": make_run(tmp_path / "r" / "prompt", PATTERNS, model="acme/alpha", mode="prompt"),
        "newdata": make_run(tmp_path / "r" / "newdata", PATTERNS, model="acme/alpha", checksum="sha256:v2"),
        "suite": make_run(tmp_path / "r" / "suite", PATTERNS, model="acme/alpha", suite="my-suite"),
    }
    return made


def build(out: Path, *sources: Path):
    proc = run_cli("leaderboard", "build", *map(str, sources), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    return json.loads((out / "index.json").read_text())


def test_never_mixes_modes_data_versions_or_suites(tmp_path, runs):
    index = build(tmp_path / "lb", *runs.values())
    boards = index["boards"]
    assert len(boards) == 4
    main = next(b for b in boards if len(b["models"]) == 3)
    assert main["models"] == ["acme/alpha", "acme/beta", "acme/gamma"] and main["mode"] == "native"
    others = [(b["mode"], b["suite"], b["models"]) for b in boards if b is not main]
    assert sorted(others) == [("native", "fcbench-sim", ["acme/alpha"]), ("native", "my-suite", ["acme/alpha"]),
                              ("prompt", "fcbench-sim", ["acme/alpha"])]
    assert len({b["data_version"] for b in boards if b["suite"] == "fcbench-sim" and b["mode"] == "native"}) == 2


def test_markdown_and_csv_carry_score_ci_n_and_provenance(tmp_path, runs):
    index = build(tmp_path / "lb", runs["alpha"], runs["beta"])
    (board,) = index["boards"]
    md = (tmp_path / "lb" / f"{board['slug']}.md").read_text()
    # alpha parallel: 3/4 = 75.0 with Wilson [30.1–95.4]
    assert "| acme/alpha | 75.0 [30.1–95.4] | 50.0 [9.5–90.5] | native | 2026-01-02 | 0.1.0 | fcbench-sim |" in md
    assert "n (scored samples) per sub-task: parallel 4, nested 2" in md
    rows = list(csv.DictReader(io.StringIO((tmp_path / "lb" / f"{board['slug']}.csv").read_text())))
    assert [r["model"] for r in rows] == ["acme/alpha", "acme/beta"]
    assert rows[1]["parallel_score"] == "0.250000" and rows[1]["parallel_n"] == "4"
    assert float(rows[1]["parallel_ci_low"]) < 0.25 < float(rows[1]["parallel_ci_high"])


def test_a_score_that_left_samples_unscored_is_marked_and_said(tmp_path, runs):
    """A run whose server failed on some samples is scored on the rest; its cells say so (†, with
    the count) in Markdown and HTML, the table explains the mark, and the build warns on stderr."""
    partial = make_run(tmp_path / "r" / "partial", {"parallel": "1.1.", "nested": "10"}, model="acme/partial")
    out = tmp_path / "lb"
    proc = run_cli("leaderboard", "build", str(runs["alpha"]), str(partial), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "infrastructure failures: parallel 2" in proc.stderr and "partial" in proc.stderr
    assert "alpha" not in proc.stderr, "complete runs are not warned about"
    md = next(out.glob("*.md")).read_text()
    assert "| acme/partial | 100.0 [34.2–100.0] † 2 unscored | 50.0 [9.5–90.5] |" in md
    assert "| acme/alpha | 75.0 [30.1–95.4] | 50.0 [9.5–90.5] |" in md
    assert "† part of this sub-task's samples ended in infrastructure failures" in md
    html = next(out.glob("*.html")).read_text()
    assert "n 2 † 2 unscored" in html and "part of this sub-task&#x27;s samples" in html
    complete = run_cli("leaderboard", "build", str(runs["alpha"]), "--out", str(tmp_path / "lb2"))
    assert "†" not in next((tmp_path / "lb2").glob("*.md")).read_text() and not complete.stderr


def test_rebuild_from_the_index_reproduces_every_file_and_drops_stale_tables(tmp_path, runs):
    out = tmp_path / "lb"
    shutil.copytree(tmp_path / "r", out / "runs")
    first = build(out, out / "runs" / "alpha", out / "runs" / "beta", out / "runs" / "prompt")
    assert first["boards"][0]["sources"][0] == "runs/alpha/results.json", "sources are relative to the folder"
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    for p in out.iterdir():
        if p.is_file() and p.name != "index.json":
            p.unlink()
    proc = run_cli("leaderboard", "rebuild", str(out))
    assert proc.returncode == 0, proc.stderr
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before
    build(out, out / "runs" / "alpha")  # the prompt-mode board is gone from this build
    assert not any("prompt" in p.name for p in out.iterdir())


def test_cli_errors(tmp_path):
    for args, message in [(("build", str(tmp_path / "nope"), "--out", str(tmp_path / "o")), "no such run folder"),
                          (("build", "--out", str(tmp_path)), "required"),
                          (("rebuild", str(tmp_path)), "no index.json")]:
        proc = run_cli("leaderboard", *args)
        assert proc.returncode == 2 and message in proc.stderr and proc.stderr.count("\n") == 1, proc.stderr


# -------------------------------------------------------- headless browser
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000"]
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="!!! chromium is not installed: the leaderboard page was NOT checked in a browser "
           "(apt-get install -y chromium; .ci/run installs it) !!!")


def open_in_chromium(page: Path, profile: Path) -> tuple[str, list[str]]:
    """(DOM after the page's scripts ran, console error lines)."""
    proc = subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom",
                           page.resolve().as_uri()], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    errors = [line for line in proc.stderr.splitlines()
              if "Uncaught" in line or "ERROR:CONSOLE" in line or ("CONSOLE" in line and "Error" in line)]
    return proc.stdout, errors


@needs_chromium
def test_html_page_loads_without_console_errors_and_shows_every_row(tmp_path, runs):
    index = build(tmp_path / "lb", runs["alpha"], runs["beta"], runs["gamma"])
    page = tmp_path / "lb" / f"{index['boards'][0]['slug']}.html"
    html = page.read_text()
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), "self-contained: nothing to fetch"
    assert "<svg" in html, "the chart is embedded"
    dom, errors = open_in_chromium(page, tmp_path / "profile")
    assert errors == []
    assert 'data-selfcheck="ok rows=3"' in dom, "the sorting script ran and kept every row"
    for model in ("acme/alpha", "acme/beta", "acme/gamma"):
        assert f'data-model="{model}"' in dom


@needs_chromium
def test_browser_check_does_catch_a_script_error(tmp_path, runs):
    """Negative control: a broken page must be reported, or the check above proves nothing."""
    index = build(tmp_path / "lb", runs["alpha"])
    page = tmp_path / "lb" / f"{index['boards'][0]['slug']}.html"
    broken = tmp_path / "broken.html"
    broken.write_text(page.read_text().replace("<script>", "<script>notDefinedAnywhere();</script><script>", 1))
    dom, errors = open_in_chromium(broken, tmp_path / "profile")
    assert any("notDefinedAnywhere" in line for line in errors)


# ------------------------------------------------- the committed leaderboards
PUBLISHED = REPO / "leaderboards"


def test_published_leaderboards_are_reproducible_from_the_results_they_list(tmp_path):
    index_file = PUBLISHED / "index.json"
    if not index_file.exists():
        pytest.fail("leaderboards/index.json is missing: run `make leaderboards`")
    index = json.loads(index_file.read_text())
    assert index["boards"], "at least one published board"
    models = {m for b in index["boards"] for m in b["models"]}
    assert {"reference/oracle", "reference/lexical"} <= models
    # Rebuild into a copy: Markdown and CSV must be byte-identical, the HTML table too
    # (the SVG chart may differ across matplotlib versions, so it is compared apart).
    copy = tmp_path / "leaderboards"
    shutil.copytree(PUBLISHED, copy)
    proc = run_cli("leaderboard", "rebuild", str(copy))
    assert proc.returncode == 0, proc.stderr
    for board in index["boards"]:
        for name in board["files"]:
            published, rebuilt = (PUBLISHED / name).read_text(), (copy / name).read_text()
            if name.endswith(".html"):
                published, rebuilt = (re.sub(r"<svg.*</svg>", "", t, flags=re.S) for t in (published, rebuilt))
            assert rebuilt == published, f"{name} differs from a rebuild: run `make leaderboards`"
