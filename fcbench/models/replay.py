"""`replay/PATH`: answers from a file of recorded outputs, keyed by sample id.

Use it to re-score outputs produced elsewhere under fcbench's rules. Accepted
lines (JSON Lines), one per sample:

* an fcbench ``samples.jsonl`` line: ``{"sample_id": ..., "output": {...}}``;
* a plain record: ``{"id" or "sample_id": ..., "text": ..., "tool_calls": [...]}``.

A sample missing from the file is an infrastructure failure (no answer was
recorded), never a wrong answer.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fcbench.errors import InfraError, UsageError
from fcbench.models.base import GenerateConfig, Model
from fcbench.records import ModelOutput, Request


def _output_from_record(record: dict[str, Any]) -> ModelOutput:
    if isinstance(record.get("output"), dict):
        return ModelOutput.from_dict(record["output"])
    return ModelOutput.from_dict({k: v for k, v in record.items() if k not in ("id", "sample_id")})


def load_replay(path: Path) -> dict[str, ModelOutput]:
    if not path.is_file():
        raise UsageError(f"{path}: no such replay file")
    outputs: dict[str, ModelOutput] = {}
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                key = record.get("sample_id", record.get("id"))
                if not isinstance(key, str):
                    raise ValueError("no 'sample_id' or 'id' string")
                output = _output_from_record(record)
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                raise UsageError(f"{path}:{lineno}: not a replay record ({exc})") from None
            if output.infra_error is None:  # a recorded infra failure is no answer
                outputs[key] = output
    return outputs


class ReplayModel(Model):
    provider = "replay"
    offline = True

    def __init__(self, name: str, config: GenerateConfig | None = None, **options: Any):
        super().__init__(name, config, **options)
        self.path = Path(name.split("/", 1)[1])
        self.outputs = load_replay(self.path)

    async def generate(self, request: Request) -> ModelOutput:
        output = self.outputs.get(request.sample_id)
        if output is None:
            raise InfraError("missing_output", f"no recorded output for {request.sample_id}",
                             retryable=False)
        return output

    def settings(self) -> dict:
        return {"provider": self.provider, "path": str(self.path), "records": len(self.outputs)}
