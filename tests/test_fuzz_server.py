"""Adversarial answers over real HTTP: the emulated server answers every sample with bytes of
our choosing (any JSON in any field, surrogates, deep nesting, huge bodies, broken JSON),
and ``fcbench run --model openai-compatible/...`` must finish with every sample recorded:
scored with a failure category, or an infrastructure failure with its kind. Then
``report`` and ``show`` read the folder back.

``make fuzz`` runs more rounds (``FCBENCH_FUZZ_SERVER_ROUNDS``).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import time
from collections import Counter

import pytest
from fuzz_shapes import ANTHROPIC_BODY, CHAT_BODY, RAW_BODY, _raw_bytes
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from fcbench.cli import main
from fcbench.runlog import read_samples
from fcbench.scoring import taxonomy
from fcbench.task_registry import discover_tasks
from fcbench.testing import EmulatedServer, ServerConfig

OUTCOMES: Counter = Counter()
ROUNDS = int(os.environ.get("FCBENCH_FUZZ_SERVER_ROUNDS", "3"))
LIMIT = 4  # samples per task: 28 bodies a round
KEYS = [f"{name}/{s.id}" for name, task in discover_tasks().items() for s in task.load("test")[:LIMIT]]
TWEAKS = st.sampled_from(["plain", "surrogate-escaped"])
BODIES = {  # provider -> what its server could send
    "openai-compatible": st.one_of(st.builds(_raw_bytes, CHAT_BODY, TWEAKS), st.builds(_raw_bytes, CHAT_BODY, TWEAKS),
                                   RAW_BODY),
    "openai": st.one_of(st.builds(_raw_bytes, CHAT_BODY, TWEAKS), st.builds(_raw_bytes, CHAT_BODY, TWEAKS), RAW_BODY),
    "anthropic": st.one_of(st.builds(_raw_bytes, ANTHROPIC_BODY, TWEAKS), st.builds(_raw_bytes, ANTHROPIC_BODY, TWEAKS),
                           RAW_BODY),
}


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("provider,protocol", [*((p, "plan") for p in sorted(BODIES)),
                                               ("openai-compatible", "interactive"), ("anthropic", "interactive")])
def test_any_body_from_a_server_is_recorded_and_categorised(tmp_path_factory, monkeypatch, capsys, provider, protocol):
    """Under ``--protocol interactive`` the same body answers every turn of a conversation."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-fuzz-key-0000")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-fuzz-key-0000")

    @seed(20261129)  # the short profile is the same every run; `make fuzz` explores further
    @settings(max_examples=ROUNDS, deadline=None, database=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    @given(bodies=st.lists(BODIES[provider], min_size=len(KEYS), max_size=len(KEYS)))
    def one_round(bodies):
        check_round(tmp_path_factory.mktemp("fuzz-server") / "run", provider, bodies, protocol)

    started = time.perf_counter()
    OUTCOMES.clear()
    one_round()
    with capsys.disabled():
        print(f"\nfuzz over HTTP, {provider}/ ({protocol} protocol): {sum(OUTCOMES.values()):,} answers in "
              f"{time.perf_counter() - started:.1f} s; crashes 0; samples without a category 0; "
              + ", ".join(f"{k} {v:,}" for k, v in OUTCOMES.most_common()))


def check_round(run_dir, provider: str, bodies: list[bytes], protocol: str = "plan") -> None:
    config = ServerConfig(limit=LIMIT, raw_replies=dict(zip(KEYS, bodies)))
    with EmulatedServer(config) as server:
        url = server.base_url if provider == "anthropic" else server.base_url + "/v1"
        code, _, err = cli("run", "--model", f"{provider}/emulated", "--base-url", url,
                           "--limit", str(LIMIT), "--out", str(run_dir), "--quiet", "--retries", "0",
                           "--rate-limit-retries", "0", "-M", "timeout=20", "--protocol", protocol)
    assert code == 0, err
    results = read_samples(run_dir)
    assert len(results) == len(KEYS), "a sample was lost"
    for result in results.values():
        if result.status == "infra_error":
            assert result.output.infra_error.kind in ("bad_response", "connection"), result.output.infra_error
            OUTCOMES[f"infra:{result.output.infra_error.kind}"] += 1
        elif not result.passed:
            assert result.failures and set(result.failures) <= set(taxonomy.ALL), result.failures
            OUTCOMES[result.failures[0]] += 1
        else:
            OUTCOMES["passed"] += 1
    summary = json.loads((run_dir / "results.json").read_text())
    assert summary["totals"]["scored"] + summary["totals"]["infra_errors"] == len(KEYS)
    assert cli("report", str(run_dir), "--format", "markdown")[0] == 0
    assert cli("show", str(run_dir), "--verdict", "all", "--limit", "40")[0] == 0
