"""HTTP for every source: the shared manners (per-host gate, robots.txt) and, per source
poll, one guarded session.

Timeouts per read and in total (a watchdog, see deadline.py), a byte cap counted after
decompression, conditional GET, redirects checked hop by hop, Retry-After and anti-bot
challenges turned into errors the scheduler understands. Every request of a poll goes
through `SourceFetcher`, which is bound to the source's trust (guard.py): there is no way to
fetch an article, stub or next page with a trust of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from urllib.parse import urljoin, urlsplit

import requests

from model.raw import FetchResult, Validators
from settings.model import FetchSettings
from sources.deadline import Deadline
from sources.errors import (
    BlockedError,
    FetchError,
    HTTPStatusError,
    RateLimitedError,
    RobotsDisallowedError,
    TooLargeError,
)
from sources.guard import AddressGuard, GuardedAdapter, Resolver, Route, resolve_host, same_address
from sources.politeness import HostGate
from sources.robots import RobotsMemory, RobotsRules

MAX_REDIRECTS = 5
_CHUNK = 64 * 1024
_CHALLENGE_MARKERS = (b"__jsl_clearance", b"challenge-platform", b"_waf_", b"document.cookie=")

__all__ = ["Fetcher", "SourceFetcher", "Resolver", "Route", "resolve_host"]


class Fetcher:
    """What all sources share: settings, per-host gate, robots.txt rules; safe to share between threads.

    Requests are made only through `for_source(url)`, which binds them to one source's trust.
    `resolve` and `route` are the seams of the SSRF rule: tests pass a resolver that calls a
    name public and a route that dials that pretend-public address on 127.0.0.1.
    `robots_memory` keeps robots.txt across processes (the store; see robots.py).
    """

    def __init__(self, settings: FetchSettings, gate: HostGate | None = None,
                 resolve: Resolver = resolve_host, robots_memory: RobotsMemory | None = None,
                 route: Route = same_address):
        self.settings = settings
        self.gate = gate or HostGate(settings.per_host_concurrency, settings.min_delay,
                                     settings.max_delay, settings.delay_factor)
        self._resolve = resolve
        self._route = route
        self.robots = RobotsRules(settings.user_agent, robots_memory) if settings.respect_robots else None

    def for_source(self, source_url: str) -> SourceFetcher:
        """A fetcher for one poll of the source at `source_url`; close it (or use `with`) after."""
        guard = AddressGuard(source_url, self._resolve, self._route, self.settings.allow_private)
        return SourceFetcher(self, guard)

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
            truncate: bool = False, stop_when: Callable[[bytes], bool] | None = None) -> FetchResult:
        """`url` alone, as a source of its own (probe, one-off reads): see SourceFetcher.get."""
        with self.for_source(url) as fetch:
            return fetch.get(url, etag=etag, last_modified=last_modified, truncate=truncate,
                             stop_when=stop_when)


class SourceFetcher:
    """Every request of one source's poll, held to the trust decided from the source's URL.

    One poll, one thread: its session (and so its kept-alive connections) ends with the poll.
    """

    def __init__(self, shared: Fetcher, guard: AddressGuard):
        self.settings = shared.settings
        self.gate = shared.gate
        self.guard = guard
        self._robots = shared.robots
        self.session = requests.Session()
        self.session.trust_env = False  # no proxy or .netrc from the environment: the guard must see the host
        self.session.headers.update(
            {"User-Agent": self.settings.user_agent, "Accept-Encoding": "gzip, deflate"}
        )
        adapter = GuardedAdapter(guard, pool_connections=8, pool_maxsize=8)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def __enter__(self) -> SourceFetcher:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self.session.close()

    def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None,
        truncate: bool = False, stop_when: Callable[[bytes], bool] | None = None,
    ) -> FetchResult:
        """GET `url`, following redirects; raise FetchError subclasses on failure.

        RefusedURLError when `url` or a redirect hop is not http(s) or is on an address this
        source may not reach. A body over max_bytes raises TooLargeError, or with `truncate`
        (HTML, which parses from any prefix) is cut at max_bytes and marked `truncated`.
        `stop_when` sees the first chunk read: when it says so the rest is not downloaded (a
        file where a page was expected), and the result is marked `truncated`.
        """
        result = self._follow(url, _conditional(etag, last_modified), truncate, obey_robots=True,
                              stop_when=stop_when)
        if result is None:
            raise FetchError(f"too many redirects (more than {MAX_REDIRECTS}) from {url}")
        return result

    def get_unless_unchanged(self, url: str, stored: Validators | None, truncate: bool = False) -> FetchResult:
        """A conditional GET with the validators stored for `url` (a 304 when nothing changed):
        the one way a reader polls its feed or list pages."""
        return self.get(url, etag=stored.etag if stored else None,
                        last_modified=stored.last_modified if stored else None, truncate=truncate)

    def _get_robots_txt(self, url: str, etag: str | None, last_modified: str | None) -> FetchResult:
        """robots.txt itself: same guard, politeness, caps and redirect rules, no robots check."""
        result = self._follow(url, _conditional(etag, last_modified), truncate=True, obey_robots=False)
        return result or FetchResult(url=url, status=404, body=b"")  # RFC 9309: give up after 5 hops, as 404

    def _follow(self, url: str, headers: dict[str, str], truncate: bool, obey_robots: bool,
                stop_when: Callable[[bytes], bool] | None = None) -> FetchResult | None:
        """Follow redirects hop by hop, each hop guarded (and robots-checked); None past MAX_REDIRECTS."""
        permanent = False
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            self.guard.check(current)  # before robots.txt: a refused host is never asked anything
            crawl_delay = 0.0
            if obey_robots and self._robots:
                if not self._robots.allowed(current, self._get_robots_txt):
                    raise RobotsDisallowedError(f"robots.txt disallows {current}")
                crawl_delay = self._robots.crawl_delay(current, self._get_robots_txt)
            outcome = self._exchange(current, headers, permanent, truncate, crawl_delay, stop_when)
            if isinstance(outcome, FetchResult):
                return outcome
            status, location = outcome
            permanent = permanent or status in (301, 308)
            current = urljoin(current, location)
        return None

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


def _conditional(etag: str | None, last_modified: str | None) -> dict[str, str]:
    """Conditional-GET headers from stored validators."""
    headers = {"If-None-Match": etag} if etag else {}
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers
