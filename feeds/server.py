"""HTTP serving of the pre-rendered export: ETag/Last-Modified/304, gzip, HEAD, no traversal.

Feeds are rendered elsewhere; this module only answers from bytes already on disk (cached in
memory by mtime), so a poll costs a dict lookup and a hash comparison.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

from feeds.httpfast import FastRequestHandler, FeedHTTPServer

CONTENT_TYPES = {
    ".rss": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".json": "application/feed+json; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".xsl": "text/xsl; charset=utf-8",
    ".html": "text/html; charset=utf-8",
}
MAX_REMEMBERED_PATHS = 10_000
REVALIDATE_AFTER = 0.1  # seconds a file's stat() answer is trusted: a busy poll skips the syscall
CACHE_CONTROL = "public, max-age=300"
DynamicRoute = Callable[[], tuple[bytes, str]]


@dataclass(frozen=True)
class Representation:
    body: bytes
    gzipped: bytes
    etag: str
    last_modified: str
    mtime: float
    content_type: str
    head_304: bytes = field(init=False, repr=False)
    head_304_gzip: bytes = field(init=False, repr=False)
    head_plain: bytes = field(init=False, repr=False)
    head_gzip: bytes = field(init=False, repr=False)

    def __post_init__(self) -> None:
        """Header blocks for every answer, built once, so a poll only picks one."""
        def block(etag: str, *extra: str) -> bytes:
            lines = (f"ETag: {etag}", f"Last-Modified: {self.last_modified}",
                     f"Cache-Control: {CACHE_CONTROL}", "Vary: Accept-Encoding", *extra)
            return "".join(line + "\r\n" for line in lines).encode("latin-1")

        typed = f"Content-Type: {self.content_type}"
        object.__setattr__(self, "head_304", block(self.etag))
        object.__setattr__(self, "head_304_gzip", block(self.gzip_etag))
        object.__setattr__(self, "head_plain", block(self.etag, typed, f"Content-Length: {len(self.body)}"))
        object.__setattr__(self, "head_gzip", block(self.gzip_etag, typed, "Content-Encoding: gzip",
                                                    f"Content-Length: {len(self.gzipped)}"))

    @property
    def gzip_etag(self) -> str:
        """A strong ETag names one representation; the gzip-coded one is another (RFC 9110 8.8.3)."""
        return self.etag[:-1] + '-gz"'

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
        self._targets: dict[str, str] = {}  # URL path -> resolved file: resolve() costs syscalls
        self._checked: dict[str, tuple[float, Representation]] = {}  # URL path -> (stat time, answer)
        self._lock = threading.Lock()

    def lookup(self, url_path: str, query: str = "") -> Representation | None:
        """The file for a URL path; the query string does not select static files."""
        checked = self._checked.get(url_path)
        now = time.monotonic()
        if checked and now - checked[0] < REVALIDATE_AFTER:
            return checked[1]
        found = self._load(url_path)
        if found is not None and url_path in self._targets:
            self._checked[url_path] = (now, found)
        return found

    def _load(self, url_path: str) -> Representation | None:
        target = self._targets.get(url_path) or self._resolve(url_path)
        if target is None:
            return None
        try:
            stat = os.stat(target)
        except OSError:
            return None
        with self._lock:
            cached = self._cache.get(target)
        if cached and cached[0] == stat.st_mtime_ns and cached[1] == stat.st_size:
            return cached[2]
        with open(target, "rb") as file:
            body = file.read()
        representation = Representation.of(body, CONTENT_TYPES[os.path.splitext(target)[1]],
                                           stat.st_mtime)
        with self._lock:
            self._cache[target] = (stat.st_mtime_ns, stat.st_size, representation)
        return representation

    def _resolve(self, url_path: str) -> str | None:
        relative = url_path.lstrip("/") or "index.html"
        if relative.endswith("/"):
            relative += "index.html"
        target = (self.root / relative).resolve()
        if self.root not in target.parents or target.suffix not in CONTENT_TYPES:
            return None
        if target.is_file() and len(self._targets) < MAX_REMEMBERED_PATHS:
            with self._lock:
                self._targets[url_path] = str(target)
        return str(target)


class Site(Protocol):
    def lookup(self, url_path: str, query: str = "") -> Representation | None: ...


def make_server(host: str, port: int, site: Site,
                dynamic: dict[str, DynamicRoute] | None = None) -> ThreadingHTTPServer:
    """A threaded server for `site`; `dynamic` maps exact paths to live pages (status, health)."""
    routes = dynamic or {}

    class Handler(FastRequestHandler):
        server_version = "zonefeed"
        protocol_version = "HTTP/1.1"

        def do_HEAD(self) -> None:
            self._respond(send_body=False)

        def do_GET(self) -> None:
            self._respond(send_body=True)

        def answer_quickly(self) -> bool:
            """Feed polls, nearly all the load, skip routing: just the feed's prepared answer."""
            path, _, query = self.path.partition("?")
            if not path.startswith("/feeds/") or "%" in path:
                return False
            found = site.lookup(path, query)
            if found is None:
                return False
            self._send_representation(found, send_body=self.command == "GET")
            return True

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
            self._send_representation(found, send_body)

        def _send_representation(self, found: Representation, send_body: bool) -> None:
            gzipped = "gzip" in (self.headers.get("Accept-Encoding") or "")
            if self._not_modified(found):
                self.send_prepared(304, found.head_304_gzip if gzipped else found.head_304, b"")
            elif gzipped:
                self.send_prepared(200, found.head_gzip, found.gzipped if send_body else b"")
            else:
                self.send_prepared(200, found.head_plain, found.body if send_body else b"")

        def _not_modified(self, found: Representation) -> bool:
            tags = self.headers.get("If-None-Match")
            if tags is not None:
                # Our tags are quoted, so finding one (W/ or not) in the list is an exact match.
                return found.etag in tags or found.gzip_etag in tags or tags.strip() == "*"
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

    return FeedHTTPServer((host, port), Handler)
