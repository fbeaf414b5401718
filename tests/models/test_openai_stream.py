"""Folding a streamed Chat Completions answer back into one completion (`fcbench.models.openai_stream`)."""

from __future__ import annotations

import json

import pytest

from fcbench.errors import InfraError
from fcbench.models.openai_stream import completion_from_events, looks_like_events
from fcbench.models.openai_wire import parse_chat_response


def events(*chunks, done: bool = True, extra: str = "") -> bytes:
    lines = [f"data: {c if isinstance(c, str) else json.dumps(c)}\n\n" for c in chunks]
    return (extra + "".join(lines) + ("data: [DONE]\n\n" if done else "")).encode()


def delta(finish=None, **fields):
    return {"object": "chat.completion.chunk", "choices": [{"index": 0, "delta": fields, "finish_reason": finish}]}


def call_piece(index, arguments, *, id=None, name=None):
    function = {"arguments": arguments} if name is None else {"name": name, "arguments": arguments}
    piece = {"index": index, "function": function}
    if id is not None:
        piece.update(id=id, type="function")
    return piece


def test_text_pieces_finish_reason_and_usage():
    body = events(delta(role="assistant", content=""), delta(content="It is "), delta(content="sunny."),
                  delta("stop"), {"choices": [], "usage": {"prompt_tokens": 7, "completion_tokens": 3}})
    out = parse_chat_response(completion_from_events(body))
    assert (out.text, out.finish_reason, out.tool_calls) == ("It is sunny.", "stop", ())
    assert (out.usage.prompt_tokens, out.usage.completion_tokens) == (7, 3)


def test_calls_by_index_with_arguments_in_pieces():
    """Two calls, the second's pieces interleaved with the first's; a server that repeats the
    name in every chunk (some do) still gives the name once."""
    body = events(delta(tool_calls=[call_piece(0, "", id="c0", name="get_weather")]),
                  delta(tool_calls=[call_piece(1, '{"ci', id="c1", name="get_time")]),
                  delta(tool_calls=[call_piece(0, '{"city": ')]),
                  delta(tool_calls=[call_piece(1, 'ty": "Oslo"}', name="get_time")]),
                  delta(tool_calls=[call_piece(0, '"Rome"}')]), delta("tool_calls"))
    out = parse_chat_response(completion_from_events(body))
    assert [(c.name, c.arguments, c.id) for c in out.tool_calls] == [
        ("get_weather", {"city": "Rome"}, "c0"), ("get_time", {"city": "Oslo"}, "c1")]
    assert out.finish_reason == "tool_calls" and out.malformed is None


def test_arguments_cut_off_are_malformed_not_a_crash():
    body = events(delta(tool_calls=[call_piece(0, '{"city": "Ro', id="c0", name="f")]), delta("length"))
    out = parse_chat_response(completion_from_events(body))
    assert out.tool_calls == () and "not valid JSON" in out.malformed


def test_event_names_comments_bad_events_and_no_done_are_tolerated():
    body = events(delta(content="a"), "{not json", '"a string"', delta("stop", content="b"), done=False,
                  extra=": keep-alive\n\nevent: message\nid: 1\n")
    assert completion_from_events(body)["choices"][0]["message"]["content"] == "ab"


def test_arguments_sent_whole_as_an_object_are_read_and_a_mix_is_malformed():
    whole = events(delta(tool_calls=[call_piece(0, {"city": "Rome"}, id="c0", name="f")]), delta("tool_calls"))
    assert [(c.name, c.arguments) for c in parse_chat_response(completion_from_events(whole)).tool_calls] == [
        ("f", {"city": "Rome"})]
    mixed = events(delta(tool_calls=[call_piece(0, '{"city": ', id="c0", name="f")]),
                   delta(tool_calls=[call_piece(0, {"city": "Rome"})]), delta("tool_calls"))
    out = parse_chat_response(completion_from_events(mixed))
    assert out.tool_calls == () and "not a JSON object" in out.malformed


def test_a_call_without_argument_pieces_has_none():
    body = events(delta(tool_calls=[{"index": 0, "id": "c0", "function": {"name": "ping"}}]))
    out = parse_chat_response(completion_from_events(body))
    assert [(c.name, c.arguments) for c in out.tool_calls] == [("ping", {})]


def test_an_error_event_is_an_infrastructure_failure_not_an_answer():
    """A server that fails mid-stream sends an error event: what came before is no answer."""
    body = events(delta(content="It is "), {"error": {"message": "engine died", "type": "server_error"}})
    with pytest.raises(InfraError) as info:
        parse_chat_response(completion_from_events(body))
    assert info.value.kind == "bad_response" and info.value.retryable and "engine died" in str(info.value)


@pytest.mark.parametrize("body, why", [
    (b'{"choices": []}', "plain JSON: no data lines"),
    (events(delta(content="It is "), done=False), "cut off: no [DONE] and no finish_reason"),
    (b"<html>proxy error</html>", "not a stream at all"),
    (b"data: [DONE]\n\n", "a stream without a single chunk"),
    (b"data: {oops\n\ndata: 12\n\n", "no event holds a JSON object"),
])
def test_what_is_not_a_stream_of_chunks_gives_none(body, why):
    assert completion_from_events(body) is None, why


def test_looks_like_events():
    assert looks_like_events(b"", "text/event-stream; charset=utf-8")
    assert looks_like_events(b"\n data: {}", None), "no content type, but the body says so"
    assert not looks_like_events(b'{"choices": []}', "application/json")
