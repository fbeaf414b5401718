"""Sequence metrics shared by the sub-tasks whose gold is an ordered list of calls
(nested, chaining), declared once here.

Two views of the same comparison:

* over **whole calls** (a predicted call "equals" a gold call when it is correct for it):
  ``sequence_similarity`` = LCS / max(len) (API-Blend's LCS over calls); the exact match
  over whole calls is the sub-task's pass rate (``accuracy``);
* over **function names only**, as the Granite paper scores its sequencing sets:
  ``name_sequence_lcs`` = LCS of the two name sequences / max(len) and
  ``name_sequence_exact_match`` = 1 when the name sequences are equal.

LCS is normalised by the longer sequence, so extra calls and missing calls cost alike
(an LCS "F1" would divide by the mean length instead; see docs/seed-evaluation.md).
"""

from __future__ import annotations

from collections.abc import Sequence

from fcbench.scoring.metrics import Metric, lcs_similarity, mean

SEQUENCE_SIMILARITY: Metric = mean("sequence_similarity", "sequence similarity (LCS)")
NAME_SEQUENCE_LCS: Metric = mean("name_sequence_lcs", "name sequence LCS")
NAME_SEQUENCE_EXACT_MATCH: Metric = mean("name_sequence_exact_match", "name sequence exact match")

NAME_SEQUENCE_METRICS: tuple[Metric, Metric] = (NAME_SEQUENCE_LCS, NAME_SEQUENCE_EXACT_MATCH)


def name_sequence_metrics(predicted: Sequence[str], gold: Sequence[str]) -> dict[str, float]:
    """The per-sample name-sequence metrics of predicted vs gold function names (in call order)."""
    return {NAME_SEQUENCE_LCS.name: lcs_similarity(list(predicted), list(gold)),
            NAME_SEQUENCE_EXACT_MATCH.name: 1.0 if list(predicted) == list(gold) else 0.0}
