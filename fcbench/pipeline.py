"""One sample's way through fcbench: request -> backend (with retries) -> parse -> score.

The runner decides *which* samples run and *how many at once*; this module
decides what happens to one of them. Nothing here raises for a bad answer:
unreadable output is scored as ``malformed_output``, and a backend that gave
no answer within its retry budget yields an ``infra_error`` result.
"""

from __future__ import annotations

import time
from dataclasses import replace

from fcbench.errors import InfraError
from fcbench.models.base import Model
from fcbench.parsing import extract_calls, looks_like_call
from fcbench.records import InfraFailure, ModelOutput, Request, Sample, SampleResult, Score
from fcbench.retry import RetriesExhausted, RetryPolicy, with_retries
from fcbench.task import Task


def parse_output(request: Request, output: ModelOutput) -> ModelOutput:
    """Read tool calls out of the text where the mode (or a server's fallback) put them there.

    * prompt mode, call task: the text *is* the answer; parse it.
    * native mode, no structured calls, but the text carries call syntax
      (vLLM returns the raw text in ``content`` when its parser fails): parse it.
    * text task: a reply that is nothing but a call is a call (the model
      called a tool instead of answering).
    """
    if output.infra_error is not None or output.malformed is not None or output.tool_calls:
        return output
    text = output.text or ""
    if not text.strip():
        return output
    should_parse = (request.mode == "prompt" and request.expects == "calls") or looks_like_call(text)
    if not should_parse:
        return output
    parsed = extract_calls(text)
    if request.expects == "text" and parsed.malformed is not None:
        return output  # prose that merely resembles call syntax stays an answer
    return replace(output, tool_calls=parsed.calls, malformed=parsed.malformed)


def infra_result(sample: Sample, task: Task, error: InfraError, attempts: int, latency: float) -> SampleResult:
    failure = InfraFailure(error.kind, str(error), attempts)
    return SampleResult(sample.id, task.name, "infra_error",
                        ModelOutput(infra_error=failure, attempts=attempts, latency_s=latency))


def score_output(sample: Sample, task: Task, request: Request, output: ModelOutput) -> SampleResult:
    """Parse and score an answer the backend did give."""
    if output.infra_error is not None:
        return SampleResult(sample.id, task.name, "infra_error", output)
    output = parse_output(request, output)
    try:
        score = task.score(sample, output)
    except Exception as exc:  # a scorer bug: keep the output, exclude the sample, show it
        failure = InfraFailure("scorer_error", f"{type(exc).__name__}: {exc}", output.attempts)
        return SampleResult(sample.id, task.name, "infra_error", replace(output, infra_error=failure))
    failures = tuple(score.failures)
    if not score.passed and not failures:
        failures = ("unclassified",)  # a scorer bug made visible, never hidden
    return SampleResult(sample.id, task.name, "scored", output, score.passed,
                        dict(score.metrics), failures, dict(score.details))


async def add_judgement(sample: Sample, task: Task, result: SampleResult, judge: Model,
                        policy: RetryPolicy) -> SampleResult:
    """Let a judge model grade a scored answer (tasks that have no judge return it unchanged)."""
    if result.status != "scored":
        return result

    async def ask(request: Request) -> ModelOutput:
        output, _ = await with_retries(lambda: judge.generate(request), policy)
        return output

    score = Score(bool(result.passed), result.metrics, result.failures, result.details)
    try:
        judged = await task.judge(sample, result.output, score, ask)
    except InfraError as exc:  # the judge's own fault: keep the structural score, say so
        judged = replace(score, details={**score.details, "judge": {"outcome": "invalid", "error": exc.kind}})
    return replace(result, metrics=dict(judged.metrics), details=dict(judged.details))


async def run_sample(sample: Sample, task: Task, request: Request, model: Model,
                     policy: RetryPolicy, judge: Model | None = None) -> SampleResult:
    start = time.perf_counter()
    try:
        output, attempts = await with_retries(lambda: model.generate(request), policy)
    except RetriesExhausted as exc:
        return infra_result(sample, task, exc, exc.attempts, time.perf_counter() - start)
    except Exception as exc:  # a backend bug or an SDK surprise: recorded, never fatal
        error = InfraError("backend_error", f"{type(exc).__name__}: {exc}", retryable=False)
        return infra_result(sample, task, error, 1, time.perf_counter() - start)
    if not output.latency_s:
        output = replace(output, latency_s=time.perf_counter() - start)
    result = score_output(sample, task, request, replace(output, attempts=attempts))
    if judge is not None:
        result = await add_judgement(sample, task, result, judge, policy)
    return result
