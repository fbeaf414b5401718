"""Timing the port against bfcl-eval on the same answers (stdlib only; both venvs import it).

Answers are grouped by category and style and cut into chunks of ``CHUNK``. compare_port.py
starts bfcl_verdicts.py in serve mode inside the bfcl venv and the two processes take turns
chunk by chunk, each timing its own CPU time (not wall time) with its loaded data frozen out
of the garbage collector; the fastest of ``--repeat`` passes of every chunk counts. That keeps
the figures comparable on a machine that is busy with other work.
"""

from __future__ import annotations

import gc
import subprocess
import time
from collections.abc import Callable

CHUNK = 500


def timing_group(answer: dict) -> str:
    return f"{answer['category']}/{answer['style']}"


def timing_chunks(answers: list[dict]) -> dict[str, list[dict]]:
    """``{"live_multiple/fc#3": answers}``: each category/style group cut into chunks."""
    groups: dict[str, list[dict]] = {}
    for answer in answers:
        groups.setdefault(timing_group(answer), []).append(answer)
    return {f"{group}#{start // CHUNK}": members[start:start + CHUNK]
            for group, members in sorted(groups.items()) for start in range(0, len(members), CHUNK)}


def settle() -> None:
    """Collect, then hide every object alive now (answers, data, caches) from the garbage
    collector, so that neither process pays for scanning its (different) loaded data."""
    gc.collect()
    gc.freeze()


def time_pass(members: list[dict], score: Callable[[dict], object]) -> float:
    """CPU seconds of this process to score ``members`` once."""
    start = time.process_time()
    for answer in members:
        score(answer)
    return time.process_time() - start


def serve(answers: list[dict], score: Callable[[dict], object], lines: object, reply: Callable[[str], None]) -> None:
    """The helper side: time the chunk named on each input line, reply with the seconds."""
    chunks = timing_chunks(answers)
    settle()
    reply("ready")
    for line in lines:  # type: ignore[attr-defined]
        reply(str(time_pass(chunks[line.strip()], score)))


def measure(answers: list[dict], score: Callable[[dict], object], helper_command: list[str] | None,
            repeat: int) -> tuple[dict[str, float], dict[str, float]]:
    """({group: our seconds}, {group: bfcl seconds}); the second is empty without a helper."""
    chunks = timing_chunks(answers)
    helper = None
    if helper_command:
        helper = subprocess.Popen(helper_command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert helper.stdin is not None and helper.stdout is not None
        if helper.stdout.readline().strip() != "ready":
            raise RuntimeError(f"the bfcl timing helper did not start: {helper_command}")
    settle()
    ours: dict[str, float] = {}
    theirs: dict[str, float] = {}
    for _ in range(repeat):
        for chunk, members in chunks.items():
            ours[chunk] = min(ours.get(chunk, float("inf")), time_pass(members, score))
            if helper is not None:
                helper.stdin.write(chunk + "\n")  # type: ignore[union-attr]
                helper.stdin.flush()  # type: ignore[union-attr]
                seconds = float(helper.stdout.readline())  # type: ignore[union-attr]
                theirs[chunk] = min(theirs.get(chunk, float("inf")), seconds)
    if helper is not None:
        helper.stdin.close()  # type: ignore[union-attr]
        helper.wait()
    return _by_group(ours), _by_group(theirs)


def _by_group(per_chunk: dict[str, float]) -> dict[str, float]:
    groups: dict[str, float] = {}
    for chunk, seconds in per_chunk.items():
        group = chunk.rsplit("#", 1)[0]
        groups[group] = groups.get(group, 0.0) + seconds
    return groups


def report(answers: list[dict], entry_counts: dict[str, int], ours: dict[str, float],
           theirs: dict[str, float]) -> float | None:
    """Print the speed table; return the speed-up over all answers (None without bfcl's)."""
    counts: dict[str, int] = {}
    for answer in answers:
        counts[timing_group(answer)] = counts.get(timing_group(answer), 0) + 1
    print(f"\n{'category/style':34s} {'answers':>8s} {'port/s':>10s} {'bfcl/s':>10s} {'speed-up':>9s}")
    for group in sorted(counts):
        line = f"{group:34s} {counts[group]:8d} {counts[group] / ours[group]:10,.0f}"
        if group in theirs:
            line += f" {counts[group] / theirs[group]:10,.0f} {theirs[group] / ours[group]:8.2f}x"
        print(line)
    total = len(answers)
    our_all = sum(ours.values())
    print(f"{'all answers':34s} {total:8d} {total / our_all:10,.0f}", end="")
    if not theirs:
        print()
        return None
    their_all = sum(theirs.values())
    print(f" {total / their_all:10,.0f} {their_all / our_all:8.2f}x")
    # One BFCL run: each category weighted by its number of BFCL entries (one answer each),
    # i.e. per-answer cost of a category/style times the entries of the category.
    def run_seconds(seconds: dict[str, float]) -> float:
        return sum(seconds[g] / counts[g] * entry_counts[g.split("/")[0]] for g in counts)
    our_run, their_run = run_seconds(ours), run_seconds(theirs)
    runs = 2 * sum(entry_counts[c] for c in {g.split("/")[0] for g in counts})
    print(f"{'as one BFCL run per style':34s} {runs:8d} {runs / our_run:10,.0f} {runs / their_run:10,.0f} "
          f"{their_run / our_run:8.2f}x")
    return their_all / our_all
