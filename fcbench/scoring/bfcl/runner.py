"""One answer -> one BFCL verdict, the way BFCL's eval runner scores a single-turn entry.

* Relevance categories (the name contains "relevance", which includes "irrelevance"): the
  answer is decoded as PYTHON whatever the category's language; "has a call" means decoding
  worked and gave a non-empty, well-formed call list. Irrelevance passes iff there is no call,
  so prose, broken call syntax and ``[]`` all pass; relevance passes iff there is one.
* Everything else: decode in the category's language (prompt) or as FC; a decoder exception
  is ``ast_decoder:decoder_failed``; a result that is not a list of ``{name: {args}}`` is
  ``ast_decoder:decoder_wrong_output_format``; otherwise the AST checker decides.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fcbench.scoring.bfcl.checker import check_calls
from fcbench.scoring.bfcl.decode import PROMPT_DECODERS, decode_fc_raw, is_call_list
from fcbench.scoring.bfcl.entry import BfclEntry, BfclUnavailable, BfclVerdict

STYLES = ("prompt", "fc")
_PASS = BfclVerdict(True, None)
_CALLED = BfclVerdict(False, "irrelevance_error:decoder_success", ("the answer decodes to a function call",))
_NOT_CALLED = BfclVerdict(False, "relevance_error:decoder_failed", ("no function call decoded",))


def check(entry: BfclEntry, decoded: list[dict], *, underscore_to_dot: bool) -> BfclVerdict:
    """``ast_checker`` on an already decoded, well-formed call list.

    ``underscore_to_dot``: the FC setting of BFCL's model registry; the checker then expects
    ``math_factorial`` for a doc named ``math.factorial``.
    """
    return _checked(entry, decoded, underscore_to_dot)


def evaluate(entry: BfclEntry, answer: object, *, style: str) -> BfclVerdict:
    """BFCL's verdict on ``answer``: text (style "prompt") or a stored FC result (style "fc":
    a list of ``{name: JSON argument string}``, or the reply text when there were no tool
    calls). Never raises for any answer, except BfclUnavailable (no tree-sitter)."""
    if style == "fc":
        decoder: Callable[[Any], Any] = decode_fc_raw
    elif style == "prompt":
        decoder = PROMPT_DECODERS["python" if entry.is_relevance else entry.language]
    else:
        raise ValueError(f"unknown style {style!r}; expected one of {STYLES}")
    try:
        decoded = decoder(answer)
    except BfclUnavailable:
        raise
    except Exception as exc:  # whatever BFCL's decoder would raise: the answer does not decode
        if entry.is_relevance:
            return _relevance(entry, called=False)
        return BfclVerdict(False, "ast_decoder:decoder_failed", (_describe(exc),))
    if not is_call_list(decoded):
        if entry.is_relevance:
            return _relevance(entry, called=False)
        return BfclVerdict(False, "ast_decoder:decoder_wrong_output_format",
                           (f"decoded to a {type(decoded).__name__}, not a list of {{name: {{arguments}}}}",))
    if entry.is_relevance:
        return _relevance(entry, called=len(decoded) > 0)
    return _checked(entry, decoded, style == "fc")


def _checked(entry: BfclEntry, decoded: list[dict], underscore_to_dot: bool) -> BfclVerdict:
    try:
        failure = check_calls(entry, decoded, underscore_to_dot)
    except Exception as exc:  # BFCL's checker raises on these inputs; its runner would stop
        return BfclVerdict(False, "checker_error", (_describe(exc),))
    return _PASS if failure is None else BfclVerdict(False, failure.error_type, (failure.message,))


def _relevance(entry: BfclEntry, called: bool) -> BfclVerdict:
    """BFCL's ``is_empty_output``: no call unless the decoded list is well-formed and not
    empty (``[{}]`` is "empty" too, but it already fails the well-formed test)."""
    if "irrelevance" in entry.category:
        return _CALLED if called else _PASS
    return _PASS if called else _NOT_CALLED


def _describe(exc: BaseException) -> str:
    try:
        return f"{type(exc).__name__}: {exc}"[:500]
    except Exception:  # an exception whose message cannot be built
        return type(exc).__name__
