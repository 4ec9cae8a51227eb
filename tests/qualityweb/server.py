"""Serve each site of the quality web on its own 127.0.0.1 port (its own host for politeness).

A site's pages are swapped per round; a fault makes every answer a 500 or makes it wait past
the collector's timeout. A site that "moved" is also served on an alias port. Known tracking
parameters in a request are ignored, as real CMSs ignore them.
"""

from __future__ import annotations

import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

from .families.base import Page

TRACKING = ("utm_", "from", "spm", "isappinstalled", "share_token")


def strip_tracking(path: str) -> str:
    """`path` without tracking parameters (its other parameters keep their order)."""
    parts = urlsplit(path)
    if not parts.query:
        return path
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not k.lower().startswith(TRACKING)]
    return parts.path + ("?" + urlencode(kept, safe="/") if kept else "")


class SiteServer:
    """One site: `pages` (path → Page) and `fault` are set between rounds."""

    def __init__(self, timeout_delay: float) -> None:
        self.pages: dict[str, Page] = {}
        self.fault = ""
        self.requests: list[tuple[str, int]] = []
        self.timeout_delay = timeout_delay
        self._lock = threading.Lock()
        self._servers = [self._listen(), self._listen()]  # primary and alias
        for server in self._servers:
            threading.Thread(target=server.serve_forever, daemon=True).start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._servers[0].server_address[1]}"

    @property
    def alias(self) -> str:
        return f"http://127.0.0.1:{self._servers[1].server_address[1]}"

    def ports(self) -> tuple[int, int]:
        return self._servers[0].server_address[1], self._servers[1].server_address[1]

    def close(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()

    def _lookup(self, path: str) -> Page | None:
        return self.pages.get(path) or self.pages.get(strip_tracking(path))

    def _listen(self) -> ThreadingHTTPServer:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                page = site._lookup(self.path)
                status = 200 if page else 404
                if site.fault == "500":
                    status, page = 500, None
                elif site.fault == "timeout":
                    time.sleep(site.timeout_delay)
                etag = '"' + hashlib.sha1(page.body).hexdigest()[:16] + '"' if page else None
                if etag and self.headers.get("If-None-Match") == etag:
                    status = 304
                with site._lock:
                    site.requests.append((self.path, status))
                body = page.body if page and status == 200 else b"" if status == 304 else b"error"
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", page.content_type if page else "text/html")
                    if etag:
                        self.send_header("ETag", etag)
                    for name, value in (page.headers.items() if page else ()):
                        self.send_header(name, value)
                    if status != 304:
                        self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, format: str, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        return server
