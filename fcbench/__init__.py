"""fcbench: function calling evaluated as seven sub-tasks, not one umbrella score.

What a task, backend or importer author needs, importable from here (each name is loaded
on first use, so ``import fcbench`` stays cheap):

* records: `Sample`, `Tool`, `ToolCall`, `Message`, `Request`, `ModelOutput`, `Score`,
  `SampleResult`, `Usage`, `InfraFailure`; errors: `UsageError`, `InfraError`;
* tasks: `Task`, `CallTask`, and metric declarations `Metric`, `pass_rate`, `mean`,
  `micro_prf`, `custom`; the failure categories `taxonomy`;
* backends: `Model`, `GenerateConfig`;
* scoring helpers for call tasks: `gold_calls`, `calls_gold_schema`, `predicted_calls`,
  `tools_by_name`, `check_call`;
* reading calls: `extract_calls`, `read_answer`; scoring one answer: `score_output`;
* run folders: `read_run`, `Run`, `RunResults`, `runs_df`, `samples_df`.

See docs/extending.md for a sub-task, a backend and an importer, each with an example.
"""

from __future__ import annotations

import importlib
from typing import Any

from fcbench.version import __version__

_EXPORTS = {
    **dict.fromkeys(("Sample", "Tool", "ToolCall", "Message", "Request", "ModelOutput", "Score", "SampleResult",
                     "Usage", "InfraFailure"), "fcbench.records"),
    **dict.fromkeys(("UsageError", "InfraError"), "fcbench.errors"),
    **dict.fromkeys(("Task", "CallTask"), "fcbench.task"),
    **dict.fromkeys(("Metric", "pass_rate", "mean", "micro_prf", "custom"), "fcbench.scoring.metrics"),
    "taxonomy": "fcbench.scoring.taxonomy",  # a module
    **dict.fromkeys(("Model", "GenerateConfig"), "fcbench.models.base"),
    **dict.fromkeys(("gold_calls", "calls_gold_schema"), "fcbench.scoring.gold"),
    "predicted_calls": "fcbench.scoring.outputs",
    **dict.fromkeys(("tools_by_name", "check_call"), "fcbench.scoring.calls"),
    "extract_calls": "fcbench.parsing",
    "read_answer": "fcbench.parsing.intake",
    "score_output": "fcbench.running.pipeline",
    **dict.fromkeys(("read_run", "Run", "RunResults"), "fcbench.runlog"),
    **dict.fromkeys(("runs_df", "samples_df"), "fcbench.analysis.frames"),
}

__all__ = ["__version__", *sorted(_EXPORTS)]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'fcbench' has no attribute {name!r}")
    module = importlib.import_module(_EXPORTS[name])
    value = module if module.__name__.endswith(f".{name}") else getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
