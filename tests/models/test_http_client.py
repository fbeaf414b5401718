"""The lean HTTP client (`fcbench.models.http`) against a raw socket server that answers the way
real servers do, and the ways they break: Content-Length, chunked, close-delimited, HTTP/1.0,
a kept-alive connection closed while idle, a cut-off body, garbage, silence."""

from __future__ import annotations

import asyncio
import gzip
import shutil
import ssl
import subprocess
import zlib

import pytest

from fcbench.models.http import HttpProtocolError, Origin

OK_BODY = b'{"ok": true}'


async def serve(answers: list, keep_open: bool = True, tls: ssl.SSLContext | None = None):
    """A server answering each request with the next scripted answer (bytes; a list of bytes,
    written as separate TCP segments; or a callable taking the writer, after which the
    connection is left alone). Returns (server, port, requests seen, connections accepted)."""
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
                for piece in answer if isinstance(answer, list) else [answer]:
                    writer.write(piece)
                    await writer.drain()
                    if isinstance(answer, list):
                        await asyncio.sleep(0.002)  # each piece its own TCP segment
                if not keep_open:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=tls)
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


# ------------------------------------------------------------------ how the bytes arrive
def one_byte_pieces(answer: bytes) -> list[bytes]:
    return [answer[i:i + 1] for i in range(len(answer))]


def post_each(answers: list, posts: int | None = None, **origin_options):
    """POST `posts` times (default: once per scripted answer) on one Origin, one after the
    other; (bodies, requests seen, connections accepted)."""
    async def go():
        server, port, seen, accepted = await serve(answers)
        origin = Origin(f"http://127.0.0.1:{port}", **origin_options)
        try:
            bodies = [(await origin.post("/x", b"{}", {})).body for _ in range(posts or len(answers))]
        finally:
            await origin.close()
            server.close()
        return bodies, seen, accepted[0]
    return run(go())


def test_an_answer_in_one_byte_segments_is_read_whole_and_the_connection_kept():
    answer = http("200 OK", [f"Content-Length: {len(OK_BODY)}", "X-Long: " + "v" * 300], OK_BODY)
    bodies, _, accepted = post_each([one_byte_pieces(answer), answer])
    assert bodies == [OK_BODY, OK_BODY] and accepted == 1


def test_chunked_answers_split_anywhere_and_in_one_segment():
    chunked = http("200 OK", ["Transfer-Encoding: chunked"],
                   b"1a\r\n" + b"a" * 26 + b"\r\n5\r\n{\"ok\"\r\n0\r\nX-Trailer: t\r\n\r\n")
    split_in_size = chunked.index(b"1a\r\n") + 1  # between the digits of a chunk size
    split_in_crlf = chunked.index(b"\r\n0\r\n") + 1  # between the CR and LF after a chunk
    answers = [chunked, [chunked[:split_in_size], chunked[split_in_size:]],
               [chunked[:split_in_crlf], chunked[split_in_crlf:]], one_byte_pieces(chunked)]
    bodies, _, accepted = post_each(answers)
    assert bodies == [b"a" * 26 + b'{"ok"'] * 4 and accepted == 1


def test_head_split_at_its_blank_line_and_bare_lf_line_ends():
    answer = http("200 OK", [f"Content-Length: {len(OK_BODY)}"], OK_BODY)
    blank = answer.index(b"\r\n\r\n")
    lf_only = b"HTTP/1.1 200 OK\nContent-Length: %d\n\n" % len(OK_BODY) + OK_BODY
    no_content = b"HTTP/1.1 204 No Content\r\n\r\n"
    bodies, _, accepted = post_each([[answer[:blank + 1], answer[blank + 1:blank + 3], answer[blank + 3:]],
                                     [lf_only[:20], lf_only[20:]], no_content, answer])
    assert bodies == [OK_BODY, OK_BODY, b"", OK_BODY] and accepted == 1


def test_informational_answers_before_the_answer_are_skipped():
    """A server may send 1xx answers before the final one (100 Continue unasked, 103 Early
    Hints from a proxy); they are not the answer, and the connection stays usable."""
    answer = http("200 OK", [f"Content-Length: {len(OK_BODY)}"], OK_BODY)
    interim = b"HTTP/1.1 100 Continue\r\n\r\n" + http("103 Early Hints", ["Link: </s.css>; rel=preload"], b"")
    bodies, _, accepted = post_each([interim + answer, one_byte_pieces(interim + answer),
                                     [interim, answer], answer])
    assert bodies == [OK_BODY] * 4 and accepted == 1


def test_endless_informational_answers_are_a_protocol_error():
    """Nine 1xx answers and no final one: a protocol error, not a wait for the timeout."""
    with pytest.raises(HttpProtocolError, match="interim"):
        post_each([b"HTTP/1.1 100 Continue\r\n\r\n" * 9])


def test_a_compressed_answer_is_decoded_though_identity_was_asked():
    """gzip, deflate as zlib data and as raw deflate (both are sent as "deflate" in the wild)."""
    raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    raw_deflate = raw.compress(OK_BODY) + raw.flush()
    answers = [http("200 OK", [f"Content-Length: {len(body)}", f"Content-Encoding: {name}"], body)
               for name, body in (("gzip", gzip.compress(OK_BODY)), ("deflate", zlib.compress(OK_BODY)),
                                  ("deflate", raw_deflate), ("identity", OK_BODY))]
    bodies, seen, accepted = post_each(answers)
    assert bodies == [OK_BODY] * 4 and accepted == 1
    assert b"Accept-Encoding: identity" in seen[0]


@pytest.mark.parametrize("encoding, body, why", [
    ("br", b"\x0b\x02\x80{}\x03", "an encoding fcbench does not read"),
    ("gzip", b"not gzip at all", "bytes that do not decompress"),
    ("gzip", gzip.compress(b"x" * 10_000), "more than MAX_ANSWER once decompressed (a bomb)"),
])
def test_a_compressed_answer_fcbench_cannot_read_is_a_protocol_error(monkeypatch, encoding, body, why):
    monkeypatch.setattr("fcbench.models.http.MAX_ANSWER", 4096)
    answer = http("200 OK", [f"Content-Length: {len(body)}", f"Content-Encoding: {encoding}"], body)
    with pytest.raises(HttpProtocolError):
        post_each([answer])


def test_bytes_beyond_the_answer_keep_the_connection_from_reuse():
    answer = http("200 OK", [f"Content-Length: {len(OK_BODY)}"], OK_BODY)
    bodies, seen, accepted = post_each([answer + b"HTTP/1.1 200 OK\r\n", answer])
    assert bodies == [OK_BODY, OK_BODY] and len(seen) == 2 and accepted == 2


# ------------------------------------------------------------------ stale connections
def test_a_kept_alive_connection_closed_when_the_request_arrives_is_replaced():
    """The server closes the kept-alive connection as the second request reaches it (as one
    whose idle timeout just ran out does): the request is sent once more on a new one."""
    answer = http("200 OK", [f"Content-Length: {len(OK_BODY)}"], OK_BODY)

    async def close_without_answer(writer):
        writer.close()

    bodies, seen, accepted = post_each([answer, close_without_answer, answer], posts=2)
    assert bodies == [OK_BODY, OK_BODY] and accepted == 2 and len(seen) == 3
    assert seen[1] == seen[2]  # the same request, once more


def test_a_new_connection_closed_without_an_answer_is_not_retried():
    async def close_without_answer(writer):
        writer.close()

    with pytest.raises(ConnectionError):
        post_each([close_without_answer])


# ------------------------------------------------------------------ answers that are not HTTP
@pytest.mark.parametrize("answer", [
    b"SMTP ready\r\n",  # no blank line follows: the status line alone fails, no waiting for more
    b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nX-Big: " + b"x" * 70000,
    b"x" * 70000,
    http("200 OK", ["Transfer-Encoding: chunked"], b"zz\r\n{}\r\n0\r\n\r\n"),
    http("200 OK", ["Transfer-Encoding: chunked"], b"-2\r\n{}\r\n0\r\n\r\n"),
    http("200 OK", ["Transfer-Encoding: chunked"], b"1_0\r\n" + b"x" * 16 + b"\r\n0\r\n\r\n"),  # int() reads 16
    b"HTTP/1.1 \xb2\xb3\xb9 OK\r\n\r\n",  # digits to str.isdigit, not to int(): raised a ValueError
    b"HTTP/1.1 20 OK\r\nContent-Length: 2\r\n\r\n{}",
    http("200 OK", ["Content-Length: -2"], b"{}"),  # was read as an empty body
    http("200 OK", ["Content-Length: 1_0"], b"{}"),  # int() reads 10
    http("200 OK", [f"Content-Length: {65 * 1024 * 1024}"], b"{}"),  # beyond MAX_ANSWER: no waiting for it
])
def test_garbage_is_a_protocol_error_without_waiting_for_the_timeout(answer):
    async def then_hold(writer):
        writer.write(answer)
        await writer.drain()
        await asyncio.sleep(30)  # the connection stays open: only the bytes sent can fail it

    with pytest.raises(HttpProtocolError):
        post_each([then_hold], timeout=60)


def test_an_answer_beyond_the_limit_is_a_protocol_error_before_it_ends(monkeypatch):
    """A server that keeps sending (chunked, or until it closes) is cut off at `MAX_ANSWER`
    bytes, without waiting for the rest or for the timeout."""
    monkeypatch.setattr("fcbench.models.http.MAX_ANSWER", 4096)

    async def endless(writer):
        writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        for _ in range(100):
            writer.write(b"400\r\n" + b"x" * 1024 + b"\r\n")
            await writer.drain()
            await asyncio.sleep(0.001)
        await asyncio.sleep(30)

    with pytest.raises(HttpProtocolError, match="more than 4,096 bytes"):
        post_each([endless], timeout=60)


def test_too_many_header_lines_is_a_protocol_error():
    answer = http("200 OK", [f"X-{i}: y" for i in range(300)] + ["Content-Length: 2"], b"{}")
    with pytest.raises(HttpProtocolError):
        post_each([answer])


# ------------------------------------------------------------------ timeouts and cancellation
def closed_by_client(seen_request: asyncio.Event, closed: asyncio.Event):
    """A scripted answer that never answers and notes when the client closes the connection."""
    async def silent(writer):
        seen_request.set()
        reader = writer.transport.get_protocol()._stream_reader
        await reader.read()  # b"" once the client closes
        closed.set()
    return silent


def test_silence_is_a_timeout_and_the_connection_is_closed():
    async def go():
        seen_request, closed = asyncio.Event(), asyncio.Event()
        server, port, _, _ = await serve([closed_by_client(seen_request, closed)])
        origin = Origin(f"http://127.0.0.1:{port}", timeout=0.2)
        try:
            with pytest.raises(asyncio.TimeoutError):
                await origin.post("/x", b"{}", {})
            await asyncio.wait_for(closed.wait(), 10)
            return len(origin._idle)
        finally:
            await origin.close()
            server.close()
    assert run(go()) == 0


def test_a_cancelled_request_closes_its_connection():
    async def go():
        seen_request, closed = asyncio.Event(), asyncio.Event()
        server, port, _, _ = await serve([closed_by_client(seen_request, closed)])
        origin = Origin(f"http://127.0.0.1:{port}", slots=asyncio.Semaphore(1))
        request = asyncio.ensure_future(origin.post("/x", b"{}", {}))
        await asyncio.wait_for(seen_request.wait(), 10)
        request.cancel()
        with pytest.raises(asyncio.CancelledError):
            await request
        await asyncio.wait_for(closed.wait(), 10)
        idle = len(origin._idle)
        await origin.close()
        server.close()
        return idle, origin._slots.locked()
    assert run(go()) == (0, False)


def test_concurrent_large_answers_on_several_connections_each_get_their_own():
    """Answers larger than one read, arriving interleaved on several connections (which
    share the origin's receive buffer)."""
    async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
                body = (await reader.readexactly(length)) * 20000  # about 200 KB
                half = len(body) // 2
                writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                             + b"%x\r\n%s\r\n" % (half, body[:half]))
                await writer.drain()
                await asyncio.sleep(0.001)
                writer.write(b"%x\r\n%s\r\n0\r\n\r\n" % (len(body) - half, body[half:]))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    async def go():
        server = await asyncio.start_server(echo, "127.0.0.1", 0)
        origin = Origin(f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}")
        bodies = [b"{%d}" % i + b"x" * i for i in range(12)]
        try:
            for _ in range(2):  # the second round reuses the connections
                answers = await asyncio.gather(*(origin.post("/x", body, {}) for body in bodies))
                assert [a.body for a in answers] == [body * 20000 for body in bodies]
            return len(origin._idle)
        finally:
            await origin.close()
            server.close()
    assert run(go()) == 12


def test_keep_alive_rules_of_http10_and_connection_close():
    sized = f"Content-Length: {len(OK_BODY)}"
    answers = [b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n" + sized.encode() + b"\r\n\r\n" + OK_BODY,
               http("200 OK", [sized], OK_BODY),  # kept: the same connection as the first
               http("200 OK", [sized, "Connection: close"], OK_BODY),
               http("200 OK", [sized], OK_BODY)]  # on a new connection
    bodies, _, accepted = post_each(answers)
    assert bodies == [OK_BODY] * 4 and accepted == 2


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_https_with_answers_larger_than_one_read(tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    big = b'{"x": "' + b"y" * 300_000 + b'"}'

    async def go():
        answer = http("200 OK", [f"Content-Length: {len(big)}"], big)
        server, port, _, accepted = await serve([answer, one_byte_pieces(http("200 OK", ["Content-Length: 2"], b"{}"))],
                                                tls=server_tls)
        origin = Origin(f"https://127.0.0.1:{port}")
        origin._ssl = ssl.create_default_context(cafile=str(cert))  # trust the test's own certificate
        try:
            return [(await origin.post("/x", b"{}", {})).body for _ in range(2)], accepted[0]
        finally:
            await origin.close()
            server.close()
    assert run(go()) == ([big, b"{}"], 1)
