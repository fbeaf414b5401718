"""The per-sub-task bar chart (matplotlib, Agg backend), as inline SVG text.

Deterministic: fixed hash salt and no date in the SVG metadata, so the same
results give the same bytes with the same matplotlib version.
"""

from __future__ import annotations

import io

from fcbench.analysis.leaderboard.table import Board
from fcbench.errors import UsageError


def chart_svg(board: Board) -> str:
    try:
        import matplotlib
    except ImportError:
        raise UsageError("the leaderboard chart needs matplotlib: pip install 'fcbench[plots]'") from None
    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    models = [e.model for e in board.entries]
    tasks = board.tasks
    bar = 0.8 / max(1, len(models))
    with matplotlib.rc_context({"svg.hashsalt": "fcbench-leaderboard", "svg.fonttype": "none",
                                "font.family": "sans-serif", "font.size": 9}):
        fig, ax = plt.subplots(figsize=(8, 0.6 + 0.45 * len(tasks) * max(1, len(models)) ** 0.5 + 0.8))
        colors = plt.get_cmap("tab10")
        for i, entry in enumerate(board.entries):
            ys, xs, lows, highs = [], [], [], []
            for j, task in enumerate(tasks):
                cell = entry.cells.get(task)
                if cell is None or cell.score is None:
                    continue
                ys.append(j - 0.4 + bar * (i + 0.5))
                xs.append(100 * cell.score)
                lo, hi = cell.ci if cell.ci else (cell.score, cell.score)
                lows.append(100 * (cell.score - lo))
                highs.append(100 * (hi - cell.score))
            ax.barh(ys, xs, height=bar * 0.9, color=colors(i % 10), label=models[i],
                    xerr=[lows, highs], error_kw={"elinewidth": 0.8, "capsize": 2})
        ax.set_yticks(range(len(tasks)))
        ax.set_yticklabels(tasks)
        ax.invert_yaxis()
        ax.set_xlim(0, 100)
        ax.set_xlabel("main score % (bars: 95 % confidence interval)")
        ax.grid(axis="x", alpha=0.3)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=min(4, len(models)), frameon=False)
        fig.tight_layout()
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
        plt.close(fig)
    svg = buf.getvalue()
    return svg[svg.index("<svg"):]
