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
from fcbench.parsing.intake import read_answer
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

    The answer enters through `fcbench.parsing.intake.read_answer` (the one boundary), is read
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


async def ask(model: Model, request: Request, policy: RetryPolicy) -> tuple[ModelOutput | InfraError, int]:
    """The backend's answer within the retry budget, or the infrastructure error that ended it,
    with the attempts made. Never raises for a backend's fault."""
    try:
        return await with_retries(lambda: model.generate(request), policy)
    except RetriesExhausted as exc:
        return exc, exc.attempts
    except Exception as exc:  # a backend bug or an SDK surprise: recorded, never fatal
        return InfraError("backend_error", f"{type(exc).__name__}: {exc}", retryable=False), 1


async def finish_sample(sample: Sample, task: Task, request: Request, answer: ModelOutput | InfraError,
                        attempts: int, latency_s: float, *, rules: RulesProfile = FCBENCH,
                        judge: Model | None = None, policy: RetryPolicy | None = None) -> SampleResult:
    """The one way from a backend's answer (or its failure) to a recorded result, for the
    per-sample and the batched runner alike: admitted and parsed once, scored, judged."""
    if isinstance(answer, InfraError):
        return infra_result(sample, task, answer, attempts, latency_s)
    if isinstance(answer, ModelOutput):
        answer = replace(answer, attempts=attempts, latency_s=answer.latency_s or latency_s)
    result = score_output(sample, task, request, answer, rules)
    if judge is not None:
        result = await add_judgement(sample, task, result, judge, policy or RetryPolicy())
    return result


async def run_sample(sample: Sample, task: Task, request: Request, model: Model,
                     policy: RetryPolicy, judge: Model | None = None,
                     rules: RulesProfile = FCBENCH) -> SampleResult:
    """Ask the backend (with retries), then `finish_sample`."""
    start = time.perf_counter()
    answer, attempts = await ask(model, request, policy)
    return await finish_sample(sample, task, request, answer, attempts, time.perf_counter() - start,
                               rules=rules, judge=judge, policy=policy)
