"""`reference/oracle`: answers every request with its task's reference output.

It must score 100 % on every task: a built-in self-check that the data, the
request builders, the parsers and the scorers agree with each other.

Options (``-M KEY=VALUE``), for tests and benchmarks of the runner itself:
``delay`` seconds to wait per request, and ``request_log`` a file that gets
one line (the sample id) per request, written before answering.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path
from typing import Any

from fcbench.errors import InfraError
from fcbench.models.base import GenerateConfig, Model
from fcbench.models.options import number_option
from fcbench.models.tool_names import api_safe_names
from fcbench.records import ModelOutput, Request


class OracleModel(Model):
    provider = "reference"
    offline = True

    def __init__(self, name: str, config: GenerateConfig | None = None, *, delay: float = 0.0,
                 request_log: str | None = None, **options: Any):
        super().__init__(name, config, **options)
        self.delay = number_option("delay", delay)
        self.request_log = Path(request_log) if request_log else None

    async def generate(self, request: Request) -> ModelOutput:
        if self.request_log is not None:
            with self.request_log.open("a", encoding="utf-8") as fh:
                fh.write(request.sample_id + "\n")
        if self.delay:
            await asyncio.sleep(self.delay)
        if request.reference_output is None:
            raise InfraError("no_reference", f"task {request.task} gives no reference output",
                             retryable=False)
        if not request.restore_names and request.reference_output.tool_calls:
            # Names as an API would have shown them to a perfect model (calc_area for calc.area).
            _, back = api_safe_names(request)
            sent = {old: new for new, old in back.items()}
            calls = tuple(replace(c, name=sent.get(c.name, c.name)) for c in request.reference_output.tool_calls)
            return replace(request.reference_output, tool_calls=calls)
        return request.reference_output

    def settings(self) -> dict:
        return {"provider": self.provider, "kind": "oracle"}
