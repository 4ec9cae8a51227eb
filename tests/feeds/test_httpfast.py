"""The lean request cycle keeps BaseHTTPRequestHandler's contract for handlers that read bodies."""

from __future__ import annotations

import socket
import threading

from feeds.httpfast import FastRequestHandler, FeedHTTPServer


class Echo(FastRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        reply = body.upper() + b"|" + (self.headers.get("x-token") or "").encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def do_GET(self) -> None:
        self.send_prepared(204, b"X-Path: " + self.path.encode() + b"\r\n", b"")


def test_bodies_headers_and_pipelining_on_one_connection():
    server = FeedHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with socket.create_connection(server.server_address, timeout=10) as sock:
            sock.sendall(b"POST /admin HTTP/1.1\r\nX-TOKEN: t1\r\nContent-Length: 5\r\n\r\nhel")
            sock.sendall(b"lo" + b"GET /next HTTP/1.1\r\nConnection: close\r\n\r\n")
            received = b""
            while chunk := sock.recv(65536):
                received += chunk
        first, second = received.split(b"HTTP/1.1 204")
        assert first.startswith(b"HTTP/1.1 200 OK\r\n") and first.endswith(b"\r\n\r\nHELLO|t1")
        assert b"X-Path: /next\r\n" in second
    finally:
        server.shutdown()
        server.server_close()
