"""Per-host manners: how many requests at once, how far apart, and when a host asked us to wait.

The gap after a request adapts to the host, as Heritrix (delay factor) and Scrapy AutoThrottle
do: `delay_factor` x the time the last request took, clamped to [min_delay, max_delay]. A host
that answers in 50 ms is asked again after the floor; one that needs 2 s (a busy government
server) gets 10 s of rest, so with one request at a time we occupy it at most 1/(1 + factor) of
the time. The delay grows at once when the host slows down or fails and shrinks only halfway
per request when it recovers. A robots.txt Crawl-delay wins when it is longer.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass
class Visit:
    """One request inside a slot; the caller marks `strained` when the host failed (5xx, timeout)."""

    strained: bool = False


class HostGate:
    """Limits concurrency and spacing of requests to each host, shared by all sources."""

    def __init__(self, per_host_concurrency: int, min_delay: float, max_delay: float = 30.0,
                 delay_factor: float = 5.0):
        self._concurrency = per_host_concurrency
        self._min_delay = min_delay
        self._max_delay = max(max_delay, min_delay)
        self._factor = delay_factor
        self._lock = threading.Lock()
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self._next_start: dict[str, float] = {}
        self._delay: dict[str, float] = {}
        self._not_before: dict[str, float] = {}

    def wait_remaining(self, host: str) -> float:
        """Seconds until `host` may be asked again after a Retry-After (0 when free)."""
        with self._lock:
            return max(0.0, self._not_before.get(host, 0.0) - time.monotonic())

    def defer(self, host: str, seconds: float) -> None:
        with self._lock:
            until = time.monotonic() + seconds
            self._not_before[host] = max(self._not_before.get(host, 0.0), until)

    def delay(self, host: str) -> float:
        """The gap the next request to `host` will keep after the one before it ends."""
        with self._lock:
            return self._delay.get(host, self._min_delay)

    @contextmanager
    def slot(self, host: str, crawl_delay: float = 0.0) -> Iterator[Visit]:
        with self._lock:
            semaphore = self._slots.setdefault(host, threading.BoundedSemaphore(self._concurrency))
        with semaphore:
            started = self._space_out(host)
            visit = Visit()
            try:
                yield visit
            finally:
                self._rest(host, time.monotonic() - started, visit.strained, crawl_delay)

    def _space_out(self, host: str) -> float:
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next_start.get(host, 0.0))
            # concurrent slots of one host still start at least min_delay apart
            self._next_start[host] = start + self._min_delay
        if start > now:
            time.sleep(start - now)
        return time.monotonic()

    def _rest(self, host: str, took: float, strained: bool, crawl_delay: float) -> None:
        with self._lock:
            old = self._delay.get(host, self._min_delay)
            if strained:
                new = min(self._max_delay, max(self._min_delay, 2 * old, self._factor * took))
            else:
                target = min(self._max_delay, max(self._min_delay, self._factor * took))
                new = target if target >= old else (old + target) / 2
            self._delay[host] = new
            after = time.monotonic() + max(new, crawl_delay)
            self._next_start[host] = max(self._next_start.get(host, 0.0), after)
