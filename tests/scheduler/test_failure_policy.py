"""The persisted failure policy of one source, poll by poll, against a real fixture site."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ops.status import source_statuses
from scheduler.collect import collect_source
from settings import load_config
from sources import Fetcher
from tests.fixtures import utf8_atom
from tests.support import open_test_store


def _setup(web, write_config):
    config = load_config(write_config(f"""
        [scheduler]
        max_backoff = "2h"
        [[sources]]
        id = "site"
        kind = "feed"
        url = "{web.url('/feed.xml')}"
        interval = "10m"
        """))
    store = open_test_store(config.storage.url)
    with store.transaction() as tx:
        tx.sync_sources(config.sources)
    return config, store


def _poll(config, store):
    # a fresh Fetcher each time: the host deferral that Retry-After sets lives in the fetcher
    outcome = collect_source(config, config.sources[0], Fetcher(config.fetch), store)
    status = source_statuses(config, store, datetime.now(UTC))[0]
    return outcome, status


def test_retry_after_blocked_backoff_and_recovery_are_stored(web, write_config):
    config, store = _setup(web, write_config)
    web.add("/feed.xml", b"slow down", "text/plain", status=429, headers={"Retry-After": "5400"})
    outcome, status = _poll(config, store)
    wait = (status.poll.next_poll_at - datetime.now(UTC)).total_seconds()
    assert outcome.error_kind == "rate_limited" and 5390 <= wait <= 5401  # 90 min asked, 10 min interval

    web.add("/feed.xml", b"<html><script>document.cookie='__jsl_clearance=1'</script>", "text/html",
            status=403)
    outcome, status = _poll(config, store)
    assert status.state == "blocked" and status.poll.consecutive_failures == 2
    assert "anti-bot" in status.poll.last_error
    waits = []
    web.add("/feed.xml", b"oops", "text/plain", status=500)
    for _ in range(5):
        outcome, status = _poll(config, store)
        waits.append((status.poll.next_poll_at - datetime.now(UTC)).total_seconds())
    assert status.state == "failing" and status.poll.consecutive_failures == 7
    assert all(0.75 * 7200 - 2 <= wait <= 7201 for wait in waits[-3:]), waits  # at the 2 h cap

    web.add("/feed.xml", utf8_atom([("k1", "经开区新签约项目", "2023-08-28T09:00:00+08:00")]))
    outcome, status = _poll(config, store)
    assert status.state == "ok" and status.poll.consecutive_failures == 0 and status.poll.last_error is None
    assert abs(status.poll.next_poll_at - (datetime.now(UTC) + timedelta(minutes=10))) <= timedelta(seconds=2)


def _crashing_ingest(error: Exception):
    def crash(*args, **kwargs):
        raise error
    return crash


def test_errors_keep_their_meaning(web, write_config, monkeypatch):
    """A database error is a store failure, a bug in ingest is internal (logged once), and a
    shutdown under way is not this source's failure at all."""
    import sqlite3

    import pytest

    from scheduler.gate import ShuttingDown, WriteGate

    config, store = _setup(web, write_config)
    web.add("/feed.xml", utf8_atom([("k1", "经开区新签约项目", "2023-08-28T09:00:00+08:00")]).encode(), "application/atom+xml")
    monkeypatch.setattr("scheduler.collect.ingest", _crashing_ingest(sqlite3.OperationalError("disk I/O error")))
    outcome, status = _poll(config, store)
    assert outcome.error_kind == "store" and "disk I/O error" in status.poll.last_error

    monkeypatch.setattr("scheduler.collect.ingest", _crashing_ingest(KeyError("dedupe bug")))
    outcome, status = _poll(config, store)
    assert outcome.error_kind == "internal" and "dedupe bug" in status.poll.last_error

    gate = WriteGate()
    gate.close(timeout=1)
    before = source_statuses(config, store, datetime.now(UTC))[0]
    with pytest.raises(ShuttingDown):
        collect_source(config, config.sources[0], Fetcher(config.fetch), store, gate.writing)
    after = source_statuses(config, store, datetime.now(UTC))[0]
    assert (after.poll.consecutive_failures, after.poll.last_error) == (before.poll.consecutive_failures, before.poll.last_error)
