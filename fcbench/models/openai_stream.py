"""A streamed Chat Completions answer (server-sent events) put back together as one completion.

fcbench asks for one JSON answer, but some servers and proxies stream whatever is asked, and
a user may ask for a stream themselves (``-M extra_body='{"stream": true}'``). Such a body is
``data: {chunk}`` events ending with ``data: [DONE]``; `completion_from_events` folds the
chunks' deltas into the ``chat.completion`` the server would have sent unstreamed, so the
answer is read by `fcbench.models.openai_wire.parse_chat_response` like any other:

* ``content``: the pieces joined; ``finish_reason`` and ``usage``: the last given;
* ``tool_calls``: by ``index``, in the order of their indexes: the first ``id`` and name given
  (a name comes whole; some servers repeat it in every chunk), the ``arguments`` pieces joined.

A body that is not such a stream (no ``data:`` line that holds a JSON chunk), or a stream cut
off before its end (neither ``[DONE]`` nor a ``finish_reason``), gives None; an event holding
an ``error`` gives that error alone (no ``choices``), which the reader turns into an
infrastructure failure, as for an unstreamed error. An event that is not JSON, or a chunk of an
unexpected shape, is skipped. Only the first choice is read, as for unstreamed answers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fcbench.parsing.intake import JsonError, loads


def looks_like_events(data: bytes, content_type: str | None) -> bool:
    """Is this answer body a server-sent event stream?"""
    return (content_type or "").lower().startswith("text/event-stream") or data.lstrip()[:5] == b"data:"


def answer_json(data: bytes, content_type: str | None, fold: Callable[[bytes], Any] | None) -> Any:
    """The JSON answer of a response body: the body itself or, when the server streamed although
    one answer was asked for, what `fold` makes of its events (`completion_from_events` for Chat
    Completions; None where the API has no folder). Raises `JsonError` when it is neither."""
    try:
        return loads(data)
    except JsonError:
        folded = fold(data) if fold is not None and looks_like_events(data, content_type) else None
        if folded is None:
            raise
        return folded


def _arguments(pieces: list[Any]) -> Any:
    """A call's ``arguments`` from its pieces: text pieces joined (none: no arguments); one piece
    of another kind (an object sent whole) as it is; a mix as the list, which the reader then
    calls malformed (arguments that are not an object)."""
    if all(isinstance(piece, str) for piece in pieces):
        return "".join(pieces)
    return pieces[0] if len(pieces) == 1 else pieces


def completion_from_events(data: bytes) -> dict[str, Any] | None:
    """The ``chat.completion`` that the events in `data` spell, or None when there is none."""
    content: str | None = None
    calls: dict[int, dict[str, Any]] = {}
    finish_reason = usage = None
    role = "assistant"
    chunks = 0
    done = False
    for line in data.decode("utf-8", errors="replace").splitlines():
        if not line.startswith("data:"):
            continue  # event names, ids, comments, blank separators
        payload = line[5:].strip()
        if payload == "[DONE]":
            done = True
            break
        try:
            chunk = loads(payload)
        except JsonError:
            continue
        if not isinstance(chunk, dict):
            continue
        if chunk.get("error") is not None:
            return {"error": chunk["error"]}  # the server failed mid-stream: no completion (an infra fault)
        chunks += 1
        if isinstance(chunk.get("usage"), dict):
            usage = chunk["usage"]
        choices = chunk.get("choices")
        choice = choices[0] if isinstance(choices, list) and choices and isinstance(choices[0], dict) else {}
        if choice.get("finish_reason") is not None:
            finish_reason = choice["finish_reason"]
        delta = choice.get("delta")
        if not isinstance(delta, dict):
            continue
        if isinstance(delta.get("role"), str):
            role = delta["role"]
        if isinstance(delta.get("content"), str):
            content = (content or "") + delta["content"]
        for piece in delta.get("tool_calls") or ():
            if not isinstance(piece, dict):
                continue
            index = piece.get("index")
            key = index if isinstance(index, int) and not isinstance(index, bool) else len(calls)
            call = calls.get(key)
            if call is None:
                call = calls[key] = {"id": None, "name": None, "pieces": []}
            if call["id"] is None and piece.get("id") is not None:
                call["id"] = piece["id"]
            function = piece.get("function")
            if isinstance(function, dict):
                if call["name"] is None and function.get("name") is not None:
                    call["name"] = function["name"]  # sent whole, once (some servers repeat it)
                if function.get("arguments") is not None:
                    call["pieces"].append(function["arguments"])
    if not chunks or (not done and finish_reason is None):
        return None  # not a stream, or one cut off before its end
    message: dict[str, Any] = {"role": role, "content": content or None}
    if calls:
        message["tool_calls"] = [{"id": call["id"], "type": "function",
                                  "function": {"name": call["name"], "arguments": _arguments(call["pieces"])}}
                                 for _, call in sorted(calls.items())]
    body: dict[str, Any] = {"object": "chat.completion",
                            "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}]}
    if usage is not None:
        body["usage"] = usage
    return body
