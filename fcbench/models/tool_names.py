"""Tool names the APIs accept, and the way back to the library's names.

Libraries imported from BFCL keep names such as ``calc.area``; OpenAI and
Anthropic accept only ``^[A-Za-z0-9_-]{1,64}$``. Like BFCL's own handlers, a
backend sends ``calc_area`` and maps the model's calls back to ``calc.area``.
"""

from __future__ import annotations

import re
from dataclasses import replace

from fcbench.records import ModelOutput, Request, ToolCall

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def api_safe_names(request: Request) -> tuple[Request, dict[str, str]]:
    """The request with API-safe tool names, and the map from safe name back to the library's.

    Names that are already safe, or whose safe form would collide with another
    tool, are left alone.
    """
    safe: dict[str, str] = {}
    for tool in request.tools:
        candidate = _UNSAFE.sub("_", tool.name)[:64]
        if candidate != tool.name:
            safe[tool.name] = candidate
    taken = {t.name for t in request.tools if t.name not in safe}
    safe = {old: new for old, new in safe.items()
            if new not in taken and list(safe.values()).count(new) == 1}
    if not safe:
        return request, {}

    def rename_calls(calls: tuple[ToolCall, ...]) -> tuple[ToolCall, ...]:
        return tuple(replace(c, name=safe.get(c.name, c.name)) for c in calls)

    messages = tuple(replace(m, tool_calls=rename_calls(m.tool_calls), name=safe.get(m.name, m.name))
                     for m in request.messages)
    tools = tuple(replace(t, name=safe.get(t.name, t.name)) for t in request.tools)
    return replace(request, messages=messages, tools=tools), {new: old for old, new in safe.items()}


def restore_names(output: ModelOutput, back: dict[str, str]) -> ModelOutput:
    """Calls named with an API-safe name get the library's name again."""
    if not back or not output.tool_calls:
        return output
    return replace(output, tool_calls=tuple(replace(c, name=back.get(c.name, c.name)) for c in output.tool_calls))
