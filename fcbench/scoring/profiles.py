"""Rules profiles: which rules turn an answer into a verdict.

``fcbench run --rules fcbench|bfcl`` picks one; it is part of the run's fingerprint,
shown in every report and a leaderboard key, so two profiles are never mixed.

* ``fcbench`` (default): fcbench's own rules. Calls are read from JSON, Python-style
  and marker syntaxes wherever they sit in the text; values compare with the rules in
  ``fcbench/scoring/README.md``; parallel calls are paired optimally. Every place the
  verdict differs from BFCL's checker is a row of ``docs/bfcl-differences.md``.
* ``bfcl``: BFCL's own verdict (`fcbench.scoring.bfcl`, a re-implementation of its
  decoders and AST checker) on every sample that maps onto a BFCL category:
  parameter_value (simple, multiple), parallel (parallel, parallel_multiple) and
  name_detection samples whose gold is "no call" (irrelevance). The other sub-tasks
  have no BFCL checker and keep fcbench's rules; each sample records which rules
  judged it (``details.rules``), and reports count them per sub-task.

A profile answers four questions, each in one place:

* how calls are read out of text (`decoder`), and whether text in a native answer
  is read at all (`reads_native_text`: BFCL's FC decoder does not);
* how a request is asked (`adapt_request`): BFCL's prompt format in prompt mode, and
  names kept as the model sent them (BFCL compares those, not mapped back);
* the verdict (`judge`), given the task's own score.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from fcbench.parsing import ParsedCalls, extract_calls
from fcbench.records import ModelOutput, Request, Sample, Score, record

Decoder = Callable[[str], ParsedCalls]


@record
class RulesProfile:
    name: str
    description: str
    reads_native_text: bool = True

    def judges(self, sample: Sample, task_name: str) -> bool:
        """Does this profile's own checker give the verdict on this sample?"""
        return True

    def decoder(self, sample: Sample, task_name: str) -> Decoder:
        return extract_calls

    def judge(self, sample: Sample, task_name: str, request: Request, output: ModelOutput,
              score: Score) -> Score:
        return score

    def adapt_request(self, request: Request, sample: Sample, task: Any) -> Request:
        """The task's request as these rules want it asked (fcbench's: unchanged)."""
        return request


class FcbenchRules(RulesProfile):
    """fcbench's own rules: the task's score is the verdict."""


class BfclRules(RulesProfile):
    """BFCL's decoders and checker on the samples it can judge; fcbench's rules elsewhere."""

    def judges(self, sample: Sample, task_name: str) -> bool:
        from fcbench.scoring.bfcl_judge import entry_for

        return entry_for(sample, task_name) is not None

    def decoder(self, sample: Sample, task_name: str) -> Decoder:
        if not self.judges(sample, task_name):
            return extract_calls
        from fcbench.scoring.bfcl_judge import text_decoder

        return text_decoder(sample)

    def judge(self, sample: Sample, task_name: str, request: Request, output: ModelOutput,
              score: Score) -> Score:
        from fcbench.scoring.bfcl_judge import bfcl_score

        judged = bfcl_score(sample, task_name, request, output, score)
        if judged is None:
            return replace(score, details={**score.details, "rules": "fcbench"})
        return judged

    def adapt_request(self, request: Request, sample: Sample, task: Any) -> Request:
        """In prompt mode, a sample BFCL judges asks for BFCL's answer format (its decoders read
        nothing else), and the reference answer is written in it."""
        if not self.judges(sample, task.name):
            return request
        request = replace(request, restore_names=False)  # BFCL compares names as the model sent them
        if request.mode != "prompt" or request.expects != "calls":
            return request
        from fcbench.parsing import CALL_FORMAT
        from fcbench.scoring.bfcl_format import CALL_FORMAT as BFCL_FORMAT
        from fcbench.scoring.bfcl_format import render_calls

        messages = tuple(replace(m, content=m.content.replace(CALL_FORMAT, BFCL_FORMAT))
                         if m.role == "system" and m.content else m for m in request.messages)
        reference = ModelOutput(text=render_calls(task.reference_calls(sample), sample), finish_reason="stop")
        return replace(request, messages=messages, reference_output=reference)


FCBENCH = FcbenchRules("fcbench", "fcbench's own rules; differences from BFCL in docs/bfcl-differences.md")
BFCL = BfclRules("bfcl", "BFCL's decoders and AST checker (bfcl-eval 2026.3.23) where a BFCL category applies",
                 reads_native_text=False)
PROFILES: dict[str, RulesProfile] = {p.name: p for p in (FCBENCH, BFCL)}
DEFAULT = FCBENCH.name


def profile(name: str) -> RulesProfile:
    """The profile of that name; `KeyError` for an unknown one (the CLI checks first)."""
    return PROFILES[name]
