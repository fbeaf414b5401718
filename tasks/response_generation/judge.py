"""Optional LLM judge: does a reply beat the reference answer? (off by default)

The deterministic scorer in `task.py` checks facts and numbers; it cannot
tell whether a reply is clear or well organised. `PairwiseJudge` asks a judge
model, through any backend's ``async generate(Request) -> ModelOutput``, to
compare the reply with the reference answer given the same conversation.

Position bias is handled by asking twice with the two answers swapped
(``both_orders=True``) and averaging: win = 1, tie = 0.5, loss = 0 from the
reply's point of view. A judgement the parser cannot read is ignored; if no
judgement is readable the verdict is ``invalid`` and gives no score.
Usage::

    judge = PairwiseJudge(judge_model.generate)
    verdict = await judge.judge(sample, output.text or "")
    score = with_judgement(score, verdict)   # adds metric judge_score (mean = win rate)
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Literal

from fcbench.records import Message, ModelOutput, Request, Sample, Score, record

Generate = Callable[[Request], Awaitable[ModelOutput]]
Vote = Literal["A", "B", "tie"]
Outcome = Literal["win", "loss", "tie", "invalid"]

JUDGE_SYSTEM = (
    "You compare two answers that an assistant could give to a user after calling some "
    "functions. Judge which answer serves the user better: it must be faithful to the "
    "function outputs (no invented facts), answer what was asked completely, and be clear "
    "and concise. Do not prefer an answer for its length or its position.\n"
    "Think briefly if you need to, then end with one line of the form\n"
    "Verdict: A\nor Verdict: B\nor Verdict: tie"
)

_VERDICT = re.compile(r"verdict\W{0,4}(a|b|tie)\b", re.IGNORECASE)
_BARE = re.compile(r"^\W*(?:answer\s+)?(a|b|tie)\W*$", re.IGNORECASE)


def parse_vote(text: str | None) -> Vote | None:
    """The judge's choice: the last ``Verdict: X`` line, or a reply that is just A, B or tie."""
    if not text:
        return None
    found = _VERDICT.findall(text)
    choice = found[-1] if found else None
    if choice is None:
        bare = _BARE.match(text.strip())
        choice = bare.group(1) if bare else None
    if choice is None:
        return None
    return "tie" if choice.lower() == "tie" else choice.upper()  # type: ignore[return-value]


@record
class JudgeVerdict:
    outcome: Outcome
    score: float | None           # 1 win, 0.5 tie, 0 loss (mean over readable orders)
    votes: tuple[Vote | None, ...]  # per order, as the judge wrote them
    raw: tuple[str, ...]


def render_conversation(sample: Sample) -> str:
    """The request and tool outputs as plain text for the judge."""
    lines = []
    for m in sample.messages:
        if m.role == "user" and m.content:
            lines.append(f"User: {m.content}")
        elif m.role == "assistant" and m.tool_calls:
            lines.extend(f"Function call: {c.name}({c.arguments})" for c in m.tool_calls)
        elif m.role == "tool":
            lines.append(f"Output of {m.name or 'function'}: {m.content}")
    return "\n".join(lines)


class PairwiseJudge:
    def __init__(self, generate: Generate, *, both_orders: bool = True):
        self.generate = generate
        self.both_orders = both_orders

    def request(self, sample: Sample, first: str, second: str) -> Request:
        user = (f"Conversation:\n{render_conversation(sample)}\n\n"
                f"Answer A:\n{first}\n\nAnswer B:\n{second}\n\nWhich answer is better?")
        return Request(f"{sample.id}/judge", f"{sample.task}/judge", "native",
                       (Message("system", JUDGE_SYSTEM), Message("user", user)),
                       tool_choice="none", expects="text")

    async def _vote(self, sample: Sample, first: str, second: str) -> tuple[Vote | None, str]:
        output = await self.generate(self.request(sample, first, second))
        if output.infra_error is not None:
            return None, ""
        return parse_vote(output.text), output.text or ""

    async def judge(self, sample: Sample, reply: str) -> JudgeVerdict:
        """Compare `reply` with the sample's reference answer."""
        reference = str(sample.gold.get("reference", ""))
        orders = [(reply, reference, "A")]  # (A, B, which letter is the reply)
        if self.both_orders:
            orders.append((reference, reply, "B"))
        votes, raws, points = [], [], []
        for first, second, reply_letter in orders:
            vote, raw = await self._vote(sample, first, second)
            votes.append(vote)
            raws.append(raw)
            if vote is not None:
                points.append(0.5 if vote == "tie" else float(vote == reply_letter))
        if not points:
            return JudgeVerdict("invalid", None, tuple(votes), tuple(raws))
        score = sum(points) / len(points)
        outcome: Outcome = "win" if score > 0.5 else "loss" if score < 0.5 else "tie"
        return JudgeVerdict(outcome, score, tuple(votes), tuple(raws))


def with_judgement(score: Score, verdict: JudgeVerdict) -> Score:
    """`score` plus metric ``judge_score`` (its mean is the win rate, ties count half)
    and the verdict in details; the pass/fail verdict is unchanged."""
    metrics = dict(score.metrics)
    if verdict.score is not None:
        metrics["judge_score"] = verdict.score
    details = {**score.details, "judge": {"outcome": verdict.outcome, "votes": list(verdict.votes)}}
    return replace(score, metrics=metrics, details=details)
