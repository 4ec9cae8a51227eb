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
from pathlib import Path
from typing import Protocol

from feeds.formats import FORMATS
from feeds.front import FrontServer
from feeds.http_limits import Limits
from feeds.http_request import Request
from feeds.httpd import DEFAULT_LANE, HTTPServer, Response
from feeds.paths import is_live_page
from settings.model import ServerSettings

# The export's own files; every output format adds its extension (feeds.formats).
EXPORT_TYPES = {
    ".xml": "application/xml; charset=utf-8",
    ".xsl": "text/xsl; charset=utf-8",
}


def content_type(suffix: str) -> str | None:
    """The Content-Type of an exported file, from the format registry read now (a format
    registered later is served too); None for a suffix nothing publishes."""
    output = FORMATS.get(suffix.removeprefix("."))
    return output.content_type if output else EXPORT_TYPES.get(suffix)
MAX_REMEMBERED_PATHS = 10_000
REVALIDATE_AFTER = 0.1  # seconds a file's stat() answer is trusted: a busy poll skips the syscall
CACHE_CONTROL = "public, max-age=300"
VIEW_LANE = "views"  # filtered views that query the store: bounded, beside everything else
PROBE_LANE = "probes"  # health probes: never queued behind views or status pages
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

    def __reduce__(self) -> tuple:
        """Sent to the front process (feeds.front) as its root: caches and locks stay here."""
        return StaticSite, (self.root,)

    def front(self) -> StaticSite:
        return self

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
        representation = Representation.of(body, content_type(os.path.splitext(target)[1]),
                                           stat.st_mtime)
        with self._lock:
            self._cache[target] = (stat.st_mtime_ns, stat.st_size, representation)
        return representation

    def _resolve(self, url_path: str) -> str | None:
        relative = url_path.lstrip("/") or "index.html"
        if relative.endswith("/"):
            relative += "index.html"
        target = (self.root / relative).resolve()
        if self.root not in target.parents or content_type(target.suffix) is None:
            return None
        if target.is_file() and len(self._targets) < MAX_REMEMBERED_PATHS:
            with self._lock:
                self._targets[url_path] = str(target)
        return str(target)


class Site(Protocol):
    def lookup(self, url_path: str, query: str = "") -> Representation | None: ...

    def front(self) -> Site:
        """What a front process answers from (picklable: it is sent there)."""


class FeedApp:
    """The feed server's routes: prepared feed answers, live pages, 404; validators and gzip."""

    def __init__(self, site: Site, dynamic: dict[str, DynamicRoute] | None = None,
                 forwarded: frozenset[str] = frozenset()):
        self._site = site
        self._routes = dynamic or {}
        self._forwarded = forwarded  # in a front process: paths the service process answers

    def quick(self, request: Request) -> Response | None:
        """Feed polls, nearly all the load: a plain /feeds/ URL is a file already in memory."""
        target = request.target
        if not target.startswith("/feeds/") or "%" in target or "?" in target:
            return None  # a query may need the database; an escaped path needs decoding
        found = self._site.lookup(target)
        return None if found is None else self._answer(request, found)

    def front(self) -> FeedApp:
        """What answers in a front process (feeds.front): everything from the site's front part;
        the dynamic routes live in this process."""
        return FeedApp(self._site.front(), forwarded=frozenset(self._routes))

    def local(self, request: Request) -> Response | None:
        """In a front process: the answer, or None when the service process gives it."""
        return None if request.path in self._forwarded else self(request)

    def lane(self, request: Request) -> str:
        """A feed URL with a query, and the reading pages, render from the store; the rest is
        quick work."""
        target = request.target
        if target.startswith("/feeds/"):
            return VIEW_LANE if "?" in target else DEFAULT_LANE
        return VIEW_LANE if is_live_page(request.path) else DEFAULT_LANE

    def __call__(self, request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            return Response.of(405, b"method not allowed\n", Allow="GET, HEAD")
        path = request.path
        if path in self._routes:
            body, content_type = self._routes[path]()
            return Response.of(200, body, content_type, Cache_Control="no-cache")
        found = self._site.lookup(path, request.query)
        if found is None:
            return Response.of(404, b"not found\n")
        return self._answer(request, found)

    @staticmethod
    def _answer(request: Request, found: Representation) -> Response:
        gzipped = "gzip" in (request.headers.get("accept-encoding") or "")
        if _not_modified(request, found):
            return Response(304, found.head_304_gzip if gzipped else found.head_304)
        if gzipped:
            return Response(200, found.head_gzip, found.gzipped)
        return Response(200, found.head_plain, found.body)


def _not_modified(request: Request, found: Representation) -> bool:
    tags = request.headers.get("if-none-match")
    if tags is not None:
        # Our tags are quoted, so finding one (W/ or not) in the list is an exact match.
        return found.etag in tags or found.gzip_etag in tags or tags.strip() == "*"
    since = request.headers.get("if-modified-since")
    if since:
        try:
            return found.mtime <= parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError):
            return False
    return False


def make_server(host: str, port: int, site: Site, dynamic: dict[str, DynamicRoute] | None = None,
                settings: ServerSettings = ServerSettings(),
                front_logs: Callable[[], None] | None = None) -> HTTPServer | FrontServer:
    """A server for `site`; `dynamic` maps exact paths to live pages (status, health).

    `settings.workers` threads answer status pages and admin actions, `settings.view_workers`
    render filtered views, and two more answer health probes, so no kind waits for another.
    With `front_logs` (how the front process sets up logging) the event loop runs in a front
    process of its own (feeds.front): for a process that also collects.
    """
    lanes = {DEFAULT_LANE: settings.workers, VIEW_LANE: settings.view_workers, PROBE_LANE: 2}
    limits = Limits(max_connections=settings.max_connections, head_timeout=settings.head_timeout,
                    body_timeout=settings.body_timeout, idle_timeout=settings.idle_timeout,
                    send_timeout=settings.send_timeout, max_unread=settings.max_unread)
    access_log = bool(os.environ.get("ZONEFEED_ACCESS_LOG"))
    if front_logs is not None:
        return FrontServer(host, port, FeedApp(site, dynamic), lanes, limits, access_log, front_logs)
    return HTTPServer(host, port, FeedApp(site, dynamic), lanes, limits, access_log)
