"""One collect of one source, start to commit: fetch, normalize, ingest, record the outcome.

Everything a poll learned (items, validators, source state) commits in one transaction, so a
crash either keeps all of it or none, and the next poll simply repeats the work.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from items.ingest import ingest
from items.normalize import normalize
from items.store.sqlite import SQLiteStore
from items.store.times import utc_now
from items.urls import canonical_url
from settings.model import Config, SourceConfig
from sources import Fetcher, FetchError, read_source
from sources.types import Validators

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

    @property
    def changed(self) -> bool:
        return bool(self.new or self.updated)


class _StoredValidators:
    def __init__(self, store: SQLiteStore):
        self._store = store

    def validators_for(self, url: str) -> Validators | None:
        with self._store.transaction() as tx:
            return tx.validators_for(url)

    def known_urls(self, source_id: str, urls: list[str]) -> set[str]:
        """Raw item URLs whose canonical form is already stored for the source."""
        canonical = {url: canonical_url(url) for url in urls}
        with self._store.transaction() as tx:
            stored = tx.known_item_urls(source_id, list(canonical.values()))
        return {url for url, key in canonical.items() if key in stored}

    def has_items(self, source_id: str) -> bool:
        with self._store.transaction() as tx:
            return tx.source_has_appearances(source_id)


def collect_source(config: Config, source: SourceConfig, fetcher: Fetcher,
                   store: SQLiteStore) -> CollectOutcome:
    """Poll one source; never raises for a bad source, reports the error instead."""
    started = utc_now()
    next_poll = started + timedelta(seconds=source.interval)
    try:
        read = read_source(source, fetcher, _StoredValidators(store))
        appearances = [normalize(raw, source, config.service.timezone, started) for raw in read.items]
    except FetchError as exc:
        return _fail(store, source, started, next_poll, str(exc), exc.kind)
    except Exception as exc:  # a parser bug must not stop the other sources
        log.exception("event=collect_crash source=%s", source.id)
        return _fail(store, source, started, next_poll, f"internal error: {exc!r}", "internal")
    with store.transaction() as tx:
        report = ingest(tx, appearances, started)
        for validators in read.validators:
            tx.save_validators(validators)
        tx.record_success(source.id, started, read.not_modified, next_poll)
        if read.moved_to:
            tx.record_source_moved(source.id, read.moved_to)
    log.info("event=collect source=%s items=%d new=%d updated=%d not_modified=%s",
             source.id, len(appearances), report.new, report.updated, read.not_modified)
    if read.moved_to:
        log.warning("event=moved source=%s new_url=%s note=\"update config.toml\"",
                    source.id, read.moved_to)
    return CollectOutcome(source.id, report.new, report.updated, read.not_modified, moved_to=read.moved_to)


def _fail(store: SQLiteStore, source: SourceConfig, at: datetime, next_poll: datetime,
          message: str, kind: str) -> CollectOutcome:
    with store.transaction() as tx:
        tx.record_failure(source.id, at, message, kind, next_poll)
    log.warning("event=collect_failed source=%s kind=%s error=%r", source.id, kind, message)
    return CollectOutcome(source.id, error=message, error_kind=kind)


def collect_many(config: Config, sources: list[SourceConfig], fetcher: Fetcher,
                 store: SQLiteStore, workers: int = 8) -> list[CollectOutcome]:
    """Poll several sources concurrently (politeness is per host, in the fetcher)."""
    if not sources:
        return []
    with ThreadPoolExecutor(max_workers=min(workers, len(sources))) as pool:
        return list(pool.map(lambda s: collect_source(config, s, fetcher, store), sources))
