"""A self-contained re-implementation of BFCL's single-turn AST scoring (bfcl-eval 2026.3.23).

``evaluate(entry, answer, style=...)`` gives the verdict BFCL's eval runner gives: decoding
(prompt text in Python/Java/JavaScript syntax, or FC tool-call lists), the format gate, the
relevance/irrelevance logic and the AST checker, quirks included. Java/JavaScript prompt
answers need tree-sitter (``pip install 'fcbench[bfcl]'``); nothing else beyond the stdlib.

Module map: ``decode`` (prompt text / FC lists) -> ``decode_python``, ``decode_java``,
``decode_javascript`` (+ ``arith``, ``treesitter``); ``checker`` (dispatch, per call, types)
-> ``values`` (value rules), ``convert`` (Java/JS type converters); ``runner`` (per entry).
"""

from fcbench.scoring.bfcl.decode import decode_fc, decode_prompt
from fcbench.scoring.bfcl.entry import BfclDecodeError, BfclEntry, BfclUnavailable, BfclVerdict, language_of
from fcbench.scoring.bfcl.runner import check, evaluate

__all__ = [
    "BfclDecodeError",
    "BfclEntry",
    "BfclUnavailable",
    "BfclVerdict",
    "check",
    "decode_fc",
    "decode_prompt",
    "evaluate",
    "language_of",
]
