"""How vLLM spreads one model over GPUs and nodes: the ``-M`` options both vLLM backends take.

fcbench does no parallelism of its own here; it checks the type of each value (one line
for a bad one, before anything starts), hands it to vLLM unchanged (``vllm/``: as an
`LLM` argument; ``vllm-server/``: as the server flag of the same name) and records it in
``run.json`` (``backend.parallel``).

* ``tensor_parallel_size``: GPUs one copy of the model is split across (within a node).
* ``pipeline_parallel_size``: stages of layers, usually one per node.
* ``data_parallel_size``: replicas of the model answering different requests.
* ``distributed_executor_backend``: ``mp`` (one node), ``ray`` (several nodes), ``uni``
  or ``external_launcher``; vLLM's default when unset.
* ``enable_expert_parallel``: mixture-of-experts layers split by expert.
* multi-node data parallelism: ``data_parallel_size_local``, ``data_parallel_address``,
  ``data_parallel_rpc_port``, ``data_parallel_start_rank``, ``data_parallel_backend``
  (``mp`` or ``ray``).
"""

from __future__ import annotations

from typing import Any, Callable

from fcbench.models.options import flag_option, int_option, string_option


def _at_least(minimum: int) -> Callable[[str, Any], int]:
    return lambda name, value: int_option(name, value, minimum=minimum)


def _one_of(*choices: str) -> Callable[[str, Any], str]:
    return lambda name, value: string_option(name, value, choices)


#: option -> its checker (the value vLLM receives)
PARALLEL_OPTIONS: dict[str, Callable[[str, Any], Any]] = {
    "tensor_parallel_size": _at_least(1),
    "pipeline_parallel_size": _at_least(1),
    "data_parallel_size": _at_least(1),
    "distributed_executor_backend": _one_of("mp", "ray", "uni", "external_launcher"),
    "enable_expert_parallel": flag_option,
    "data_parallel_size_local": _at_least(0),
    "data_parallel_address": lambda name, value: string_option(name, value),
    "data_parallel_rpc_port": _at_least(1),
    "data_parallel_start_rank": _at_least(0),
    "data_parallel_backend": _one_of("mp", "ray"),
}


def parallel_settings(options: dict[str, Any]) -> dict[str, Any]:
    """The parallel options among `options`, checked (unset ones left to vLLM's defaults)."""
    return {name: check(name, options[name]) for name, check in PARALLEL_OPTIONS.items()
            if options.get(name) is not None}


def server_flags(settings: dict[str, Any]) -> list[str]:
    """The same settings as ``vllm serve`` flags (a true flag option is a bare flag)."""
    flags: list[str] = []
    for name, value in settings.items():
        flag = "--" + name.replace("_", "-")
        if isinstance(value, bool):
            flags += [flag] if value else []
        else:
            flags += [flag, str(value)]
    return flags
