"""A socket-level misbehaving server on 127.0.0.1: stalls, trickles and streams bombs.

LocalWeb answers whole responses; the faults that matter for a fetcher (a byte a second,
headers then silence, an endless body) need control over every send.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator

Behaviour = Callable[[socket.socket], None]


class RawServer:
    """Accept connections on 127.0.0.1:<free port>; run `behaviour(conn)` for each, in a thread."""

    def __init__(self, behaviour: Behaviour):
        self.behaviour = behaviour
        self.connections = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}/"

    def __enter__(self) -> RawServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._listener.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(10)
            _read_request_head(conn)
            try:
                self.behaviour(conn)
            except OSError:
                pass  # the client hung up on us, which is what most tests want


def _read_request_head(conn: socket.socket) -> None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            return
        data += chunk


def headers(status: str = "200 OK", **fields: str) -> bytes:
    lines = [f"HTTP/1.1 {status}"] + [f"{k.replace('_', '-')}: {v}" for k, v in fields.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def stall_after_headers(seconds: float = 8) -> Behaviour:
    def behave(conn: socket.socket) -> None:
        conn.sendall(headers(Content_Type="application/xml", Content_Length="1000"))
        time.sleep(seconds)

    return behave


def trickle(payload: bytes, every: float = 1.0, limit: float = 15) -> Behaviour:
    """Send `payload` one byte per `every` seconds (status line included), for at most `limit` s."""

    def behave(conn: socket.socket) -> None:
        started = time.monotonic()
        for byte in payload:
            if time.monotonic() - started > limit:
                return
            conn.sendall(bytes([byte]))
            time.sleep(every)

    return behave


def stream(head: bytes, chunks: Callable[[], Iterator[bytes]]) -> Behaviour:
    """Headers, then whatever `chunks` yields until the client stops reading."""

    def behave(conn: socket.socket) -> None:
        conn.sendall(head)
        for chunk in chunks():
            conn.sendall(chunk)

    return behave
