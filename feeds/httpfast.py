"""A leaner request cycle for the stdlib HTTP server, so polling stays cheap.

BaseHTTPRequestHandler spends most of a small request in readline() calls and the
email-package header parser, in formatting the Date header, and in one send() per header
block and body. Feed polling is almost all tiny conditional GETs, so this handler receives
the request head with one recv() in the usual case, splits it in one pass, formats Date once
a second, and sends each response with one write. Request handlers
(`do_GET`, `do_POST`, ...) are written exactly as for BaseHTTPRequestHandler.
"""

from __future__ import annotations

import os
import time
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_LINE = 65536  # longest request head we read (request line and headers)
MAX_HEADERS = 100
RECV_SIZE = 65536
SERVER_NAME = "zonefeed"
ACCESS_LOG = bool(os.environ.get("ZONEFEED_ACCESS_LOG"))  # read once: environ lookups cost per request
_STATUS_LINES = {status.value: f"HTTP/1.1 {status.value} {status.phrase}\r\nServer: {SERVER_NAME}\r\n".encode()
                 for status in HTTPStatus}


class RequestHeaders(dict):
    """Case-insensitive request headers with the `get`/`[]`/`in` that handlers use."""

    def get(self, name: str, default: str | None = None) -> str | None:  # type: ignore[override]
        return dict.get(self, name.lower(), default)

    def __getitem__(self, name: str) -> str | None:
        return dict.get(self, name.lower())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and dict.__contains__(self, name.lower())


class _Clock:
    """The HTTP Date header, formatted at most once per second."""

    second = -1
    text = ""
    header = b""

    @classmethod
    def now(cls) -> str:
        second = int(time.time())
        if second != cls.second:
            text = formatdate(second, usegmt=True)
            cls.text, cls.header, cls.second = text, f"Date: {text}\r\n".encode("latin-1"), second
        return cls.text

    @classmethod
    def line(cls) -> bytes:
        cls.now()
        return cls.header


class _BodyReader:
    """`rfile` for handlers that read a request body: bytes already received come first."""

    def __init__(self, handler: FastRequestHandler):
        self._handler = handler

    def read(self, size: int = -1) -> bytes:
        handler = self._handler
        if size < 0:
            raise ValueError("read the body by its Content-Length")
        while len(handler._received) < size:
            chunk = handler.connection.recv(max(RECV_SIZE, size - len(handler._received)))
            if not chunk:
                break
            handler._received += chunk
        data, handler._received = handler._received[:size], handler._received[size:]
        return data


class FastRequestHandler(BaseHTTPRequestHandler):
    """Reads each request head with as few recv() calls as arrive, parses it in one pass."""

    protocol_version = "HTTP/1.1"
    wbufsize = 1 << 16  # headers and body leave in one write, flushed after each request
    disable_nagle_algorithm = True
    timeout = 75  # an idle keep-alive connection gives its thread back after this many seconds

    def setup(self) -> None:
        super().setup()
        self._received = b""
        self._socket_reader = self.rfile  # never read (bytes come via recv), closed in finish()
        self._body_reader = _BodyReader(self)

    def finish(self) -> None:
        self.rfile = self._socket_reader
        super().finish()

    def handle_one_request(self) -> None:
        self.command, self.request_version, self.requestline = "", "HTTP/1.0", ""  # for errors
        try:
            head = self._read_head()
            if head is None:
                self.close_connection = True
                return
            if not self._parse(head):
                return
            if self.command in ("GET", "HEAD") and self.answer_quickly():
                return
            method = getattr(self, "do_" + self.command, None)
            if method is None:
                self.send_error(HTTPStatus.NOT_IMPLEMENTED, f"Unsupported method ({self.command!r})")
            else:
                method()
            self.wfile.flush()
        except (ConnectionError, TimeoutError):
            self.close_connection = True

    def answer_quickly(self) -> bool:
        """Answer a GET/HEAD without the generic dispatch; True when it did. For hot paths."""
        return False

    def _read_head(self) -> str | None:
        """The request line and headers (up to the blank line), or None when the peer is done."""
        while True:
            end, separator = self._received.find(b"\r\n\r\n"), 4
            if end < 0:
                end, separator = self._received.find(b"\n\n"), 2  # bare-LF clients
            if end > MAX_LINE or (end < 0 and len(self._received) > MAX_LINE):
                self.close_connection = True
                line_end = self._received.find(b"\n")
                self.send_error(HTTPStatus.REQUEST_URI_TOO_LONG if line_end < 0 or line_end > MAX_LINE
                                else HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE)
                return None
            if end >= 0:
                head, self._received = self._received[:end], self._received[end + separator:]
                return head.decode("latin-1")
            chunk = self.connection.recv(RECV_SIZE)
            if not chunk:
                return None
            self._received += chunk

    def _parse(self, head: str) -> bool:
        """Request line and headers; on a malformed request answer 400 and return False."""
        lines = head.split("\n")
        self.requestline = lines[0].rstrip("\r")
        parts = self.requestline.split()
        if len(parts) != 3 or parts[2] not in ("HTTP/1.0", "HTTP/1.1"):
            self.close_connection = True
            self.send_error(HTTPStatus.BAD_REQUEST, "Bad request line")
            return False
        if len(lines) > MAX_HEADERS + 1:
            self.close_connection = True
            self.send_error(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Too many headers")
            return False
        self.command, self.path, self.request_version = parts
        fields = RequestHeaders()
        known = dict.get  # the plain dict methods: RequestHeaders' own would lower() again
        for line in lines[1:]:
            name, colon, value = line.partition(":")
            if colon:
                key, value = name.strip().lower(), value.strip()
                earlier = known(fields, key)
                fields[key] = value if earlier is None else f"{earlier}, {value}"
        self.headers = fields  # type: ignore[assignment]
        self.rfile = self._body_reader  # type: ignore[assignment]
        connection = (known(fields, "connection") or "").lower()
        self.close_connection = connection == "close" or (
            self.request_version == "HTTP/1.0" and connection != "keep-alive")
        return True

    def send_prepared(self, code: int, header_block: bytes, body: bytes) -> None:
        """One write of a response whose headers (CRLF-terminated lines) were built in advance."""
        if ACCESS_LOG:
            self.log_request(code, len(body))
        self.wfile.flush()  # nothing may be pending, but order must hold if it is
        self.connection.sendall(b"".join((_STATUS_LINES[code], _Clock.line(), header_block, b"\r\n", body)))

    def send_response(self, code: int, message: str | None = None) -> None:
        if ACCESS_LOG:
            self.log_request(code)
        self.send_response_only(code, message)
        self.send_header("Server", self.server_version)
        self.send_header("Date", _Clock.now())

    def send_header(self, keyword: str, value: str) -> None:
        if not hasattr(self, "_headers_buffer"):
            self._headers_buffer = []
        self._headers_buffer.append(f"{keyword}: {value}\r\n".encode("latin-1", "strict"))
        if keyword.lower() == "connection":
            self.close_connection = value.lower() == "close"

    def log_message(self, format: str, *args: object) -> None:
        if ACCESS_LOG:
            super().log_message(format, *args)


class FeedHTTPServer(ThreadingHTTPServer):
    """Thread per connection; a deeper accept queue for bursts of pollers; quiet on resets."""

    daemon_threads = True
    request_queue_size = 128

    def handle_error(self, request: object, client_address: object) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)
