"""`reference/oracle`: answers every request with its task's reference output.

It must score 100 % on every task: a built-in self-check that the data, the
request builders, the parsers and the scorers agree with each other.
"""

from __future__ import annotations

from fcbench.errors import InfraError
from fcbench.records import ModelOutput, Request
from fcbench.models.base import Model


class OracleModel(Model):
    provider = "reference"
    offline = True

    async def generate(self, request: Request) -> ModelOutput:
        if request.reference_output is None:
            raise InfraError("no_reference", f"task {request.task} gives no reference output",
                             retryable=False)
        return request.reference_output

    def settings(self) -> dict:
        return {"provider": self.provider, "kind": "oracle"}
