"""The event-loop server over real sockets: framing, ordering, threads for slow work, failures."""

from __future__ import annotations

import logging
import socket
import subprocess
import sys
import threading
import time

import pytest

from feeds.http_limits import Limits
from feeds.http_request import Request
from feeds.httpd import HTTPServer, Response
from tests.support import ROOT

BIG = b"x" * (1 << 20)


class EchoApp:
    """Quick answers for /quick, a thread for the rest; /slow blocks until released."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.big_answers = 0

    def quick(self, request: Request) -> Response | None:
        if request.path == "/quick":
            return Response.of(200, b"quick:" + request.method.encode())
        if request.path == "/big":
            self.big_answers += 1
            return Response.of(200, BIG)
        if request.path == "/quick-broken":
            raise RuntimeError("a bug in a quick answer")
        return None

    def lane(self, request: Request) -> str:
        return request.path.strip("/").partition("-")[0] if request.path.startswith(("/views-", "/probes-")) else "work"

    def __call__(self, request: Request) -> Response:
        if request.path in ("/slow", "/views-slow"):
            self.release.wait(10)
        if request.path == "/broken":
            raise RuntimeError("a bug in a handler")
        token = (request.headers.get("X-Token") or "").encode()
        return Response.of(200, request.method.encode() + b" " + request.target.encode() + b"|"
                           + request.body.upper() + b"|" + token)


def serving(limits: Limits = Limits()):
    app = EchoApp()
    server = HTTPServer("127.0.0.1", 0, app, {"work": 2, "views": 1, "probes": 1}, limits)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, app
    app.release.set()
    server.shutdown()
    server.server_close()
    thread.join(5)
    assert not thread.is_alive()


@pytest.fixture
def server():
    yield from serving()


@pytest.fixture
def strict_server():
    """Deadlines short enough to watch: what the defaults do in seconds, done in fractions."""
    yield from serving(Limits(max_connections=50, head_timeout=0.5, body_timeout=0.5, idle_timeout=5,
                              send_timeout=0.5, max_unread=16384))


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


def read_to_close(sock: socket.socket) -> bytes:
    """What the server sent before closing; a reset (close with unread data) counts as closed."""
    received = b""
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except ConnectionResetError:
        pass
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
    ("POST / HTTP/1.1\r\nContent-Length: \u00b2\r\n\r\nab".encode(), b"400"),  # "²".isdigit()
    (b"POST / HTTP/1.1\r\nContent-Length: 1, 2\r\n\r\nab", b"400"),
    (b"GET /a\x00b HTTP/1.1\r\n\r\n", b"400"),
    (b"GET /a%00b HTTP/1.1\r\n\r\n", b"400"),
    (b"GET /a%0d%0aSet-Cookie:x HTTP/1.1\r\n\r\n", b"400"),
    (b"GET /\xff\xfe HTTP/1.1\r\n\r\n", b"400"),  # not UTF-8
    (b"GET /%ff HTTP/1.1\r\n\r\n", b"400"),
    (b"GET relative HTTP/1.1\r\n\r\n", b"400"),
    (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\n\r\n", b"414"),
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


def test_a_client_mistake_is_a_400_with_a_reason_and_one_short_log_line(server, caplog):
    srv, _ = server
    with caplog.at_level(logging.INFO, logger="zonefeed.http"):
        answer = exchange(srv.server_address, b"GET /feeds/\x00.atom HTTP/1.1\r\n\r\n")
    assert answer.endswith(b"\r\n\r\n400 control character in path\n")
    assert len(caplog.records) == 1 and len(caplog.records[0].getMessage()) < 200
    assert not caplog.records[0].exc_info


def test_raw_utf8_targets_are_decoded_as_utf8(server):
    srv, _ = server
    raw = exchange(srv.server_address, "GET /feeds/all.atom?region=重庆市 HTTP/1.1\r\nConnection: close\r\n\r\n".encode())
    assert raw.endswith("GET /feeds/all.atom?region=重庆市||".encode())
    request = Request("GET", "/feeds/all.atom?region=重庆市&q=%E6%8B%9B%E5%95%86", None)
    assert request.params() == {"region": ["重庆市"], "q": ["招商"]}


def test_half_sent_heads_are_capped_and_closed_after_the_head_timeout(strict_server, caplog):
    srv, _ = strict_server
    caplog.set_level(logging.INFO, logger="zonefeed.http")
    flood = []
    for _ in range(300):  # six times the cap, each holding a partial request head
        sock = socket.create_connection(srv.server_address, timeout=10)
        sock.sendall(b"G")
        flood.append(sock)
    started = time.monotonic()
    answer = exchange(srv.server_address, b"GET /quick HTTP/1.1\r\nConnection: close\r\n\r\n")
    assert answer.endswith(b"quick:GET") and time.monotonic() - started < 1.0
    assert len(srv.connections) <= 50
    deadline = time.monotonic() + 5  # past the head timeout: whoever is left gets a 408 and is closed
    while srv.connections and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(srv.connections) == 0
    timed_out = b"HTTP/1.1 408 Request Timeout\r\nServer: zonefeed\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
    for sock in flood:  # closed: made room for (reset), or told it took too long (408)
        assert read_to_close(sock) in (b"", timed_out)
        sock.close()
    summaries = [r.getMessage() for r in caplog.records]
    assert len(summaries) <= 2 and "closed_for_room=" in summaries[0]  # a tally, not a line each


def test_a_body_sent_too_slowly_is_cut_off(strict_server):
    srv, _ = strict_server
    with socket.create_connection(srv.server_address, timeout=10) as sock:
        sock.sendall(b"POST /form HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc")
        started = time.monotonic()
        assert sock.recv(65536).startswith(b"HTTP/1.1 408 ")
        assert time.monotonic() - started < 2.0


def test_a_client_pipelining_without_reading_is_cut_off(strict_server):
    srv, app = strict_server
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)  # before connect: a small window
    sock.settimeout(10)
    sock.connect(srv.server_address)
    sock.sendall(b"GET /big HTTP/1.1\r\n\r\n" * 200)  # 200 MB of answers asked for, none read
    # Each time the kernel's buffers grow and take some, the server answers one more and waits
    # send_timeout again; they stop growing at a few MB, so the cut comes within seconds.
    deadline = time.monotonic() + 15
    while not app.big_answers and time.monotonic() < deadline:  # accepted and answering
        time.sleep(0.05)
    while srv.connections and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not srv.connections and 0 < app.big_answers < 20  # stopped answering, then dropped it
    assert len(read_to_close(sock)) < 20 * len(BIG)  # what the socket buffers held, then the end
    sock.close()


def test_health_probes_do_not_wait_behind_views(server):
    srv, app = server
    stuck = [socket.create_connection(srv.server_address, timeout=10) for _ in range(4)]
    for sock in stuck:  # the one view thread is busy and three more views queue behind it
        sock.sendall(b"GET /views-slow HTTP/1.1\r\n\r\n")
    time.sleep(0.2)
    started = time.monotonic()
    answer = exchange(srv.server_address, b"GET /probes-ready HTTP/1.1\r\nConnection: close\r\n\r\n")
    assert answer.endswith(b"GET /probes-ready||") and time.monotonic() - started < 0.5
    app.release.set()
    for sock in stuck:
        assert sock.recv(65536).endswith(b"GET /views-slow||")
        sock.close()


OUT_OF_DESCRIPTORS = """
import logging, os, resource, sys, threading
resource.setrlimit(resource.RLIMIT_NOFILE, (128, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(name)s %(message)s")
from feeds.httpd import HTTPServer, Response

class App:
    def quick(self, request):
        return Response.of(200, b"ok")

server = HTTPServer("127.0.0.1", 0, App(), {"work": 1})
threading.Thread(target=server.serve_forever, daemon=True).start()
hogs = []
try:
    while True:
        hogs.append(os.open("/dev/null", os.O_RDONLY))
except OSError:
    pass
print(server.server_address[1], flush=True)
sys.stdin.read()
"""


def test_accept_errors_are_logged_once_per_interval():
    """Out of descriptors, accept() fails again every second: one log line, not one each time."""
    process = subprocess.Popen([sys.executable, "-c", OUT_OF_DESCRIPTORS], cwd=ROOT, text=True,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        port = int(process.stdout.readline())
        clients = []
        for _ in range(30):  # they wait in the listen backlog while accept() keeps failing
            clients.append(socket.create_connection(("127.0.0.1", port), timeout=10))
            time.sleep(0.1)
        for sock in clients:
            sock.close()
    finally:
        _, errors = process.communicate("", timeout=10)
    lines = [line for line in errors.splitlines() if "event=http_connection_cap" not in line]
    assert len(lines) == 1, errors  # three seconds of failures, no traceback
    assert "out of system resource" in lines[0] and "Too many open files" in lines[0]
