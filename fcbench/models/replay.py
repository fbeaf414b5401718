"""`replay/PATH`: answers from a file of recorded outputs, keyed by sample id.

Use it to re-score outputs produced elsewhere under fcbench's rules. Accepted
lines (JSON Lines), one per sample:

* an fcbench ``samples.jsonl`` line: ``{"sample_id": ..., "output": {...}}``;
* a plain record: ``{"id" or "sample_id": ..., "text" (or "content"): ..., "tool_calls": [...]}``,
  each call ``{"name", "arguments"}`` with arguments an object or a JSON string, or
  OpenAI's wire form ``{"type": "function", "function": {"name", "arguments"}}``;
* an OpenAI batch output line (``fcbench data export-requests`` -> any batch runner, e.g.
  ``vllm run-batch``): ``{"custom_id": ..., "response": {"status_code", "body": <chat completion>},
  "error": ...}``, the body read by the ``openai/`` backend's parser (API-safe tool names mapped
  back); a line with an error or a status other than 200 is an infrastructure failure of that sample;
* a BFCL result line: ``{"id": ..., "result": ...}`` where ``result`` is the
  model's text (Python-style calls such as ``[calc.area(base=10)]``, read by the
  rules profile's decoder whatever the run's mode) or a list of ``{name: {args}}`` /
  ``{name: "<JSON args>"}`` dicts (BFCL's FC decoding). BFCL's FC handlers send
  ``calc_area`` for a function named ``calc.area``; in such a list the name is
  mapped back when exactly one function of the sample's library matches it (not
  under ``--rules bfcl``, which compares names as sent; never for text).
  Text in the result file of an FC model is that model's reply without a tool call, not
  calls written as text: a path whose BFCL records include a list of calls is read as an
  FC model's results (``-M bfcl_style=fc|prompt`` says it outright). ``null`` is an answer
  with neither text nor calls (an FC handler stores it when the message had no content).

PATH may also be a folder: every ``*.json`` / ``*.jsonl`` file below it is read
(BFCL writes one result file per category).

Only the file's own shape can be refused (not UTF-8, a line that is not JSON, a
record without an id). Whatever a record says about the answer is read by
`fcbench.parsing.intake`: a field of the wrong type makes that one answer
``malformed_output`` with the reason, never the whole file refused.

Under ``--protocol interactive`` an fcbench line of an interactive run answers each turn
with the turn it recorded (``details.transcript``): the tools run again, the model never
does. A record without a transcript answers turn 1 and then stops.

A sample missing from the file is an infrastructure failure (no answer was
recorded), never a wrong answer. A sample id ``X#variant`` (an imported item's
second lens, e.g. ``multiple_0#names``) falls back to the record of ``X``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from fcbench.errors import InfraError, UsageError
from fcbench.models.base import GenerateConfig, Model
from fcbench.models.openai_batch import read_output_line
from fcbench.models.openai_wire import parse_chat_response
from fcbench.models.tool_names import api_safe_names, restore_names
from fcbench.parsing import extract_calls
from fcbench.parsing.intake import JsonError, admit_calls, loads, output_from_record
from fcbench.records import InfraFailure, ModelOutput, Request, ToolCall, record

_RECORD_KEYS = ("output", "text", "tool_calls")


def _is_bfcl(record: dict[str, Any]) -> bool:
    return "result" in record and not any(k in record for k in _RECORD_KEYS)


#: ``-M bfcl_style``: how text in BFCL result records is read (see the module docstring)
BFCL_STYLES = ("auto", "prompt", "fc")


def bfcl_output(result: Any, fc_model: bool = False) -> ModelOutput:
    """A BFCL ``result`` value as a ModelOutput (never raises on odd shapes: they are malformed).

    Text from a prompting model is its answer, marked `calls_in_text`: the rules profile's
    decoder reads it, once, in the pipeline. Text from an FC model (`fc_model`) is a reply
    that made no tool call; it is read as any native reply's text is (fcbench's rules read
    calls in it, BFCL's FC decoder does not). A list is an FC model's calls; the list itself
    stays in `raw`, for BFCL's own decoder under ``--rules bfcl``. ``None`` is an empty answer.
    """
    if isinstance(result, str):
        return ModelOutput(text=result, calls_in_text=not fc_model)
    if result is None:
        return ModelOutput(finish_reason="stop")
    if not isinstance(result, list):
        return ModelOutput(malformed="BFCL result is neither text nor a list of calls", raw=result)
    calls: list[ToolCall] = []
    for entry in result:
        if isinstance(entry, str):
            parsed = extract_calls(entry)
            if parsed.malformed or not parsed.calls:
                return ModelOutput(text=entry, malformed=parsed.malformed or "not a call", raw=result)
            calls.extend(parsed.calls)
            continue
        if not isinstance(entry, dict) or len(entry) != 1:
            shape = "a nested list (multi-turn result)" if isinstance(entry, list) else "not {name: args}"
            return ModelOutput(malformed=f"BFCL call entry is {shape}", raw=result)
        (name, args), = entry.items()
        admitted, problem = admit_calls([{"name": str(name), "arguments": args}])
        if problem:
            return ModelOutput(malformed=problem, raw=result)
        calls.extend(admitted)
    return ModelOutput(tool_calls=tuple(calls), finish_reason="tool_calls" if calls else "stop", raw=result)


def _output_from_record(record: dict[str, Any], fc_model: bool) -> ModelOutput:
    if _is_bfcl(record):
        return bfcl_output(record["result"], fc_model)
    return output_from_record(record)


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in (".json", ".jsonl"))
        if not files:
            raise UsageError(f"{path}: no .json or .jsonl replay files in this folder")
        return files
    if not path.is_file():
        raise UsageError(f"{path}: no such replay file")
    return [path]


def _record_id(record: Any) -> str | None:
    if not isinstance(record, dict):
        return None
    key = record.get("sample_id", record.get("id"))
    if isinstance(key, (int, float)) and not isinstance(key, bool):
        key = str(key)
    return key if isinstance(key, str) and key else None


def recorded_turns(record: dict[str, Any]) -> list[ModelOutput] | None:
    """The turns of an interactive run's line (``details.transcript``), each read like a plain
    record; None when the record has no transcript."""
    details = record.get("details")
    transcript = details.get("transcript") if isinstance(details, dict) else None
    if not isinstance(transcript, list):
        return None
    turns = []
    for turn in transcript:
        turn = turn if isinstance(turn, dict) else {}
        calls = turn.get("calls")
        calls = [{k: c.get(k) for k in ("name", "arguments")} if isinstance(c, dict) else c
                 for c in calls] if isinstance(calls, list) else calls
        turns.append(output_from_record({"text": turn.get("text"), "tool_calls": calls or []}))
    return turns


def _batch_output(record: dict[str, Any]) -> tuple[str, ModelOutput] | None:
    """(custom id, answer) of an OpenAI batch output line, an infrastructure failure when it holds
    none; None when `record` is no such line."""
    if not (isinstance(record.get("custom_id"), str) and "response" in record):
        return None
    _, body = read_output_line(record)
    if not isinstance(body, InfraError):
        try:
            return record["custom_id"], parse_chat_response(body)
        except InfraError as exc:
            body = exc
    return record["custom_id"], ModelOutput(infra_error=InfraFailure(body.kind, str(body)))


@record
class ReplayFile:
    """What a replay path holds: the recorded answers by sample id, the ids whose record is in
    BFCL's result format, the recorded turns of interactive runs by sample id, and whether the
    BFCL records are an FC model's (`bfcl_output`)."""

    outputs: dict[str, ModelOutput]
    bfcl_ids: set[str]
    transcripts: dict[str, list[ModelOutput]]
    fc_model: bool


def load_replay_file(path: Path, batch_ids: set[str] | None = None, bfcl_style: str = "auto") -> ReplayFile:
    """Every record of the replay file (or folder); the ids answered by OpenAI batch output
    lines are added to `batch_ids`.

    The file itself must be readable JSON Lines of objects with an id (else one `UsageError`
    naming the file and line); what a record says about the answer is the model's business:
    any field of any type is read by `fcbench.parsing.intake`. `bfcl_style` says whose BFCL
    results these are: "prompt" or "fc" (a model with native tool calls); "auto" takes "fc"
    when some BFCL record holds a list of calls."""
    if bfcl_style not in BFCL_STYLES:
        raise UsageError(f"bfcl_style must be one of {', '.join(BFCL_STYLES)}, not {bfcl_style!r}")
    records = list(_records(Path(path)))
    fc_model = bfcl_style == "fc" or (bfcl_style == "auto" and any(
        isinstance(r, dict) and _is_bfcl(r) and isinstance(r["result"], list) for _, r in records))
    outputs: dict[str, ModelOutput] = {}
    bfcl_ids: set[str] = set()
    transcripts: dict[str, list[ModelOutput]] = {}
    for where, entry in records:
        batch_line = _batch_output(entry) if isinstance(entry, dict) else None
        if batch_line is not None:  # its failures are kept: they say why there is no answer
            outputs[batch_line[0]] = batch_line[1]
            if batch_ids is not None:
                batch_ids.add(batch_line[0])
            continue
        key = _record_id(entry)
        if key is None:
            what = "not a JSON object" if not isinstance(entry, dict) else "no 'sample_id' or 'id' string"
            raise UsageError(f"{where}: not a replay record ({what})")
        output = _output_from_record(entry, fc_model)
        if output.infra_error is None:  # a recorded infra failure is no answer
            outputs[key] = output
            if _is_bfcl(entry):
                bfcl_ids.add(key)
            turns = recorded_turns(entry)
            if turns is not None:
                transcripts[key] = turns
    return ReplayFile(outputs, bfcl_ids, transcripts, fc_model)


def _records(path: Path) -> Iterator[tuple[str, Any]]:
    """("file:line", decoded JSON) of every non-blank line of the replay files."""
    for file in _files(Path(path)):
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise UsageError(f"{file}: cannot read the replay file ({exc.strerror or exc})") from None
        for lineno, line in enumerate(data.split(b"\n"), start=1):
            if not line.strip():
                continue
            try:
                yield f"{file}:{lineno}", loads(line)
            except JsonError as exc:
                raise UsageError(f"{file}:{lineno}: not a replay record (not JSON: {exc})") from None


def undo_underscores(output: ModelOutput, library_names: set[str]) -> ModelOutput:
    """Map BFCL FC names (``calc_area``) back to the library's dotted name (``calc.area``)."""
    by_underscored: dict[str, list[str]] = {}
    for name in library_names:
        by_underscored.setdefault(name.replace(".", "_"), []).append(name)
    changed = False
    calls = []
    for call in output.tool_calls:
        options = by_underscored.get(call.name, [])
        if call.name not in library_names and len(options) == 1:
            call = ToolCall(options[0], call.arguments, call.label, call.id)
            changed = True
        calls.append(call)
    if not changed:
        return output
    return replace(output, tool_calls=tuple(calls))


class ReplayModel(Model):
    provider = "replay"
    offline = True
    passthrough_options = frozenset({"bfcl_style"})

    def __init__(self, name: str, config: GenerateConfig | None = None, **options: Any):
        super().__init__(name, config, **options)
        self.path = Path(name.split("/", 1)[1])
        self.batch_ids: set[str] = set()
        loaded = load_replay_file(self.path, self.batch_ids, str(options.get("bfcl_style", "auto")))
        self.outputs, self.bfcl_ids, self.transcripts = loaded.outputs, loaded.bfcl_ids, loaded.transcripts
        self.bfcl_style = ("fc" if loaded.fc_model else "prompt") if self.bfcl_ids else None

    async def generate(self, request: Request) -> ModelOutput:
        key = request.sample_id
        if key not in self.outputs and "#" in key:
            key = key.split("#", 1)[0]
        output = self.outputs.get(key)
        if output is not None and request.turn is not None:
            turns = self.transcripts.get(key, [output])
            return turns[request.turn - 1] if request.turn <= len(turns) else ModelOutput(text="", finish_reason="stop")
        if output is None:
            raise InfraError("missing_output", f"no recorded output for {request.sample_id}",
                             retryable=False)
        if output.infra_error is not None:  # a batch output line without an answer
            raise InfraError(output.infra_error.kind, output.infra_error.message, retryable=False)
        if key in self.batch_ids and request.restore_names:
            output = restore_names(output, api_safe_names(request)[1])  # as openai/ sent them
        if key in self.bfcl_ids and request.restore_names and not output.calls_in_text:
            # BFCL's FC handlers sent `calc_area` for `calc.area`; its prompt handlers never rename.
            output = undo_underscores(output, {t.name for t in request.library})
        return output

    def settings(self) -> dict:
        return {"provider": self.provider, "path": str(self.path), "records": len(self.outputs),
                "bfcl_records": len(self.bfcl_ids), "bfcl_style": self.bfcl_style}
