"""fcbench's fast pythonic reader against its full `ast` reading, on every generated prompt answer.

`fcbench.parsing.pythonic_fast.fast_calls` reads a subset of Python without a syntax tree and
must give up on everything else; wherever it answers, it must give what
`fcbench.parsing.pythonic.parse_with_ast` gives (same calls, same values, ``1`` vs ``1.0`` vs
``True`` told apart). Every prompt answer is tried whole, cleaned and line by line (the
pieces `extract_calls` hands the reader). Exit 1 on any difference.

    ../.venv/bin/python fast_reader.py [--answers A]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bfcl_data import DEFAULT_WORK, read_jsonl

from fcbench.parsing.extract import clean
from fcbench.parsing.pythonic import OPENING, parse_with_ast
from fcbench.parsing.pythonic_fast import fast_calls
from fcbench.parsing.shapes import CallShapeError


def full_reading(text: str) -> object:
    try:
        return parse_with_ast(text)
    except CallShapeError as exc:
        return ("malformed", str(exc))


def main() -> int:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--answers", type=Path, default=DEFAULT_WORK / "answers.jsonl")
    args = cli.parse_args()
    texts: dict[str, None] = {}
    for answer in read_jsonl(args.answers):
        if isinstance(answer["result"], str):
            cleaned = clean(answer["result"])
            for piece in (answer["result"], cleaned, *cleaned.splitlines()):
                piece = piece.strip()
                if OPENING.match(piece):
                    texts[piece] = None
    read = differ = 0
    for text in texts:
        fast = fast_calls(text)
        if fast is None:
            continue
        read += 1
        if repr(fast) != repr(full_reading(text)):
            differ += 1
            if differ <= 20:
                print(f"DIFFERS: {text[:200]!r}\n  fast: {fast!r}\n  ast:  {full_reading(text)!r}")
    print(f"fast pythonic reader: {len(texts):,} distinct call texts, {read:,} read without a syntax tree, "
          f"{differ} differ from the full reading")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
