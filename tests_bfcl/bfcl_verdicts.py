"""The REAL verdicts: run BFCL's own decoders and checker on the generated answers.

Runs inside the bfcl venv (see README.md). Per answer it does what bfcl_eval's eval runner
does for one entry (``_evaluate_single_relevance_entry`` / ``_evaluate_single_ast_entry``;
eval_runner.py itself needs numpy/pandas, so those ~20 lines are restated here):

* relevance categories: ``handler.decode_ast(result, ReturnFormat.PYTHON, False)``; a call is
  present iff that did not raise and ``is_empty_output`` is False;
* otherwise: decode with the category's ReturnFormat -> ``ast_decoder:decoder_failed`` on an
  exception, ``ast_decoder:decoder_wrong_output_format`` unless
  ``is_function_calling_format_output``, else ``ast_checker`` with the original docs.

One addition: if ``ast_checker`` raises (BFCL's runner does not catch that and stops), the
verdict is ``valid: false, error_type: "checker_error"``, the port's convention.

    ~/.cache/fcbench/bfcl-venv/bin/python tests_bfcl/bfcl_verdicts.py [--answers A] [--out V]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

# bfcl's constants/eval_config.py creates result/, score/, .file_locks/ under this at import
os.environ.setdefault("BFCL_PROJECT_ROOT", tempfile.mkdtemp(prefix="bfcl-project-"))

from bfcl_data import DEFAULT_DATA, DEFAULT_WORK, load_entries, read_jsonl, write_jsonl  # noqa: E402
from bfcl_eval.constants.enums import Language, ReturnFormat  # noqa: E402
from bfcl_eval.constants.model_config import MODEL_CONFIG_MAPPING  # noqa: E402
from bfcl_eval.eval_checker.ast_eval.ast_checker import ast_checker  # noqa: E402
from bfcl_eval.model_handler.api_inference.openai_completion import OpenAICompletionsHandler  # noqa: E402
from bfcl_eval.utils import (  # noqa: E402
    is_empty_output,
    is_function_calling_format_output,
    is_java,
    is_js,
    is_relevance_or_irrelevance,
)
from timing import serve  # noqa: E402

# Same vendor model twice: prompt mode keeps dots in names, FC mode has underscore_to_dot=True.
MODEL_OF = {"prompt": "gpt-4o-2024-11-20", "fc": "gpt-4o-2024-11-20-FC"}
assert MODEL_CONFIG_MAPPING[MODEL_OF["prompt"]].underscore_to_dot is False
assert MODEL_CONFIG_MAPPING[MODEL_OF["fc"]].underscore_to_dot is True
HANDLERS = {
    style: OpenAICompletionsHandler(model_name=MODEL_OF["prompt"], temperature=0, registry_name=MODEL_OF[style],
                                    is_fc_model=style == "fc")
    for style in ("prompt", "fc")
}


def formats(category: str) -> tuple[Language, ReturnFormat]:
    if is_java(category):
        return Language.JAVA, ReturnFormat.JAVA
    if is_js(category):
        return Language.JAVASCRIPT, ReturnFormat.JAVASCRIPT
    return Language.PYTHON, ReturnFormat.PYTHON


def verdict(entry: dict, result: object, style: str) -> tuple[bool, str | None]:
    handler, category = HANDLERS[style], entry["category"]
    if is_relevance_or_irrelevance(category):
        try:
            decoded = handler.decode_ast(result, language=ReturnFormat.PYTHON, has_tool_call_tag=False)
            called = not is_empty_output(decoded)
        except Exception:
            called = False
        if "irrelevance" in category:
            return (True, None) if not called else (False, "irrelevance_error:decoder_success")
        return (True, None) if called else (False, "relevance_error:decoder_failed")
    language, return_format = formats(category)
    try:
        decoded = handler.decode_ast(result, return_format, False)
    except Exception:
        return False, "ast_decoder:decoder_failed"
    if not is_function_calling_format_output(decoded):
        return False, "ast_decoder:decoder_wrong_output_format"
    try:
        checked = ast_checker(entry["function"], decoded, entry["ground_truth"], language, category, MODEL_OF[style])
    except Exception:
        return False, "checker_error"
    return (True, None) if checked["valid"] else (False, checked["error_type"])


def serve_timing(answers: list[dict], entries: dict[str, dict]) -> int:
    """compare_port.py's timing helper: see timing.py."""
    def reply(text: str) -> None:
        print(text, flush=True)

    serve(answers, lambda a: verdict(entries[a["entry_id"]], a["result"], a["style"]), sys.stdin, reply)
    return 0


def main() -> int:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--answers", type=Path, default=DEFAULT_WORK / "answers.jsonl")
    cli.add_argument("--out", type=Path, default=DEFAULT_WORK / "bfcl_verdicts.jsonl")
    cli.add_argument("--data", type=Path, default=DEFAULT_DATA)
    cli.add_argument("--serve-timing", action="store_true",
                     help="timing helper of compare_port.py: time the chunk named on each stdin line")
    args = cli.parse_args()
    entries = load_entries(args.data)
    answers = list(read_jsonl(args.answers))
    if args.serve_timing:
        return serve_timing(answers, entries)
    rows = []
    for answer in answers:
        valid, error_type = verdict(entries[answer["entry_id"]], answer["result"], answer["style"])
        rows.append({"id": answer["id"], "valid": valid, "error_type": error_type})
    write_jsonl(args.out, rows)
    print(f"{len(rows)} real verdicts -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
