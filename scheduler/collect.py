"""One collect of one source, start to commit: fetch, normalize, ingest, record the outcome.

Everything a poll learned (items, validators, source state, when to poll next, the release of
its claim) commits in one transaction, so a crash either keeps all of it or none, and the
next poll simply repeats the work.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from items.ingest import ingest
from items.normalize import RejectedItem, normalize
from items.tagging import retag_older, tagger
from items.urls import canonical_url, other_spellings
from model.raw import RawItem, RobotsRecord, StoredReading, Validators
from model.stories import Appearance
from obs import metrics
from obs.logs import source_context
from scheduler.backoff import next_poll_after_failure, next_poll_after_success
from scheduler.gate import ShuttingDown
from scheduler.leases import release_dead_local_leases, release_own_leases
from settings.model import Config, SourceConfig
from sources import Fetcher, FetchError, read_source
from sources.errors import RateLimitedError
from store.base import DATABASE_ERRORS, Store
from store.times import utc_now

log = logging.getLogger("zonefeed.collect")


@dataclass(frozen=True)
class CollectOutcome:
    source_id: str
    new: int = 0
    updated: int = 0
    not_modified: bool = False
    error: str | None = None
    error_kind: str | None = None
    moved_to: str | None = None
    next_poll_at: datetime | None = None
    skipped: bool = False
    refused: tuple[str, ...] = ()  # links left out: refused by the source's trust, or not http(s)

    @property
    def changed(self) -> bool:
        return bool(self.new or self.updated)


class _StoredValidators:
    """What a poll asks the store while fetching: read-only, so it never queues behind writers."""

    def __init__(self, store: Store):
        self._store = store

    def validators_for(self, url: str) -> Validators | None:
        with self._store.read() as tx:
            return tx.validators_for(url)

    def readings(self, source_id: str, urls: list[str]) -> dict[str, StoredReading]:
        """Raw item URL -> how the source's stored item there was read, found by its canonical
        form or that form with the other scheme or with/without `www.` (the ingest rule)."""
        canonical = {url: canonical_url(url) for url in urls}
        spelled = {key: (key, *other_spellings(key)) for key in set(canonical.values())}
        with self._store.read() as tx:
            stored = tx.item_readings(source_id, [s for keys in spelled.values() for s in keys])
        found = {}
        for url, key in canonical.items():
            reading = next((stored[s] for s in spelled[key] if s in stored), None)
            if reading is not None:
                found[url] = reading
        return found

    def has_items(self, source_id: str) -> bool:
        with self._store.read() as tx:
            return tx.source_has_appearances(source_id)


class StoredRobots:
    """robots.txt copies in the store (sources.robots.RobotsMemory), shared by every process."""

    def __init__(self, store: Store):
        self._store = store

    def robots_for(self, origin: str) -> RobotsRecord | None:
        with self._store.read() as tx:
            return tx.robots_txt(origin)

    def save_robots(self, record: RobotsRecord) -> None:
        with self._store.transaction() as tx:
            tx.save_robots_txt(record)


WriteGuard = Callable[[], AbstractContextManager[object]]


def collect_source(config: Config, source: SourceConfig, fetcher: Fetcher, store: Store,
                   writing: WriteGuard = nullcontext) -> CollectOutcome:
    """Poll one source; never raises for a bad source, reports the error instead.

    `writing` wraps the one write transaction (shutdown uses it to let writes finish).
    """
    with source_context(source.id):
        try:
            return _collect(config, source, fetcher, store, writing)
        except DATABASE_ERRORS as exc:  # the store refused this source's write: the others go on
            log.warning("event=store_failed source=%s error=%r", source.id, exc)
            return _record_failure(store, source, f"store error: {exc!r}", "store")
        except ShuttingDown:
            raise  # not a failure of this source: the poll simply runs again after the restart
        except Exception as exc:  # an ingest or dedupe bug: this source only, traceback logged once
            log.exception("event=collect_crash stage=store source=%s", source.id)
            return _record_failure(store, source, f"internal error: {exc!r}", "internal")


def _record_failure(store: Store, source: SourceConfig, message: str, kind: str) -> CollectOutcome:
    """Best effort: when the database itself is down, the log line is all that can be kept."""
    try:
        with store.transaction() as tx:
            tx.record_failure(source.id, utc_now(), message, kind,
                              utc_now() + timedelta(seconds=source.interval))
    except DATABASE_ERRORS:
        log.exception("event=store_failed_twice source=%s", source.id)
    return CollectOutcome(source.id, error=message, error_kind=kind)


def _collect(config: Config, source: SourceConfig, fetcher: Fetcher, store: Store,
             writing: WriteGuard) -> CollectOutcome:
    started, clock = utc_now(), datetime.now(UTC)  # the record keeps seconds; next polls count exactly
    tags = tagger(config.topics)
    try:
        with metrics.fetch_timer():
            read = read_source(source, fetcher, _StoredValidators(store))
            appearances, rejected = _normalize_all(read.items, config, source, started)
    except FetchError as exc:
        retry_after = exc.retry_after if isinstance(exc, RateLimitedError) else None
        return _fail(config, store, source, started, clock, str(exc), exc.kind, retry_after, writing)
    except Exception as exc:  # a parser bug must not stop the other sources
        log.exception("event=collect_crash source=%s", source.id)
        return _fail(config, store, source, started, clock, f"internal error: {exc!r}", "internal", None,
                     writing)
    next_poll = next_poll_after_success(clock, source.interval)
    with writing(), store.transaction() as tx:
        report = ingest(tx, appearances, started)
        retag_older(tx, tags)
        for validators in read.validators:
            tx.save_validators(validators)
        tx.record_success(source.id, started, read.not_modified, next_poll)
        if read.moved_to:
            tx.record_source_moved(source.id, read.moved_to)
    _count_success(source.id, len(appearances), report.new, report.stories_created, read.not_modified)
    log.info("event=collect source=%s items=%d new=%d updated=%d not_modified=%s next_poll=%s",
             source.id, len(appearances), report.new, report.updated, read.not_modified,
             next_poll.isoformat())
    if read.moved_to:
        log.warning("event=moved source=%s new_url=%s note=\"update config.toml\"",
                    source.id, read.moved_to)
    if read.refused:
        log.warning("event=links_refused source=%s kind=refused count=%d first=%r",
                    source.id, len(read.refused), read.refused[0])
    return CollectOutcome(source.id, report.new, report.updated, read.not_modified,
                          next_poll_at=next_poll, moved_to=read.moved_to, refused=read.refused + rejected)


def _normalize_all(raws: tuple[RawItem, ...], config: Config, source: SourceConfig,
                   started: datetime) -> tuple[list[Appearance], tuple[str, ...]]:
    """Appearances of the items that may be published, and why the others were left out."""
    appearances, rejected = [], []
    for raw in raws:
        try:
            appearances.append(normalize(raw, source, config.service.timezone, started))
        except RejectedItem as exc:
            log.warning("event=item_rejected source=%s kind=%s reason=%r", source.id, exc.kind, str(exc))
            rejected.append(str(exc))
    return appearances, tuple(rejected)


def _count_success(source_id: str, items: int, new: int, stories_created: int,
                   not_modified: bool) -> None:
    """Counters from the ingest report: no COUNT(*) per collect (the stories gauge is
    refreshed from the database when /metrics is read)."""
    metrics.SOURCES.fetched(source_id, "not_modified" if not_modified else "ok", items, new)
    metrics.STORIES_CREATED.inc(stories_created)
    metrics.DEDUPE_MERGES.inc(max(0, new - stories_created))


def _fail(config: Config, store: Store, source: SourceConfig, at: datetime, clock: datetime,
          message: str, kind: str, retry_after: float | None, writing: WriteGuard) -> CollectOutcome:
    with writing(), store.transaction() as tx:
        failures = tx.consecutive_failures(source.id) + 1
        next_poll = next_poll_after_failure(clock, source.interval, failures,
                                            config.scheduler.max_backoff, retry_after)
        tx.record_failure(source.id, at, message, kind, next_poll)
    metrics.SOURCES.fetched(source.id, kind)
    log.warning("event=collect_failed source=%s kind=%s failures=%d next_poll=%s error=%r",
                source.id, kind, failures, next_poll.isoformat(), message)
    return CollectOutcome(source.id, error=message, error_kind=kind, next_poll_at=next_poll)


def claim(store: Store, source_id: str, node_id: str, lease_seconds: int,
          due_only: bool = True) -> bool:
    """Take this poll for `node_id` (see Tx.claim_source); False when it is not ours to do."""
    with store.transaction() as tx:
        return tx.claim_source(source_id, node_id, utc_now(), lease_seconds, due_only)


def collect_many(config: Config, sources: list[SourceConfig], fetcher: Fetcher, store: Store,
                 node_id: str, workers: int = 8,
                 on_start: Callable[[str], object] = lambda _: None,
                 on_done: Callable[[CollectOutcome], object] = lambda _: None) -> list[CollectOutcome]:
    """Poll several sources now (politeness is per host, in the fetcher).

    Each poll is claimed first, so a manual run never doubles a poll the service is doing.
    """
    if not sources:
        return []
    try:
        release_dead_local_leases(store)  # a collect killed earlier must not skip these now
    except Exception:
        log.exception("event=lease_cleanup_failed")

    def one(source: SourceConfig) -> CollectOutcome:
        on_start(source.id)
        try:
            claimed = claim(store, source.id, node_id, config.scheduler.lease, due_only=False)
        except Exception as exc:  # e.g. SQLite busy past its timeout: this source only
            log.exception("event=claim_failed source=%s", source.id)
            outcome = CollectOutcome(source.id, error=f"store error: {exc!r}", error_kind="store")
        else:
            outcome = (collect_source(config, source, fetcher, store) if claimed
                       else CollectOutcome(source.id, skipped=True))
        on_done(outcome)
        return outcome

    with ThreadPoolExecutor(max_workers=min(workers, len(sources))) as pool:
        outcomes = list(pool.map(one, sources))
    if any(o.error_kind == "store" for o in outcomes):
        try:  # a failure that could not be recorded left its claim behind
            release_own_leases(store, node_id)
        except Exception:
            log.exception("event=lease_release_failed node=%s", node_id)
    return outcomes
