"""Claims: of several racing pollers exactly one gets a due source; crashed holders are freed."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta

from scheduler.leases import make_node_id, release_dead_local_leases
from settings.model import SourceConfig
from store.times import utc_now
from tests.support import open_test_store

SOURCE = SourceConfig(id="a", name="A", kind="feed", url="http://127.0.0.1/a.xml", interval=60)


def _store(storage_url):
    store = open_test_store(storage_url)
    with store.transaction() as tx:
        tx.sync_sources([SOURCE])
    return store


def _claim(store, node, now, due_only=True, lease=60):
    with store.transaction() as tx:
        return tx.claim_source("a", node, now, lease, due_only)


def test_exactly_one_of_many_concurrent_claims_wins(storage_url):
    store = _store(storage_url)
    now = utc_now()
    barrier, results = threading.Barrier(8), []

    def racer(index: int) -> None:
        barrier.wait()
        results.append(_claim(store, f"node-{index}", now))

    threads = [threading.Thread(target=racer, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 7 + [True]


def test_a_claim_needs_the_poll_due_and_no_live_lease(storage_url):
    store = _store(storage_url)
    now = datetime(2026, 1, 1, 12, tzinfo=UTC)
    assert _claim(store, "n1", now, lease=30)
    assert not _claim(store, "n2", now + timedelta(seconds=29), due_only=False)  # lease still held
    assert _claim(store, "n2", now + timedelta(seconds=31))  # lease expired: n1 presumably died
    with store.transaction() as tx:
        tx.record_success("a", now, False, now + timedelta(seconds=60))
        assert tx.leases() == {}
    assert not _claim(store, "n1", now + timedelta(seconds=59))  # not due yet
    assert _claim(store, "n1", now + timedelta(seconds=59), due_only=False)  # "collect now"
    with store.transaction() as tx:
        tx.record_failure("a", now, "boom", "error", now + timedelta(seconds=120))
        assert tx.leases() == {} and tx.next_poll_at("a") == now + timedelta(seconds=120)
    assert _claim(store, "n2", now + timedelta(seconds=120))


def test_leases_of_dead_local_processes_are_released_others_kept(storage_url):
    store = _store(storage_url)
    with store.transaction() as tx:
        tx.sync_sources([SourceConfig(id=i, name=i, kind="feed", url="http://127.0.0.1/x", interval=60)
                         for i in ("b", "c")])
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    host = make_node_id().rsplit(":", 2)[0]
    now = utc_now()
    with store.transaction() as tx:
        tx.claim_source("a", f"{host}:{dead}:abc", now, 600, False)
        tx.claim_source("b", make_node_id(), now, 600, False)  # this (live) process
        tx.claim_source("c", f"other-host.example:{dead}:abc", now, 600, False)
    assert release_dead_local_leases(store) == ["a"]
    with store.transaction() as tx:
        assert set(tx.leases()) == {"b", "c"}
