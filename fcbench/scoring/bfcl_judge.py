"""The ``bfcl`` rules profile's verdict: a sample and an answer, seen the way BFCL sees them.

Three steps, each a function:

1. `entry_for`: the BFCL entry a sample stands for. An imported BFCL item carries
   its own (``metadata.bfcl``: category, the function docs and ground truth exactly
   as BFCL has them). Any other sample that maps onto a BFCL category gets one
   derived from its JSON Schemas and gold: parameter_value -> ``simple_python``
   (one function) or ``multiple``; parallel -> ``parallel`` or
   ``parallel_multiple``; name_detection with gold "no call" -> ``irrelevance``.
   JSON Schema types are read as BFCL's (``number`` -> ``float``, ``object`` ->
   ``dict``, no type -> ``any``).
2. `bfcl_answer`: the answer as BFCL's runner would hold it. A text answer (prompt
   mode, or a replayed prompt-style result) is the text; a native answer is BFCL's
   FC record: one ``{name: arguments JSON string}`` per call, names as the model
   sent them, or the message text when it made no call.
3. `bfcl_score`: `fcbench.scoring.bfcl.evaluate` gives valid / error_type; the
   sample passes exactly when BFCL says valid, and its failure category is
   BFCL's error type in fcbench's vocabulary (`CATEGORY_OF`). The task's own
   metrics stay (they describe the answer; the verdict is BFCL's).
"""

from __future__ import annotations

import json
from typing import Any

from fcbench.parsing import ParsedCalls, looks_like_call
from fcbench.records import ModelOutput, Request, Sample, Score, ToolCall
from fcbench.scoring import taxonomy as tx
from fcbench.scoring.values import nested_alternatives

#: BFCL error types (prefix before ":" or whole) -> fcbench failure category
CATEGORY_OF: dict[str, str] = {
    "wrong_func_name": tx.WRONG_FUNCTION,
    "missing_required": tx.MISSING_REQUIRED_ARG,
    "unexpected_param": tx.UNEXPECTED_ARG,
    "missing_optional": tx.MISSING_OPTIONAL_ARG,
    "type_error": tx.WRONG_TYPE,
    "value_error": tx.WRONG_VALUE,
    "cannot_find_match": tx.WRONG_VALUE,
    "decoder_wrong_output_format": tx.MALFORMED_OUTPUT,
}

_JSON_TO_BFCL = {"string": "string", "integer": "integer", "number": "float", "boolean": "boolean",
                 "array": "array", "object": "dict"}


# ------------------------------------------------------------------ entries
def _bfcl_type(schema: Any) -> dict[str, Any]:
    """A JSON Schema property as a BFCL parameter doc (types renamed, items kept)."""
    if not isinstance(schema, dict):
        return {"type": "any"}
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    doc: dict[str, Any] = {"type": _JSON_TO_BFCL.get(kind, "any") if isinstance(kind, str) else "any"}
    if doc["type"] == "array" and isinstance(schema.get("items"), dict):
        doc["items"] = _bfcl_type(schema["items"])
    if doc["type"] == "dict" and isinstance(schema.get("properties"), dict):
        doc["properties"] = {k: _bfcl_type(v) for k, v in schema["properties"].items()}
    return doc


def _bfcl_docs(sample: Sample) -> list[dict[str, Any]]:
    docs = []
    for tool in sample.tools:
        params = tool.parameters if isinstance(tool.parameters, dict) else {}
        props = params.get("properties") if isinstance(params.get("properties"), dict) else {}
        required = params.get("required") if isinstance(params.get("required"), list) else []
        docs.append({"name": tool.name, "description": tool.description,
                     "parameters": {"type": "dict", "properties": {k: _bfcl_type(v) for k, v in props.items()},
                                    "required": list(required)}})
    return docs


def _bfcl_alternative(value: Any, schema: Any) -> Any:
    """One accepted value in BFCL's form: inside an object every key holds a list of accepted
    values (fcbench's gold may hold the plain value there), at any depth; lists of objects
    element by element."""
    if isinstance(value, dict):
        props = schema.get("properties") if isinstance(schema, dict) else None
        out = {}
        for key, item in value.items():
            sub_schema = props.get(key) if isinstance(props, dict) else None
            alternatives = nested_alternatives(item, sub_schema)
            out[key] = [_bfcl_alternative(a, sub_schema) for a in (alternatives if alternatives is not None
                                                                     else [item])]
        return out
    if isinstance(value, list) and any(isinstance(v, dict) for v in value):
        items = schema.get("items") if isinstance(schema, dict) else None
        return [_bfcl_alternative(v, items) for v in value]
    return value


def _bfcl_truth(sample: Sample) -> list[dict[str, Any]]:
    props = {t.name: (t.parameters or {}).get("properties") or {} for t in sample.tools}
    truth = []
    for call in sample.gold.get("calls") or []:
        name = call.get("name")
        schemas = props.get(name, {})
        truth.append({name: {key: [_bfcl_alternative(v, schemas.get(key)) for v in accepted]
                             for key, accepted in (call.get("arguments") or {}).items()}})
    return truth


def _derived_category(sample: Sample, task_name: str) -> str | None:
    many = len(sample.tools) > 1
    if task_name == "parameter_value":
        return "multiple" if many else "simple_python"
    if task_name == "parallel":
        return "parallel_multiple" if many else "parallel"
    if task_name == "name_detection" and sample.gold.get("names") == []:
        return "irrelevance"
    return None


def entry_for(sample: Sample, task_name: str):
    """The BFCL entry of a sample, or None when no BFCL category applies to it."""
    from fcbench.scoring.bfcl import BfclEntry

    meta = sample.metadata.get("bfcl") if isinstance(sample.metadata, dict) else None
    if isinstance(meta, dict) and "#" not in sample.id:
        return BfclEntry(str(meta.get("id") or sample.id), str(meta["category"]), list(meta.get("functions") or []),
                         list(meta.get("ground_truth") or []))
    if isinstance(meta, dict):
        return None  # a second lens of an imported item (e.g. ``#names``): BFCL has no verdict for it
    category = _derived_category(sample, task_name)
    if category is None:
        return None
    return BfclEntry(sample.id, category, _bfcl_docs(sample), _bfcl_truth(sample))


# ------------------------------------------------------------------ answers
def _plain(value: Any) -> Any:
    """A decoded BFCL value as JSON data, for fcbench's records (tuples -> lists, odd types -> text)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return repr(value)


def text_decoder(sample: Sample):
    """BFCL's prompt decoder for the sample's language, as a `ParsedCalls` reader (for
    fcbench's records and metrics; the verdict is taken from BFCL on the raw text)."""
    from fcbench.scoring.bfcl import BfclDecodeError, decode_prompt

    language = str((sample.metadata or {}).get("language") or "python")

    def decode(text: str) -> ParsedCalls:
        try:
            decoded = decode_prompt(text, language)
        except BfclDecodeError as exc:
            if not looks_like_call(text):
                return ParsedCalls()  # prose: no call
            return ParsedCalls((), f"BFCL's decoder cannot read this ({exc})", language)
        if isinstance(decoded, dict):
            decoded = [decoded] if decoded else []
        if not isinstance(decoded, list):
            return ParsedCalls()
        calls = []
        for item in decoded:
            if not isinstance(item, dict) or len(item) != 1:
                return ParsedCalls((), "BFCL's decoder gave no function call", language)
            (name, args), = item.items()
            calls.append(ToolCall(str(name), _plain(args) if isinstance(args, dict) else {}))
        return ParsedCalls(tuple(calls), None, language)

    return decode


def _fc_record(output: ModelOutput) -> Any:
    """The native answer as BFCL's FC handlers store it."""
    raw = output.raw
    if isinstance(raw, list):  # a replayed BFCL FC record: as it is
        return raw
    if isinstance(raw, dict) and isinstance(raw.get("tool_calls"), list) and raw["tool_calls"]:
        record = []
        for call in raw["tool_calls"]:  # an OpenAI message: names and argument strings as sent
            function = call.get("function") if isinstance(call, dict) else None
            if isinstance(function, dict):
                record.append({function.get("name"): function.get("arguments")})
        return record
    if isinstance(raw, dict) and isinstance(raw.get("content"), list):  # an Anthropic message
        uses = [b for b in raw["content"] if isinstance(b, dict) and b.get("type") == "tool_use"]
        if uses:
            return [{b.get("name"): json.dumps(b.get("input"), ensure_ascii=False)} for b in uses]
    if output.tool_calls:
        return [{c.name: json.dumps(c.arguments, ensure_ascii=False)} for c in output.tool_calls]
    return output.text


def bfcl_answer(request: Request, output: ModelOutput) -> tuple[Any, str]:
    """(answer, style) as BFCL's runner would hold them."""
    if request.mode == "prompt" or output.calls_in_text:
        return output.text or "", "prompt"
    return _fc_record(output), "fc"


# ------------------------------------------------------------------ verdict
def _category(error_type: str | None, output: ModelOutput, answer: Any, style: str, entry) -> str:
    kind = (error_type or "").rpartition(":")[2]
    if kind == "decoder_failed" or (error_type or "").startswith("ast_decoder"):
        text = answer if isinstance(answer, str) else output.text or ""
        if kind == "decoder_failed" and (style == "fc" or not looks_like_call(text)):
            return tx.NO_CALL if not output.tool_calls and not output.malformed else tx.MALFORMED_OUTPUT
        return tx.MALFORMED_OUTPUT
    if "irrelevance" in entry.category:
        return tx.EXTRA_CALL
    if kind == "wrong_count":
        n_gold = len(entry.ground_truth)
        return tx.EXTRA_CALL if len(output.tool_calls) > n_gold else tx.MISSING_CALL
    for key, category in CATEGORY_OF.items():
        if key in (error_type or ""):
            return category
    return tx.WRONG_VALUE


def bfcl_score(sample: Sample, task_name: str, request: Request, output: ModelOutput,
               score: Score) -> Score | None:
    """BFCL's verdict on the answer, or None when no BFCL category applies to the sample."""
    from fcbench.scoring.bfcl import evaluate

    entry = entry_for(sample, task_name)
    if entry is None:
        return None
    answer, style = bfcl_answer(request, output)
    verdict = evaluate(entry, answer, style=style)
    details = {**score.details, "rules": "bfcl", "bfcl": {"category": entry.category, "style": style,
                                                          "valid": verdict.valid,
                                                          "error_type": verdict.error_type}}
    metrics = dict(score.metrics)
    for key in ("tool_accuracy", "no_tool_accuracy"):  # name_detection's per-sample verdicts follow BFCL's
        if key in metrics:
            metrics[key] = float(verdict.valid)
    if verdict.valid:
        return Score(True, metrics, (), details)
    return Score(False, metrics, (_category(verdict.error_type, output, answer, style, entry),), details)
