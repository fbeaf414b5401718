"""``fcbench show RUN``: look at individual samples of a run, filtered by task, verdict or failure.

A report says *how often* a model fails; this says *how*: for each chosen
sample the request, the gold answer, what the model answered (raw text kept)
and what the scorer noted.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterator

from fcbench.errors import UsageError
from fcbench.records import Sample, SampleResult, ToolCall
from fcbench.runlog import RunManifest, read_run
from fcbench.scoring import taxonomy

WIDTH = 100
# Control characters other than newline and tab: a model's text must not drive the terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """Model text fit for a terminal: control characters (ANSI escapes...) shown as ``\\xNN``."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _value(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False) if not isinstance(v, str) or not v.startswith("$") else v


def render_call(call: ToolCall) -> str:
    args = ", ".join(f"{k}={_value(v)}" for k, v in call.arguments.items()) \
        if isinstance(call.arguments, dict) else _value(call.arguments)
    label = f"{call.label} = " if call.label else ""
    return visible(f"{label}{call.name}({args})")


def render_gold_call(gold: dict[str, Any]) -> str:
    """A gold call with its accepted values; `""` shows as "may be omitted"."""
    parts = []
    for name, accepted in (gold.get("arguments") or {}).items():
        options = accepted if isinstance(accepted, list) else [accepted]
        shown = " | ".join("<omit>" if a == "" else _value(a) for a in options)
        parts.append(f"{name}={shown}")
    label = f"{gold['label']} = " if gold.get("label") else ""
    return f"{label}{gold.get('name')}({', '.join(parts)})"


def render_gold(gold: dict[str, Any]) -> list[str]:
    if "calls" in gold:
        return [render_gold_call(g) for g in gold["calls"]]
    if "names" in gold:
        return [", ".join(gold["names"]) or "(no function fits: no call)"]
    if "next" in gold:
        return ["STOP: answer, no more calls"] if gold.get("stop") else \
            [f"any of: {render_gold_call(g)}" for g in gold["next"]]
    if "reference" in gold:
        facts = ", ".join(_value(f.get("value")) for f in gold.get("facts", []))
        return [gold["reference"], f"facts: {facts}"]
    return [json.dumps(gold, ensure_ascii=False)]


def conversation(sample: Sample) -> list[str]:
    """The request and any calls/results already in the conversation, one line each."""
    lines = []
    for m in sample.messages:
        if m.role == "system":
            continue
        if m.role == "assistant" and m.tool_calls:
            lines.extend(f"assistant called {render_call(c)}" for c in m.tool_calls)
        elif m.role == "tool":
            lines.append(f"tool {m.name or ''} returned {m.content}")
        else:
            lines.append(f"{m.role}: {m.content}")
    return lines


def transcript_lines(transcript: list[Any]) -> list[str]:
    """An interactive conversation, a line per call (with what the tool returned) or answer."""
    lines = []
    for n, turn in enumerate(transcript, start=1):
        turn = turn if isinstance(turn, dict) else {}
        calls = turn.get("calls") if isinstance(turn.get("calls"), list) else []
        for call in calls:
            call = call if isinstance(call, dict) else {}
            args = call.get("arguments")
            shown = render_call(ToolCall(str(call.get("name")), args if isinstance(args, dict) else {}))
            result = json.dumps(call.get("result"), ensure_ascii=False, default=str)
            lines.append(f"{n}. {shown} -> {visible(result)[:WIDTH]}")
        if not calls:
            text = turn.get("text")
            lines.append(f"{n}. answered: {visible(text) if isinstance(text, str) and text else '(nothing)'}")
    return lines


def describe(sample: Sample | None, result: SampleResult) -> str:
    verdict = {True: "PASS", False: "FAIL", None: "NO ANSWER"}[result.passed if result.status == "scored" else None]
    head = f"── {result.sample_id} · {result.task} · {verdict}"
    if result.failures:
        head += ": " + ", ".join(result.failures)
    out = [head]

    def block(title: str, lines: list[str]) -> None:
        for i, line in enumerate(lines or ["—"]):
            out.append(f"{(title + ':') if i == 0 else '':<11}{line}")

    if sample is not None:
        block("request", conversation(sample))
        block("gold", render_gold(sample.gold))
    o = result.output
    if o.infra_error is not None:
        block("infra", [f"{o.infra_error.kind}: {o.infra_error.message} ({o.infra_error.attempts} attempts)"])
    elif isinstance(result.details.get("transcript"), list):  # --protocol interactive
        block("turns", transcript_lines(result.details["transcript"]))
    else:
        answer = [render_call(c) for c in o.tool_calls]
        if o.text and (not o.tool_calls or o.malformed):
            answer.append(f"text: {visible(o.text)}")
        if o.malformed:
            answer.append(f"malformed: {visible(o.malformed)}")
        block("answer", answer)
    shown = {k: v for k, v in result.details.items()
             if v not in (None, [], {}, "") and k != "transcript"}
    if shown:
        block("scorer", [json.dumps(shown, ensure_ascii=False, default=str)[:4 * WIDTH]])
    return "\n".join(out)


def load_samples_of_run(manifest: RunManifest) -> dict[str, Sample]:
    """The run's samples, from the suite it ran on (empty when that data is gone)."""
    from fcbench.task_registry import discover_tasks

    suite = (manifest.suite or {}).get("path")
    split = manifest.split
    tasks = discover_tasks()
    samples: dict[str, Sample] = {}
    for name in manifest.tasks:
        task = tasks.get(name)
        if task is None:
            continue
        try:
            samples.update({s.id: s for s in task.load(split, Path(suite) if suite else None)})
        except UsageError:
            continue  # the data moved or changed: show the answers without their requests
    return samples


def select(results: list[SampleResult], *, task: str | None = None, failure: str | None = None,
           verdict: str = "failed", sample_id: str | None = None) -> list[SampleResult]:
    """The results a ``show`` asks for: one id whatever its verdict, else by task, failure and verdict."""
    chosen = []
    for r in results:
        if task and r.task != task:
            continue
        if sample_id and r.sample_id != sample_id:
            continue
        if failure and failure not in r.failures:
            continue
        if sample_id:
            chosen.append(r)
            continue
        if verdict == "passed" and not (r.status == "scored" and r.passed):
            continue
        if verdict == "failed" and not (r.status == "scored" and not r.passed):
            continue
        if verdict == "infra" and r.status != "infra_error":
            continue
        chosen.append(r)
    return chosen


def show_samples(run_dir: Path, *, task: str | None = None, failure: str | None = None, verdict: str = "failed",
                 sample_id: str | None = None, limit: int = 5, as_json: bool = False) -> Iterator[str]:
    """The text ``fcbench show`` prints, line by line (`UsageError` for a bad run folder or filter)."""
    if not run_dir.is_dir():
        raise UsageError(f"{run_dir}: no such run folder")
    run = read_run(run_dir, finished=False)
    manifest = run.manifest
    assert manifest is not None, "read_run(finished=False) requires run.json"
    results = sorted(run.samples().values(), key=lambda r: r.sample_id)
    if task and task not in manifest.tasks:
        raise UsageError(f"task {task!r} is not in this run (tasks: {', '.join(manifest.tasks)})")
    if failure:
        known = {*taxonomy.ALL, "unclassified", *(f for r in results for f in r.failures)}
        if failure not in known:
            raise UsageError(f"unknown failure category {failure!r} (categories: {', '.join(taxonomy.ALL)})")
    chosen = select(results, task=task, failure=failure, verdict=verdict, sample_id=sample_id)[:limit]
    if as_json:
        for r in chosen:
            yield json.dumps(r.to_dict(), ensure_ascii=False)
        return
    samples = load_samples_of_run(manifest)
    if not chosen:
        yield "no sample matches"
    for r in chosen:
        yield describe(samples.get(r.sample_id), r)
        yield ""
