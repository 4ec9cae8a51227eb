"""An event-loop HTTP/1.1 server: feed polls answered on the loop, everything else on threads.

Feed polling is almost all tiny conditional GETs for bytes rendered in advance. A thread per
connection (the stdlib server) pays thread switches and a stack of generic parsing per
request; here one asyncio loop splits each request head in one pass and answers a prepared
response in one write. Requests that may block (database queries of filtered views, status
pages, POST actions) run on a small thread pool without stalling the loop. Requests on one
connection are answered in order, pipelined ones included.

An application is a callable `app(request) -> Response` that may block, with a method
`app.quick(request) -> Response | None` that must not: it answers what it can from memory on
the loop and returns None for the rest.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from email.utils import formatdate
from http import HTTPStatus
from typing import Protocol
from urllib.parse import unquote

log = logging.getLogger("zonefeed.http")

MAX_HEAD = 65536  # longest request head we accept (request line and headers)
MAX_HEADERS = 100
MAX_BODY = 1 << 20  # request bodies are small admin forms; anything larger is refused
IDLE_TIMEOUT = 75.0  # an idle keep-alive connection is closed after this many seconds
SERVER_NAME = "zonefeed"
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"})
_STATUS_LINES = {status.value: f"HTTP/1.1 {status.value} {status.phrase}\r\nServer: {SERVER_NAME}\r\n".encode()
                 for status in HTTPStatus}
_NO_BODY = frozenset({204, 304})


class Headers(dict):
    """Request headers by lower-cased name; repeated fields joined with ", " (RFC 9110 5.3)."""

    def get(self, name: str, default: str | None = None) -> str | None:  # type: ignore[override]
        return dict.get(self, name.lower(), default)


@dataclass(slots=True)
class Request:
    method: str
    target: str  # as sent: path and query, still percent-encoded
    headers: Headers
    body: bytes = b""

    @property
    def path(self) -> str:
        """The percent-decoded path, for routing; static lookups guard traversal themselves."""
        return unquote(self.target.partition("?")[0])

    @property
    def query(self) -> str:
        return self.target.partition("?")[2]


@dataclass(slots=True)
class Response:
    status: int
    head: bytes  # header lines, each ending in CRLF, Content-Length included
    body: bytes = b""

    @classmethod
    def of(cls, status: int, body: bytes, content_type: str = "text/plain; charset=utf-8",
           **headers: str) -> Response:
        """A response with its headers built now; keyword names use _ for - (Cache_Control)."""
        lines = [f"Content-Type: {content_type}", f"Content-Length: {len(body)}",
                 *(f"{name.replace('_', '-')}: {value}" for name, value in headers.items())]
        return cls(status, "".join(line + "\r\n" for line in lines).encode("latin-1"), body)


class App(Protocol):
    def __call__(self, request: Request) -> Response: ...

    def quick(self, request: Request) -> Response | None: ...


class _Clock:
    """The Date header line, formatted at most once per second."""

    second = -1
    line = b""

    @classmethod
    def date_line(cls) -> bytes:
        second = int(time.time())
        if second != cls.second:
            cls.line, cls.second = f"Date: {formatdate(second, usegmt=True)}\r\n".encode("latin-1"), second
        return cls.line


class _Connection(asyncio.Protocol):
    """One client connection: buffer, parse, answer in order, pause while a thread works."""

    def __init__(self, server: HTTPServer):
        self._server = server
        self._buffer = b""
        self._transport: asyncio.Transport | None = None
        self._busy = False  # a request is on the thread pool; later ones wait in the buffer
        self._write_paused = False
        self._closing = False
        self._continued = False  # "100 Continue" already sent for the request being received
        self.last_active = time.monotonic()

    @property
    def idle(self) -> bool:
        return not self._busy and not self._buffer

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport  # type: ignore[assignment]
        self._server.connections.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self._closing = True
        self._server.connections.discard(self)

    def data_received(self, data: bytes) -> None:
        self.last_active = time.monotonic()
        self._buffer += data
        if not self._busy:
            self._process()

    def pause_writing(self) -> None:
        self._write_paused = True
        self._transport.pause_reading()

    def resume_writing(self) -> None:
        self._write_paused = False
        self._transport.resume_reading()
        if not self._busy:
            self._process()

    def close(self) -> None:
        self._closing = True
        self._transport.close()

    def _process(self) -> None:
        """Answer every complete request in the buffer, until one has to go to a thread."""
        while not (self._closing or self._write_paused or self._busy):
            parsed = self._next_request()
            if parsed is None:
                return
            request, keep_alive = parsed
            if request.method in ("GET", "HEAD"):
                try:
                    response = self._server.app.quick(request)
                except Exception:
                    log.exception("event=http_error path=%r", request.target)
                    response = _error(500)
                if response is not None:
                    self._send(request, response, keep_alive)
                    continue
            self._busy = True
            self._transport.pause_reading()
            future = self._server.loop.run_in_executor(self._server.pool, self._server.answer, request)
            future.add_done_callback(lambda done, r=request, k=keep_alive: self._finish(r, k, done))

    def _finish(self, request: Request, keep_alive: bool, done: asyncio.Future) -> None:
        self._busy = False
        if self._closing or done.cancelled():
            return
        self._send(request, done.result(), keep_alive)
        if not self._closing:
            self._transport.resume_reading()
            self._process()

    def _next_request(self) -> tuple[Request, bool] | None:
        """The next complete request and whether the connection stays open, or None to wait."""
        buffer = self._buffer
        end = buffer.find(b"\r\n\r\n")
        separator = 4
        if end < 0:
            end, separator = buffer.find(b"\n\n"), 2  # bare-LF clients
        if end < 0 or end > MAX_HEAD:
            if len(buffer) > MAX_HEAD or end > MAX_HEAD:
                line_end = buffer.find(b"\n")
                self._refuse(414 if line_end < 0 or line_end > MAX_HEAD else 431)
            return None
        lines = buffer[:end].decode("latin-1").split("\n")
        parts = lines[0].split()
        if len(parts) != 3 or parts[2] not in ("HTTP/1.1", "HTTP/1.0"):
            self._refuse(400)
            return None
        if len(lines) > MAX_HEADERS + 1:
            self._refuse(431)
            return None
        method, target, version = parts
        headers = Headers()
        for line in lines[1:]:
            name, colon, value = line.partition(":")
            if colon:
                key, value = name.strip().lower(), value.strip()
                earlier = dict.get(headers, key)
                headers[key] = value if earlier is None else f"{earlier}, {value}"
        start = end + separator
        length = dict.get(headers, "content-length")
        if "transfer-encoding" in headers:
            self._refuse(501)  # chunked request bodies: nothing we serve needs them
            return None
        size = 0
        if length is not None:
            if not length.isdigit():
                self._refuse(400)
                return None
            size = int(length)
            if size > MAX_BODY:
                self._refuse(413)
                return None
            if len(buffer) - start < size:
                if dict.get(headers, "expect", "").lower() == "100-continue" and not self._continued:
                    self._continued = True
                    self._transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")
                return None
        self._continued = False
        self._buffer = buffer[start + size:]
        connection = dict.get(headers, "connection", "").lower()
        keep_alive = connection != "close" and (version == "HTTP/1.1" or connection == "keep-alive")
        if method not in KNOWN_METHODS:
            self._send(Request(method, target, headers), _error(501), keep_alive=False)
            return None
        return Request(method, target, headers, buffer[start:start + size]), keep_alive

    def _send(self, request: Request, response: Response, keep_alive: bool) -> None:
        if self._server.access_log:
            log.info("event=http method=%s path=%r status=%d bytes=%d",
                     request.method, request.target, response.status, len(response.body))
        body = b"" if request.method == "HEAD" or response.status in _NO_BODY else response.body
        connection = b"" if keep_alive else b"Connection: close\r\n"
        if keep_alive and dict.get(request.headers, "connection", "").lower() == "keep-alive":
            connection = b"Connection: keep-alive\r\n"  # an HTTP/1.0 client asked to keep it
        self._transport.write(b"".join((_STATUS_LINES[response.status], _Clock.date_line(), connection,
                                        response.head, b"\r\n", body)))
        if not keep_alive:
            self.close()

    def _refuse(self, status: int) -> None:
        """A request we will not read: answer and close, since its framing cannot be trusted."""
        self._send(Request("GET", "", Headers()), _error(status), keep_alive=False)


def _error(status: int) -> Response:
    return Response.of(status, f"{status} {HTTPStatus(status).phrase}\n".encode())


class HTTPServer:
    """Serves `app` on (host, port) from the thread that calls serve_forever().

    The same life cycle as socketserver's servers: serve_forever() in a thread, shutdown()
    from another, then server_close().
    """

    def __init__(self, host: str, port: int, app: App, workers: int = 4, access_log: bool = False):
        self.app = app
        self.access_log = access_log
        self.loop = asyncio.new_event_loop()
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="http")
        self.connections: set[_Connection] = set()
        self._socket = socket.create_server((host, port), backlog=1024)
        self.server_address: tuple[str, int] = self._socket.getsockname()[:2]
        self._stopping: asyncio.Future = self.loop.create_future()
        self._running = threading.Event()
        self._stopped = threading.Event()

    def answer(self, request: Request) -> Response:
        """On a pool thread: the application's full answer; a failure is a 500, not a hang."""
        try:
            return self.app(request)
        except Exception:
            log.exception("event=http_error path=%r", request.target)
            return _error(500)

    def serve_forever(self) -> None:
        self._running.set()
        try:
            self.loop.run_until_complete(self._serve())
        finally:
            self._stopped.set()

    def shutdown(self) -> None:
        """Stop serving and wait for serve_forever() to return; open connections are closed."""
        if not self._running.is_set():
            self._stopped.set()
        self.loop.call_soon_threadsafe(self._request_stop)
        self._stopped.wait()

    def server_close(self) -> None:
        self._socket.close()
        self.pool.shutdown(wait=False, cancel_futures=True)
        if not self.loop.is_closed():
            self.loop.close()

    def _request_stop(self) -> None:
        if not self._stopping.done():
            self._stopping.set_result(None)

    async def _serve(self) -> None:
        server = await self.loop.create_server(lambda: _Connection(self), sock=self._socket)
        sweeper = self.loop.create_task(self._close_idle())
        try:
            await self._stopping
        finally:
            sweeper.cancel()
            server.close()
            for connection in list(self.connections):
                connection.close()
            await asyncio.sleep(0)  # let the transports run their close callbacks

    async def _close_idle(self) -> None:
        """One sweep every few seconds instead of one timer per connection per request."""
        while True:
            await asyncio.sleep(min(5.0, IDLE_TIMEOUT))
            cutoff = time.monotonic() - IDLE_TIMEOUT
            for connection in [c for c in self.connections if c.idle and c.last_active < cutoff]:
                connection.close()

