"""Typed records that flow through fcbench: sample -> request -> output -> result.

Plain dataclasses (one choice for the whole project) with explicit
``to_dict``/``from_dict`` so that what is written to disk is exactly what a
reader sees in this file. Nothing here imports anything else from fcbench.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields
from functools import cached_property
from types import MappingProxyType
from typing import Any, ClassVar, Literal, TypeVar

Role = Literal["system", "user", "assistant", "tool"]
Mode = Literal["native", "prompt"]
R = TypeVar("R", bound=type)


def record(cls: R) -> R:
    """``@dataclass(frozen=True)``, with an ``__init__`` that fills the instance's ``__dict__``.

    The frozen dataclass's own ``__init__`` sets each field through ``object.__setattr__``,
    about three times the cost of a plain store. fcbench builds several records per answer
    (calls, checks, scores, the result), so that was a few microseconds of every answer. This
    ``__init__`` takes the same parameters, defaults and default factories and calls
    ``__post_init__``; the rest (frozen, eq, hash, repr, `dataclasses.replace`, pickling) is the
    dataclass's own. `tests/test_records_init.py` holds the two equal on every record class.
    """
    own_init = "__init__" in cls.__dict__
    cls = dataclass(frozen=True)(cls)
    if not own_init:
        RECORDS[cls] = cls.__init__
        cls.__init__ = _dict_init(cls)  # type: ignore[misc]
    return cls


#: every `record` class -> the ``__init__`` dataclasses generated for it (the tests compare)
RECORDS: dict[type, Any] = {}
_FACTORY = object()  # the default of a parameter whose field has a default factory


def _dict_init(cls: type) -> Any:
    params: list[str] = []
    keyword_only: list[str] = []
    body: list[str] = []
    namespace: dict[str, Any] = {"_FACTORY": _FACTORY}
    for f in fields(cls):
        if f.default is not MISSING:
            namespace[f"_default_{f.name}"] = f.default
        if f.default_factory is not MISSING:
            namespace[f"_factory_{f.name}"] = f.default_factory
        if not f.init:
            if f.default is not MISSING:
                body.append(f"d[{f.name!r}] = _default_{f.name}")
            elif f.default_factory is not MISSING:
                body.append(f"d[{f.name!r}] = _factory_{f.name}()")
            continue
        if f.default is not MISSING:
            param, value = f"{f.name}=_default_{f.name}", f.name
        elif f.default_factory is not MISSING:
            param, value = f"{f.name}=_FACTORY", f"_factory_{f.name}() if {f.name} is _FACTORY else {f.name}"
        else:
            param, value = f.name, f.name
        (keyword_only if f.kw_only else params).append(param)
        body.append(f"d[{f.name!r}] = {value}")
    if hasattr(cls, "__post_init__"):
        body.append("self.__post_init__()")
    signature = ", ".join(["self", *params, *(["*", *keyword_only] if keyword_only else [])])
    source = f"def __init__({signature}):\n    d = self.__dict__\n" + "".join(f"    {line}\n" for line in body)
    exec(source, namespace)  # noqa: S102 - generated from the class's own field names, as dataclasses does
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    return init


class RecordError(ValueError):
    """A record read back from disk lacks a field or has one of the wrong type.

    The message starts with the field's path (``output/tool_calls/0/name: ...``);
    the reader adds the file and line.
    """


_KINDS: dict[str, Any] = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
}
_MISSING = object()


def kind_of(value: Any) -> str:
    """The JSON name of a value's type, for messages."""
    for kind in ("boolean", "integer", "number", "string", "object", "array"):
        if _KINDS[kind](value):
            return kind
    return "null" if value is None else type(value).__name__


def field_of(d: Any, key: str, kind: str, path: str = "", *, default: Any = _MISSING,
             nullable: bool = False) -> Any:
    """``d[key]`` checked to be of JSON `kind`; `default` when absent (required without one)."""
    where = f"{path}{key}"
    if not isinstance(d, dict):
        raise RecordError(f"{path.rstrip('/') or '(top level)'}: expected an object, got {kind_of(d)}")
    value = d.get(key, _MISSING)
    if value is _MISSING:
        if default is _MISSING:
            raise RecordError(f"{where}: missing")
        return default
    if value is None and nullable:
        return None
    if not _KINDS[kind](value):
        raise RecordError(f"{where}: expected {kind}{' or null' if nullable else ''}, got {kind_of(value)}")
    return value


def _strings(values: list[Any], path: str) -> tuple[str, ...]:
    for i, value in enumerate(values):
        if not isinstance(value, str):
            raise RecordError(f"{path}/{i}: expected string, got {kind_of(value)}")
    return tuple(values)


def _drop_empty(d: dict[str, Any]) -> dict[str, Any]:
    """Leave out None and empty containers so files stay small and readable."""
    return {k: v for k, v in d.items() if v is not None and v != [] and v != {}}


@record
class Tool:
    """A function the model may call. `parameters` and `returns` are JSON Schemas."""

    name: str
    description: str
    parameters: dict[str, Any]
    returns: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return _drop_empty({"name": self.name, "description": self.description,
                            "parameters": self.parameters, "returns": self.returns})

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Tool:
        return cls(d["name"], d.get("description", ""),
                   d.get("parameters") or {"type": "object", "properties": {}},
                   d.get("returns"))


@record
class ToolCall:
    """One call a model made (or a gold call). `label` names its output for references."""

    name: str
    arguments: dict[str, Any] = field(default_factory=dict)
    label: str | None = None
    id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"name": self.name, "arguments": self.arguments}
        if self.label is not None:
            d["label"] = self.label
        if self.id is not None:
            d["id"] = self.id
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any], path: str = "") -> ToolCall:
        return cls(field_of(d, "name", "string", path), dict(field_of(d, "arguments", "object", path, default={})),
                   field_of(d, "label", "string", path, default=None, nullable=True),
                   field_of(d, "id", "string", path, default=None, nullable=True))


@record
class Message:
    """A chat message. Assistant messages may carry calls; tool messages carry a result.

    `reasoning` is what the model thought before an assistant turn of a live conversation, in
    its API's own form (`fcbench.models.reasoning`), sent back on the next turn; it is not
    part of the message's record (`to_dict`).
    """

    role: Role
    content: str | None = None
    tool_calls: tuple[ToolCall, ...] = ()
    tool_call_id: str | None = None
    name: str | None = None  # the tool's name, on tool messages
    reasoning: dict[str, Any] | None = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return _drop_empty({"role": self.role, "content": self.content,
                            "tool_calls": [c.to_dict() for c in self.tool_calls],
                            "tool_call_id": self.tool_call_id, "name": self.name})

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Message:
        return cls(d["role"], d.get("content"),
                   tuple(ToolCall.from_dict(c) for c in d.get("tool_calls") or ()),
                   d.get("tool_call_id"), d.get("name"))


@record
class Sample:
    """One evaluation item. `gold` is task-specific and validated by the task."""

    id: str
    task: str
    messages: tuple[Message, ...]
    tools: tuple[Tool, ...]
    gold: dict[str, Any]
    metadata: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "task": self.task,
                "messages": [m.to_dict() for m in self.messages],
                "tools": [t.to_dict() for t in self.tools],
                "gold": self.gold, "metadata": self.metadata}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Sample:
        return cls(d["id"], d["task"],
                   tuple(Message.from_dict(m) for m in d["messages"]),
                   tuple(Tool.from_dict(t) for t in d.get("tools") or ()),
                   d.get("gold") or {}, d.get("metadata") or {})

    @cached_property
    def tool_names(self) -> frozenset[str]:
        """The library's function names (worked out once per sample: every scorer asks)."""
        return frozenset(t.name for t in self.tools)

    @cached_property
    def tools_by_name(self) -> Mapping[str, Tool]:
        """The library by function name (a repeated name: the last one), read-only, once per sample."""
        return MappingProxyType({t.name: t for t in self.tools})


@record
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0

    def to_dict(self) -> dict[str, int]:
        return {"prompt_tokens": self.prompt_tokens, "completion_tokens": self.completion_tokens}

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None, path: str = "") -> Usage:
        d = {} if d is None else d
        return cls(field_of(d, "prompt_tokens", "integer", path, default=0),
                   field_of(d, "completion_tokens", "integer", path, default=0))


@record
class Request:
    """What a task asks of a model for one sample: backend-neutral chat + tools.

    In native mode `tools` go through the API's tool field; in prompt mode the
    task has already described them inside `messages` and `tools` is empty.
    `reference_output` is what a perfect model would answer in this mode; only
    the oracle reads it, and it never leaves the process. `library` is the
    sample's tool library in both modes, for offline reference models that
    would otherwise have to re-read it from the prompt.
    """

    sample_id: str
    task: str
    mode: Mode
    messages: tuple[Message, ...]
    tools: tuple[Tool, ...] = ()
    tool_choice: str = "auto"  # auto | none | required
    parallel_tool_calls: bool = True
    reference_output: ModelOutput | None = None
    library: tuple[Tool, ...] = ()
    expects: Literal["calls", "text"] = "calls"
    #: backends that send API-safe tool names (``calc_area`` for ``calc.area``) map the
    #: model's calls back to the library's names; False keeps them as the model sent them
    restore_names: bool = True
    #: the turn of an interactive conversation (1, 2, ...); None for a one-turn request
    turn: int | None = None


@record
class InfraFailure:
    """Why a backend produced no answer after its retry budget was spent."""

    kind: str
    message: str
    attempts: int = 1

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "message": self.message, "attempts": self.attempts}

    @classmethod
    def from_dict(cls, d: dict[str, Any], path: str = "") -> InfraFailure:
        return cls(field_of(d, "kind", "string", path), field_of(d, "message", "string", path, default=""),
                   field_of(d, "attempts", "integer", path, default=1))


@record
class ModelOutput:
    """What came back from a backend, after parsing.

    `malformed` holds the parser's reason when the model produced something
    that looked like a call but could not be read; the raw text stays in `text`.
    `infra_error` is set (and nothing else matters) when no answer was obtained.
    `calls_in_text` says the answer's calls are to be read from its text whatever
    the request's mode (a replayed prompt-style answer).
    """

    text: str | None = None
    tool_calls: tuple[ToolCall, ...] = ()
    finish_reason: str | None = None
    usage: Usage = Usage()
    latency_s: float = 0.0
    malformed: str | None = None
    raw: Any = None
    infra_error: InfraFailure | None = None
    attempts: int = 1
    calls_in_text: bool = False

    def to_dict(self) -> dict[str, Any]:
        d = {"text": self.text, "tool_calls": [c.to_dict() for c in self.tool_calls],
             "finish_reason": self.finish_reason, "usage": self.usage.to_dict(),
             "latency_s": round(self.latency_s, 6), "malformed": self.malformed,
             "raw": self.raw, "attempts": self.attempts,
             "infra_error": self.infra_error.to_dict() if self.infra_error else None,
             "calls_in_text": self.calls_in_text or None}
        return _drop_empty(d)

    @classmethod
    def from_dict(cls, d: dict[str, Any], path: str = "") -> ModelOutput:
        """A stored output, every field checked (`RecordError` names the bad one).

        Answers from outside fcbench (replay files, servers) are read by
        `fcbench.parsing.intake` instead, which never refuses model content.
        """
        calls = field_of(d, "tool_calls", "array", path, default=[])
        infra = field_of(d, "infra_error", "object", path, default=None, nullable=True)
        return cls(field_of(d, "text", "string", path, default=None, nullable=True),
                   tuple(ToolCall.from_dict(c, f"{path}tool_calls/{i}/") for i, c in enumerate(calls)),
                   field_of(d, "finish_reason", "string", path, default=None, nullable=True),
                   Usage.from_dict(field_of(d, "usage", "object", path, default={}), f"{path}usage/"),
                   float(field_of(d, "latency_s", "number", path, default=0.0)),
                   field_of(d, "malformed", "string", path, default=None, nullable=True),
                   d.get("raw"),
                   InfraFailure.from_dict(infra, f"{path}infra_error/") if infra is not None else None,
                   field_of(d, "attempts", "integer", path, default=1),
                   field_of(d, "calls_in_text", "boolean", path, default=False))


@record
class Score:
    """A task's verdict on one sample.

    `metrics` are per-sample numbers the task aggregates (rates, or tp/fp/fn
    counts for micro-averaged F1). `failures` is the list of failure categories
    from `fcbench.scoring.taxonomy`; a failed sample always has at least one.
    """

    passed: bool
    metrics: dict[str, float]
    failures: tuple[str, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)


@record
class SampleResult:
    """One line of ``samples.jsonl``: the sample's output and its score.

    `status` is ``scored`` or ``infra_error``; infrastructure failures carry no
    score, are excluded from metrics, and are re-run by ``--resume``. `notes` say
    what the run store had to change to write the line (a cut-off text, say).
    """

    sample_id: str
    task: str
    status: Literal["scored", "infra_error"]
    output: ModelOutput
    passed: bool | None = None
    metrics: dict[str, float] = field(default_factory=dict)
    failures: tuple[str, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    STATUSES: ClassVar[tuple[str, ...]] = ("scored", "infra_error")

    def to_dict(self) -> dict[str, Any]:
        d = {"sample_id": self.sample_id, "task": self.task, "status": self.status,
             "passed": self.passed, "metrics": self.metrics,
             "failures": list(self.failures), "details": self.details,
             "output": self.output.to_dict()}
        if self.notes:
            d["notes"] = list(self.notes)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SampleResult:
        """A ``samples.jsonl`` line, every field checked (`RecordError` names the bad one)."""
        status = field_of(d, "status", "string")
        if status not in cls.STATUSES:
            raise RecordError(f"status: unknown status {status!r} (known: {', '.join(cls.STATUSES)})")
        passed = field_of(d, "passed", "boolean", default=None, nullable=True)
        if status == "scored" and passed is None:
            raise RecordError("passed: a scored result must say true or false")
        metrics = field_of(d, "metrics", "object", default={})
        for name, value in metrics.items():
            if not _KINDS["number"](value):
                raise RecordError(f"metrics/{name}: expected number, got {kind_of(value)}")
        return cls(field_of(d, "sample_id", "string"), field_of(d, "task", "string"), status,
                   ModelOutput.from_dict(field_of(d, "output", "object", default={}), "output/"),
                   passed, dict(metrics), _strings(field_of(d, "failures", "array", default=[]), "failures"),
                   dict(field_of(d, "details", "object", default={})),
                   _strings(field_of(d, "notes", "array", default=[]), "notes"))
