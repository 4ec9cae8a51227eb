"""Prometheus metrics: what an operator graphs and alerts on.

Counters are updated where things happen (one poll, one render); gauges that mirror stored
state are refreshed from the database when /metrics is scraped, so they survive restarts.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Gauge, Histogram, generate_latest

FETCHES = Counter("zonefeed_fetches", "Source polls by outcome (ok, not_modified or the error kind)",
                  ["source", "outcome"])
FETCH_SECONDS = Histogram("zonefeed_fetch_seconds", "Time to fetch and parse one source",
                          buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120))
ITEMS = Counter("zonefeed_items", "Items read from sources", ["source"])
NEW_ITEMS = Counter("zonefeed_items_new", "Items stored for the first time", ["source"])
STORIES_CREATED = Counter("zonefeed_stories_created", "Stories created")
DEDUPE_MERGES = Counter("zonefeed_dedupe_merges", "New items attached to an existing story")
RENDER_SECONDS = Histogram("zonefeed_render_seconds", "Time to render and publish all feeds",
                           buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
STORIES = Gauge("zonefeed_stories", "Stories stored")
FAILURES = Gauge("zonefeed_source_consecutive_failures", "Failed polls in a row", ["source"])
NEXT_POLL = Gauge("zonefeed_source_next_poll_timestamp_seconds", "When a source is polled next",
                  ["source"])
LAST_SUCCESS = Gauge("zonefeed_source_last_success_timestamp_seconds",
                     "When a source was last read successfully", ["source"])

T = TypeVar("T")


@contextmanager
def fetch_timer() -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        FETCH_SECONDS.observe(time.perf_counter() - started)


def timed_render(render: Callable[[], T]) -> Callable[[], T]:
    """Wrap the feed renderer so every run lands in zonefeed_render_seconds."""

    def run() -> T:
        with RENDER_SECONDS.time():
            return render()

    return run


def exposition() -> tuple[bytes, str]:
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
