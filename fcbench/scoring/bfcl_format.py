"""BFCL's prompt-mode answer format, for ``--rules bfcl --mode prompt``.

BFCL asks a prompting model for a bracketed list of calls in the function's language
(``[func(a=1, b="x")]``), with nothing else in the reply, and its decoders read only that.
Under the ``bfcl`` rules the request says so (instead of fcbench's JSON list format), and
the reference answer is written that way:

* Python: ``[name(param=<Python literal>, ...)]``;
* Java: ``[name(param=<Java source>, ...);]`` (the ``;`` inside the brackets keeps BFCL's
  tree-sitter parse free of error nodes); a ``String`` is a quoted literal, anything else
  the Java source the value's type reads from (``5L``, ``new int[]{1, 2}``);
* JavaScript: ``[name(param=<JavaScript source>)]``, one call (BFCL's JavaScript decoder
  reads only the first).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from fcbench.records import Sample, ToolCall
from fcbench.scoring.language_values import language_type
from fcbench.scoring.language_values import render as render_language_value

#: the instruction that replaces fcbench's JSON list format (BFCL's wording, paraphrased)
CALL_FORMAT = (
    "If you decide to invoke any of the function(s), you MUST put it in the format of "
    "[func_name1(params_name1=params_value1, params_name2=params_value2...), func_name2(params)]. "
    "You SHOULD NOT include any other text in the response. If none of the functions can be used, "
    "point it out."
)


def _source(value: Any, schema: Any, language: str) -> str:
    if language == "python":
        return repr(value)
    kind = language_type(schema)
    if kind is None or kind[1] in ("String", "char", "any"):
        return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(
            render_language_value(value, schema))
    return str(render_language_value(value, schema))


def render_calls(calls: Sequence[ToolCall], sample: Sample) -> str:
    """The calls as a BFCL prompt-mode answer in the sample's language."""
    language = str((sample.metadata or {}).get("language") or "python")
    props = {t.name: (t.parameters or {}).get("properties") or {} for t in sample.tools}
    parts = []
    for call in calls:
        schema = props.get(call.name, {})
        args = ", ".join(f"{k}={_source(v, schema.get(k), language)}" for k, v in call.arguments.items())
        parts.append(f"{call.name}({args})")
    if language == "java":
        return "[" + "; ".join(parts) + (";]" if parts else "]")
    return "[" + ", ".join(parts) + "]"
