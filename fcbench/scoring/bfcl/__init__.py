"""A self-contained re-implementation of BFCL's single-turn AST scoring (bfcl-eval 2026.3.23).

``evaluate(entry, answer, style=...)`` gives the verdict BFCL's eval runner gives: decoding
(prompt text in Python/Java/JavaScript syntax, or FC tool-call lists), the format gate, the
relevance/irrelevance logic and the AST checker, quirks included. Java/JavaScript prompt
answers need tree-sitter (``pip install 'fcbench[bfcl]'``); nothing else beyond the stdlib.

Module map: ``runner`` (one answer, as BFCL's eval runner) -> ``decode`` (prompt text / FC
lists) -> ``decode_python`` (+ ``decode_python_flat``, ``arith``), ``decode_java``,
``decode_javascript`` (+ ``treesitter``); ``checker`` (category dispatch, parallel matching)
-> ``calls`` (per call, type rules) -> ``values`` (value rules), ``convert`` (Java/JS type
converters); ``entry`` (the value types).
"""

from __future__ import annotations

import importlib
from typing import Any

#: public name -> the module that defines it, imported on first use: a run under fcbench's
#: rules reads Java/JS values with `convert` alone and never pays for the decoders.
_EXPORTS = {
    "BfclDecodeError": "entry", "BfclEntry": "entry", "BfclUnavailable": "entry", "BfclVerdict": "entry",
    "language_of": "entry", "check": "runner", "evaluate": "runner", "decode_fc": "decode",
    "decode_prompt": "decode",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
