"""Executing predicted calls on the simulated tools, resolving ``$label.field$`` references.

Used by the execution win rate (NESTFUL's "win"): a prediction wins when the
result of its last call equals the gold result, whatever path it took.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from fcbench.records import ToolCall, record
from fcbench.scoring.references import Reference, assign_labels, parse_reference


class _Unresolved(Exception):
    pass


@record
class ExecutionTrace:
    """Per-call results in order; a call whose references could not be resolved
    (or whose execution blew up) has ``{"error": ...}`` as result."""

    labels: tuple[str, ...]
    results: tuple[Any, ...]

    @property
    def final(self) -> Any:
        """The result of the last call (None when nothing was executed)."""
        return self.results[-1] if self.results else None

    def is_error(self, index: int) -> bool:
        r = self.results[index]
        return isinstance(r, dict) and set(r) == {"error"}


def resolve(value: Any, outputs: dict[str, Any], _depth: int = 0) -> Any:
    """`value` with every whole-string reference replaced by the referenced output field."""
    if _depth > 100:
        raise _Unresolved("value nested too deeply")
    ref = parse_reference(value)
    if ref is not None:
        return _lookup(ref, outputs)
    if isinstance(value, (list, tuple)):
        return [resolve(v, outputs, _depth + 1) for v in value]
    if isinstance(value, dict):
        return {k: resolve(v, outputs, _depth + 1) for k, v in value.items()}
    return value


def _lookup(ref: Reference, outputs: dict[str, Any]) -> Any:
    if ref.label not in outputs:
        raise _Unresolved(f"{ref}: no earlier call labelled {ref.label}")
    node = outputs[ref.label]
    if isinstance(node, dict) and set(node) == {"error"}:
        raise _Unresolved(f"{ref}: call {ref.label} failed")
    for step in ref.path:
        if isinstance(node, dict) and step in node:
            node = node[step]
        elif isinstance(node, list) and step.isdigit() and int(step) < len(node):
            node = node[int(step)]
        else:
            raise _Unresolved(f"{ref}: no field {step!r}")
    return node


def execute_calls(calls: Sequence[ToolCall], world_seed: int) -> ExecutionTrace:
    """Run `calls` in order on a fresh ``World(world_seed)``. Never raises.

    Unlabelled calls get positional labels (var1, var2, ...). A reference can
    only reach calls already executed, so references to later labels fail.
    """
    from fcbench.data.generator.tooling import World, run_tool

    labelled = assign_labels(calls)
    world = World(world_seed)
    outputs: dict[str, Any] = {}
    results: list[Any] = []
    for call in labelled:
        try:
            args = resolve(call.arguments if isinstance(call.arguments, dict) else {}, outputs)
            result = run_tool(world, str(call.name), args)
        except _Unresolved as exc:
            result = {"error": f"unresolved reference {exc}"}
        except Exception as exc:  # noqa: BLE001 - a simulated tool must never take the scorer down
            result = {"error": f"execution failed: {type(exc).__name__}"}
        results.append(result)
        outputs[str(call.label)] = result
    return ExecutionTrace(tuple(str(c.label) for c in labelled), tuple(results))


#: execution results are computed: a looser tolerance than argument values get (NESTFUL rounds
#: a predicted float to the gold's decimals before comparing)
RESULT_REL_TOL = 1e-6
RESULT_ABS_TOL = 1e-9


def results_equal(a: Any, b: Any, _depth: int = 0) -> bool:
    """Structural equality of JSON results with numeric tolerance (rel 1e-6, abs 1e-9).

    ints and floats compare as numbers, bool only equals bool, a tuple equals a
    list (NESTFUL accepts both), dicts need the same keys, lists the same order.
    """
    if _depth > 200:
        return False
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        try:
            return math.isclose(a, b, rel_tol=RESULT_REL_TOL, abs_tol=RESULT_ABS_TOL)
        except (TypeError, OverflowError):
            return False
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(results_equal(x, y, _depth + 1) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(results_equal(a[k], b[k], _depth + 1) for k in a)
    return type(a) is type(b) and a == b


def execution_win(calls: Sequence[ToolCall], gold: Any, metadata: Any) -> bool | None:
    """NESTFUL's win: does executing `calls` give the gold ``result``?

    None (not reported) when the sample has no integer ``world_seed`` in its
    metadata or no ``result`` in its gold; False when there are no calls.
    """
    seed = metadata.get("world_seed") if isinstance(metadata, dict) else None
    if isinstance(seed, bool) or not isinstance(seed, int):
        return None
    if not isinstance(gold, dict) or "result" not in gold:
        return None
    if not calls:
        return False
    return results_equal(execute_calls(calls, seed).final, gold["result"])
