"""Readers' requests answered by a process of their own; operator requests forwarded to the service.

`run` collects in the process that serves. Its Python work (fetching, dedupe, ingest,
rendering) holds the GIL, and an event loop waiting for the GIL answers polls late: with the
server in that process, conditional polls fell from ~27,000 to ~4,000 per second (p99 74 ms)
while a collect ran, and views rendered there waited 164-398 ms at p99 (bench/README.md).
Here a child process holds the listening socket and runs the feeds.httpd loop with its own
GIL: it answers feeds from the static export, and views and reading pages from a store
connection of its own; what only the service process can answer (metrics, readiness, status
pages, admin actions) goes through a pipe to it, where lane threads answer as the in-process
server would. Lanes are chosen on both sides, so a health probe never waits behind views.

The application gives the front its part with `app.front()` (a FrontApp, sent pickled): it
answers quick(), lane() and local() there, never touching the scheduler. After a config
reload `refresh_front()` sends a new one.
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import signal
import socket
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from multiprocessing.connection import Connection
from typing import Protocol

from feeds.http_limits import Limits
from feeds.http_request import Request
from feeds.httpd import DEFAULT_LANE, App, HTTPServer, Response, answer, listening_socket

log = logging.getLogger("zonefeed.http")
_REPLACE = -1  # a message number that carries a new front application instead of an answer


class FrontApp(App, Protocol):
    def local(self, request: Request) -> Response | None:
        """The answer given in the front process, or None: the service process gives it."""

_UNAVAILABLE = Response.of(503, b"503 service process unavailable\n", Retry_After="1")


class FrontServer:
    """HTTPServer's life cycle and `app`, with the event loop in a child process.

    `log_setup` is called first thing in the child (it is spawned, not forked, so that no lock
    held by one of the service's threads is copied into it); it must be picklable.
    """

    def __init__(self, host: str, port: int, app: App, lanes: dict[str, int], limits: Limits = Limits(),
                 access_log: bool = False, log_setup: Callable[[], None] | None = None):
        self.app = app
        self._socket = listening_socket(host, port)
        self.server_address: tuple[str, int] = self._socket.getsockname()[:2]
        self._front_args = (lanes, limits, access_log, log_setup)
        self._pools = {lane: ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"http-{lane}")
                       for lane, workers in lanes.items()}
        self._send_lock = threading.Lock()
        self._stopping = threading.Event()
        self._stopped = threading.Event()
        self._child: multiprocessing.process.BaseProcess | None = None
        self._pipe: Connection | None = None

    @property
    def front_pid(self) -> int | None:
        """The front process's id while one runs."""
        child = self._child
        return child.pid if child is not None and child.is_alive() else None

    def start_front(self) -> None:
        """Start the front process now (it inherits this thread's CPU priority); serve_forever()
        starts it if this was not called, and again if it dies."""
        self._pipe, child_end = multiprocessing.Pipe()
        self._child = multiprocessing.get_context("spawn").Process(
            target=_front_main, name="zonefeed-http", daemon=True,
            args=(self._socket, self.app.front(), child_end, *self._front_args))
        self._child.start()
        child_end.close()

    def serve_forever(self) -> None:
        """Answer what the front forwards; a front that dies is started again."""
        try:
            if self._child is None:
                self.start_front()
            while not self._stopping.is_set():
                self._relay(self._pipe)
                self._child.join(5)
                if self._stopping.is_set():
                    break
                log.error("event=http_front_restart exitcode=%s", self._child.exitcode)
                self.start_front()
        finally:
            self._stopped.set()

    def refresh_front(self) -> None:
        """Send the front a new part of the application (after a config reload)."""
        if self._pipe is not None:
            self._send(self._pipe, _REPLACE, self.app.front())

    def shutdown(self) -> None:
        """Stop the front (its connections close with it) and wait for serve_forever() to return."""
        self._stopping.set()
        if self._child is not None and self._child.is_alive():
            self._child.terminate()
        self._stopped.wait()

    def server_close(self) -> None:
        self._socket.close()
        for pool in self._pools.values():
            pool.shutdown(wait=False, cancel_futures=True)

    def _relay(self, pipe: Connection) -> None:
        while True:
            try:
                number, request = pipe.recv()
            except (EOFError, OSError):
                return
            lane = self.app.lane(request)
            self._pools.get(lane, self._pools[DEFAULT_LANE]).submit(self._answer, pipe, number, request)

    def _answer(self, pipe: Connection, number: int, request: Request) -> None:
        self._send(pipe, number, answer(self.app, request))

    def _send(self, pipe: Connection, number: int, message: object) -> None:
        try:
            with self._send_lock:
                pipe.send((number, message))
        except OSError:
            pass  # the front is gone, and with it the client's connection


class _Forwarding:
    """The front's application: what the local part answers here, the rest in the service process."""

    def __init__(self, local: FrontApp, pipe: Connection):
        self._local = local
        self._pipe = pipe
        self._waiting: dict[int, Future[Response]] = {}
        self._numbers = itertools.count()
        self._lock = threading.Lock()

    def quick(self, request: Request) -> Response | None:
        return self._local.quick(request)

    def lane(self, request: Request) -> str:
        return self._local.lane(request)

    def __call__(self, request: Request) -> Response:
        answered = self._local.local(request)
        if answered is not None:
            return answered
        future: Future[Response] = Future()
        with self._lock:
            number = next(self._numbers)
            self._waiting[number] = future
            try:
                self._pipe.send((number, request))
            except OSError:
                del self._waiting[number]
                return _UNAVAILABLE
        return future.result()

    def read_answers(self, on_closed: Callable[[], None]) -> None:
        """Until the service process goes away, then every waiting request gets a 503."""
        try:
            while True:
                number, response = self._pipe.recv()
                if number == _REPLACE:
                    self._local = response
                    continue
                with self._lock:
                    future = self._waiting.pop(number)
                future.set_result(response)
        except (EOFError, OSError):
            with self._lock:
                for future in self._waiting.values():
                    future.set_result(_UNAVAILABLE)
                self._waiting.clear()
            on_closed()


def _front_main(sock: socket.socket, local: FrontApp, pipe: Connection, lanes: dict[str, int], limits: Limits,
                access_log: bool, log_setup: Callable[[], None] | None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the service decides
    if log_setup is not None:
        log_setup()
    forwarding = _Forwarding(local, pipe)
    server = HTTPServer("", 0, forwarding, lanes, limits, access_log, sock=sock)
    threading.Thread(target=forwarding.read_answers, args=(server.shutdown,), daemon=True).start()
    server.serve_forever()
