"""Prometheus metrics: what an operator graphs and alerts on.

Counters are updated where things happen (one poll, one render); gauges that mirror stored
state are read from the database when /metrics is scraped, so they survive restarts.

Series with a `source` label are plain numbers here and become metric families only while a
scrape is written: prometheus_client keeps an object with a lock and a creation time per label
set, 23 MB for a national deployment's 5,000 sources x 7 series (bench/README.md), and writes
a `_created` sample beside every counter.
"""

from __future__ import annotations

import threading
import time
from collections import Counter as Tally
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

FETCH_SECONDS = Histogram("zonefeed_fetch_seconds", "Time to fetch and parse one source",
                          buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120))
STORIES_CREATED = Counter("zonefeed_stories_created", "Stories created")
DEDUPE_MERGES = Counter("zonefeed_dedupe_merges", "New items attached to an existing story")
RENDER_SECONDS = Histogram("zonefeed_render_seconds", "Time to render and publish all feeds",
                           buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
STORIES = Gauge("zonefeed_stories", "Stories stored")

T = TypeVar("T")


class SourceCounters:
    """Per-source counters since this process started: polls by outcome, items read, items new."""

    def __init__(self) -> None:
        self._fetches: Tally[tuple[str, str]] = Tally()
        self._items: Tally[str] = Tally()
        self._new: Tally[str] = Tally()
        self._lock = threading.Lock()

    def fetched(self, source_id: str, outcome: str, items: int = 0, new: int = 0) -> None:
        """One poll of `source_id` ended with `outcome` (ok, not_modified or the error kind)."""
        with self._lock:
            self._fetches[(source_id, outcome)] += 1
            if outcome in ("ok", "not_modified"):
                self._items[source_id] += items
                self._new[source_id] += new

    def collect(self) -> Iterator[Metric]:
        with self._lock:
            fetches, items, new = dict(self._fetches), dict(self._items), dict(self._new)
        family = CounterMetricFamily("zonefeed_fetches", "Source polls by outcome (ok, not_modified or "
                                     "the error kind)", labels=["source", "outcome"])
        for (source_id, outcome), count in fetches.items():
            family.add_metric([source_id, outcome], count)
        yield family
        for name, text, counts in (("zonefeed_items", "Items read from sources", items),
                                   ("zonefeed_items_new", "Items stored for the first time", new)):
            family = CounterMetricFamily(name, text, labels=["source"])
            for source_id, count in counts.items():
                family.add_metric([source_id], count)
            yield family


SOURCES = SourceCounters()
REGISTRY.register(SOURCES)


@dataclass(frozen=True)
class SourceGauge:
    """One source's stored state as the gauges show it (timestamps in seconds, None: never)."""

    source_id: str
    consecutive_failures: int
    next_poll: float | None
    last_success: float | None


def source_gauges(states: Iterable[SourceGauge]) -> list[Metric]:
    """The per-source gauge families of one scrape."""
    failures = GaugeMetricFamily("zonefeed_source_consecutive_failures", "Failed polls in a row",
                                 labels=["source"])
    next_poll = GaugeMetricFamily("zonefeed_source_next_poll_timestamp_seconds",
                                  "When a source is polled next", labels=["source"])
    last_success = GaugeMetricFamily("zonefeed_source_last_success_timestamp_seconds",
                                     "When a source was last read successfully", labels=["source"])
    for state in states:
        failures.add_metric([state.source_id], state.consecutive_failures)
        if state.next_poll is not None:
            next_poll.add_metric([state.source_id], state.next_poll)
        if state.last_success is not None:
            last_success.add_metric([state.source_id], state.last_success)
    return [failures, next_poll, last_success]


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


class _Families:
    """A registry-shaped wrapper, so generate_latest writes families built for one scrape."""

    def __init__(self, families: list[Metric]):
        self._families = families

    def collect(self) -> list[Metric]:
        return self._families


def exposition(extra: Iterable[Metric] = ()) -> tuple[bytes, str]:
    """The text exposition of every registered metric, then `extra` (families of this scrape)."""
    return generate_latest(REGISTRY) + generate_latest(_Families(list(extra))), CONTENT_TYPE_LATEST
