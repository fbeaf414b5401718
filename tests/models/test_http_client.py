"""The lean HTTP client (`fcbench.models.http`) against a raw socket server that answers the way
real servers do, and the ways they break: Content-Length, chunked, close-delimited, HTTP/1.0,
a kept-alive connection closed while idle, a cut-off body, garbage, silence."""

from __future__ import annotations

import asyncio

import pytest

from fcbench.models.http import HttpProtocolError, Origin

OK_BODY = b'{"ok": true}'


async def serve(answers: list, keep_open: bool = True):
    """A server answering each request with the next scripted answer (bytes, or a callable
    taking the writer). Returns (server, port, requests seen, connections accepted)."""
    seen: list[bytes] = []
    accepted = [0]

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted[0] += 1
        try:
            while answers:
                head = await reader.readuntil(b"\r\n\r\n")
                length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                                  if line.lower().startswith(b"content-length")))
                seen.append(head + await reader.readexactly(length))
                answer = answers.pop(0)
                if callable(answer):
                    await answer(writer)
                    return
                writer.write(answer)
                await writer.drain()
                if not keep_open:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1], seen, accepted


def run(coro):
    return asyncio.run(coro)


def http(status: str, headers: list[str], body: bytes) -> bytes:
    return (f"HTTP/1.1 {status}\r\n" + "".join(h + "\r\n" for h in headers) + "\r\n").encode() + body


def test_content_length_answers_reuse_one_connection():
    async def go():
        answer = http("200 OK", [f"Content-Length: {len(OK_BODY)}"], OK_BODY)
        server, port, seen, accepted = await serve([answer, answer, answer])
        origin = Origin(f"http://127.0.0.1:{port}/v1")
        bodies = [(await origin.post("/v1/chat/completions", b"{}", {"Authorization": "Bearer k"})).body
                  for _ in range(3)]
        await origin.close()
        server.close()
        return bodies, seen, accepted[0]
    bodies, seen, accepted = run(go())
    assert bodies == [OK_BODY] * 3 and accepted == 1
    assert seen[0].startswith(b"POST /v1/chat/completions HTTP/1.1\r\n") and b"Authorization: Bearer k" in seen[0]


def test_chunked_and_close_delimited_and_http10_bodies():
    async def go():
        chunked = http("200 OK", ["Transfer-Encoding: chunked"], b"5\r\n{\"ok\"\r\n7;x=1\r\n: true}\r\n0\r\n\r\n")
        closing = b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + OK_BODY
        old = b"HTTP/1.0 200 OK\r\n\r\n" + OK_BODY
        out = []
        for answer in (chunked, closing, old):
            server, port, _, _ = await serve([answer], keep_open=False)
            origin = Origin(f"http://127.0.0.1:{port}")
            out.append((await origin.post("/x", b"{}", {})).body)
            await origin.close()
            server.close()
        return out
    assert run(go()) == [OK_BODY] * 3


def test_a_connection_the_server_closed_while_idle_is_replaced():
    async def go():
        answer = http("200 OK", [f"Content-Length: {len(OK_BODY)}"], OK_BODY)
        server, port, _, accepted = await serve([answer, answer], keep_open=False)  # closes after each
        origin = Origin(f"http://127.0.0.1:{port}")
        first = await origin.post("/x", b"{}", {})
        await asyncio.sleep(0.05)  # the server's close arrives while the connection is idle
        second = await origin.post("/x", b"{}", {})
        await origin.close()
        server.close()
        return first.body, second.body, accepted[0]
    assert run(go()) == (OK_BODY, OK_BODY, 2)


@pytest.mark.parametrize("answer, error", [
    (http("200 OK", ["Content-Length: 100"], b"{\"cut\": "), asyncio.IncompleteReadError),
    (b"SMTP ready\r\n\r\n", HttpProtocolError),
    (http("200 OK", ["Content-Length: lots"], b"{}"), HttpProtocolError),
])
def test_broken_answers_raise_connection_level_errors(answer, error):
    async def go():
        server, port, _, _ = await serve([answer], keep_open=False)
        origin = Origin(f"http://127.0.0.1:{port}")
        try:
            await origin.post("/x", b"{}", {})
        finally:
            await origin.close()
            server.close()
    with pytest.raises(error):
        run(go())


def test_silence_is_a_timeout():
    async def silent(writer):
        await asyncio.sleep(2)

    async def go():
        server, port, _, _ = await serve([silent])
        origin = Origin(f"http://127.0.0.1:{port}", timeout=0.2)
        try:
            await origin.post("/x", b"{}", {})
        finally:
            await origin.close()
            server.close()
    with pytest.raises(asyncio.TimeoutError):
        run(go())


def test_refused_connection_is_an_os_error():
    async def go():
        origin = Origin("http://127.0.0.1:9", timeout=2)
        await origin.post("/x", b"{}", {})
    with pytest.raises(OSError):
        run(go())
