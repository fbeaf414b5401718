"""BFCL's AST checker (``ast_checker``): decoded calls vs the possible answers.

Dispatch is on substrings of the category, in BFCL's order: "parallel" (order-free greedy
matching), then "multiple" (one call, checked against the gold function's doc), else "simple"
(one call, checked against the FIRST doc whatever the gold name). The per-call check lives in
calls.py. Everything returns None for "accepted" or a ``Failure`` carrying BFCL's error_type;
inputs BFCL itself cannot handle raise here too (the runner reports ``checker_error``).
"""

from __future__ import annotations

from fcbench.scoring.bfcl.calls import CallCheck
from fcbench.scoring.bfcl.entry import BfclEntry
from fcbench.scoring.bfcl.values import Failure


def check_calls(entry: BfclEntry, calls: list[dict], underscore_to_dot: bool) -> Failure | None:
    """``ast_checker``: ``calls`` must already be in function-calling format."""
    category, gold = entry.category, entry.ground_truth
    if "parallel" in category:
        return _parallel(entry, calls, underscore_to_dot)
    if "multiple" in category:
        if len(calls) != len(gold):
            return Failure("multiple_function_checker:wrong_count", "{} calls, expected {}", (len(calls), len(gold)))
        return _gold_check(entry, 0, by_name=True).check(calls[0], underscore_to_dot)
    if len(calls) != 1:
        return Failure("simple_function_checker:wrong_count", "{} calls, expected 1", (len(calls),))
    return _gold_check(entry, 0, by_name=False).check(calls[0], underscore_to_dot)


def _gold_check(entry: BfclEntry, index: int, by_name: bool) -> CallCheck:
    """The prepared check of gold call ``index`` (built on first use, kept on the entry).

    ``by_name``: the doc is the one named by the gold call (multiple, parallel; None if there
    is none, which then fails like BFCL); otherwise it is the entry's first doc (simple).
    """
    prepared = entry.call_checks.get(index)
    if prepared is None:
        gold_call = entry.ground_truth[index]
        doc = entry.docs_by_name.get(list(gold_call.keys())[0]) if by_name else entry.functions[0]
        prepared = entry.call_checks[index] = CallCheck(doc, gold_call, entry.language)
    return prepared


def _parallel(entry: BfclEntry, calls: list[dict], underscore_to_dot: bool) -> Failure | None:
    """Order-free but GREEDY: each gold call, in gold order, takes the first unused model call
    that passes. With gold [s in {"a","b"}, s in {"a"}], the answer [s="a", s="b"] fails
    (the first gold call consumes "a") while [s="b", s="a"] passes."""
    gold = entry.ground_truth
    if len(calls) != len(gold):
        return Failure("parallel_function_checker_no_order:wrong_count", "{} calls, expected {}",
                       (len(calls), len(gold)))
    unused = list(range(len(calls)))
    for gold_index in range(len(gold)):
        prepared = _gold_check(entry, gold_index, by_name=True)
        last: Failure | None = None
        for position, index in enumerate(unused):
            last = prepared.check(calls[index], underscore_to_dot)
            if last is None:
                del unused[position]
                break
        if last is not None:
            return Failure("parallel_function_checker_no_order:cannot_find_match",
                           "no model call matches gold call {} (last: {}: {})",
                           (gold_index, last.error_type, last.message))
    return None
