"""A lean HTTP/1.1 client on asyncio streams: keep-alive connections to one server, JSON POSTs.

Why not aiohttp (or an SDK): against a local server answering hundreds of requests a second,
the client's own work per request decides the throughput on this machine's one core for the
event loop. This client does what a JSON API call needs and nothing else: one write of the
request, a status line, headers, and a body sized by ``Content-Length``, by chunked transfer
coding, or by the server closing the connection. It never decompresses (it asks for
``identity``), never follows redirects, and knows no proxies.

Errors are Python's: `asyncio.TimeoutError` (no connection, or no complete answer within the
timeout), `ConnectionError`/`OSError`/`asyncio.IncompleteReadError` (refused, reset, cut off),
`HttpProtocolError` (an answer that is not HTTP). A request on a kept-alive connection that
the server had closed meanwhile is sent once more on a new connection, as browsers do.
"""

from __future__ import annotations

import asyncio
import ssl
from collections import deque
from dataclasses import dataclass
from urllib.parse import urlsplit

#: longest status line or header line accepted, and most header lines
MAX_LINE = 65536
MAX_HEADERS = 200


class HttpProtocolError(Exception):
    """The server's answer is not HTTP/1.x as this client reads it."""


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]  # lower-case names; a repeated header keeps its last value
    body: bytes


class _Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.reader, self.writer = reader, writer
        self.used = False  # has answered at least one request (so it may have gone stale)

    def alive(self) -> bool:
        return not self.writer.is_closing() and not self.reader.at_eof()

    def close(self) -> None:
        self.writer.close()


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

    async def _connect(self) -> _Connection:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(self.host, self.port, ssl=self._ssl, limit=MAX_LINE), self.timeout)
        return _Connection(reader, writer)

    def _request_bytes(self, path: str, body: bytes, headers: dict[str, str]) -> bytes:
        head = [f"POST {path} HTTP/1.1", f"Host: {self.host_header}", f"Content-Length: {len(body)}",
                "Accept-Encoding: identity", "Connection: keep-alive"]
        head += [f"{name}: {value}" for name, value in headers.items()]
        return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> Response:
        """POST `body` to `path`; the whole answer, or one of the errors of the module docstring."""
        if self._slots is not None:
            async with self._slots:
                return await self._post(path, body, headers)
        return await self._post(path, body, headers)

    async def _post(self, path: str, body: bytes, headers: dict[str, str]) -> Response:
        request = self._request_bytes(path, body, headers)
        while self._idle:
            conn = self._idle.pop()
            if not conn.alive():
                conn.close()
                continue
            try:
                return await self._exchange(conn, request)
            except _StaleConnection:
                conn.close()  # the server closed it while idle: try a fresh one
        return await self._exchange(await self._connect(), request)

    async def _exchange(self, conn: _Connection, request: bytes) -> Response:
        try:
            response, keep = await asyncio.wait_for(self._roundtrip(conn, request), self.timeout)
        except BaseException:
            conn.close()
            raise
        conn.used = True
        if keep:
            self._idle.append(conn)
        else:
            conn.close()
        return response

    async def _roundtrip(self, conn: _Connection, request: bytes) -> tuple[Response, bool]:
        conn.writer.write(request)
        await conn.writer.drain()
        return await self._read_response(conn.reader, conn.used)

    async def _read_response(self, reader: asyncio.StreamReader, reused: bool) -> tuple[Response, bool]:
        try:
            status_line = await reader.readline()
        except (ConnectionError, asyncio.IncompleteReadError):
            if reused:
                raise _StaleConnection() from None
            raise
        if not status_line:
            if reused:
                raise _StaleConnection()
            raise ConnectionResetError("the server closed the connection without an answer")
        version, status = _status(status_line)
        headers = await _headers(reader)
        length = headers.get("content-length")
        if "chunked" in headers.get("transfer-encoding", "").lower():
            body = await _chunked(reader)
        elif length is not None:
            try:
                size = int(length)
            except ValueError:
                raise HttpProtocolError(f"Content-Length is not a number: {length[:40]!r}") from None
            body = await reader.readexactly(size) if size > 0 else b""
        elif status in (204, 304) or 100 <= status < 200:
            body = b""
        else:
            return Response(status, headers, await reader.read()), False  # the body ends with the connection
        connection = headers.get("connection", "").lower()
        keep = "close" not in connection and (version != "HTTP/1.0" or "keep-alive" in connection)
        return Response(status, headers, body), keep

    async def close(self) -> None:
        while self._idle:
            self._idle.pop().close()


class _StaleConnection(Exception):
    """A kept-alive connection the server had closed before our request reached it."""


def _status(line: bytes) -> tuple[str, int]:
    parts = line.decode("latin-1").rstrip("\r\n").split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit():
        raise HttpProtocolError(f"not an HTTP status line: {line[:60]!r}")
    return parts[0], int(parts[1])


async def _headers(reader: asyncio.StreamReader) -> dict[str, str]:
    headers: dict[str, str] = {}
    for _ in range(MAX_HEADERS):
        line = await reader.readline()
        if line in (b"\r\n", b"\n"):
            return headers
        if not line:
            raise asyncio.IncompleteReadError(b"", None)
        name, sep, value = line.decode("latin-1").partition(":")
        if not sep:
            raise HttpProtocolError(f"not a header line: {line[:60]!r}")
        headers[name.strip().lower()] = value.strip()
    raise HttpProtocolError(f"more than {MAX_HEADERS} header lines")


async def _chunked(reader: asyncio.StreamReader) -> bytes:
    body = bytearray()
    while True:
        size_line = await reader.readline()
        try:
            size = int(size_line.split(b";", 1)[0].strip(), 16)
        except ValueError:
            raise HttpProtocolError(f"not a chunk size: {size_line[:40]!r}") from None
        if size == 0:
            while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                pass  # trailer fields
            return bytes(body)
        body += await reader.readexactly(size)
        await reader.readexactly(2)  # the CRLF after the chunk
