"""response_generation: answer the user from tool outputs, faithfully and completely.

The conversation holds the request, the calls already made and their
results; the model must now write the answer (in native mode the tools are
still offered, so calling instead of answering is possible and counted).

A sample passes when the reply states every gold fact, states no number,
date or time that the conversation does not support, makes no call and is
readable. How numbers, dates, units and phrases are read is defined in
`fcbench.scoring.text`.

Per-sample metrics:

* ``fact_recall``: facts found / facts (only on samples with facts);
* ``unsupported_number_rate``: 1 if the reply holds a number, date or time
  found neither in the request, the earlier calls, the tool outputs, the gold
  facts nor the reference answer (bare integers 0..10 are ignored: counts and
  list positions);
* ``tool_call_rate``: 1 if the model called a tool instead of answering;
* ``rouge_l``, ``bleu`` (with ``fcbench[text-metrics]``) and ``bertscore_f1`` (with
  ``fcbench[bert-score]`` and a local model): the reply against the gold ``reference``, the
  Granite paper's reply metrics (`fcbench.scoring.reply_similarity`, `fcbench.scoring.bertscore`).
  They describe closeness to one wording; they never decide pass or fail.
"""

from __future__ import annotations

from typing import Any

from fcbench.records import ModelOutput, Sample, Score
from fcbench.scoring import bertscore
from fcbench.scoring import taxonomy as tx
from fcbench.scoring.bertscore import BERTSCORE_F1
from fcbench.scoring.metrics import mean, pass_rate
from fcbench.scoring.reply_similarity import BLEU, ROUGE_L, load_scorers, reply_similarity
from fcbench.scoring.text import Support, fact_found, unsupported_claims
from fcbench.task import Task

GOLD_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["reference", "facts"],
    "properties": {
        "reference": {"type": "string", "minLength": 1},
        "facts": {"type": "array", "items": {
            "type": "object",
            "required": ["value", "kind"],
            "properties": {
                "value": {"type": ["string", "number"]},
                "kind": {"enum": ["number", "date", "text"]},
            },
        }},
    },
}


def conversation_sources(sample: Sample) -> list[Any]:
    """Everything a faithful reply may draw numbers from: the messages (request, earlier
    call arguments, tool outputs) plus the gold facts and the reference answer."""
    sources: list[Any] = []
    for m in sample.messages:
        if m.content:
            sources.append(m.content)
        for call in m.tool_calls:
            sources.append(call.arguments)
    sources.extend(f.get("value") for f in sample.gold.get("facts", []) if isinstance(f, dict))
    sources.append(sample.gold.get("reference", ""))
    return sources


class ResponseGenerationTask(Task):
    name = "response_generation"
    version = "1"
    description = "Answer from tool outputs: every key fact, nothing unsupported, no call."
    main_metric = "accuracy"
    metrics = (pass_rate(), mean("fact_recall", "key facts stated"),
               mean("unsupported_number_rate", "answers with an unsupported number", higher_is_better=False),
               mean("tool_call_rate", "called a tool instead of answering", higher_is_better=False),
               mean("judge_score", "judge's win rate against the reference"),
               ROUGE_L, BLEU, BERTSCORE_F1)
    report_metrics = ("fact_recall", "unsupported_number_rate", "tool_call_rate", "judge_score",
                      "rouge_l", "bleu", "bertscore_f1")
    expects = "text"
    interactive = True  # --protocol interactive: the model makes the calls itself, then answers
    gold_schema = GOLD_SCHEMA

    def tool_choice(self, sample: Sample) -> str:
        return "auto"  # tools stay offered so that calling instead of answering is measured

    def reference_text(self, sample: Sample) -> str | None:
        return sample.gold.get("reference")

    def prepare_scoring(self) -> None:
        load_scorers()  # nltk (for ROUGE-L) takes about 2 s to import
        bertscore.configured_scorer()  # the BERTScore model, when one is named

    def score(self, sample: Sample, output: ModelOutput) -> Score:
        reply = output.text if isinstance(output.text, str) else ""
        facts = [f for f in sample.gold.get("facts", []) if isinstance(f, dict)]
        missing = [f.get("value") for f in facts if not fact_found(f, reply)]
        unsupported = unsupported_claims(reply, Support.from_sources(conversation_sources(sample)))
        called = bool(output.tool_calls)

        metrics: dict[str, float] = {
            "unsupported_number_rate": float(bool(unsupported)),
            "tool_call_rate": float(called),
        }
        if facts:
            metrics["fact_recall"] = (len(facts) - len(missing)) / len(facts)
        metrics.update(self.similarity_to_reference(reply, sample.gold.get("reference")))

        if output.malformed is not None:
            failures: list[str] = [tx.MALFORMED_OUTPUT]
        else:
            failures = []
            if called:
                failures.append(tx.CALLED_INSTEAD_OF_ANSWERING)
            if missing or not reply.strip():
                failures.append(tx.MISSING_FACT)
            if unsupported:
                failures.append(tx.UNSUPPORTED_CLAIM)

        details: dict[str, Any] = {}
        if missing:
            details["missing_facts"] = missing
        if unsupported:
            details["unsupported"] = unsupported
        if called:
            details["called"] = [c.name for c in output.tool_calls]
        if not reply.strip():
            details["empty_reply"] = True
        if output.malformed is not None:
            details["malformed"] = output.malformed
        return Score(not failures, metrics, tx.ordered(failures), details)

    @staticmethod
    def similarity_to_reference(reply: str, reference: Any) -> dict[str, float]:
        """ROUGE-L, BLEU and BERTScore of the reply against the gold reference, those that can be
        computed here (a tool call or unreadable output is an empty reply: 0)."""
        if not isinstance(reference, str) or not reference.strip():
            return {}
        out = reply_similarity(reply, reference)
        scorer = bertscore.configured_scorer()
        if scorer is not None:
            out[BERTSCORE_F1.name] = scorer(reply, reference)
        return out

    async def judge(self, sample: Sample, output: ModelOutput, score: Score, generate) -> Score:
        """Pairwise LLM judge against the reference answer (``--judge MODEL``); see judge.py."""
        from .judge import PairwiseJudge, with_judgement

        if output.tool_calls or not (output.text or "").strip():
            return score
        verdict = await PairwiseJudge(generate).judge(sample, output.text or "")
        return with_judgement(score, verdict)
