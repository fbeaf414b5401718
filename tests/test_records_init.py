"""`fcbench.records.record`'s ``__init__`` against the one dataclasses generates, on every record
class of fcbench and the task plugins: same parameters, the same instance afterwards (fields,
defaults, fresh default-factory values, ``__post_init__``), still frozen."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil

import pytest

import fcbench
from fcbench.records import RECORDS
from fcbench.task_registry import discover_tasks

SKIP = ("fcbench.__main__", "fcbench.models.vllm", "fcbench.running.ray", "fcbench.cli.ray")  # runs; extras


def _load_all() -> None:
    for info in pkgutil.walk_packages(fcbench.__path__, "fcbench."):
        if not info.name.startswith(SKIP):
            try:
                importlib.import_module(info.name)
            except ImportError:  # an optional extra that is not installed
                pass
    discover_tasks()


_load_all()
CLASSES = sorted(RECORDS, key=lambda c: f"{c.__module__}.{c.__qualname__}")


class Value:
    """A stand-in argument: any field accepts it, and equal ones compare equal."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Value) and other.name == self.name

    __hash__ = None  # type: ignore[assignment]


def test_every_record_class_is_found():
    names = {c.__name__ for c in CLASSES}
    assert {"ToolCall", "ModelOutput", "SampleResult", "Request", "CallCheck", "ParsedCalls"} <= names
    assert len(CLASSES) >= 60


@pytest.mark.parametrize("cls", CLASSES, ids=[f"{c.__module__}.{c.__qualname__}" for c in CLASSES])
def test_record_init_equals_the_dataclass_init(cls):
    generated = RECORDS[cls]
    assert list(inspect.signature(cls.__init__).parameters) == list(inspect.signature(generated).parameters)
    post_init = getattr(cls, "__post_init__", None)
    fields = [f for f in dataclasses.fields(cls) if f.init]
    required = {f.name: Value(f.name) for f in fields
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING}
    for kwargs in (required, {f.name: Value(f.name) for f in fields}):
        if post_init is not None:  # a validating __post_init__ rejects stand-ins: compare what it raises
            outcomes = []
            for init in (cls.__init__, generated):
                obj = object.__new__(cls)
                try:
                    init(obj, **kwargs)
                    outcomes.append(("ok", dict(obj.__dict__)))
                except Exception as exc:  # noqa: BLE001 - the same exception is the point
                    outcomes.append((type(exc), str(exc)))
            assert outcomes[0] == outcomes[1]
            continue
        ours, theirs = object.__new__(cls), object.__new__(cls)
        cls.__init__(ours, **kwargs)
        generated(theirs, **kwargs)
        assert ours.__dict__ == theirs.__dict__
        for f in dataclasses.fields(cls):
            if f.default_factory is not dataclasses.MISSING and f.name not in kwargs:
                assert ours.__dict__[f.name] is not theirs.__dict__[f.name], "a fresh value per instance"
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(ours, fields[0].name if fields else "x", 1)


def test_positional_and_keyword_arguments_and_replace():
    from fcbench.records import ModelOutput, ToolCall

    call = ToolCall("f", {"a": 1}, "v1")
    assert (call.name, call.arguments, call.label, call.id) == ("f", {"a": 1}, "v1", None)
    assert ToolCall("f").arguments == {} and ToolCall("f").arguments is not ToolCall("f").arguments
    out = ModelOutput(text="x", tool_calls=(call,))
    assert dataclasses.replace(out, text="y") == ModelOutput(text="y", tool_calls=(call,))
    with pytest.raises(TypeError):
        ToolCall()  # the name is required, as in the dataclass
