"""Exact maximum-weight one-to-one matching between predicted and gold items.

BFCL pairs parallel calls greedily (each gold call takes the first output that
fits), which fails ``[f(a), f(b)]`` against gold ``[f(x in {a,b}), f(x=a)]``.
fcbench pairs them optimally instead: the Hungarian algorithm (O(n^3), exact,
deterministic), which is instant for the handful of calls a sample holds and
still fine for hundreds.
"""

from __future__ import annotations

from collections.abc import Callable

_INF = float("inf")


def optimal_matching(n_pred: int, n_gold: int,
                     weight: Callable[[int, int], float]) -> list[tuple[int, int]]:
    """Pairs ``(pred_index, gold_index)`` maximising the total weight, sorted by pred index.

    Weights <= 0 (and NaN) mean "do not pair": such pairs never appear in the
    result, so items may stay unmatched. Ties are broken deterministically.
    """
    if n_pred <= 0 or n_gold <= 0:
        return []
    if n_pred == 1 or n_gold == 1:  # one side of one: the best single pair (first on ties), no search
        pairs = [(i, j) for i in range(n_pred) for j in range(n_gold)]
        scored = [(_clean(weight(i, j)), -k) for k, (i, j) in enumerate(pairs)]
        best = max(range(len(pairs)), key=lambda k: scored[k])
        return [pairs[best]] if scored[best][0] > 0 else []
    w = [[_clean(weight(i, j)) for j in range(n_gold)] for i in range(n_pred)]
    transposed = n_pred > n_gold
    if transposed:
        w = [list(col) for col in zip(*w)]
    rows = _hungarian_max(w)
    pairs = []
    for r, c in enumerate(rows):
        if c is not None and w[r][c] > 0:
            pairs.append((c, r) if transposed else (r, c))
    return sorted(pairs)


def _clean(x: float) -> float:
    try:
        x = float(x)
    except (TypeError, ValueError):
        return 0.0
    return x if x > 0 and x != _INF else (1e12 if x == _INF else 0.0)


def _hungarian_max(w: list[list[float]]) -> list[int | None]:
    """Row -> column of a maximum-weight assignment (rows <= columns; every row assigned).

    Classic potentials formulation of the Hungarian method on cost = -weight.
    """
    n, m = len(w), len(w[0])
    u = [0.0] * (n + 1)
    v = [0.0] * (m + 1)
    owner = [0] * (m + 1)  # owner[col] = row (1-based) assigned to col; 0 = free
    way = [0] * (m + 1)
    for i in range(1, n + 1):
        owner[0] = i
        j0 = 0
        minv = [_INF] * (m + 1)
        used = [False] * (m + 1)
        while True:
            used[j0] = True
            i0 = owner[j0]
            delta, j1 = _INF, 0
            for j in range(1, m + 1):
                if not used[j]:
                    cur = -w[i0 - 1][j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j], way[j] = cur, j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            for j in range(m + 1):
                if used[j]:
                    u[owner[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if owner[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            owner[j0] = owner[j1]
            j0 = j1
    rows: list[int | None] = [None] * n
    for j in range(1, m + 1):
        if owner[j]:
            rows[owner[j] - 1] = j - 1
    return rows
