"""HTTP serving of the pre-rendered export: ETag/Last-Modified/304, gzip, HEAD, no traversal.

Feeds are rendered elsewhere; this module only answers from bytes already on disk (cached in
memory by mtime), so a poll costs a dict lookup and a hash comparison.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

CONTENT_TYPES = {
    ".rss": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".json": "application/feed+json; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".xsl": "text/xsl; charset=utf-8",
    ".html": "text/html; charset=utf-8",
}
DynamicRoute = Callable[[], tuple[bytes, str]]


@dataclass(frozen=True)
class Representation:
    body: bytes
    gzipped: bytes
    etag: str
    last_modified: str
    mtime: float
    content_type: str

    @classmethod
    def of(cls, body: bytes, content_type: str, modified: float) -> Representation:
        """Validators from the bytes themselves: same bytes, same ETag, whoever rendered them."""
        return cls(
            body=body,
            gzipped=gzip.compress(body, compresslevel=6, mtime=0),
            etag='"' + hashlib.sha256(body).hexdigest()[:32] + '"',
            last_modified=formatdate(modified, usegmt=True),
            mtime=int(modified),
            content_type=content_type,
        )


class StaticSite:
    """Files under `root`, read once per change and kept with their validators."""

    def __init__(self, root: Path):
        self.root = root.resolve()
        self._cache: dict[str, tuple[int, int, Representation]] = {}
        self._lock = threading.Lock()

    def lookup(self, url_path: str, query: str = "") -> Representation | None:
        """The file for a URL path; the query string does not select static files."""
        relative = url_path.lstrip("/") or "index.html"
        if relative.endswith("/"):
            relative += "index.html"
        target = (self.root / relative).resolve()
        if self.root not in target.parents or target.suffix not in CONTENT_TYPES:
            return None
        try:
            stat = target.stat()
        except OSError:
            return None
        key = str(target)
        with self._lock:
            cached = self._cache.get(key)
        if cached and cached[0] == stat.st_mtime_ns and cached[1] == stat.st_size:
            return cached[2]
        representation = Representation.of(target.read_bytes(), CONTENT_TYPES[target.suffix],
                                           stat.st_mtime)
        with self._lock:
            self._cache[key] = (stat.st_mtime_ns, stat.st_size, representation)
        return representation


class Site(Protocol):
    def lookup(self, url_path: str, query: str = "") -> Representation | None: ...


def make_server(host: str, port: int, site: Site,
                dynamic: dict[str, DynamicRoute] | None = None) -> ThreadingHTTPServer:
    """A threaded server for `site`; `dynamic` maps exact paths to live pages (status, health)."""
    routes = dynamic or {}

    class Handler(BaseHTTPRequestHandler):
        server_version = "zonefeed"
        protocol_version = "HTTP/1.1"

        def do_HEAD(self) -> None:
            self._respond(send_body=False)

        def do_GET(self) -> None:
            self._respond(send_body=True)

        def _respond(self, send_body: bool) -> None:
            target = urlsplit(self.path)
            path, query = unquote(target.path), target.query
            if path in routes:
                body, content_type = routes[path]()
                self._send(200, body, {"Content-Type": content_type, "Cache-Control": "no-cache"},
                           send_body)
                return
            found = site.lookup(path, query)
            if found is None:
                self._send(404, b"not found\n", {"Content-Type": "text/plain; charset=utf-8"},
                           send_body)
                return
            headers = {
                "ETag": found.etag,
                "Last-Modified": found.last_modified,
                "Cache-Control": "public, max-age=300",
                "Vary": "Accept-Encoding",
            }
            if self._not_modified(found):
                self._send(304, b"", headers, send_body)
                return
            headers["Content-Type"] = found.content_type
            body = found.body
            if "gzip" in self.headers.get("Accept-Encoding", ""):
                body = found.gzipped
                headers["Content-Encoding"] = "gzip"
            self._send(200, body, headers, send_body)

        def _not_modified(self, found: Representation) -> bool:
            tags = self.headers.get("If-None-Match")
            if tags is not None:
                return found.etag in [t.strip().removeprefix("W/") for t in tags.split(",")] or tags.strip() == "*"
            since = self.headers.get("If-Modified-Since")
            if since:
                try:
                    return found.mtime <= parsedate_to_datetime(since).timestamp()
                except (TypeError, ValueError):
                    return False
            return False

        def _send(self, status: int, body: bytes, headers: dict[str, str], send_body: bool) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if status != 304:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if send_body and status != 304:
                self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            if os.environ.get("ZONEFEED_ACCESS_LOG"):
                super().log_message(format, *args)

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    return server
