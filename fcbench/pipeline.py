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
from fcbench.intake import read_answer
from fcbench.models.base import Model
from fcbench.records import InfraFailure, ModelOutput, Request, Sample, SampleResult, Score
from fcbench.retry import RetriesExhausted, RetryPolicy, with_retries
from fcbench.scoring.profiles import FCBENCH, RulesProfile
from fcbench.task import Task


def infra_result(sample: Sample, task: Task, error: InfraError, attempts: int, latency: float) -> SampleResult:
    failure = InfraFailure(error.kind, str(error), attempts)
    return SampleResult(sample.id, task.name, "infra_error",
                        ModelOutput(infra_error=failure, attempts=attempts, latency_s=latency))


def score_output(sample: Sample, task: Task, request: Request, output: ModelOutput,
                 rules: RulesProfile = FCBENCH) -> SampleResult:
    """Admit, parse and score an answer the backend did give, under a rules profile.

    The answer enters through `fcbench.intake.read_answer` (the one boundary), is read
    with the profile's decoder, scored by the task, and the profile gives the verdict.
    """
    if not isinstance(output, ModelOutput):  # a backend bug, not the model's answer
        error = InfraError("backend_error", f"backend returned {type(output).__name__}, not a ModelOutput")
        return infra_result(sample, task, error, 1, 0.0)
    output = read_answer(request, output, rules.decoder(sample, task.name), rules.reads_native_text)
    if output.infra_error is not None:
        return SampleResult(sample.id, task.name, "infra_error", output)
    try:
        score = rules.judge(sample, task.name, request, output, task.score(sample, output))
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
        if not isinstance(output, ModelOutput):
            raise InfraError("backend_error", f"judge backend returned {type(output).__name__}")
        return read_answer(request, output)  # a judge is a model too: its answer is admitted like any

    score = Score(bool(result.passed), result.metrics, result.failures, result.details)
    try:
        judged = await task.judge(sample, result.output, score, ask)
    except InfraError as exc:  # the judge's own fault: keep the structural score, say so
        judged = replace(score, details={**score.details, "judge": {"outcome": "invalid", "error": exc.kind}})
    except Exception as exc:  # a judge bug: the structural score stands, the error is shown
        error = f"{type(exc).__name__}: {exc}"[:300]
        judged = replace(score, details={**score.details, "judge": {"outcome": "invalid", "error": error}})
    return replace(result, metrics=dict(judged.metrics), details=dict(judged.details))


async def run_sample(sample: Sample, task: Task, request: Request, model: Model,
                     policy: RetryPolicy, judge: Model | None = None,
                     rules: RulesProfile = FCBENCH) -> SampleResult:
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
    result = score_output(sample, task, request, replace(output, attempts=attempts), rules)
    if judge is not None:
        result = await add_judgement(sample, task, result, judge, policy)
    return result
