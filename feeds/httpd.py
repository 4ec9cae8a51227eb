"""An event-loop HTTP/1.1 server: feed polls answered on the loop, everything else on threads.

Feed polling is almost all tiny conditional GETs for bytes rendered in advance. A thread per
connection (the stdlib server) pays thread switches and a stack of generic parsing per
request; here one asyncio loop splits each request head in one pass and answers a prepared
response in one write. Requests that may block (database queries of filtered views, status
pages, POST actions) run on a small thread pool without stalling the loop. Requests on one
connection are answered in order, pipelined ones included.

An application is a callable `app(request) -> Response` that may block, with a method
`app.quick(request) -> Response | None` that must not: it answers what it can from memory on
the loop and returns None for the rest, and `app.lane(request) -> str` naming the thread pool
for the rest, so slow views cannot hold up health probes.

What a client may hold of the server is bounded (see Limits): every wait on a client has a
deadline (request head, request body, idle keep-alive, answers left unread), open connections
are capped below the descriptor limit (at the cap the longest-waiting one is closed to make
room), and closures and refusals are tallied into one log line per interval instead of one
each. A request the client got wrong is a 4xx with a one-line reason, never a traceback.
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

from feeds.http_limits import Limits, LoopErrors, Tally, fitted
from feeds.http_request import MAX_TARGET, ClientError, Headers, Request, checked_target

log = logging.getLogger("zonefeed.http")

MAX_HEAD = 65536  # longest request head we accept (request line and headers)
MAX_HEADERS = 100
MAX_BODY = 1 << 20  # request bodies are small admin forms; anything larger is refused
SERVER_NAME = "zonefeed"
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"})
_STATUS_LINES = {status.value: f"HTTP/1.1 {status.value} {status.phrase}\r\nServer: {SERVER_NAME}\r\n".encode()
                 for status in HTTPStatus}
_NO_BODY = frozenset({204, 304})


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

    def lane(self, request: Request) -> str: ...


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
    """One client connection: buffer, parse, answer in order, pause while a thread works.

    `waiting` says what we wait for from the client ("head", "body", "idle" between requests,
    or "closing": our last bytes taken) and `since` when that wait began; the server's sweep
    enforces the deadlines.
    """

    def __init__(self, server: HTTPServer):
        self._server = server
        self._buffer = b""
        self._transport: asyncio.Transport | None = None
        self.busy = False  # a request is on a thread; later ones wait in the buffer
        self.write_paused = False  # the client is not reading our answers
        self._closing = False
        self._continued = False  # "100 Continue" already sent for the request being received
        self.waiting = "head"  # a new connection owes us a request head
        self.since = time.monotonic()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport  # type: ignore[assignment]
        if not self._server.admit(self):
            self._closing = True
            transport.write(_FULL)  # type: ignore[attr-defined]
            transport.close()
            return
        self._transport.set_write_buffer_limits(high=self._server.limits.max_unread)

    def connection_lost(self, exc: Exception | None) -> None:
        self._closing = True
        self._server.connections.discard(self)

    def data_received(self, data: bytes) -> None:
        if not self._buffer and self.waiting == "idle":
            self.waiting, self.since = "head", time.monotonic()
        self._buffer += data
        if not self.busy:
            self._process()

    def pause_writing(self) -> None:
        self.write_paused = True
        self.since = time.monotonic()
        self._transport.pause_reading()

    def resume_writing(self) -> None:
        self.write_paused = False
        self._waiting_again()
        if self._closing:
            return
        self._transport.resume_reading()
        if not self.busy:
            self._process()

    def close(self) -> None:
        """Close after what is already written has been sent (within send_timeout)."""
        self._closing = True
        self.waiting, self.since = "closing", time.monotonic()
        self._transport.close()

    def abort(self) -> None:
        """Close now, dropping unsent answers: for clients that stopped reading or stalled."""
        self._closing = True
        self._server.connections.discard(self)
        self._transport.abort()

    def time_out(self) -> None:
        """A request that did not arrive in time gets a 408 (tiny: it fits any socket buffer)."""
        if self._closing or self.write_paused:
            self.abort()
            return
        if self.waiting in ("head", "body") and self._buffer:
            self._transport.write(_STATUS_LINES[408] + b"Connection: close\r\nContent-Length: 0\r\n\r\n")
        self.close()

    def _waiting_again(self) -> None:
        """After an answer: waiting for the next request, whose first bytes may already be here."""
        if not self._closing:
            self.waiting, self.since = ("head" if self._buffer else "idle"), time.monotonic()

    def _process(self) -> None:
        """Answer every complete request in the buffer, until one has to go to a thread."""
        while not (self._closing or self.write_paused or self.busy):
            parsed = self._next_request()
            if parsed is None:
                return
            request, keep_alive = parsed
            if request.method in ("GET", "HEAD"):
                response = self._quick(request)
                if response is not None:
                    self._send(request, response, keep_alive)
                    self._waiting_again()
                    continue
            self.busy = True
            self._transport.pause_reading()
            try:
                pool = self._server.pools[self._server.app.lane(request)]
            except Exception:
                log.exception("event=http_error path=%r", request.target[:200])
                pool = self._server.pools[DEFAULT_LANE]
            future = self._server.loop.run_in_executor(pool, self._server.answer, request)
            future.add_done_callback(lambda done, r=request, k=keep_alive: self._finish(r, k, done))

    def _quick(self, request: Request) -> Response | None:
        try:
            return self._server.app.quick(request)
        except ClientError as error:
            return _client_error(request, error)
        except Exception:
            log.exception("event=http_error path=%r", request.target[:200])
            return _error(500)

    def _finish(self, request: Request, keep_alive: bool, done: asyncio.Future) -> None:
        self.busy = False
        if self._closing or done.cancelled():
            return
        self._send(request, done.result(), keep_alive)
        self._waiting_again()
        if not self._closing and not self.write_paused:
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
                if line_end < 0 or line_end > MAX_HEAD:
                    self._refuse(414, "request line too long")
                else:
                    self._refuse(431, "request head too large")
            return None
        lines = buffer[:end].decode("latin-1").split("\n")
        parts = lines[0].split()
        if len(parts) != 3 or parts[2] not in ("HTTP/1.1", "HTTP/1.0"):
            self._refuse(400, "malformed request line")
            return None
        if len(lines) > MAX_HEADERS + 1:
            self._refuse(431, f"more than {MAX_HEADERS} header lines")
            return None
        method, target, version = parts
        target, problem = checked_target(target)
        if problem:
            self._refuse(414 if len(target) > MAX_TARGET else 400, problem)
            return None
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
            self._refuse(501, "chunked request bodies are not accepted")
            return None
        size = 0
        if length is not None:
            if not (length.isascii() and length.isdigit()):  # "²".isdigit() is true too
                self._refuse(400, "bad Content-Length")
                return None
            size = int(length)
            if size > MAX_BODY:
                self._refuse(413, f"request body over {MAX_BODY} bytes")
                return None
            if len(buffer) - start < size:
                if self.waiting != "body":
                    self.waiting, self.since = "body", time.monotonic()
                if dict.get(headers, "expect", "").lower() == "100-continue" and not self._continued:
                    self._continued = True
                    self._transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")
                return None
        self._continued = False
        self._buffer = buffer[start + size:]
        connection = dict.get(headers, "connection", "").lower()
        keep_alive = connection != "close" and (version == "HTTP/1.1" or connection == "keep-alive")
        if method not in KNOWN_METHODS:
            self._refuse(501, "unknown method")
            return None
        return Request(method, target, headers, buffer[start:start + size]), keep_alive

    def _send(self, request: Request, response: Response, keep_alive: bool) -> None:
        if self._server.access_log:
            log.info("event=http method=%s path=%r status=%d bytes=%d",
                     request.method, request.target[:200], response.status, len(response.body))
        body = b"" if request.method == "HEAD" or response.status in _NO_BODY else response.body
        connection = b"" if keep_alive else b"Connection: close\r\n"
        if keep_alive and dict.get(request.headers, "connection", "").lower() == "keep-alive":
            connection = b"Connection: keep-alive\r\n"  # an HTTP/1.0 client asked to keep it
        self._transport.write(b"".join((_STATUS_LINES[response.status], _Clock.date_line(), connection,
                                        response.head, b"\r\n", body)))
        if not keep_alive:
            self.close()

    def _refuse(self, status: int, reason: str) -> None:
        """A request we will not read: answer and close, since its framing cannot be trusted."""
        log.info("event=http_refused status=%d reason=%r", status, reason)
        self._send(Request("GET", "", Headers()), Response.of(status, f"{status} {reason}\n".encode()),
                   keep_alive=False)


def _client_error(request: Request, error: ClientError) -> Response:
    log.info("event=http_bad_request status=%d reason=%r path=%r", error.status, error.reason,
             request.target[:120])
    return Response.of(error.status, f"{error.status} {error.reason}\n".encode())


def _error(status: int) -> Response:
    return Response.of(status, f"{status} {HTTPStatus(status).phrase}\n".encode())


def listening_socket(host: str, port: int) -> socket.socket:
    return socket.create_server((host, port), backlog=1024)


def answer(app: App, request: Request) -> Response:
    """On a pool thread: the application's full answer; a failure is a 500, not a hang."""
    try:
        return app(request)
    except ClientError as error:
        return _client_error(request, error)
    except Exception:
        log.exception("event=http_error path=%r", request.target[:200])
        return _error(500)


class HTTPServer:
    """Serves `app` on (host, port) from the thread that calls serve_forever().

    The same life cycle as socketserver's servers: serve_forever() in a thread, shutdown()
    from another, then server_close(). `lanes` sizes a thread pool per lane name that
    app.lane() may answer; DEFAULT_LANE must be one of them.
    """

    def __init__(self, host: str, port: int, app: App, lanes: dict[str, int] | None = None,
                 limits: Limits = Limits(), access_log: bool = False, sock: socket.socket | None = None):
        self.app = app
        self.access_log = access_log
        self.limits = fitted(limits)
        self.loop = asyncio.new_event_loop()
        self.loop.set_exception_handler(LoopErrors().report)
        self.pools = {lane: ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"http-{lane}")
                      for lane, workers in (lanes or {DEFAULT_LANE: 4}).items()}
        self.connections: set[_Connection] = set()
        self.tally = Tally()
        self._socket = sock or listening_socket(host, port)
        self.server_address: tuple[str, int] = self._socket.getsockname()[:2]
        self._stopping: asyncio.Future = self.loop.create_future()
        self._running = threading.Event()
        self._stopped = threading.Event()

    def admit(self, connection: _Connection) -> bool:
        """Room for a new connection: at the cap, the one waiting longest on its client goes."""
        if len(self.connections) >= self.limits.max_connections:
            waiting = [c for c in self.connections if not c.busy]
            if not waiting:
                self.tally.add("refused_full")
                return False
            min(waiting, key=lambda c: c.since).abort()
            self.tally.add("closed_for_room")
        self.connections.add(connection)
        return True

    def answer(self, request: Request) -> Response:
        return answer(self.app, request)

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
        for pool in self.pools.values():
            pool.shutdown(wait=False, cancel_futures=True)
        if not self.loop.is_closed():
            self.loop.close()

    def _request_stop(self) -> None:
        if not self._stopping.done():
            self._stopping.set_result(None)

    async def _serve(self) -> None:
        server = await self.loop.create_server(lambda: _Connection(self), sock=self._socket)
        sweeper = self.loop.create_task(self._sweep())
        try:
            await self._stopping
        finally:
            sweeper.cancel()
            server.close()
            for connection in list(self.connections):
                connection.abort()
            await asyncio.sleep(0)  # let the transports run their close callbacks

    async def _sweep(self) -> None:
        """Deadlines by one sweep a second or so, instead of a timer per connection per request."""
        limits = self.limits
        deadlines = {"head": limits.head_timeout, "body": limits.body_timeout, "idle": limits.idle_timeout,
                     "closing": limits.send_timeout}
        shortest = min(*deadlines.values(), limits.send_timeout)
        while True:
            await asyncio.sleep(min(1.0, shortest / 4))
            now = time.monotonic()
            for connection in list(self.connections):
                if connection.write_paused:
                    if now - connection.since > limits.send_timeout:
                        connection.abort()
                        self.tally.add("send_timeout")
                elif not connection.busy and now - connection.since > deadlines[connection.waiting]:
                    if connection.waiting in ("head", "body"):
                        self.tally.add(f"{connection.waiting}_timeout")
                    connection.time_out()
            self.tally.flush(now)


DEFAULT_LANE = "work"
_FULL = (_STATUS_LINES[503] + b"Connection: close\r\nRetry-After: 1\r\nContent-Length: 0\r\n\r\n")
