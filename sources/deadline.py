"""A total time limit for one HTTP exchange.

requests only knows per-read timeouts: a server that trickles one byte a second (in the
headers or the body) never trips them. A watchdog shuts the exchange's socket down when the
total budget is spent, which wakes any blocked read at once.
"""

from __future__ import annotations

import heapq
import itertools
import socket
import threading
import time
from types import TracebackType

from urllib3.connection import HTTPConnection, HTTPSConnection

_active = threading.local()


class Deadline:
    """Context manager: sockets used by this thread inside it are shut down after `seconds`."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.expired = False
        self.finished = False
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []

    def __enter__(self) -> Deadline:
        _active.deadline = self
        _WATCHDOG.watch(time.monotonic() + self.seconds, self)
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        _active.deadline = None
        with self._lock:
            self.finished = True
            self._sockets.clear()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            if self.expired:
                _shutdown(sock)
            else:
                self._sockets.append(sock)

    def expire(self) -> None:
        with self._lock:
            if self.finished:
                return
            self.expired = True
            for sock in self._sockets:
                _shutdown(sock)


class _Watchdog:
    """One thread for every Deadline of the process (a timer thread per request cost more CPU
    than parsing the response): a heap of due times; finished deadlines are skipped."""

    def __init__(self) -> None:
        self._due: list[tuple[float, int, Deadline]] = []
        self._wake = threading.Condition()
        self._count = itertools.count()
        self._thread: threading.Thread | None = None

    def watch(self, due: float, deadline: Deadline) -> None:
        with self._wake:
            heapq.heappush(self._due, (due, next(self._count), deadline))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="deadline-watchdog", daemon=True)
                self._thread.start()
            self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                while self._due and self._due[0][2].finished:
                    heapq.heappop(self._due)
                if not self._due:
                    self._wake.wait()
                    continue
                due, _, deadline = self._due[0]
                if due > time.monotonic():
                    self._wake.wait(due - time.monotonic())
                    continue
                heapq.heappop(self._due)
            deadline.expire()


_WATCHDOG = _Watchdog()


def _shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed: nothing left to stop


def _watch_current(sock: socket.socket | None) -> None:
    deadline = getattr(_active, "deadline", None)
    if deadline is not None and sock is not None:
        deadline.watch(sock)


class WatchedHTTPConnection(HTTPConnection):
    """A connection that reports its socket to the active Deadline (see guard.GuardedAdapter)."""

    def request(self, *args, **kwargs) -> None:  # type: ignore[override]
        # Connecting is bounded by the connect timeout; the unbounded part starts after sending.
        super().request(*args, **kwargs)
        _watch_current(self.sock)


class WatchedHTTPSConnection(HTTPSConnection):
    def request(self, *args, **kwargs) -> None:  # type: ignore[override]
        super().request(*args, **kwargs)
        _watch_current(self.sock)
