"""Whole-string references ``$label.field$`` between calls, and positional labels.

``"$var1.city_id$"`` means field ``city_id`` of the output of the earlier call
labelled ``var1``. A field may be a dotted path (``$var2.highs.0$``); only its
first segment is checked against the tool's ``returns`` schema. References
only count when they are the whole string: ``"in $var1.city$"`` is plain text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from fcbench.records import Tool, ToolCall, record

_REFERENCE = re.compile(r"^\$([^\s.$]+)\.([^\s$]+)\$$")


@record
class Reference:
    label: str
    field: str  # dotted path; `path[0]` is the returns-schema field

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(self.field.split("."))

    def __str__(self) -> str:
        return f"${self.label}.{self.field}$"


def parse_reference(value: Any) -> Reference | None:
    """The reference a value is, or None (non-strings and partial-string mentions are not)."""
    if not isinstance(value, str) or "$" not in value:
        return None
    m = _REFERENCE.match(value.strip())
    return Reference(m.group(1), m.group(2)) if m else None


def iter_references(value: Any, _depth: int = 0) -> Iterator[Reference]:
    """Every reference in a JSON value, including inside arrays and objects, in document order."""
    if _depth > 100:
        return
    ref = parse_reference(value)
    if ref is not None:
        yield ref
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from iter_references(v, _depth + 1)
    elif isinstance(value, dict):
        for k in value:
            yield from iter_references(value[k], _depth + 1)


def call_references(call: ToolCall) -> list[Reference]:
    args = call.arguments if isinstance(call.arguments, dict) else {}
    return list(iter_references(args))


def positional_label(index: int) -> str:
    """The label the native-mode convention gives the call at 0-based `index`: var1, var2..."""
    return f"var{index + 1}"


def assign_labels(calls: Sequence[ToolCall]) -> list[ToolCall]:
    """Calls with every missing label set to ``var<position>`` (1-based); set labels are kept."""
    out = []
    for i, call in enumerate(calls):
        label = call.label if isinstance(call.label, str) and call.label else positional_label(i)
        out.append(call if label == call.label else ToolCall(call.name, call.arguments, label, call.id))
    return out


def rewrite_references(value: Any, mapping: Mapping[str, str], _depth: int = 0) -> Any:
    """`value` with each reference's label renamed through `mapping` (unmapped labels kept)."""
    if _depth > 100:
        return value
    ref = parse_reference(value)
    if ref is not None:
        return str(Reference(mapping.get(ref.label, ref.label), ref.field))
    if isinstance(value, (list, tuple)):
        return [rewrite_references(v, mapping, _depth + 1) for v in value]
    if isinstance(value, dict):
        return {k: rewrite_references(v, mapping, _depth + 1) for k, v in value.items()}
    return value


@record
class ReferenceProblem:
    call_index: int
    reference: str
    reason: str  # "unknown label" | "later label" | "self reference" | "unknown field" | "unknown function"


def reference_problems(calls: Sequence[ToolCall], tools: Sequence[Tool] | Mapping[str, Tool]
                       ) -> list[ReferenceProblem]:
    """Every reference that does not name an EARLIER call's label and a field of its returns schema.

    `calls` must already be labelled (see `assign_labels`). When a label is
    used twice, a reference means the latest earlier call with it. A referenced
    call whose function is not in `tools` is a problem; a tool without a
    ``returns`` schema accepts any field (nothing to check against).
    """
    by_name = tools if isinstance(tools, Mapping) else {t.name: t for t in tools}
    labels_at: dict[str, list[int]] = {}
    for i, call in enumerate(calls):
        labels_at.setdefault(str(call.label), []).append(i)
    problems: list[ReferenceProblem] = []
    for i, call in enumerate(calls):
        for ref in call_references(call):
            positions = labels_at.get(ref.label, [])
            earlier = [j for j in positions if j < i]
            if not earlier:
                reason = ("self reference" if i in positions else
                          "later label" if positions else "unknown label")
                problems.append(ReferenceProblem(i, str(ref), reason))
                continue
            target = calls[earlier[-1]]
            tool = by_name.get(target.name)
            if tool is None:
                problems.append(ReferenceProblem(i, str(ref), "unknown function"))
                continue
            fields = returns_fields(tool)
            if fields is not None and ref.path[0] not in fields:
                problems.append(ReferenceProblem(i, str(ref), "unknown field"))
    return problems


def returns_fields(tool: Tool) -> set[str] | None:
    """Field names of the tool's returns schema, or None when it declares none."""
    returns = tool.returns
    if isinstance(returns, dict) and isinstance(returns.get("properties"), dict):
        return set(returns["properties"])
    return None
