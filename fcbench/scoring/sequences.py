"""Aligning a predicted call sequence with the gold sequence (nested and chaining).

NESTFUL compares sequences position by position and, when the lengths differ,
first aligns them by function name with blank padding. fcbench does the same
with one global alignment (Needleman-Wunsch) that first lines up as many
calls to the same function as possible (an LCS of the names) and, among those
alignments, pairs as many of the remaining calls as possible (substitutions,
reported as a wrong function) instead of leaving blanks. So equal-length
sequences pair up position by position unless a shift lines up more names,
and a missing or extra call leaves a blank instead of shifting every later
call off by one.
"""

from __future__ import annotations

from collections.abc import Sequence

Position = tuple[int | None, int | None]  # (pred index or None, gold index or None)


def align(pred_names: Sequence[str], gold_names: Sequence[str]) -> list[Position]:
    """The best monotone alignment of two name sequences, as positions in order.

    Ties prefer pairing (match/substitution) over blanks, then a blank in the
    gold over one in the prediction, so the result is deterministic.
    """
    n, m = len(pred_names), len(gold_names)
    same = min(n, m) + 1  # one same-name pair outweighs every possible substitution (integers: exact)
    score = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            pair = same if pred_names[i] == gold_names[j] else 1
            score[i][j] = max(pair + score[i + 1][j + 1], score[i + 1][j], score[i][j + 1])
    out: list[Position] = []
    i = j = 0
    while i < n or j < m:
        if i < n and j < m:
            pair = same if pred_names[i] == gold_names[j] else 1
            if score[i][j] == pair + score[i + 1][j + 1]:
                out.append((i, j))
                i, j = i + 1, j + 1
                continue
            if score[i][j] == score[i + 1][j]:
                out.append((i, None))
                i += 1
                continue
            out.append((None, j))
            j += 1
        elif i < n:
            out.append((i, None))
            i += 1
        else:
            out.append((None, j))
            j += 1
    return out
