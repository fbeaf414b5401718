"""``fcbench data export-requests --format openai-batch --out FILE``: a run's requests as a batch input file.

For running the requests anywhere a batch runner is (``vllm run-batch``, OpenAI's Batch API
by hand, an in-house queue) and scoring the answers afterwards::

    fcbench data export-requests --format openai-batch --model openai/MODEL --out requests.jsonl
    vllm run-batch -i requests.jsonl -o answers.jsonl --model MODEL        # or any batch runner
    fcbench run --model replay/answers.jsonl

Each line is ``{"custom_id": SAMPLE_ID, "method": "POST", "url": "/v1/chat/completions",
"body": ...}``, the body exactly what ``openai/MODEL`` sends for that sample under the same
options (mode, rules, sampling, ``-M`` HTTP options): the same code builds it
(`fcbench.models.provider_batches.ProviderBatchAPI.body`). ``replay/`` reads the batch
output file back (`fcbench.models.replay`), so the export scores like the direct run.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from fcbench.cli.args import integer, model_arg, non_negative_float, positive_int
from fcbench.errors import UsageError

FORMATS = ("openai-batch",)
#: never contacted: the backend only builds bodies here
UNUSED_BASE_URL = "http://127.0.0.1:9/v1"


def register_export(actions: Any) -> None:
    exp = actions.add_parser("export-requests", help="write a run's requests as a batch input file",
                             description="Write the requests `fcbench run` would send, as a batch input file "
                                         "(e.g. for vllm run-batch); score the output with --model replay/FILE.")
    exp.add_argument("--format", choices=FORMATS, required=True, help="openai-batch: OpenAI Batch API input JSONL")
    exp.add_argument("--out", type=Path, required=True, help="the JSONL file to write")
    exp.add_argument("--model", default="openai/MODEL",
                     help="openai/NAME: the body's model and the backend whose requests are written "
                          "(default openai/MODEL; the batch runner may override the name)")
    exp.add_argument("--tasks", default="all", help="'all' (default) or a comma-separated list")
    exp.add_argument("--limit", type=positive_int, help="at most N samples per task")
    exp.add_argument("--mode", choices=("native", "prompt"), default="native")
    exp.add_argument("--rules", choices=("fcbench", "bfcl"), default="fcbench")
    exp.add_argument("--suite", help="a suite folder, or the name of an imported suite (default: built-in)")
    exp.add_argument("--split", default="test")
    exp.add_argument("--temperature", type=non_negative_float, default=0.0)
    exp.add_argument("--max-tokens", type=positive_int, default=1024)
    exp.add_argument("--seed", type=integer, default=0)
    exp.add_argument("-M", "--model-arg", type=model_arg, action="append", default=[], metavar="KEY=VALUE",
                     help="backend option (repeatable), e.g. -M max_tokens_field=max_tokens")
    exp.add_argument("--force", action="store_true", help="replace an existing --out file")
    exp.set_defaults(func=cmd_export_requests)


def cmd_export_requests(args: argparse.Namespace) -> int:
    from fcbench.data.suites import resolve_suite
    from fcbench.models.base import GenerateConfig
    from fcbench.models.openai_batch import input_line
    from fcbench.models.provider_batches import batch_api_for
    from fcbench.models.registry import resolve_model
    from fcbench.running.runner import RunConfig, plan_tasks
    from fcbench.scoring.profiles import profile as rules_profile

    if not args.model.startswith("openai/") or args.model == "openai/":
        raise UsageError(f"--format openai-batch writes openai/ requests: give --model openai/NAME, not {args.model}")
    if args.out.exists() and not args.force:
        raise UsageError(f"{args.out}: exists (use --force to replace it)")
    sampling = GenerateConfig(temperature=args.temperature, max_tokens=args.max_tokens, seed=args.seed)
    options = dict(args.model_arg)
    options.setdefault("base_url", UNUSED_BASE_URL)
    config = RunConfig(model=args.model, tasks=args.tasks, mode=args.mode, limit=args.limit, split=args.split,
                       suite=resolve_suite(args.suite) if args.suite else None, sampling=sampling,
                       model_args=options, rules=args.rules)
    api = batch_api_for(resolve_model(args.model, sampling, **options))
    rules = rules_profile(config.rules)
    count = 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8", errors="surrogatepass") as fh:
        for plan in plan_tasks(config):
            for sample in plan.samples:
                request = rules.adapt_request(plan.task.build_request(sample, config.mode), sample, plan.task)
                fh.write(json.dumps(input_line(sample.id, api.body(request)), ensure_ascii=False) + "\n")
                count += 1
    print(f"wrote {count} requests to {args.out} (score the batch output with --model replay/OUTPUT_FILE)")
    return 0
