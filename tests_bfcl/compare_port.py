"""Compare fcbench's BFCL port with the real verdicts, answer by answer.

Runs in fcbench's venv (tree-sitter installed). Reads the answers (answers.py), the real
verdicts (bfcl_verdicts.py) and BFCL's data, scores every answer with
``fcbench.scoring.bfcl.evaluate``, prints agreement per category and style and every
disagreement, and exits 1 unless (valid, error_type) agree on 100 % of the answers.

    .venv/bin/python tests_bfcl/compare_port.py [--answers A] [--verdicts V] [--max-show 50]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from bfcl_data import DEFAULT_DATA, DEFAULT_WORK, VENV, load_entries, read_jsonl
from timing import measure, report

from fcbench.scoring.bfcl import BfclEntry, evaluate

HERE = Path(__file__).resolve().parent


def main() -> int:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--answers", type=Path, default=DEFAULT_WORK / "answers.jsonl")
    cli.add_argument("--verdicts", type=Path, default=DEFAULT_WORK / "bfcl_verdicts.jsonl")
    cli.add_argument("--data", type=Path, default=DEFAULT_DATA)
    cli.add_argument("--max-show", type=int, default=50, help="disagreements printed in full")
    cli.add_argument("--repeat", type=int, default=9, help="timed passes over the answers (0: no timing)")
    cli.add_argument("--bfcl-python", type=Path, default=VENV / "bin" / "python",
                     help="the bfcl venv's python, to time bfcl-eval alternately with the port")
    args = cli.parse_args()

    entries = {key: BfclEntry(key, e["category"], e["function"], e["ground_truth"])
               for key, e in load_entries(args.data).items()}
    real = {row["id"]: row for row in read_jsonl(args.verdicts)}
    answers = list(read_jsonl(args.answers))
    missing = [a["id"] for a in answers if a["id"] not in real]
    if missing:
        print(f"{len(missing)} answers have no real verdict (rerun bfcl_verdicts.py), e.g. {missing[:3]}")
        return 1

    total, agree = Counter(), Counter()
    disagreements = []
    for answer in answers:
        ours = evaluate(entries[answer["entry_id"]], answer["result"], style=answer["style"])
        theirs = real[answer["id"]]
        key = (answer["category"], answer["style"])
        total[key] += 1
        if (ours.valid, ours.error_type) == (theirs["valid"], theirs["error_type"]):
            agree[key] += 1
        else:
            disagreements.append((answer, theirs, ours))

    print(f"{'category':24s} {'style':6s} {'answers':>8s} {'agree':>8s}")
    for key in sorted(total):
        print(f"{key[0]:24s} {key[1]:6s} {total[key]:8d} {100 * agree[key] / total[key]:7.2f}%")
    count, agreed = sum(total.values()), sum(agree.values())
    print(f"{'all':31s} {count:8d} {100 * agreed / count:7.2f}%   ({len(disagreements)} disagreements)")
    valid = sum(1 for a in answers if real[a["id"]]["valid"])
    print(f"real verdicts: {valid} valid, {count - valid} not valid; "
          f"{len({real[a['id']]['error_type'] for a in answers})} distinct error types")

    for answer, theirs, ours in disagreements[:args.max_show]:
        print(f"\n!! {answer['id']} [{answer['class']}]\n   result: {json.dumps(answer['result'])[:400]}")
        print(f"   bfcl: valid={theirs['valid']} {theirs['error_type']}\n   port: valid={ours.valid} "
              f"{ours.error_type} {ours.errors[:1]}")
    if args.repeat > 0:
        report_speed(answers, entries, args)
    return 0 if not disagreements else 1


def report_speed(answers: list[dict], entries: dict[str, BfclEntry], args: argparse.Namespace) -> None:
    """Answers/s of the port and of bfcl-eval on the same answers (see timing.py)."""
    helper = None
    if args.bfcl_python.exists():
        helper = [str(args.bfcl_python), str(HERE / "bfcl_verdicts.py"), "--serve-timing",
                  "--answers", str(args.answers), "--data", str(args.data)]
    else:
        print(f"\n{args.bfcl_python} not found: timing the port only")
    ours, theirs = measure(answers, lambda a: evaluate(entries[a["entry_id"]], a["result"], style=a["style"]),
                           helper, args.repeat)
    entry_counts = Counter(entry.category for entry in entries.values())
    report(answers, entry_counts, ours, theirs)


if __name__ == "__main__":
    sys.exit(main())
