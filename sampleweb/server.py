"""A small web of fixture sites on 127.0.0.1: for the demo and for tests.

Each route serves fixed bytes with chosen headers; ETag/Last-Modified make conditional GETs
answer 304; every request is logged so tests can count what the collector asked for.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

_TYPES = {".xml": "application/xml", ".rss": "application/rss+xml", ".atom": "application/atom+xml",
          ".html": "text/html", ".htm": "text/html", ".txt": "text/plain"}


@dataclass
class Route:
    body: bytes
    content_type: str = "application/xml"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    conditional: bool = True


class LocalWeb:
    """Serve routes on 127.0.0.1 (or another loopback `host`) at `port`, a free one by default;
    use as a context manager."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.posts: list[tuple[str, bytes]] = []  # (path, body) of each POST, e.g. WebSub pings
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((host, port), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def add(self, path: str, body: bytes | str, content_type: str = "application/xml", **options) -> str:
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.routes[path] = Route(body, content_type, **options)
        return self.url(path)

    def add_directory(self, directory: Path, prefix: str = "/") -> None:
        """Serve every file of `directory`; the type comes from the extension, no charset given."""
        for file in sorted(directory.rglob("*")):
            if file.is_file():
                path = prefix + file.relative_to(directory).as_posix()
                self.add(path, file.read_bytes(), _TYPES.get(file.suffix, "application/octet-stream"))

    def count(self, path: str | None = None) -> int | Counter:
        with self._lock:
            paths = Counter(p for _, p, _ in self.requests)
        return paths[path] if path is not None else paths

    def statuses(self) -> list[tuple[str, str]]:
        with self._lock:
            return [(p, h.get("x-status", "")) for _, p, h in self.requests]

    def __enter__(self) -> LocalWeb:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        web = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                path = self.path
                route = web.routes.get(path) or web.routes.get(path.split("?")[0])
                status = route.status if route else 404
                etag = '"' + hashlib.sha1(route.body).hexdigest() + '"' if route else None
                if route and route.conditional and status == 200 and \
                        self.headers.get("If-None-Match") == etag:
                    status = 304
                with web._lock:
                    web.requests.append((self.command, path, {"x-status": str(status),
                                                              **dict(self.headers)}))
                if route and route.delay:
                    time.sleep(route.delay)
                self.send_response(status)
                body = b"" if status == 304 else (route.body if route else b"not found")
                if route:
                    self.send_header("Content-Type", route.content_type)
                    if route.conditional and etag:
                        self.send_header("ETag", etag)
                    for name, value in route.headers.items():
                        self.send_header(name, value)
                if status != 304:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with web._lock:
                    web.posts.append((self.path, body))
                self.do_GET()

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler
