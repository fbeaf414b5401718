"""The interactive protocol: a multi-step sample run as a real tool-use conversation.

Under ``--protocol plan`` (the default, the seed's NESTFUL-style protocol) a model writes a
whole plan in one turn, later arguments as ``"$var1.field$"`` placeholders. Under
``--protocol interactive`` the sub-tasks whose gold is several calls (`Task.interactive`:
nested, chaining, parallel) become a conversation instead, and response generation gets an
end-to-end variant (the model makes the calls itself, then answers):

1. a fresh simulated world is built from the sample's ``metadata.world_seed``;
2. every call the model makes is executed on it (state changes persist within the sample)
   and its result goes back as the backend's own tool-result message (a ``tool`` message,
   which each backend sends in its native form; in prompt mode the task's text convention);
   a call the tool rejects gets an ``{"error": ...}`` result, and the model may recover;
3. the conversation ends when the model answers without calls, or when the budget runs
   out: gold calls + `extra_turns` turns, and at most `max_calls` calls.

The sample is scored once, on the whole trajectory (`fcbench.running.trajectory`): the successful
calls against the gold calls *resolved* in the same world (each reference replaced by the
value the gold calls produce), under the task's own rules, and the final result against the
gold result. A fault of the backend at any turn makes the whole sample an infrastructure
failure; a partial conversation is never scored, and ``--resume`` runs it again from turn 1.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import replace
from typing import Any

from fcbench.errors import InfraError, UsageError
from fcbench.models.base import Model
from fcbench.models.reasoning import reasoning_of
from fcbench.parsing.intake import read_answer
from fcbench.records import (
    InfraFailure,
    Message,
    Mode,
    ModelOutput,
    Request,
    Sample,
    SampleResult,
    ToolCall,
    Usage,
    record,
)
from fcbench.retry import RetryPolicy
from fcbench.running.pipeline import add_judgement, ask, infra_result
from fcbench.running.trajectory import (
    Conversation,
    is_error,
    opening_messages,
    score_answer_trajectory,
    score_trajectory,
)
from fcbench.scoring.gold import encode_plain, gold_calls
from fcbench.task import Task, render_calls

DEFAULT_PROTOCOL = "plan"  # the protocols: fcbench.runlog.PROTOCOLS

INSTRUCTION = (
    "You can call the functions listed below. Work step by step: call a function, read its "
    "output, and use the real values it returned in later calls. Make every call the request "
    "needs; calls that do not depend on each other may go together. When nothing is left to "
    "call, answer the user briefly."
)

#: prompt mode: how to call, and how to stop (the plan protocol's format says "only calls")
PROMPT_FORMAT = (
    "To call functions, answer with only a JSON list of calls, in this form:\n"
    '[{"name": "function_name", "arguments": {"param": value}}]\n'
    "The output of each call comes back in the next message. When no call is left, answer the "
    "user in plain text."
)

@record
class Budget:
    """How long a conversation may go: gold calls + `extra_turns` turns, at most `max_calls` calls
    (None: 2 x gold calls + `extra_turns`)."""

    extra_turns: int = 3
    max_calls: int | None = None

    def limits(self, n_gold: int) -> tuple[int, int]:
        turns = max(n_gold, 1) + self.extra_turns
        calls = self.max_calls if self.max_calls is not None else 2 * max(n_gold, 1) + self.extra_turns
        return turns, calls

    def to_dict(self) -> dict[str, Any]:
        return {"extra_turns": self.extra_turns, "max_calls": self.max_calls}


# ------------------------------------------------------------------ the world
def world_seed(sample: Sample) -> int | None:
    seed = sample.metadata.get("world_seed") if isinstance(sample.metadata, dict) else None
    return seed if isinstance(seed, int) and not isinstance(seed, bool) else None


def not_executable(sample: Sample) -> str | None:
    """Why the sample's tools cannot run here (None when they can)."""
    from fcbench.data.generator.tooling import catalog

    if world_seed(sample) is None:
        return "has no metadata.world_seed (only the built-in suite's tools are implemented)"
    known = catalog()
    missing = next((t.name for t in sample.tools if t.name not in known), None)
    return None if missing is None else f"uses {missing!r}, which has no implementation"


def check_executable(task: Task, samples: list[Sample]) -> None:
    """Refuse, in one line, a suite whose tools cannot be executed here."""
    for sample in samples:
        why = not_executable(sample)
        if why is not None:
            raise UsageError(f"--protocol interactive needs executable tools: sample {sample.id} of {task.name} {why}")


def _execute(world: Any, call: ToolCall) -> Any:
    from fcbench.data.generator.tooling import run_tool

    if not isinstance(call.arguments, dict):
        return {"error": "arguments must be a JSON object"}
    return run_tool(world, call.name, call.arguments)


def sample_gold_calls(sample: Sample) -> list[dict[str, Any]]:
    """The calls the sample's gold is made of: ``gold.calls``, or (response generation) the
    calls its conversation holds, each value its one accepted value."""
    golds = gold_calls(sample)
    if golds or "calls" in (sample.gold or {}):
        return golds
    return [{"name": c.name, "arguments": {k: [encode_plain(v)] for k, v in c.arguments.items()}}
            for m in sample.messages if m.role == "assistant" for c in m.tool_calls]


def resolved_gold(sample: Sample) -> tuple[list[dict[str, Any]], list[Any]]:
    """The gold calls with every reference replaced by the value the gold calls produce in the
    sample's world, and the results of those calls, in order."""
    from fcbench.data.generator.tooling import World, run_tool
    from fcbench.scoring.calls import canonical_call
    from fcbench.scoring.execution import resolve

    tools = sample.tools_by_name
    world = World(world_seed(sample) or 0)
    outputs: dict[str, Any] = {}
    golds, results = [], []
    for gold in sample_gold_calls(sample):
        arguments = {}
        for key, accepted in (gold.get("arguments") or {}).items():
            values = []
            for value in accepted if isinstance(accepted, list) else [accepted]:
                try:
                    values.append(resolve(value, outputs))
                except Exception:  # noqa: BLE001 - a gold reference the world cannot resolve stays as written
                    values.append(value)
            arguments[key] = values
        call = {**gold, "arguments": arguments}
        name = str(gold.get("name"))
        result = run_tool(world, name, canonical_call(call, tools.get(name)).arguments)
        golds.append(call)
        results.append(result)
        if gold.get("label"):
            outputs[str(gold["label"])] = result
    return golds, results


# ------------------------------------------------------------------ requests
def first_request(task: Task, sample: Sample, mode: Mode) -> Request:
    """Turn 1: the user's request and the tools, with the step-by-step instruction."""
    opening = opening_messages(sample)
    if mode == "native":
        return Request(sample.id, task.name, mode, (Message("system", INSTRUCTION), *opening),
                       sample.tools, tool_choice="auto", parallel_tool_calls=True, library=sample.tools)
    library = json.dumps([t.to_dict() for t in sample.tools], indent=1, ensure_ascii=False)
    system = Message("system", f"{INSTRUCTION}\n\nFunctions:\n{library}\n\n{PROMPT_FORMAT}")
    return Request(sample.id, task.name, mode, (system, *task.render_messages(opening)), (),
                   tool_choice="none", library=sample.tools)


def next_gold_calls(task_name: str, golds: list[dict[str, Any]], made: list[tuple[ToolCall, Any]], *,
                    one_at_a_time: bool = False) -> list[ToolCall]:
    """The gold call(s) still to make after `made`, references filled from the outputs observed:
    the next one, or every remaining one for parallel (unless `one_at_a_time`); [] when done.
    The calls in `made` whose result was an error do not count."""
    from fcbench.scoring.calls import canonical_call
    from fcbench.scoring.execution import resolve

    done = [result for _, result in made if not is_error(result)]
    if len(done) >= len(golds):
        return []
    observed = {str(g["label"]): r for g, r in zip(golds, done) if g.get("label")}
    many = task_name == "parallel" and not one_at_a_time
    calls = []
    for gold in golds[len(done):] if many else [golds[len(done)]]:
        call = canonical_call(gold)
        try:
            arguments = resolve(call.arguments, observed)
        except Exception:  # noqa: BLE001 - an unresolvable reference stays as written
            arguments = call.arguments
        calls.append(ToolCall(call.name, arguments))
    return calls


def as_output(calls: list[ToolCall], mode: Mode, text: str = "Done.") -> ModelOutput:
    """Calls (or, without calls, a short answer) as a model's answer in `mode`."""
    if not calls:
        return ModelOutput(text=text, finish_reason="stop")
    if mode == "prompt":
        return ModelOutput(text=render_calls(calls), finish_reason="stop")
    return ModelOutput(tool_calls=tuple(calls), finish_reason="tool_calls")


def oracle_turn(task: Task, sample: Sample, golds: list[dict[str, Any]], made: list[tuple[ToolCall, Any]],
                mode: Mode) -> ModelOutput:
    """What a perfect model answers next, computed from the results it has observed: the next
    gold call (all of them at once for parallel), its references filled from the outputs of the
    calls already made; when none is left, the reference answer (a short one for call tasks)."""
    return as_output(next_gold_calls(task.name, golds, made), mode, task.reference_text(sample) or "Done.")


# ------------------------------------------------------------------ the loop
async def converse(task: Task, sample: Sample, mode: Mode, model: Model, policy: RetryPolicy,
                   budget: Budget, golds: list[dict[str, Any]]) -> Conversation | tuple[InfraError, int, float]:
    """Run the conversation; an infrastructure fault at any turn ends it as ``(error, attempts,
    latency)`` (the partial conversation is dropped)."""
    from fcbench.data.generator.tooling import World

    world = World(world_seed(sample) or 0)
    max_turns, max_calls = budget.limits(len(golds))
    base = first_request(task, sample, mode)
    added: list[Message] = []
    turns: list[dict[str, Any]] = []
    made: list[tuple[ToolCall, Any]] = []
    prompt = completion = attempts = 0
    latency = 0.0
    exhausted = False
    final = ModelOutput(text="", finish_reason="stop")
    used: set[str] = set()  # call ids of the conversation: each result names one call
    while True:
        rendered = tuple(added) if mode == "native" else task.render_messages(added)
        request = replace(base, messages=(*base.messages, *rendered), turn=len(turns) + 1,
                          reference_output=oracle_turn(task, sample, golds, made, mode))
        started = time.perf_counter()
        answer, tries = await ask(model, request, policy)
        latency += time.perf_counter() - started
        attempts += tries
        if isinstance(answer, InfraError):
            return answer, attempts, latency
        output = read_answer(request, answer)
        if output.infra_error is not None:
            return InfraError(output.infra_error.kind, output.infra_error.message), attempts, latency
        prompt += output.usage.prompt_tokens
        completion += output.usage.completion_tokens
        calls = list(output.tool_calls)
        turn: dict[str, Any] = {"text": output.text, "calls": []}
        turns.append(turn)
        if output.malformed or not calls:
            final = output
            break
        calls = [replace(c, id=_fresh_id(c.id, used), label=None) for c in calls]
        added.append(Message("assistant", output.text or None, tool_calls=tuple(calls),
                             reasoning=reasoning_of(output.raw)))
        for call in calls:
            if len(made) >= max_calls:
                exhausted = True
                break
            result = _execute(world, call)
            made.append((call, result))
            turn["calls"].append({"name": call.name, "arguments": call.arguments, "result": result})
            added.append(Message("tool", json.dumps(result, ensure_ascii=False, default=str),
                                 tool_call_id=call.id, name=call.name))
        if exhausted or len(turns) >= max_turns:
            exhausted = True
            # the conversation's budget ran out, not the model's tokens ("length" means those)
            final = ModelOutput(text=output.text, finish_reason="budget")
            break
    return Conversation(turns, made, added, final, exhausted, Usage(prompt, completion), latency, attempts)


def _fresh_id(given: str | None, used: set[str]) -> str:
    """The model's call id, unless it is missing or was used earlier in the conversation (some
    servers number calls afresh each turn; the APIs pair a result with one call)."""
    candidate = given if given and given not in used else None
    n = len(used)
    while candidate is None or candidate in used:
        n += 1
        candidate = f"call_{n}"
    used.add(candidate)
    return candidate


class TurnBatcher:
    """A batched backend (in-process vLLM) seen as a per-request one by concurrent conversations.

    A request waits until every live conversation has asked for its next turn; then they go
    as one batch: turn 1 of every sample, then turn 2 of those still going, and so on. A
    conversation that ends calls `finished`, so the others do not wait for it.
    """

    batched = False

    def __init__(self, model: Model, live: int):
        self.model = model
        self.live = live
        self.waiting: list[tuple[Request, asyncio.Future]] = []

    async def generate(self, request: Request) -> ModelOutput:
        future = asyncio.get_running_loop().create_future()
        self.waiting.append((request, future))
        self._flush_when_all_asked()
        return await future

    def finished(self) -> None:
        self.live -= 1
        self._flush_when_all_asked()

    def _flush_when_all_asked(self) -> None:
        if self.waiting and len(self.waiting) >= self.live:
            batch, self.waiting = self.waiting, []
            asyncio.ensure_future(self._send(batch))

    async def _send(self, batch: list[tuple[Request, asyncio.Future]]) -> None:
        try:
            answers = list(await self.model.generate_batch([r for r, _ in batch]))
            if len(answers) != len(batch):
                raise InfraError("backend_error", f"the batch gave {len(answers)} answers for {len(batch)} requests")
        except Exception as exc:  # noqa: BLE001 - each conversation's retry layer decides
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        for (_, future), answer in zip(batch, answers):
            if not future.done():
                future.set_result(answer)


async def run_interactive(task: Task, sample: Sample, mode: Mode, model: Model, policy: RetryPolicy,
                          budget: Budget, judge: Model | None = None) -> SampleResult:
    """One sample under the interactive protocol, from turn 1 to its record. A `judge` (response
    generation's ``--judge``) grades the final answer, as it grades a one-turn one."""
    golds, gold_results = resolved_gold(sample)
    talk = await converse(task, sample, mode, model, policy, budget, golds)
    if isinstance(talk, tuple):
        error, attempts, latency = talk
        return infra_result(sample, task, error, attempts, latency)
    try:
        scorer = score_answer_trajectory if task.expects == "text" else score_trajectory
        output, score = scorer(task, sample, talk, golds, gold_results)
    except Exception as exc:  # a scorer bug: shown, the sample excluded, the run goes on
        failure = InfraFailure("scorer_error", f"{type(exc).__name__}: {exc}", talk.attempts)
        return SampleResult(sample.id, task.name, "infra_error", replace(talk.final, infra_error=failure))
    result = SampleResult(sample.id, task.name, "scored", output, score.passed, dict(score.metrics),
                          tuple(score.failures), dict(score.details))
    if judge is not None:
        judged = await add_judgement(sample, task, replace(result, output=talk.final), judge, policy)
        result = replace(judged, output=output)
    return result
