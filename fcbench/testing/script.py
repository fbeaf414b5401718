"""The emulated server's script: every sample of a suite, indexed by conversation.

At start the script loads the chosen tasks' samples and builds, for each
sample, fcbench's own request in both modes (`Task.build_request`). Each
request's conversation (`fcbench.testing.conversation`) is indexed twice, by
its strict key and its loose key, with the sample, the mode and the reference
output. A client request is matched by its strict key first, then by its loose
key; a key shared by samples whose answers differ is reported as ambiguous
rather than answered at random.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Mapping, Sequence

from fcbench.errors import UsageError
from fcbench.records import ModelOutput, Sample, record
from fcbench.running.conversation import first_request, not_executable
from fcbench.task import Task
from fcbench.task_registry import discover_tasks, select_tasks
from fcbench.testing.agents import InteractiveTarget, opening
from fcbench.testing.behaviours import Target
from fcbench.testing.chance import pick_behaviour
from fcbench.testing.config import ServerConfig, parse_behaviour_mix
from fcbench.testing.conversation import Conversation, from_messages

MODES = ("native", "prompt")


class NoMatch(Exception):
    """The request's conversation is not (unambiguously) one of the script's samples."""


@record
class ScriptEntry:
    task: str
    sample_id: str
    behaviour: str
    target: Target
    #: set on the entries of interactive conversations (``--protocol interactive``)
    interactive: InteractiveTarget | None = None

    @property
    def key(self) -> str:
        """The sample's name in stats: ``task/sample_id``."""
        return f"{self.task}/{self.sample_id}"

    def answer_signature(self) -> tuple:
        ref = self.target.reference
        return (self.target.mode, ref.text, tuple(repr(c.to_dict()) for c in ref.tool_calls), self.behaviour)


def _distinct(entries: Sequence[ScriptEntry]) -> list[ScriptEntry]:
    """Entries that would answer differently (the first of each answer kept)."""
    seen: dict[tuple, ScriptEntry] = {}
    for e in entries:
        seen.setdefault(e.answer_signature(), e)
    return list(seen.values())


class Script:
    """Indexed entries (two per sample: native and prompt) and each sample's behaviour."""

    def __init__(self, indexed: Iterable[tuple[ScriptEntry, Conversation]],
                 behaviours: Mapping[str, str]):
        self._strict: dict[str, list[ScriptEntry]] = {}
        self._loose: dict[str, list[ScriptEntry]] = {}
        self._opening: dict[str, list[ScriptEntry]] = {}  # interactive conversations by their opening
        self.entries: list[ScriptEntry] = []
        for entry, conv in indexed:
            self.entries.append(entry)
            if entry.interactive is not None:
                self._opening.setdefault(conv.strict_key(), []).append(entry)
                continue
            self._strict.setdefault(conv.strict_key(), []).append(entry)
            self._loose.setdefault(conv.loose_key(), []).append(entry)
        # Keep one entry per distinct answer: identical samples are not ambiguous.
        self._strict = {k: _distinct(v) for k, v in self._strict.items()}
        self._loose = {k: _distinct(v) for k, v in self._loose.items()}
        self._behaviours = dict(behaviours)
        #: samples per task
        self.loaded: dict[str, int] = {}
        for key in self._behaviours:
            task = key.split("/", 1)[0]
            self.loaded[task] = self.loaded.get(task, 0) + 1

    # ---------------------------------------------------------------- building
    @classmethod
    def from_samples(cls, pairs: Iterable[tuple[Task, Sample]], *,
                     behaviour: str | Mapping[str, float] = "gold", seed: int = 0) -> Script:
        """A script for explicit (task, sample) pairs; behaviours picked per sample."""
        mix = parse_behaviour_mix(behaviour)
        indexed: list[tuple[ScriptEntry, Conversation]] = []
        behaviours: dict[str, str] = {}
        for task, sample in pairs:
            sample_key = f"{task.name}/{sample.id}"
            chosen = pick_behaviour(mix, seed, sample_key)
            behaviours[sample_key] = chosen
            for mode in MODES:
                request = task.build_request(sample, mode)
                if request.reference_output is None:
                    continue
                # The calls behind the reference: parsed calls in native mode; in prompt
                # mode the task's reference calls (with labels), which the text renders.
                calls = (request.reference_output.tool_calls if mode == "native"
                         else task.reference_calls(sample))
                target = Target(sample.id, mode, request.expects, request.reference_output,
                                tuple(calls), tuple(request.library or sample.tools),
                                dict(sample.gold))
                entry = ScriptEntry(task.name, sample.id, chosen, target)
                tool_names = [t.name for t in request.tools]
                indexed.append((entry, from_messages(request.messages, tool_names)))
            if task.interactive and not_executable(sample) is None:
                for mode in MODES:
                    request = first_request(task, sample, mode)
                    target = Target(sample.id, mode, "calls", ModelOutput(), (), tuple(sample.tools), dict(sample.gold))
                    entry = ScriptEntry(task.name, sample.id, chosen, target, InteractiveTarget(task, sample, mode))
                    indexed.append((entry, from_messages(request.messages, [t.name for t in request.tools])))
        return cls(indexed, behaviours)

    @classmethod
    def load(cls, config: ServerConfig, registry: Mapping[str, Task] | None = None) -> Script:
        """The samples of `config` (tasks, suite, split, limit per task) from the task registry."""
        available = dict(registry) if registry is not None else discover_tasks()
        spec = config.tasks if isinstance(config.tasks, str) else ",".join(config.tasks)
        explicit = spec.strip() not in ("", "all")
        suite = Path(config.suite) if config.suite else None
        pairs: list[tuple[Task, Sample]] = []
        for task in select_tasks(spec, available):
            try:
                path: Path | None = task.data_file(config.split, suite)
            except FileNotFoundError:  # a task without built-in data
                path = None
            if path is None or not path.is_file():
                if explicit:
                    raise UsageError(f"task {task.name}: no {config.split} data ({path or 'no data folder'})")
                continue  # "all": tasks without data in this suite are skipped
            samples = task.load(config.split, suite)
            limit = config.limit if config.limit is not None else len(samples)
            pairs.extend((task, s) for s in samples[:limit])
        if not pairs:
            raise UsageError(f"emulated server: no samples found for tasks={spec!r} "
                             f"split={config.split!r} suite={suite}")
        return cls.from_samples(pairs, behaviour=config.behaviour, seed=config.seed)

    # ---------------------------------------------------------------- queries
    def __len__(self) -> int:
        return len(self._behaviours)

    def behaviours(self) -> dict[str, str]:
        """``task/sample_id`` -> behaviour, for tests and benchmarks that predict scores."""
        return dict(self._behaviours)

    def ambiguities(self) -> list[str]:
        """Conversations shared by samples that answer differently (each answered 400)."""
        found = []
        for distinct in self._strict.values():
            if len(distinct) > 1:
                found.append(", ".join(sorted(f"{e.key} ({e.target.mode})" for e in distinct)))
        return sorted(found)

    def match(self, conv: Conversation) -> ScriptEntry:
        """The entry a request is for, or `NoMatch` with a message that says why."""
        strict = self._strict.get(conv.strict_key(), [])
        if len(strict) == 1:
            return strict[0]
        if not strict and self._opening:
            talking = self._opening.get(opening(conv).strict_key(), [])
            if talking:
                return talking[0]
        loose = strict or self._loose.get(conv.loose_key(), [])
        if len(loose) == 1:
            return loose[0]
        if loose:
            ids = ", ".join(sorted(f"{e.key} ({e.target.mode})" for e in loose)[:5])
            raise NoMatch(f"emulated server: conversation is ambiguous between samples {ids}: "
                          f"{conv.describe()}")
        mode = "native (tools given)" if conv.has_tools else "prompt (no tools)"
        raise NoMatch(f"emulated server: no sample of the script matches this {mode} conversation: "
                      f"{conv.describe()}")
