"""Markdown and CSV renderings of a leaderboard board."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from fcbench.analysis.leaderboard.table import Board, Cell


def pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}"


#: marks a score computed on part of its sub-task's samples (`Cell.unscored`)
PARTIAL = "†"
PARTIAL_NOTE = (f"{PARTIAL} part of this sub-task's samples ended in infrastructure failures and were not "
                "scored: the score covers only the samples scored (finish the run with `fcbench run --resume`).")


def unscored_mark(cell: Cell) -> str:
    """`` † N unscored`` for a score computed on part of its samples, else nothing."""
    return f" {PARTIAL} {cell.unscored} unscored" if cell.unscored else ""


def cell_text(cell: Cell | None) -> str:
    if cell is None or cell.score is None:
        return "—"
    ci = f" [{pct(cell.ci[0])}–{pct(cell.ci[1])}]" if cell.ci else ""
    return f"{pct(cell.score)}{ci}{unscored_mark(cell)}"


def partial(board: Board) -> bool:
    """Does any score of the board leave samples unscored?"""
    return any(c.unscored for e in board.entries for c in e.cells.values())


def source_label(path: Path, relative_to: Path) -> str:
    """A source path as written in the tables: relative to the output folder when inside it."""
    try:
        return Path(path).resolve().relative_to(relative_to.resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()


def render_markdown(board: Board, out_dir: Path) -> str:
    ns = {t: sorted({e.cells[t].n for e in board.entries if t in e.cells}) for t in board.tasks}
    lines = [f"# {board.title}", "",
             "Main score per sub-task (strict pass rate, %), with its 95 % confidence interval. "
             "No umbrella score: the sub-tasks measure different skills.", "",
             "| model | " + " | ".join(board.tasks) + " | mode | date | fcbench | suite | data version |",
             "|---|" + "---|" * (len(board.tasks) + 5)]
    for e in board.entries:
        cells = [cell_text(e.cells.get(t)) for t in board.tasks]
        lines.append(f"| {e.model} | " + " | ".join(cells)
                     + f" | {e.mode} | {e.date} | {e.fcbench_version} | {e.suite} | {e.data_version} |")
    lines += ["", "n (scored samples) per sub-task: "
              + ", ".join(f"{t} {'/'.join(str(n) for n in ns[t])}" for t in board.tasks), ""]
    if partial(board):
        lines += [PARTIAL_NOTE, ""]
    lines += ["Built by `fcbench leaderboard build` from:", ""]
    lines += [f"- `{source_label(e.source, out_dir)}` ({e.model})" for e in board.entries]
    return "\n".join(lines) + "\n"


def render_csv(board: Board) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    header = ["model", "mode", "split", "suite", "data_version", "date", "fcbench_version"]
    for t in board.tasks:
        header += [f"{t}_score", f"{t}_ci_low", f"{t}_ci_high", f"{t}_n"]
    writer.writerow(header)
    for e in board.entries:
        row = [e.model, e.mode, e.split, e.suite, e.data_version, e.date, e.fcbench_version]
        for t in board.tasks:
            c = e.cells.get(t)
            if c is None or c.score is None:
                row += ["", "", "", c.n if c else ""]
            else:
                row += [f"{c.score:.6f}", f"{c.ci[0]:.6f}" if c.ci else "", f"{c.ci[1]:.6f}" if c.ci else "", c.n]
        writer.writerow(row)
    return buf.getvalue()
