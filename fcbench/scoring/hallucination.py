"""Hallucinated calls: predicted calls that name a function the sample's library does not have.

The Granite-20B-FunctionCalling paper reports a hallucination rate on its out-of-domain
sets. fcbench counts it per call and sums over the run (micro): ``hallucination_rate`` =
hallucinated calls / predicted calls, so a reader sees "x % of predicted calls named a
function that does not exist". A model that makes no call adds nothing to either count;
a run with no predicted call at all has no hallucination rate.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from fcbench.records import ToolCall
from fcbench.scoring.metrics import Metric, ratio

#: per-sample counts behind the rate
HALLUCINATED_CALLS = "hallucinated_calls"
PREDICTED_CALLS = "predicted_calls"

HALLUCINATION_RATE: Metric = ratio(
    "hallucination_rate", HALLUCINATED_CALLS, PREDICTED_CALLS,
    "hallucinated calls (share of all predicted calls)", higher_is_better=False)


def hallucination_counts(calls: Sequence[ToolCall], library: Collection[str]) -> dict[str, float]:
    """The per-sample counts: calls whose name is not in `library` (exact, case-sensitive
    names, as every other name check), and all calls."""
    hallucinated = sum(1 for call in calls if call.name not in library)
    return {HALLUCINATED_CALLS: float(hallucinated), PREDICTED_CALLS: float(len(calls))}
