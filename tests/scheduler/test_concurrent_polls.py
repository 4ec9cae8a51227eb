"""Many polls at once on one SQLite file: lookups take no write lock and writers take turns,
so nothing fails with "database is locked" (a real file, a real LocalWeb, real threads)."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

from model.raw import Validators
from ops.status import source_statuses
from scheduler.collect import collect_many
from settings import load_config
from sources.fetch import Fetcher
from store import open_store
from tests.fixtures import utf8_atom

SOURCES = 48
WORKERS = 32


def test_many_concurrent_polls_on_sqlite_never_hit_a_locked_database(web, tmp_path):
    blocks = []
    for n in range(SOURCES):
        entries = [(f"s{n}-{i}", f"第{n}号园区新闻第{i}条：项目签约", f"2024-05-{i % 28 + 1:02d}T08:00:00Z")
                   for i in range(20)]
        url = web.add(f"/feeds/{n}.atom", utf8_atom(entries), "application/atom+xml")
        blocks.append(f'[[sources]]\nid = "s{n}"\nkind = "feed"\nurl = "{url}"\n')
    path = tmp_path / "config.toml"
    path.write_text(
        f'[service]\ndata_dir = "{tmp_path / "data"}"\nbase_url = "http://127.0.0.1:8080"\n'
        f'[storage]\nurl = "sqlite:///{tmp_path / "data" / "zonefeed.db"}"\n'
        f"[fetch]\nmin_delay = 0\ndelay_factor = 0\ntimeout = 5\nrespect_robots = false\n"
        f"per_host_concurrency = {WORKERS}\n" + "\n".join(blocks), encoding="utf-8")
    config = load_config(path)
    store = open_store(config.storage.url)
    with store.transaction() as tx:
        tx.sync_sources(config.sources)
    fetcher = Fetcher(config.fetch)
    done = threading.Event()
    reader_errors: list[BaseException] = []

    def status_pages() -> None:  # an operator refreshing /status all the while
        while not done.is_set():
            try:
                source_statuses(config, store, datetime.now(UTC))
            except BaseException as exc:
                reader_errors.append(exc)
                return

    reader = threading.Thread(target=status_pages)
    reader.start()
    try:
        cold = collect_many(config, list(config.sources), fetcher, store, "node-a", workers=WORKERS)
        again = collect_many(config, list(config.sources), fetcher, store, "node-a", workers=WORKERS)
    finally:
        done.set()
        reader.join()
        store.close()

    assert [o.error for o in cold + again if o.error] == []
    assert reader_errors == []
    assert sorted(o.new for o in cold) == [20] * SOURCES
    assert all(o.not_modified for o in again)


def test_lookups_do_not_wait_for_a_write_in_progress(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'z.db'}")
    readers = 8
    writing = threading.Event()
    all_looked_up = threading.Barrier(readers + 1)  # met inside the write transaction, or broken
    seen: list[Validators | None] = []
    writer_met_readers: list[bool] = []

    def writer() -> None:
        with store.transaction() as tx:
            tx.save_validators(Validators("http://a/feed.xml", '"v1"'))
            writing.set()
            try:
                all_looked_up.wait(10)
                writer_met_readers.append(True)
            except threading.BrokenBarrierError:
                writer_met_readers.append(False)

    def lookups() -> None:
        writing.wait(10)
        for _ in range(20):
            with store.read() as tx:
                seen.append(tx.validators_for("http://a/feed.xml"))
        try:
            all_looked_up.wait(10)
        except threading.BrokenBarrierError:
            pass

    threads = [threading.Thread(target=writer)] + [threading.Thread(target=lookups) for _ in range(readers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with store.read() as tx:
        committed = tx.validators_for("http://a/feed.xml")
    store.close()
    assert writer_met_readers == [True]  # every lookup finished while the write was open
    assert seen == [None] * readers * 20  # and none saw the uncommitted row
    assert committed == Validators("http://a/feed.xml", '"v1"')


def test_writers_of_one_process_take_turns_without_the_busy_timeout(tmp_path, monkeypatch):
    """SQLite's busy handler would give up after BUSY_TIMEOUT; our writers queue on a lock
    first, so even a busy timeout far shorter than the queue never fails a write."""
    monkeypatch.setattr("store.sqlite.BUSY_TIMEOUT", 0.01)
    store = open_store(f"sqlite:///{tmp_path / 'z.db'}")
    errors: list[BaseException] = []

    def writes(n: int) -> None:
        try:
            for i in range(20):
                with store.transaction() as tx:
                    tx.save_validators(Validators(f"http://a/{n}/{i}", f'"{n}-{i}"'))
                    time.sleep(0.002)  # a write that takes a moment, as an ingest does
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writes, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with store.read() as tx:
        stored = tx.connection.execute("SELECT COUNT(*) FROM http_validators").fetchone()[0]
    store.close()
    assert errors == [] and stored == 16 * 20
