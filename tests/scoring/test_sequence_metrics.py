"""Sequence metrics on nested and chaining: LCS over whole calls, and over function names only
(the Granite paper's sequencing metrics), declared once for both."""

from __future__ import annotations

import pytest
from fcbench_tasks.chaining import TASK as Chaining
from fcbench_tasks.nested import TASK as Nested

from fcbench.records import Message, ModelOutput, Sample, Tool, ToolCall
from fcbench.scoring.sequence_metrics import (
    NAME_SEQUENCE_EXACT_MATCH,
    NAME_SEQUENCE_LCS,
    SEQUENCE_SIMILARITY,
    name_sequence_metrics,
)

TOOLS = tuple(Tool(n, "", {"type": "object", "properties": {"x": {"type": "string"}}, "required": ["x"]})
              for n in ("add_item", "apply_coupon", "checkout"))
GOLD = [{"name": "add_item", "arguments": {"x": ["apple"]}, "label": "var1"},
        {"name": "apply_coupon", "arguments": {"x": ["SAVE10"]}, "label": "var2"},
        {"name": "checkout", "arguments": {"x": ["home"]}, "label": "var3"}]


def call(name: str, x: str) -> ToolCall:
    return ToolCall(name, {"x": x})


RIGHT = (call("add_item", "apple"), call("apply_coupon", "SAVE10"), call("checkout", "home"))
# (output, sequence_similarity, name_sequence_lcs, name_sequence_exact_match, reason)
ROWS = [
    (RIGHT, 1.0, 1.0, 1.0, "the gold sequence"),
    ((call("add_item", "pear"), *RIGHT[1:]), 2 / 3, 1.0, 1.0,
     "right names in order, one wrong value: names match exactly, calls do not"),
    ((RIGHT[1], RIGHT[0], RIGHT[2]), 2 / 3, 2 / 3, 0.0, "two calls swapped: LCS 2 of 3 either way"),
    (RIGHT[:2], 2 / 3, 2 / 3, 0.0, "the last call missing: LCS 2 / longer length 3"),
    ((*RIGHT, call("checkout", "home")), 3 / 4, 3 / 4, 0.0, "one extra call: LCS 3 / longer length 4"),
]


@pytest.mark.parametrize("task", [Nested(), Chaining()], ids=lambda t: t.name)
@pytest.mark.parametrize("calls,similarity,name_lcs,name_exact,reason", ROWS, ids=[r[-1] for r in ROWS])
def test_sequence_metrics(task, calls, similarity, name_lcs, name_exact, reason):
    for metric in (SEQUENCE_SIMILARITY, NAME_SEQUENCE_LCS, NAME_SEQUENCE_EXACT_MATCH):
        assert task.metric(metric.name) == metric, "declared once, shared by nested and chaining"
    sample = Sample("s-1", task.name, (Message("user", "..."),), TOOLS, {"calls": GOLD, "result": None})
    m = task.score(sample, ModelOutput(tool_calls=calls)).metrics
    assert (m["sequence_similarity"], m["name_sequence_lcs"], m["name_sequence_exact_match"]) == \
        pytest.approx((similarity, name_lcs, name_exact)), reason


def test_two_empty_sequences_agree():
    assert name_sequence_metrics([], []) == {"name_sequence_lcs": 1.0, "name_sequence_exact_match": 1.0}
    assert name_sequence_metrics([], ["a"]) == {"name_sequence_lcs": 0.0, "name_sequence_exact_match": 0.0}
