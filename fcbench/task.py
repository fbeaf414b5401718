"""The task plugin API.

A task is a class with a name, a version, a description, its declared metrics
(`fcbench.scoring.metrics.Metric`) and four jobs: load its samples, build the
request for a sample (native or prompt mode), score one model output, and
aggregate per-sample scores into metrics. `CallTask` is the base of tasks whose
gold is a list of calls: it writes the reference calls and the verdict.

A ``prompt.md`` beside a task's module is its prompt-mode instruction (unless the
class sets `prompt_instruction` itself).

Built-in tasks live in ``tasks/<name>/`` (installed as ``fcbench_tasks.<name>``)
and expose their class as ``TASK``; third-party packages register theirs under
the ``fcbench.tasks`` entry-point group. Neither needs the runner to change.

Data layout: a *suite* is a folder with one sub-folder per task holding
``test.jsonl`` (and optionally ``dev.jsonl``). The built-in suite is the
``data/`` folder inside each task package.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Awaitable, Callable, ClassVar, Literal, Sequence

from fcbench.data.samples import load_samples
from fcbench.parsing import CALL_FORMAT
from fcbench.records import Message, Mode, ModelOutput, Request, Sample, Score, ToolCall
from fcbench.scoring import taxonomy
from fcbench.scoring.calls import canonical_call, gold_name
from fcbench.scoring.gold import gold_calls
from fcbench.scoring.metrics import Metric, aggregate, pass_rate
from fcbench.scoring.outputs import gate_failure

Expects = Literal["calls", "text"]


class Task:
    """Base class for task plugins. Subclasses set the class attributes and `score`."""

    name: ClassVar[str]
    version: ClassVar[str] = "1"
    description: ClassVar[str] = ""
    main_metric: ClassVar[str] = "accuracy"
    #: every metric the task reports, declared once (aggregation, direction, label)
    metrics: ClassVar[tuple[Metric, ...]] = (pass_rate(),)
    #: declared metrics shown beside the main one in reports, in order
    report_metrics: ClassVar[tuple[str, ...]] = ()
    expects: ClassVar[Expects] = "calls"
    #: several dependent or independent calls: ``--protocol interactive`` runs the sample as a
    #: tool-use conversation (`fcbench.running.conversation`); single decisions leave this False
    interactive: ClassVar[bool] = False
    # JSON Schema for a sample's `gold`; checked when samples are loaded.
    gold_schema: ClassVar[dict[str, Any] | None] = None
    # Instruction for prompt mode (the tool library and format are appended).
    prompt_instruction: ClassVar[str] = "You can call the functions listed below."

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "prompt_instruction" not in cls.__dict__:
            try:
                prompt = Path(inspect.getfile(cls)).with_name("prompt.md")
            except (TypeError, OSError):  # a class defined interactively has no file
                return
            if prompt.is_file():
                cls.prompt_instruction = prompt.read_text(encoding="utf-8").strip()

    def __init__(self, root: Path | None = None):
        #: the task's folder; its ``data/`` sub-folder holds the built-in suite.
        self.root = Path(root) if root else None

    @classmethod
    def metric(cls, name: str) -> Metric | None:
        """The declaration of one of the task's metrics (None when it declares none of that name)."""
        return next((m for m in cls.metrics if m.name == name), None)

    # ---------------------------------------------------------------- data
    def data_file(self, split: str = "test", suite_dir: Path | None = None) -> Path:
        if suite_dir is not None:
            return Path(suite_dir) / self.name / f"{split}.jsonl"
        if self.root is None:
            raise FileNotFoundError(f"task {self.name} has no built-in data")
        return self.root / "data" / f"{split}.jsonl"

    def load(self, split: str = "test", suite_dir: Path | None = None) -> list[Sample]:
        return load_samples(self.data_file(split, suite_dir), task=self.name, gold_schema=self.gold_schema)

    def count(self, split: str = "test", suite_dir: Path | None = None) -> int:
        """Number of samples, without parsing them (for `fcbench list`)."""
        path = self.data_file(split, suite_dir)
        if not path.exists():
            return 0
        with path.open("rb") as fh:
            return sum(1 for line in fh if line.strip())

    # ------------------------------------------------------------- request
    def build_request(self, sample: Sample, mode: Mode) -> Request:
        """Default: native passes tools through the API; prompt describes them in a system message."""
        reference = self.reference_output(sample, mode)
        if mode == "native":
            return Request(sample.id, self.name, mode, sample.messages, sample.tools,
                           tool_choice=self.tool_choice(sample),
                           parallel_tool_calls=self.parallel_calls(sample),
                           reference_output=reference, library=sample.tools, expects=self.expects)
        system = Message("system", self.prompt_system(sample))
        return Request(sample.id, self.name, mode, (system, *self.prompt_messages(sample)), (),
                       tool_choice="none", reference_output=reference, library=sample.tools,
                       expects=self.expects)

    def tool_choice(self, sample: Sample) -> str:
        return "auto"

    def parallel_calls(self, sample: Sample) -> bool:
        return True

    def prompt_system(self, sample: Sample) -> str:
        library = json.dumps([t.to_dict() for t in sample.tools], indent=1, ensure_ascii=False)
        parts = [self.prompt_instruction, f"Functions:\n{library}"]
        if self.expects == "calls":
            parts.append(CALL_FORMAT)
        return "\n\n".join(parts)

    def prompt_messages(self, sample: Sample) -> tuple[Message, ...]:
        """The sample's conversation rendered for a model that has no tool API.

        Earlier assistant calls become JSON text and tool results become user
        turns, so any chat model can read them.
        """
        return self.render_messages(sample.messages)

    def render_messages(self, messages: Sequence[Message]) -> tuple[Message, ...]:
        """`messages` in the text convention of prompt mode (see `prompt_messages`)."""
        out: list[Message] = []
        for m in messages:
            if m.role == "assistant" and m.tool_calls:
                out.append(Message("assistant", render_calls(m.tool_calls)))
            elif m.role == "tool":
                out.append(Message("user", f"Output of {m.name or 'the function'}: {m.content}"))
            else:
                out.append(m)
        return tuple(out)

    # -------------------------------------------------------------- oracle
    def reference_calls(self, sample: Sample) -> list[ToolCall]:
        """The calls a perfect model makes (call tasks override)."""
        return []

    def reference_text(self, sample: Sample) -> str | None:
        """The text a perfect model writes (text tasks override)."""
        return None

    def reference_output(self, sample: Sample, mode: Mode) -> ModelOutput:
        calls = tuple(self.reference_calls(sample))
        text = self.reference_text(sample)
        if mode == "prompt" and self.expects == "calls":
            return ModelOutput(text=render_calls(calls), finish_reason="stop")
        return ModelOutput(text=text, tool_calls=calls,
                           finish_reason="tool_calls" if calls else "stop")

    # ------------------------------------------------------------- scoring
    def prepare_scoring(self) -> None:
        """Load what `score` needs that is slow to load (a metric library, a model).

        The runner calls this before the run's first request: answers are scored on the event
        loop, and a two-second import there would hold every answer in flight (and add to each
        one's measured latency). By default there is nothing to load.
        """

    def score(self, sample: Sample, output: ModelOutput) -> Score:
        raise NotImplementedError

    def aggregate(self, scores: Sequence[Score]) -> dict[str, float]:
        """Every declared metric over the scores; tasks with ``custom`` metrics add theirs."""
        return aggregate(self.metrics, scores)

    async def judge(self, sample: Sample, output: ModelOutput, score: Score,
                    generate: Callable[[Request], Awaitable[ModelOutput]]) -> Score:
        """Optional model-graded scoring (``fcbench run --judge MODEL``); by default a no-op.

        `generate` asks the judge model. Only tasks with a judge override this;
        a judge adds metrics and details but never changes pass/fail.
        """
        return score


def render_calls(calls: Sequence[ToolCall]) -> str:
    """Calls as the JSON list format prompt mode asks for (labels kept when set)."""
    return json.dumps([c.to_dict() for c in calls], ensure_ascii=False)


class CallTask(Task):
    """A task whose gold is a list of calls (``{"calls": [...]}``).

    The perfect answer is the gold calls with their first accepted values (`canonical_call`),
    the first `reference_call_limit` of them; `verdict` turns a scorer's findings into
    pass/fail and failure categories the same way for every call task.
    """

    reference_call_limit: ClassVar[int | None] = None

    def reference_calls(self, sample: Sample) -> list[ToolCall]:
        tools = sample.tools_by_name
        golds = gold_calls(sample)[:self.reference_call_limit]
        return [canonical_call(g, tools.get(gold_name(g))) for g in golds]

    @staticmethod
    def verdict(output: ModelOutput, correct: bool, found: Iterable[str]) -> tuple[bool, tuple[str, ...]]:
        """(passed, failures): an unreadable answer or one without calls fails on that alone;
        otherwise the sample passes when the scorer found it `correct`, and fails with the
        categories it `found` (in taxonomy order)."""
        gate = gate_failure(output)
        if gate is not None:
            return False, (gate,)
        if correct:
            return True, ()
        return False, taxonomy.ordered(found)
