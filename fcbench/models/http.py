"""A lean HTTP/1.1 client on an asyncio protocol: keep-alive connections to one server, JSON POSTs.

Why not aiohttp (or an SDK): against a local server answering hundreds of requests a second,
the client's own work per request decides the throughput on this machine's one core for the
event loop. This client does what a JSON API call needs and nothing else: one write of the
request, a status line, headers, and a body sized by ``Content-Length``, by chunked transfer
coding, or by the server closing the connection (informational 1xx answers before it, such as
``100 Continue`` or ``103 Early Hints``, are skipped). It asks for ``identity`` (and decodes gzip or
deflate from a server that compresses anyway), never follows redirects, and knows no proxies.

Why a protocol and not asyncio streams: with streams, every header line is a ``readline``
call and every request a ``wait_for`` task; here the bytes of an answer (usually one TCP
segment) are parsed where they arrive (`_Connection.buffer_updated`), and one future per
request, failed by a timer when the timeout passes, wakes the caller once.

Errors are Python's: `asyncio.TimeoutError` (no connection, or no complete answer within the
timeout), `ConnectionError`/`OSError`/`asyncio.IncompleteReadError` (refused, reset, cut off),
`HttpProtocolError` (an answer that is not HTTP, lines beyond `MAX_LINE`/`MAX_HEADERS`, an answer
beyond `MAX_ANSWER` bytes; any other fault met while reading an answer is raised as one too).
A request on a kept-alive connection that the server had closed meanwhile is sent once more
on a new connection, as browsers do. A cancelled request closes its connection.
"""

from __future__ import annotations

import asyncio
import re
import ssl
import zlib
from collections import deque
from urllib.parse import urlsplit

from fcbench.records import record

#: longest status line or header line accepted, and most header lines
MAX_LINE = 65536
MAX_HEADERS = 200
#: most informational (1xx) answers skipped before the final answer to one request
MAX_INTERIM = 8
#: largest answer read (head and body): a chat completion is far smaller; beyond, the server is broken
MAX_ANSWER = 64 * 1024 * 1024
_DIGITS = re.compile(r"[0-9]{1,20}")
_HEX_DIGITS = re.compile(rb"[0-9A-Fa-f]{1,16}")
_STATUS_CODE = re.compile(r"[1-9][0-9][0-9]")
#: bytes read from a connection at once
RECEIVE_BUFFER = 65536


class HttpProtocolError(Exception):
    """The server's answer is not HTTP/1.x as this client reads it."""


@record
class Response:
    status: int
    headers: dict[str, str]  # lower-case names; a repeated header keeps its last value
    body: bytes


class _StaleConnection(Exception):
    """A kept-alive connection the server had closed before our request reached it."""


class _Connection(asyncio.BufferedProtocol):
    """One connection. `send` writes a request along with the future of its answer, a
    (Response, keep-alive?) pair, which `buffer_updated` completes as soon as the bytes
    received make a whole answer (and the connection's end fails or completes)."""

    def __init__(self, receive: memoryview) -> None:
        self._receive = receive  # where the transport puts the bytes it receives (see Origin)
        self.transport: asyncio.Transport | None = None
        self.used = False  # has answered at least one request (so it may have gone stale)
        self.ended = False  # the server closed its side, or the connection is lost
        self._answer: asyncio.Future | None = None

    # ---------------------------------------------------------------- asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def get_buffer(self, sizehint: int) -> memoryview:
        return self._receive

    def buffer_updated(self, nbytes: int) -> None:
        if self._answer is None or self._answer.done():
            self.close()  # bytes nobody asked for: the connection is out of step
            return
        self._buf += self._receive[:nbytes]
        try:
            if len(self._buf) > MAX_ANSWER:
                raise HttpProtocolError(f"an answer of more than {MAX_ANSWER:,} bytes")
            done = self._parse()
        except Exception as exc:  # anything unreadable fails this request now, never the event loop
            if not isinstance(exc, HttpProtocolError):
                exc = HttpProtocolError(f"unreadable answer ({type(exc).__name__}: {exc})")
            self._answer.set_exception(exc)
            self.close()
            return
        if done:
            self._answer.set_result(done)
            self._answer = None

    def eof_received(self) -> bool:
        self._end(None)
        return False  # the transport closes itself

    def connection_lost(self, exc: Exception | None) -> None:
        self._end(exc)

    # ---------------------------------------------------------------- requests
    def alive(self) -> bool:
        return not self.ended and not self.transport.is_closing()

    def close(self) -> None:
        self.transport.close()

    def send(self, request: bytes, answer: asyncio.Future) -> None:
        self._answer = answer
        self._buf = bytearray()
        self._head_end = -1  # where the body starts, once the head is complete
        self._scanned = 0  # the head's end is not before this offset
        self._status: tuple[str, int] | None = None
        self._interim = 0  # 1xx answers skipped so far
        if not self.alive():  # closed, or sent bytes nobody asked for, since it was connected
            answer.set_exception(_StaleConnection() if self.used else
                                 ConnectionResetError("the server closed the connection before the request"))
            return
        self.transport.write(request)

    def _end(self, exc: Exception | None) -> None:
        """The server closed the connection (`exc` None) or it broke: that ends a body
        delimited by the close, and fails an answer still incomplete."""
        self.ended = True
        answer, self._answer = self._answer, None
        if answer is None or answer.done():
            return
        buf = self._buf
        if exc is None and self._head_end >= 0 and self._length is None:
            if self._chunks is None:  # the body ends with the connection
                answer.set_result((Response(self._status[1], self._headers, bytes(buf[self._head_end:])), False))
                return
            if self._trailers:  # cut off in the trailer fields: the body is whole
                answer.set_result((Response(self._status[1], self._headers, b"".join(self._chunks)), False))
                return
        if not buf and self.used and not self._interim and (exc is None or isinstance(exc, ConnectionError)):
            answer.set_exception(_StaleConnection())
        elif exc is not None:
            answer.set_exception(exc)
        elif not buf:
            answer.set_exception(ConnectionResetError("the server closed the connection without an answer"))
        else:
            answer.set_exception(asyncio.IncompleteReadError(bytes(buf), None))

    # ---------------------------------------------------------------- parsing
    def _parse(self) -> tuple[Response, bool] | None:
        """The answer with its keep-alive decision, once `_buf` holds all of it."""
        buf = self._buf
        if self._head_end < 0:
            if not self._read_head():
                return None
            while _interim(self._status[1]):  # 100 Continue, 103 Early Hints: the answer follows
                self._interim += 1
                if self._interim > MAX_INTERIM:
                    raise HttpProtocolError(f"more than {MAX_INTERIM} interim (1xx) answers to one request")
                del buf[:self._head_end]
                self._head_end, self._scanned, self._status = -1, 0, None
                if not self._read_head():
                    return None
        start = self._head_end
        if self._length is not None:  # Content-Length (or no body at all)
            end = start + self._length
            if len(buf) < end:
                return None
            body = bytes(buf[start:end])
        elif self._chunks is not None:
            if not self._read_chunks():
                return None
            body, end = b"".join(self._chunks), self._pos
        else:
            return None  # the body ends with the connection
        # bytes beyond the answer would be misread as the next one's: do not reuse
        return Response(self._status[1], self._headers, body), self._keep and len(buf) == end

    def _read_head(self) -> bool:
        """Read the status line and header fields once they are all in; False until then."""
        buf = self._buf
        if self._status is None:
            eol = buf.find(b"\n")
            if eol < 0:
                if len(buf) > MAX_LINE:
                    raise HttpProtocolError(f"no status line in the first {MAX_LINE} bytes")
                return False
            self._status = _status(bytes(buf[:eol + 1]))  # fails fast on an answer that is not HTTP
        end = _blank_line(buf, self._scanned)
        if end < 0:
            self._scanned = max(len(buf) - 2, 0)
            if len(buf) - buf.rfind(b"\n") > MAX_LINE or len(buf) > (MAX_HEADERS + 1) * MAX_LINE:
                raise HttpProtocolError(f"a header line longer than {MAX_LINE} bytes, or too many")
            return False
        lines = buf[:end].decode("latin-1").split("\n")[1:-2]  # between status line and blank line
        if len(lines) > MAX_HEADERS:
            raise HttpProtocolError(f"more than {MAX_HEADERS} header lines")
        headers: dict[str, str] = {}
        for line in lines:
            name, sep, value = line.partition(":")
            if not sep:
                raise HttpProtocolError(f"not a header line: {line[:60]!r}")
            if len(line) > MAX_LINE:
                raise HttpProtocolError(f"a header line longer than {MAX_LINE} bytes")
            headers[name.strip().lower()] = value.strip()
        version, status = self._status
        connection = headers.get("connection", "").lower()
        self._keep = "close" not in connection and (version != "HTTP/1.0" or "keep-alive" in connection)
        self._headers, self._head_end = headers, end
        self._length: int | None = None
        self._chunks: list[bytes] | None = None
        length = headers.get("content-length")
        if "chunked" in headers.get("transfer-encoding", "").lower():
            self._chunks, self._pos, self._trailers = [], end, False
        elif length is not None:
            if not _DIGITS.fullmatch(length):
                raise HttpProtocolError(f"Content-Length is not a number: {length[:40]!r}")
            self._length = int(length)
            if self._length > MAX_ANSWER:
                raise HttpProtocolError(f"Content-Length {self._length:,} is beyond {MAX_ANSWER:,} bytes")
        elif status in (204, 304) or 100 <= status < 200:
            self._length = 0
        else:
            self._keep = False  # the body ends with the connection
        return True

    def _read_chunks(self) -> bool:
        """Read on in chunked transfer coding from `_pos`; True once the last chunk and the
        trailer fields are in."""
        buf = self._buf
        while True:
            eol = buf.find(b"\n", self._pos)
            if eol < 0:
                if len(buf) - self._pos > MAX_LINE:
                    raise HttpProtocolError(f"a chunk size or trailer line longer than {MAX_LINE} bytes")
                return False
            line = bytes(buf[self._pos:eol + 1])
            if self._trailers:  # trailer fields, up to a blank line
                self._pos = eol + 1
                if line in (b"\r\n", b"\n"):
                    return True
                continue
            digits = line.split(b";", 1)[0].strip()
            if not _HEX_DIGITS.fullmatch(digits):
                raise HttpProtocolError(f"not a chunk size: {line[:40]!r}")
            size = int(digits, 16)
            if size == 0:
                self._pos, self._trailers = eol + 1, True
                continue
            start = eol + 1
            if len(buf) < start + size + 2:  # the chunk and the CRLF after it
                return False
            self._chunks.append(bytes(buf[start:start + size]))
            self._pos = start + size + 2


def _interim(status: int) -> bool:
    """An informational answer that precedes the final one (101 Switching Protocols is final)."""
    return 100 <= status < 200 and status != 101


def _status(line: bytes) -> tuple[str, int]:
    parts = line.decode("latin-1").rstrip("\r\n").split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not _STATUS_CODE.fullmatch(parts[1]):
        raise HttpProtocolError(f"not an HTTP status line: {line[:60]!r}")
    return parts[0], int(parts[1])


def _blank_line(buf: bytearray, start: int) -> int:
    """The offset just past the first empty line (CRLF or bare LF) at or after `start`, or -1."""
    crlf = buf.find(b"\n\r\n", start)
    lf = buf.find(b"\n\n", start, crlf + 1 if crlf >= 0 else len(buf))
    if lf >= 0:
        return lf + 2
    return crlf + 3 if crlf >= 0 else -1


def _decompressed(response: Response, encoding: str) -> Response:
    """The answer with its body decoded, for a server that compressed it although the request
    asked for ``identity``: gzip and deflate (zlib or raw), at most `MAX_ANSWER` bytes."""
    modes = {"gzip": (16 + zlib.MAX_WBITS,), "x-gzip": (16 + zlib.MAX_WBITS,),
             "deflate": (zlib.MAX_WBITS, -zlib.MAX_WBITS)}.get(encoding)
    if modes is None:
        raise HttpProtocolError(f"an answer in Content-Encoding {encoding[:40]!r}, which fcbench does not read")
    for wbits in modes:
        inflater = zlib.decompressobj(wbits)
        try:
            body = inflater.decompress(response.body, MAX_ANSWER)
        except zlib.error:
            continue
        if inflater.unconsumed_tail:
            raise HttpProtocolError(f"a compressed answer of more than {MAX_ANSWER:,} bytes")
        return Response(response.status, response.headers, body)
    raise HttpProtocolError(f"an answer in Content-Encoding {encoding} that does not decompress")


def _expire(answer: asyncio.Future) -> None:
    if not answer.done():
        answer.set_exception(asyncio.TimeoutError())


class Origin:
    """Keep-alive connections to one ``scheme://host:port``; `slots`, when given, bounds the
    requests in flight (shared by several origins to bound them all together)."""

    def __init__(self, base_url: str, *, slots: asyncio.Semaphore | None = None, timeout: float = 120.0):
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {base_url!r}")
        self.host = parts.hostname
        self.tls = parts.scheme == "https"
        self.port = parts.port or (443 if self.tls else 80)
        self.host_header = parts.netloc.rpartition("@")[2]
        self.timeout = timeout
        self._idle: deque[_Connection] = deque()
        self._slots = slots
        self._ssl: ssl.SSLContext | None = ssl.create_default_context() if self.tls else None
        # What every connection receives lands here first, copied out at once: the transport
        # asks for this buffer, fills it and tells the connection, all in one call (and all
        # connections of an origin share its event loop). Without it, asyncio allocates a
        # fresh 256 KiB buffer per read, which costs more than the rest of the reading.
        self._receive = memoryview(bytearray(RECEIVE_BUFFER))

    async def _connect(self) -> _Connection:
        loop = asyncio.get_running_loop()
        _, conn = await asyncio.wait_for(
            loop.create_connection(lambda: _Connection(self._receive), self.host, self.port, ssl=self._ssl),
            self.timeout)
        return conn

    def _request_bytes(self, path: str, body: bytes, headers: dict[str, str]) -> bytes:
        head = [f"POST {path} HTTP/1.1", f"Host: {self.host_header}", f"Content-Length: {len(body)}",
                "Accept-Encoding: identity", "Connection: keep-alive"]
        head += [f"{name}: {value}" for name, value in headers.items()]
        return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> Response:
        """POST `body` to `path`; the whole answer, or one of the errors of the module docstring.
        (One coroutine, not layers of them: each one in flight costs the garbage collector.)"""
        if self._slots is not None:
            await self._slots.acquire()
        try:
            request = self._request_bytes(path, body, headers)
            loop = asyncio.get_running_loop()
            while True:
                if self._idle:
                    conn = self._idle.pop()
                    if not conn.alive():
                        conn.close()
                        continue
                else:
                    conn = await self._connect()
                answer = loop.create_future()
                timer = loop.call_later(self.timeout, _expire, answer)
                try:
                    conn.send(request, answer)
                    response, keep = await answer
                except _StaleConnection:  # (only a kept-alive one) the server closed it while idle
                    conn.close()
                    continue
                except BaseException:  # a fault, the timeout, or the caller's cancellation
                    conn.close()
                    raise
                finally:
                    timer.cancel()
                conn.used = True
                if keep:
                    self._idle.append(conn)
                else:
                    conn.close()
                encoding = response.headers.get("content-encoding", "identity").strip().lower()
                return response if encoding == "identity" else _decompressed(response, encoding)
        finally:
            if self._slots is not None:
                self._slots.release()

    async def close(self) -> None:
        while self._idle:
            self._idle.pop().close()
