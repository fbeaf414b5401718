"""Multi-GPU and multi-node vLLM settings: checked, passed to vLLM unchanged, recorded in run.json.

(That vLLM's own server parser reads these flags is checked against the real vLLM in
tests_vllm/test_vllm_units.py.)"""

from __future__ import annotations

import sys

import pytest
from conftest import run_cli

from fcbench.errors import UsageError
from fcbench.models.vllm_parallel import parallel_settings, server_flags
from fcbench.models.vllm_server import VLLMServerModel


def server(**options):
    return VLLMServerModel("vllm-server/Qwen/Qwen2.5-7B-Instruct", python=sys.executable, port=8000, **options)


def test_server_gets_each_setting_as_its_flag_and_records_it():
    model = server(tensor_parallel_size="4", pipeline_parallel_size=2, data_parallel_size=2,
                   distributed_executor_backend="ray", enable_expert_parallel="true")
    flags = model.command[model.command.index("--tensor-parallel-size"):]
    assert flags[:9] == ["--tensor-parallel-size", "4", "--pipeline-parallel-size", "2", "--data-parallel-size", "2",
                         "--distributed-executor-backend", "ray", "--enable-expert-parallel"]
    assert model.settings()["parallel"] == {"tensor_parallel_size": 4, "pipeline_parallel_size": 2,
                                            "data_parallel_size": 2, "distributed_executor_backend": "ray",
                                            "enable_expert_parallel": True}


def test_unset_settings_are_left_to_vllm_and_a_false_flag_is_not_sent():
    model = server(enable_expert_parallel=False)
    assert not any("parallel" in part for part in model.command)
    assert model.settings()["parallel"] == {"enable_expert_parallel": False}


def test_multi_node_data_parallel_settings():
    settings = parallel_settings({"data_parallel_size": 4, "data_parallel_size_local": 2,
                                  "data_parallel_address": "10.0.0.1", "data_parallel_rpc_port": 13345,
                                  "data_parallel_start_rank": 2, "data_parallel_backend": "mp"})
    assert server_flags(settings) == ["--data-parallel-size", "4", "--data-parallel-size-local", "2",
                                      "--data-parallel-address", "10.0.0.1", "--data-parallel-rpc-port", "13345",
                                      "--data-parallel-start-rank", "2", "--data-parallel-backend", "mp"]


@pytest.mark.parametrize("option, value, why", [
    ("tensor_parallel_size", 0, "a model is split over at least one GPU"),
    ("pipeline_parallel_size", "two", "not a number"),
    ("data_parallel_size", 1.5, "not a whole number"),
    ("distributed_executor_backend", "slurm", "vLLM knows mp, ray, uni and external_launcher"),
    ("enable_expert_parallel", "maybe", "a flag is true or false"),
])
def test_bad_values_are_one_line_usage_errors(option, value, why):
    with pytest.raises(UsageError, match=f"option {option}: expected"):
        server(**{option: value})


def test_cli_refuses_a_bad_setting_before_anything_starts(tmp_path):
    proc = run_cli("run", "--model", "vllm-server/Qwen/Qwen2.5-7B-Instruct", "-M", f"python={sys.executable}",
                   "-M", "tensor_parallel_size=0", "--out", str(tmp_path / "run"))
    assert proc.returncode == 2 and proc.stderr.strip().count("\n") == 0
    assert "option tensor_parallel_size: expected a whole number >= 1" in proc.stderr
    assert not (tmp_path / "run").exists()
