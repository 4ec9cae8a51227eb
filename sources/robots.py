"""robots.txt, fetched through our own Fetcher (never by robotparser itself) and kept for a day.

RFC 9309 lets a crawler use a cached robots.txt for up to 24 hours. The copy is kept in memory
and, when a `RobotsMemory` is given, in the store, so a new process (a one-shot `collect`, a
restart) asks no host again within the day; after that a conditional GET refreshes it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol
from urllib.parse import urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

from model.raw import FetchResult, RobotsRecord
from sources.errors import FetchError, HTTPStatusError, RateLimitedError

CACHE_FOR = timedelta(hours=24)  # RFC 9309 2.4: do not use a cached copy for longer than a day
MAX_CRAWL_DELAY = 300.0  # seconds; a larger Crawl-delay would stall a poll past its lease (Heritrix caps it too)

# load(url, etag, last_modified): the exchange, or HTTPStatusError / another FetchError
Loader = Callable[[str, str | None, str | None], FetchResult]


class RobotsMemory(Protocol):
    """Where robots.txt copies outlive the process (the store)."""

    def robots_for(self, origin: str) -> RobotsRecord | None: ...
    def save_robots(self, record: RobotsRecord) -> None: ...


class RobotsRules:
    """Answers "may we fetch this URL?" and "how long must we wait between requests?" per host."""

    def __init__(self, user_agent: str, memory: RobotsMemory | None = None):
        self._agent = user_agent.split("/")[0]
        self._memory = memory
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[RobotsRecord, RobotFileParser]] = {}
        self._loading: dict[str, threading.Lock] = {}

    def allowed(self, url: str, load: Loader) -> bool:
        """`load` reads robots.txt when no fresh copy is known: the asking source's own fetcher,
        so the read is held to that source's trust."""
        return self._rules(url, load).can_fetch(self._agent, url)

    def crawl_delay(self, url: str, load: Loader) -> float:
        """The host's Crawl-delay for us in seconds (0 when it sets none), at most MAX_CRAWL_DELAY."""
        try:
            delay = float(self._rules(url, load).crawl_delay(self._agent) or 0)
        except ValueError:
            return 0.0
        return min(max(delay, 0.0), MAX_CRAWL_DELAY)

    def _rules(self, url: str, load: Loader) -> RobotFileParser:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}".lower()
        with self._lock:
            cached = self._cache.get(origin)
            if cached and _fresh(cached[0]):
                return cached[1]
            one_at_a_time = self._loading.setdefault(origin, threading.Lock())
        with one_at_a_time:  # sources sharing a host wait for one read of its robots.txt
            return self._load_rules(origin, parts.scheme, parts.netloc, load)

    def _load_rules(self, origin: str, scheme: str, netloc: str, load: Loader) -> RobotFileParser:
        with self._lock:
            cached = self._cache.get(origin)
        if (cached is None or not _fresh(cached[0])) and self._memory is not None:
            record = self._memory.robots_for(origin)
            cached = (record, _parse(record)) if record else cached
        if cached and _fresh(cached[0]):
            with self._lock:
                self._cache[origin] = cached
            return cached[1]
        robots_url = urlunsplit((scheme, netloc, "/robots.txt", "", ""))
        record = self._fetch(origin, robots_url, cached[0] if cached else None, load)
        if record is None:  # 5xx: "disallow all" for now, and ask again next time
            return _parse_lines(robots_url, ["User-agent: *", "Disallow: /"])
        rules = _parse(record)
        with self._lock:
            self._cache[origin] = (record, rules)
        if self._memory is not None:
            self._memory.save_robots(record)
        return rules

    def _fetch(self, origin: str, robots_url: str, stale: RobotsRecord | None,
               load: Loader) -> RobotsRecord | None:
        """RFC 9309: 4xx means no rules; 5xx means "disallow all" (None: not kept). An
        unreachable host is reported as such: "robots.txt disallows" would hide the real cause."""
        now = datetime.now(UTC)
        try:
            result = load(robots_url, stale.etag if stale else None,
                                stale.last_modified if stale else None)
        except HTTPStatusError as exc:
            return None if exc.status >= 500 else RobotsRecord(origin, now, exc.status, "")
        except RateLimitedError:
            raise  # the host asked us to wait: that is the error to report, not "disallowed"
        except FetchError as exc:
            raise type(exc)(f"cannot read {robots_url}: {exc}") from None
        if result.not_modified and stale is not None:
            return RobotsRecord(origin, now, stale.status, stale.body, stale.etag, stale.last_modified)
        if result.status >= 500:
            return None
        body = result.body.decode("utf-8", "replace") if result.status < 400 else ""
        return RobotsRecord(origin, now, result.status, body, result.etag, result.last_modified)


def _fresh(record: RobotsRecord) -> bool:
    return datetime.now(UTC) - record.fetched_at < CACHE_FOR


def _parse(record: RobotsRecord) -> RobotFileParser:
    return _parse_lines(record.origin + "/robots.txt", record.body.splitlines())


def _parse_lines(robots_url: str, lines: list[str]) -> RobotFileParser:
    rules = RobotFileParser(robots_url)
    rules.parse(lines)
    return rules
