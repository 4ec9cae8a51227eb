"""HTTP for every source: one requests.Session holding the connection policy.

Timeouts per read and in total (a watchdog, see deadline.py), a byte cap counted after
decompression, conditional GET, redirects checked hop by hop (no file:// or private-network
hops from a public source), Retry-After and anti-bot challenges turned into errors the
scheduler understands.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import requests

from settings.model import FetchSettings
from sources.deadline import Deadline, DeadlineAdapter
from sources.errors import (
    BlockedError,
    FetchError,
    HTTPStatusError,
    RateLimitedError,
    RefusedURLError,
    RobotsDisallowedError,
    TooLargeError,
)
from sources.politeness import HostGate
from sources.robots import RobotsMemory, RobotsRules
from sources.types import FetchResult

MAX_REDIRECTS = 5
_CHUNK = 64 * 1024
_CHALLENGE_MARKERS = (b"__jsl_clearance", b"challenge-platform", b"_waf_", b"document.cookie=")

Resolver = Callable[[str], set[str]]


def resolve_host(host: str) -> set[str]:
    """Addresses `host` resolves to (empty when it does not resolve)."""
    try:
        return {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (socket.gaierror, UnicodeError):
        return set()


class Fetcher:
    """Fetches URLs politely; safe to share between threads.

    `resolve` is the seam for the SSRF rule: tests pass a resolver that calls a loopback
    name public, so refusing a redirect into a private network can be shown offline.
    `robots_memory` keeps robots.txt across processes (the store; see robots.py).
    """

    def __init__(self, settings: FetchSettings, gate: HostGate | None = None,
                 resolve: Resolver = resolve_host, robots_memory: RobotsMemory | None = None):
        self.settings = settings
        self.gate = gate or HostGate(settings.per_host_concurrency, settings.min_delay,
                                     settings.max_delay, settings.delay_factor)
        self._resolve = resolve
        self.session = requests.Session()
        self.session.headers.update(
            {"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"}
        )
        adapter = DeadlineAdapter(pool_connections=64, pool_maxsize=64)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.robots = (RobotsRules(self._get_robots_txt, settings.user_agent, robots_memory)
                       if settings.respect_robots else None)

    def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None,
        truncate: bool = False, stop_when: Callable[[bytes], bool] | None = None,
    ) -> FetchResult:
        """GET `url`, following redirects; raise FetchError subclasses on failure.

        A body over max_bytes raises TooLargeError, or with `truncate` (HTML, which parses from
        any prefix) is cut at max_bytes and marked `truncated`. `stop_when` sees the first
        chunk read: when it says so the rest is not downloaded (a file where a page was
        expected), and the result is marked `truncated`.
        """
        allow_private = self.settings.allow_private or self.is_private(url)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        permanent = False
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            self._check_target(current, allow_private)
            crawl_delay = 0.0
            if self.robots:
                if not self.robots.allowed(current):
                    raise RobotsDisallowedError(f"robots.txt disallows {current}")
                crawl_delay = self.robots.crawl_delay(current)
            outcome = self._exchange(current, headers, permanent, truncate, crawl_delay, stop_when)
            if isinstance(outcome, FetchResult):
                return outcome
            status, location = outcome
            permanent = permanent or status in (301, 308)
            current = urljoin(current, location)
        raise FetchError(f"too many redirects (more than {MAX_REDIRECTS}) from {url}")

    def _get_robots_txt(self, url: str, etag: str | None, last_modified: str | None) -> FetchResult:
        """robots.txt itself: same politeness, caps and redirect rules, no robots check."""
        allow_private = self.settings.allow_private or self.is_private(url)
        headers = {"If-None-Match": etag} if etag else {}
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            self._check_target(current, allow_private)
            outcome = self._exchange(current, headers, False, truncate=True)
            if isinstance(outcome, FetchResult):
                return outcome
            current = urljoin(current, outcome[1])
        return FetchResult(url=url, status=404, body=b"")  # RFC 9309: give up after 5 hops, as 404

    def is_private(self, url: str) -> bool:
        """True when the URL's host resolves to a loopback, private, link-local or reserved address."""
        for address in self._resolve(urlsplit(url).hostname or ""):
            ip = ipaddress.ip_address(address.split("%")[0])
            if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved:
                return True
        return False

    def _check_target(self, url: str, allow_private: bool) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise RefusedURLError(f"refused non-HTTP URL {url!r}")
        if not allow_private and self.is_private(url):
            raise RefusedURLError(f"refused redirect to private/loopback address {parts.hostname}")

    def _exchange(self, url: str, headers: dict[str, str], permanent: bool,
                  truncate: bool = False, crawl_delay: float = 0.0,
                  stop_when: Callable[[bytes], bool] | None = None) -> FetchResult | tuple[int, str]:
        """One request within the host's slot and the total time budget: a result or a redirect."""
        host = urlsplit(url).netloc.lower()
        wait = self.gate.wait_remaining(host)
        if wait > 0:
            raise RateLimitedError(url, 429, wait)
        total = self.settings.timeout * 3
        with self.gate.slot(host, crawl_delay) as visit, Deadline(total) as deadline:
            try:
                response = self._request(url, headers, host)
                if response.is_redirect:
                    response.close()
                    return response.status_code, response.headers.get("Location", "")
                return self._result(response, permanent, deadline, truncate, stop_when)
            except FetchError as exc:
                # a failing or overloaded host gets more rest; a 404 says nothing about its load
                visit.strained = not isinstance(exc, HTTPStatusError) or exc.status >= 500
                if deadline.expired:
                    raise FetchError(f"too slow: not complete in {total:g}s: {url}") from None
                raise

    def _request(self, url: str, headers: dict[str, str], host: str) -> requests.Response:
        timeout = self.settings.timeout
        try:
            response = self.session.get(
                url, headers=headers, timeout=(timeout, timeout), stream=True,
                allow_redirects=False,
            )
        except requests.exceptions.Timeout:
            raise FetchError(f"timed out after {timeout:g}s: {url}") from None
        except requests.exceptions.ConnectionError as exc:
            raise FetchError(f"cannot connect to {host}: {_root_cause(exc)}") from None
        except requests.exceptions.RequestException as exc:
            raise FetchError(f"request failed for {url}: {exc}") from None
        if response.status_code in (429, 503) and "Retry-After" in response.headers:
            retry_after = _retry_after_seconds(response.headers["Retry-After"])
            response.close()
            self.gate.defer(host, retry_after)
            raise RateLimitedError(url, response.status_code, retry_after)
        return response

    def _result(self, response: requests.Response, permanent: bool, deadline: Deadline,
                truncate: bool = False, stop_when: Callable[[bytes], bool] | None = None) -> FetchResult:
        url = response.url
        length = response.headers.get("Content-Length", "").strip()
        common = dict(
            url=url,
            status=response.status_code,
            content_type=response.headers.get("Content-Type", ""),
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            permanent_redirect=permanent,
            content_length=int(length) if length.isdigit() else None,
        )
        if response.status_code == 304:
            response.close()
            return FetchResult(body=b"", not_modified=True, **common)
        body, truncated = self._read_capped(response, truncate, stop_when)
        if deadline.expired:
            # The watchdog's shutdown reads as a clean end of a body without Content-Length.
            raise FetchError(f"too slow: body cut off after {deadline.seconds:g}s at {url}")
        if response.status_code in (412, 521) or (
            response.status_code in (403, 503) and _looks_like_challenge(body)
        ):
            raise BlockedError(f"blocked by anti-bot challenge (HTTP {response.status_code}) at {url}")
        if response.status_code >= 400:
            raise HTTPStatusError(url, response.status_code)
        return FetchResult(body=body, truncated=truncated, **common)

    def _read_capped(self, response: requests.Response, truncate: bool = False,
                     stop_when: Callable[[bytes], bool] | None = None) -> tuple[bytes, bool]:
        """Read at most max_bytes of decompressed body; the Deadline bounds the time."""
        limit = self.settings.max_bytes
        chunks, size = [], 0
        try:
            for chunk in response.iter_content(_CHUNK):
                if stop_when is not None and not chunks and response.status_code < 300 and stop_when(chunk):
                    return chunk, True
                size += len(chunk)
                if size > limit and truncate:
                    chunks.append(chunk[: len(chunk) - (size - limit)])
                    return b"".join(chunks), True
                if size > limit:
                    raise TooLargeError(f"body larger than max_bytes={limit} at {response.url}")
                chunks.append(chunk)
        except requests.exceptions.RequestException as exc:
            raise FetchError(f"connection broke while reading {response.url}: {exc}") from None
        finally:
            response.close()
        return b"".join(chunks), False


def _retry_after_seconds(value: str) -> float:
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 60.0
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _looks_like_challenge(body: bytes) -> bool:
    head = body[:20000]
    return any(marker in head for marker in _CHALLENGE_MARKERS)


def _root_cause(exc: BaseException) -> str:
    while exc.__context__ is not None and exc.__context__ is not exc:
        exc = exc.__context__
    return str(exc) or type(exc).__name__
