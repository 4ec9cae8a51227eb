"""A leaner request cycle for the stdlib HTTP server, so polling stays cheap.

BaseHTTPRequestHandler spends most of a small request in the email-package header parser,
in formatting the Date header, and in one send() per header block and body. Feed polling is
almost all tiny conditional GETs, so this handler reads headers with plain byte splits,
formats Date once a second, and buffers each response into one write. Request handlers
(`do_GET`, `do_POST`, ...) are written exactly as for BaseHTTPRequestHandler.
"""

from __future__ import annotations

import os
import time
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_LINE = 65536
MAX_HEADERS = 100
SERVER_NAME = "zonefeed"
ACCESS_LOG = bool(os.environ.get("ZONEFEED_ACCESS_LOG"))  # read once: environ lookups cost per request
_STATUS_LINES = {status.value: f"HTTP/1.1 {status.value} {status.phrase}\r\nServer: {SERVER_NAME}\r\n".encode()
                 for status in HTTPStatus}


class RequestHeaders(dict):
    """Case-insensitive request headers with the `get`/`[]`/`in` that handlers use."""

    def get(self, name: str, default: str | None = None) -> str | None:  # type: ignore[override]
        return super().get(name.lower(), default)

    def __getitem__(self, name: str) -> str | None:
        return super().get(name.lower())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and super().__contains__(name.lower())


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


class FastRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    wbufsize = 1 << 16  # headers and body leave in one write, flushed after each request
    disable_nagle_algorithm = True
    timeout = 75  # an idle keep-alive connection gives its thread back after this many seconds

    def handle_one_request(self) -> None:
        try:
            line = self.rfile.readline(MAX_LINE + 1)
            if not line:
                self.close_connection = True
                return
            if len(line) > MAX_LINE:
                self.requestline, self.request_version, self.command = "", "HTTP/1.0", ""
                self.close_connection = True
                self.send_error(HTTPStatus.REQUEST_URI_TOO_LONG)
                return
            if not self._parse(line):
                return
            method = getattr(self, "do_" + self.command, None)
            if method is None:
                self.send_error(HTTPStatus.NOT_IMPLEMENTED, f"Unsupported method ({self.command!r})")
            else:
                method()
            self.wfile.flush()
        except (ConnectionError, TimeoutError):
            self.close_connection = True

    def _parse(self, line: bytes) -> bool:
        """Request line and headers; on a malformed request answer 400 and return False."""
        self.raw_requestline = line
        self.requestline = line.decode("latin-1").rstrip("\r\n")
        self.command, self.request_version = "", "HTTP/1.0"  # so an error still gets a status line
        parts = self.requestline.split()
        if len(parts) != 3 or parts[2] not in ("HTTP/1.0", "HTTP/1.1"):
            self.close_connection = True
            self.send_error(HTTPStatus.BAD_REQUEST, "Bad request line")
            return False
        self.command, self.path, self.request_version = parts
        fields: dict[str, str] = {}
        readline = self.rfile.readline
        for _ in range(MAX_HEADERS + 1):
            header = readline(MAX_LINE + 1)
            if header in (b"\r\n", b"\n", b""):
                break
            name, colon, value = header.decode("latin-1").partition(":")
            if colon:
                key, value = name.strip().lower(), value.strip()
                fields[key] = f"{fields[key]}, {value}" if key in fields else value
        else:
            self.close_connection = True
            self.send_error(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Too many headers")
            return False
        headers = RequestHeaders(fields)
        self.headers = headers  # type: ignore[assignment]
        connection = fields.get("connection", "").lower()
        self.close_connection = connection == "close" or (
            self.request_version == "HTTP/1.0" and connection != "keep-alive")
        return True

    def send_prepared(self, code: int, header_block: bytes, body: bytes) -> None:
        """One write of a response whose headers (CRLF-terminated lines) were built in advance."""
        if ACCESS_LOG:
            self.log_request(code, len(body))
        self.wfile.write(b"".join((_STATUS_LINES[code], _Clock.line(), header_block, b"\r\n", body)))

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
