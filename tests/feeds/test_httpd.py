"""The event-loop server over real sockets: framing, ordering, threads for slow work, failures."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from feeds.httpd import HTTPServer, Request, Response


class EchoApp:
    """Quick answers for /quick, a thread for the rest; /slow blocks until released."""

    def __init__(self) -> None:
        self.release = threading.Event()

    def quick(self, request: Request) -> Response | None:
        if request.path == "/quick":
            return Response.of(200, b"quick:" + request.method.encode())
        if request.path == "/quick-broken":
            raise RuntimeError("a bug in a quick answer")
        return None

    def __call__(self, request: Request) -> Response:
        if request.path == "/slow":
            self.release.wait(10)
        if request.path == "/broken":
            raise RuntimeError("a bug in a handler")
        token = (request.headers.get("X-Token") or "").encode()
        return Response.of(200, request.method.encode() + b" " + request.target.encode() + b"|"
                           + request.body.upper() + b"|" + token)


@pytest.fixture
def server():
    app = EchoApp()
    server = HTTPServer("127.0.0.1", 0, app, workers=2)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, app
    app.release.set()
    server.shutdown()
    server.server_close()
    thread.join(5)
    assert not thread.is_alive()


def exchange(address: tuple[str, int], *chunks: bytes, pause: float = 0.0) -> bytes:
    """Send `chunks` (with pauses between), read until the server closes the connection."""
    with socket.create_connection(address, timeout=10) as sock:
        for chunk in chunks:
            sock.sendall(chunk)
            time.sleep(pause)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    return received


def test_pipelined_requests_are_answered_in_order_with_split_bodies(server):
    srv, _ = server
    received = exchange(srv.server_address,
                        b"POST /admin?x=1 HTTP/1.1\r\nX-TOKEN: t1\r\nContent-Length: 5\r\n\r\nhel",
                        b"lo" + b"GET /quick HTTP/1.1\r\n\r\n" + b"GET /last HTTP/1.1\r\nConnection: close\r\n\r\n",
                        pause=0.05)
    answers = received.split(b"HTTP/1.1 200 OK\r\n")[1:]
    assert len(answers) == 3
    assert answers[0].endswith(b"\r\n\r\nPOST /admin?x=1|HELLO|t1")
    assert answers[1].endswith(b"\r\n\r\nquick:GET")  # answered on the loop, yet after the thread's answer
    assert answers[2].endswith(b"GET /last||") and b"Connection: close\r\n" in answers[2]


def test_head_gets_headers_only_and_http10_closes_unless_kept_alive(server):
    srv, _ = server
    head = exchange(srv.server_address, b"HEAD /quick HTTP/1.0\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK\r\n") and head.endswith(b"Content-Length: 10\r\n\r\n")
    with socket.create_connection(srv.server_address, timeout=10) as sock:
        sock.sendall(b"GET /quick HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        first = sock.recv(65536)
        assert b"Connection: keep-alive\r\n" in first and first.endswith(b"quick:GET")
        sock.sendall(b"GET /quick HTTP/1.0\r\n\r\n")  # still open: the second request is answered
        assert sock.recv(65536).endswith(b"quick:GET")


def test_expect_continue_is_answered_before_the_body(server):
    srv, _ = server
    with socket.create_connection(srv.server_address, timeout=10) as sock:
        sock.sendall(b"POST /form HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n")
        assert sock.recv(65536) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(b"abc")
        assert sock.recv(65536).endswith(b"POST /form|ABC|")


def test_a_slow_handler_does_not_stall_other_connections(server):
    srv, app = server
    slow = socket.create_connection(srv.server_address, timeout=10)
    slow.sendall(b"GET /slow HTTP/1.1\r\n\r\n")
    time.sleep(0.1)
    assert exchange(srv.server_address, b"GET /quick HTTP/1.1\r\nConnection: close\r\n\r\n").endswith(b"quick:GET")
    assert exchange(srv.server_address, b"GET /other HTTP/1.1\r\nConnection: close\r\n\r\n").endswith(b"GET /other||")
    app.release.set()
    assert slow.recv(65536).endswith(b"GET /slow||")
    slow.close()


def test_failures_are_500s_and_the_server_goes_on(server):
    srv, _ = server
    for path in (b"/broken", b"/quick-broken"):
        answer = exchange(srv.server_address, b"GET " + path + b" HTTP/1.1\r\nConnection: close\r\n\r\n")
        assert answer.startswith(b"HTTP/1.1 500 Internal Server Error\r\n")
    assert exchange(srv.server_address, b"GET /quick HTTP/1.1\r\nConnection: close\r\n\r\n").endswith(b"quick:GET")


@pytest.mark.parametrize("request_bytes,status", [
    (b"NONSENSE\r\n\r\n", b"400"),
    (b"GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", b"400"),
    (b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n", b"414"),
    (b"GET / HTTP/1.1\r\n" + b"X: y\r\n" * 101 + b"\r\n", b"431"),
    (b"GET / HTTP/1.1\r\n" + b"X: " + b"y" * 70000 + b"\r\n\r\n", b"431"),
    (b"POST / HTTP/1.1\r\nContent-Length: 2000000\r\n\r\n", b"413"),
    (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", b"501"),
    (b"BREW / HTTP/1.1\r\n\r\n", b"501"),
])
def test_requests_we_cannot_frame_are_refused_and_closed(server, request_bytes, status):
    srv, _ = server
    answer = exchange(srv.server_address, request_bytes)
    assert answer.startswith(b"HTTP/1.1 " + status) and b"Connection: close\r\n" in answer


def test_shutdown_closes_open_connections(server):
    srv, _ = server
    idle = socket.create_connection(srv.server_address, timeout=10)
    idle.sendall(b"GET /quick HTTP/1.1\r\n\r\n")
    assert idle.recv(65536).endswith(b"quick:GET")
    srv.shutdown()
    assert idle.recv(65536) == b""  # the server closed it
    idle.close()
