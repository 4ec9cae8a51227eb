"""What one client may hold of the HTTP server, and the log lines that must not flood.

feeds.httpd enforces the limits; here are their values, the connection cap fitted to the
process's descriptor limit, and the tallies that turn per-event lines (timeouts, refusals,
the loop's accept errors) into at most one line per interval.
"""

from __future__ import annotations

import asyncio
import logging
import resource
import time
from collections import Counter
from dataclasses import dataclass, replace

log = logging.getLogger("zonefeed.http")

RESERVED_DESCRIPTORS = 256  # kept free of client connections: store, fetches, logs, pools
LOG_INTERVAL = 60.0  # tallied events (timeouts, refusals, accept errors): one line per interval


@dataclass(frozen=True)
class Limits:
    """What one client may hold of the server; times in seconds."""

    max_connections: int = 1000  # lowered at start to fit the process's descriptor limit
    head_timeout: float = 10.0  # from a request's first byte (or the connect) to its full head
    body_timeout: float = 30.0  # from the end of the head to the end of the body
    idle_timeout: float = 75.0  # a keep-alive connection between requests
    send_timeout: float = 30.0  # answers left unread this long: the connection is cut
    max_unread: int = 262144  # bytes of answers buffered for a client before we stop reading it


def fitted(limits: Limits) -> Limits:
    """The connection cap lowered, if need be, to leave descriptors for everything else."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    room = max(16, soft - RESERVED_DESCRIPTORS) if soft != resource.RLIM_INFINITY else limits.max_connections
    if limits.max_connections <= room:
        return limits
    log.warning("event=http_connection_cap configured=%d used=%d reason=\"descriptor limit %d\"",
                limits.max_connections, room, soft)
    return replace(limits, max_connections=room)


class Tally:
    """Events that must not each write a line: the first is logged, then one line per interval."""

    def __init__(self, interval: float = LOG_INTERVAL):
        self._interval = interval
        self._counts: Counter[str] = Counter()
        self._next = 0.0

    def add(self, event: str) -> None:
        self._counts[event] += 1

    def flush(self, now: float) -> None:
        if self._counts and now >= self._next:
            log.warning("event=http_limits %s", " ".join(f"{k}={v}" for k, v in sorted(self._counts.items())))
            self._counts.clear()
            self._next = now + self._interval


class LoopErrors:
    """The loop's own error reports (e.g. accept() out of descriptors, which repeats every
    second while it lasts): one line per kind per interval, with how many were suppressed."""

    def __init__(self, interval: float = LOG_INTERVAL):
        self._interval = interval
        self._last: dict[str, tuple[float, int]] = {}

    def report(self, loop: asyncio.AbstractEventLoop, context: dict) -> None:
        message = str(context.get("message", "event loop error"))
        now = time.monotonic()
        logged_at, suppressed = self._last.get(message, (-self._interval, 0))
        if now - logged_at < self._interval:
            self._last[message] = (logged_at, suppressed + 1)
            return
        self._last[message] = (now, 0)
        error = context.get("exception")
        log.error("event=http_loop_error message=%r error=%r suppressed=%d", message, error, suppressed,
                  exc_info=error if error is not None and not isinstance(error, OSError) else None)
