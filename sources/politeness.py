"""Per-host manners: how many requests at once, how far apart, and when a host asked us to wait."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class HostGate:
    """Limits concurrency and spacing of requests to each host, shared by all sources."""

    def __init__(self, per_host_concurrency: int, min_delay: float):
        self._concurrency = per_host_concurrency
        self._min_delay = min_delay
        self._lock = threading.Lock()
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self._next_start: dict[str, float] = {}
        self._not_before: dict[str, float] = {}

    def wait_remaining(self, host: str) -> float:
        """Seconds until `host` may be asked again after a Retry-After (0 when free)."""
        with self._lock:
            return max(0.0, self._not_before.get(host, 0.0) - time.monotonic())

    def defer(self, host: str, seconds: float) -> None:
        with self._lock:
            until = time.monotonic() + seconds
            self._not_before[host] = max(self._not_before.get(host, 0.0), until)

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        with self._lock:
            semaphore = self._slots.setdefault(host, threading.BoundedSemaphore(self._concurrency))
        with semaphore:
            self._space_out(host)
            yield

    def _space_out(self, host: str) -> None:
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next_start.get(host, 0.0))
            self._next_start[host] = start + self._min_delay
        if start > now:
            time.sleep(start - now)
