"""robots.txt, fetched once per host through our own Fetcher (never by robotparser itself)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

from sources.errors import FetchError, HTTPStatusError, RateLimitedError

CACHE_SECONDS = 24 * 3600  # RFC 9309: a cached robots.txt should not be used for more than a day


class RobotsRules:
    """Answers "may we fetch this URL?" per host; `load(url)` returns (status, body) or raises."""

    def __init__(self, load: Callable[[str], tuple[int, bytes]], user_agent: str):
        self._load = load
        self._agent = user_agent.split("/")[0]
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[float, RobotFileParser]] = {}

    def allowed(self, url: str) -> bool:
        return self._rules(url).can_fetch(self._agent, url)

    def _rules(self, url: str) -> RobotFileParser:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}".lower()
        with self._lock:
            cached = self._cache.get(origin)
        if cached and time.monotonic() - cached[0] < CACHE_SECONDS:
            return cached[1]
        rules, keep = self._fetch(urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", "")))
        if keep:
            with self._lock:
                self._cache[origin] = (time.monotonic(), rules)
        return rules

    def _fetch(self, robots_url: str) -> tuple[RobotFileParser, bool]:
        """RFC 9309: 4xx means no rules; 5xx means "disallow all" for now (not cached). An
        unreachable host is reported as such: "robots.txt disallows" would hide the real cause."""
        rules = RobotFileParser(robots_url)
        try:
            status, body = self._load(robots_url)
        except HTTPStatusError as exc:
            status, body = exc.status, b""
        except RateLimitedError:
            raise  # the host asked us to wait: that is the error to report, not "disallowed"
        except FetchError as exc:
            raise type(exc)(f"cannot read {robots_url}: {exc}") from None
        if status >= 500:
            rules.parse(["User-agent: *", "Disallow: /"])
            return rules, False
        rules.parse(body.decode("utf-8", "replace").splitlines() if status < 400 else [])
        return rules, True
