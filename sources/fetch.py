"""HTTP for every source: one requests.Session holding the connection policy.

Timeouts per read and in total, a byte cap counted after decompression, conditional GET,
redirects checked hop by hop (no file:// or private-network hops from a public source),
Retry-After and anti-bot challenges turned into errors the scheduler understands.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import requests

from settings.model import FetchSettings
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
from sources.robots import RobotsRules
from sources.types import FetchResult

MAX_REDIRECTS = 5
_CHUNK = 64 * 1024
_CHALLENGE_MARKERS = (b"__jsl_clearance", b"challenge-platform", b"_waf_", b"document.cookie=")


class Fetcher:
    """Fetches URLs politely; safe to share between threads."""

    def __init__(self, settings: FetchSettings, gate: HostGate | None = None):
        self.settings = settings
        self.gate = gate or HostGate(settings.per_host_concurrency, settings.min_delay)
        self.session = requests.Session()
        self.session.headers.update(
            {"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"}
        )
        adapter = requests.adapters.HTTPAdapter(pool_connections=64, pool_maxsize=64)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.robots = RobotsRules(self._get_robots_txt, settings.user_agent) if settings.respect_robots else None

    def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None,
        truncate: bool = False,
    ) -> FetchResult:
        """GET `url`, following redirects; raise FetchError subclasses on failure.

        A body over max_bytes raises TooLargeError, or with `truncate` (HTML, which parses from
        any prefix) is cut at max_bytes and marked `truncated`.
        """
        allow_private = self.settings.allow_private or _is_private_host(url)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        permanent = False
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            _check_target(current, allow_private)
            if self.robots and not self.robots.allowed(current):
                raise RobotsDisallowedError(f"robots.txt disallows {current}")
            response = self._request(current, headers)
            if response.is_redirect:
                location = response.headers.get("Location", "")
                response.close()
                permanent = permanent or response.status_code in (301, 308)
                current = urljoin(current, location)
                continue
            return self._result(response, permanent, truncate)
        raise FetchError(f"too many redirects (more than {MAX_REDIRECTS}) from {url}")

    def _get_robots_txt(self, url: str) -> tuple[int, bytes]:
        """robots.txt itself: same politeness and caps, redirects followed, no robots check."""
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            response = self._request(current, {})
            if not response.is_redirect:
                result = self._result(response, False, truncate=True)
                return result.status, result.body
            location = response.headers.get("Location", "")
            response.close()
            current = urljoin(current, location)
        return 404, b""

    def _request(self, url: str, headers: dict[str, str]) -> requests.Response:
        host = urlsplit(url).netloc.lower()
        wait = self.gate.wait_remaining(host)
        if wait > 0:
            raise RateLimitedError(url, 429, wait)
        timeout = self.settings.timeout
        with self.gate.slot(host):
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

    def _result(self, response: requests.Response, permanent: bool, truncate: bool = False) -> FetchResult:
        url = response.url
        common = dict(
            url=url,
            status=response.status_code,
            content_type=response.headers.get("Content-Type", ""),
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            permanent_redirect=permanent,
        )
        if response.status_code == 304:
            response.close()
            return FetchResult(body=b"", not_modified=True, **common)
        body, truncated = self._read_capped(response, truncate)
        if response.status_code in (412, 521) or (
            response.status_code in (403, 503) and _looks_like_challenge(body)
        ):
            raise BlockedError(f"blocked by anti-bot challenge (HTTP {response.status_code}) at {url}")
        if response.status_code >= 400:
            raise HTTPStatusError(url, response.status_code)
        return FetchResult(body=body, truncated=truncated, **common)

    def _read_capped(self, response: requests.Response, truncate: bool = False) -> tuple[bytes, bool]:
        """Read at most max_bytes of decompressed body within the total time budget."""
        limit = self.settings.max_bytes
        deadline = time.monotonic() + self.settings.timeout * 3
        chunks, size = [], 0
        try:
            for chunk in response.iter_content(_CHUNK):
                size += len(chunk)
                if size > limit and truncate:
                    chunks.append(chunk[: len(chunk) - (size - limit)])
                    return b"".join(chunks), True
                if size > limit:
                    raise TooLargeError(f"body larger than max_bytes={limit} at {response.url}")
                if time.monotonic() > deadline:
                    raise FetchError(f"too slow: body not complete in {self.settings.timeout * 3:g}s")
                chunks.append(chunk)
        except requests.exceptions.RequestException as exc:
            raise FetchError(f"connection broke while reading {response.url}: {exc}") from None
        finally:
            response.close()
        return b"".join(chunks), False


def _check_target(url: str, allow_private: bool) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise RefusedURLError(f"refused non-HTTP URL {url!r}")
    if not allow_private and _is_private_host(url):
        raise RefusedURLError(f"refused redirect to private/loopback address {parts.hostname}")


def _is_private_host(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (socket.gaierror, UnicodeError):
        return False
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved:
            return True
    return False


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
