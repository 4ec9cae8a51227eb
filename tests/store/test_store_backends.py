"""The store's promises that only show under concurrency, on SQLite and PostgreSQL alike:
one story per item however many nodes meet it, one poller per source, one renderer."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from items.dedupe import band_rows, sketch_of
from items.ingest import ingest
from items.minhash import LSH
from model.stories import Appearance
from settings.model import SourceConfig
from store import FeedQuery, open_store
from store.schema import MIGRATIONS
from store.times import to_db
from store.tx import Tx
from tests.items.dedupe_cases import STORIES
from tests.support import pg_admin, query

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def _app(source_id: str, key: str, url: str, title: str = "园区签约", summary: str = "") -> Appearance:
    return Appearance(source_id=source_id, item_key=key, url=url, title=title,
                      published_at=NOW - timedelta(hours=1), date_is_guess=False,
                      content_html=f"<p>{title}</p>", summary=summary or title)


def _source(source_id: str) -> SourceConfig:
    return SourceConfig(id=source_id, name=source_id, kind="feed",
                        url=f"http://127.0.0.1:9/{source_id}.xml", interval=60)


def test_create_story_racing_for_one_url_returns_the_winner(storage_url, store):
    """The second transaction waits on the unique URL key, then gets the first one's story."""
    other = open_store(storage_url)
    first_created, results = threading.Event(), {}

    def first():
        with store.transaction() as tx:
            results["first"] = tx.create_story("guid-a", NOW, NOW, "http://x.test/1.html")
            first_created.set()
            time.sleep(0.5)  # the second writer is now waiting on us

    def second():
        first_created.wait(5)
        with other.transaction() as tx:
            results["second"] = tx.create_story("guid-b", NOW, NOW, "http://x.test/1.html")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    other.close()
    assert results["first"] == results["second"]
    assert query(storage_url, "SELECT COUNT(*) FROM stories") == [(1,)]


def test_two_nodes_ingesting_the_same_items_at_once_store_each_story_once(storage_url, store):
    """Two sources cross-post the same 30 URLs (in opposite orders) and both repeat their own
    items, ingested concurrently through separate stores, as two nodes would."""
    urls = [f"http://zone.test/news/{i}.html" for i in range(30)]
    batches = {
        "a": [_app("a", f"a{i}", url) for i, url in enumerate(urls)],
        "b": [_app("b", f"b{i}", url) for i, url in reversed(list(enumerate(urls)))],
    }
    errors: list[BaseException] = []

    def node(source_ids: list[str]):
        own = open_store(storage_url)
        try:
            for source_id in source_ids:
                with own.transaction() as tx:
                    ingest(tx, batches[source_id], NOW)
        except BaseException as exc:  # surfaced below: a thread's failure must fail the test
            errors.append(exc)
        finally:
            own.close()

    threads = [threading.Thread(target=node, args=(order,)) for order in (["a", "b"], ["b", "a"])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert query(storage_url, "SELECT COUNT(*) FROM stories") == [(30,)]
    assert query(storage_url, "SELECT COUNT(*) FROM appearances") == [(60,)]
    per_story = query(storage_url, "SELECT COUNT(*) FROM appearances GROUP BY story_id")
    assert {count for (count,) in per_story} == {2}


def test_only_one_claimer_gets_a_due_source_until_its_lease_ends(store):
    with store.transaction() as tx:
        tx.sync_sources([_source("s1")])
        assert tx.claim_source("s1", "node-a", NOW, lease_seconds=60)
        assert not tx.claim_source("s1", "node-b", NOW + timedelta(seconds=59), lease_seconds=60)
        assert not tx.claim_source("s1", "node-b", NOW + timedelta(seconds=60), lease_seconds=60)
        # node-a died: once its lease has run out the source is handed over
        assert tx.claim_source("s1", "node-b", NOW + timedelta(seconds=61), lease_seconds=60)
        tx.record_success("s1", NOW + timedelta(seconds=61), False, NOW + timedelta(seconds=121))
        assert not tx.claim_source("s1", "node-a", NOW + timedelta(seconds=120), lease_seconds=60)
        assert tx.claim_source("s1", "node-a", NOW + timedelta(seconds=121), lease_seconds=60)
        tx.record_failure("s1", NOW + timedelta(seconds=122), "boom", "http", NOW + timedelta(seconds=182))
        assert query_lease(tx) == (None, None)


def query_lease(tx) -> tuple:
    return tuple(tx.connection.execute("SELECT leased_by, lease_until FROM sources").fetchone())


def test_concurrent_claims_from_many_nodes_have_one_winner(storage_url, store):
    with store.transaction() as tx:
        tx.sync_sources([_source("s1")])
    stores = [open_store(storage_url) for _ in range(4)]
    start, won = threading.Barrier(4), []

    def claim(node_store, node_id):
        start.wait(5)
        with node_store.transaction() as tx:
            if tx.claim_source("s1", node_id, NOW, lease_seconds=60):
                won.append(node_id)

    threads = [threading.Thread(target=claim, args=(s, f"node-{i}")) for i, s in enumerate(stores)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    for node_store in stores:
        node_store.close()
    assert len(won) == 1
    assert query(storage_url, "SELECT leased_by FROM sources") == [(won[0],)]


def test_exclusive_holds_off_other_nodes_until_released(storage_url, store):
    other = open_store(storage_url)
    events: list[str] = []
    holding = threading.Event()

    def holder():
        with store.exclusive("render"):
            holding.set()
            time.sleep(0.5)
            events.append("first done")

    def waiter():
        holding.wait(5)
        with other.exclusive("render"):
            events.append("second in")

    threads = [threading.Thread(target=holder), threading.Thread(target=waiter)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    other.close()
    assert events == ["first done", "second in"]


def test_nodes_starting_together_apply_each_migration_once(storage_url):
    opened, errors = [], []

    def start():
        try:
            opened.append(open_store(storage_url))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    for node_store in opened:
        node_store.close()
    assert errors == []
    versions = query(storage_url, "SELECT version FROM schema_version ORDER BY version")
    assert versions == [(v,) for v in range(1, len(MIGRATIONS) + 1)]


def test_feed_filters_treat_like_wildcards_as_plain_text(store):
    with store.transaction() as tx:
        tx.sync_sources([_source("a")])
        ingest(tx, [_app("a", "1", "http://z.test/1", "增长100%的园区"),
                    _app("a", "2", "http://z.test/2", "增长1000的园区"),
                    _app("a", "3", "http://z.test/3", "a_b 园区")], NOW)
        titles = lambda **kw: sorted(e.title for e in tx.stories_for_feed(FeedQuery(**kw)))  # noqa: E731
        assert titles(include=("100%",)) == ["增长100%的园区"]
        assert titles(include=("a_b",)) == ["a_b 园区"]
        assert titles(exclude=("100%",)) == ["a_b 园区", "增长1000的园区"]


@pytest.mark.parametrize("storage_url", ["postgresql"], indirect=True)
def test_postgres_replaces_a_connection_the_server_dropped(store):
    """A database restart must cost no poll: the pool checks a connection before lending it."""
    with store.transaction() as tx:
        pid = tx.connection.execute("SELECT pg_backend_pid()").fetchone()[0]
    with pg_admin() as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone() == (True,)
    with store.transaction() as tx:
        tx.sync_sources([_source("s1")])
        assert tx.connection.execute("SELECT pg_backend_pid()").fetchone()[0] != pid
    with store.transaction() as tx:
        assert [s.id for s in tx.source_states()] == ["s1"]



def test_band_rows_written_before_the_keyed_band_table_still_find_their_stories(storage_url, monkeypatch):
    """A store from before migration 6 (band rows in a plain table): after the upgrade its
    rows are in the keyed table and a re-post still joins the story they index."""
    body = "".join(f"<p>{p}</p>" for p in STORIES["lj-forum"][3])
    title = "两江新区举办智能网联汽车产业发展论坛"
    keyed = next(i for i, m in enumerate(MIGRATIONS) if "dedupe_bands_unkeyed" in m)
    backend = "store.sqlite" if storage_url.startswith("sqlite") else "store.postgres"
    with monkeypatch.context() as patch:
        patch.setattr(f"{backend}.MIGRATIONS", MIGRATIONS[:keyed])
        patch.setattr(Tx, "log_story_changes", lambda self, ids: None)  # no change log back then
        old = open_store(storage_url)
        with old.transaction() as tx:  # what the code of that schema wrote: its columns only
            tx.sync_sources([_source("a"), _source("b")])
            app = replace(_app("a", "1", "http://a.test/1.html", title), content_html=body)
            story = tx.create_story("tag:old", NOW, NOW)
            tx._q("INSERT INTO appearances (story_id, source_id, item_key, url, title, published_at, "
                  "date_is_guess, first_seen_at, content_html, summary, regions, tags, fingerprint) "
                  "VALUES (?, 'a', '1', ?, ?, ?, 0, ?, ?, '', '', '', ?)",
                  (story, app.url, title, to_db(NOW), to_db(NOW), body, app.fingerprint))
            for period, key, appearance_id in band_rows([(sketch_of(app), 1)]):
                tx._q("INSERT INTO dedupe_bands (band_key, published_period, appearance_id) VALUES (?, ?, ?)",
                      (key, period, appearance_id))
            tx.set_canonicals([(story, 1, NOW, None)])
        old.close()
    assert query(storage_url, "SELECT COUNT(*) FROM dedupe_bands") == [(LSH.bands + 1,)]
    store = open_store(storage_url)
    with store.transaction() as tx:
        ingest(tx, [replace(_app("b", "1", "http://b.test/1.html", "转载：" + title), content_html=body)], NOW)
    store.close()
    assert query(storage_url, "SELECT COUNT(DISTINCT story_id) FROM appearances") == [(1,)]
    assert query(storage_url, "SELECT COUNT(*) FROM dedupe_bands") == [(2 * (LSH.bands + 1),)]


def test_a_story_keyed_under_the_old_band_scheme_is_found_after_migration_15(storage_url, monkeypatch):
    """A store from before migration 15 holds band keys of another scheme, which never match
    today's: the first ingest after the upgrade drops them and re-keys the stored appearances
    (newest first), so a re-post still joins the story; later ingests keep the keys."""
    body = "".join(f"<p>{p}</p>" for p in STORIES["lj-forum"][3])
    title = "两江新区举办智能网联汽车产业发展论坛"
    recorded = next(i for i, m in enumerate(MIGRATIONS) if isinstance(m, str) and "scheme TEXT" in m)
    backend = "store.sqlite" if storage_url.startswith("sqlite") else "store.postgres"
    app = replace(_app("a", "1", "http://a.test/1.html", title), content_html=body)
    old_keys = [(period, key ^ 1, 1) for period, key, _ in band_rows([(sketch_of(app), 1)])]
    with monkeypatch.context() as patch:
        patch.setattr(f"{backend}.MIGRATIONS", MIGRATIONS[:recorded])
        old = open_store(storage_url)
        with old.transaction() as tx:  # what the code of that schema wrote, under its own keys
            tx.sync_sources([_source("a"), _source("b")])
            story = tx.create_story("tag:old", NOW, NOW)
            tx._q("INSERT INTO appearances (story_id, source_id, item_key, url, title, published_at, "
                  "date_is_guess, first_seen_at, content_html, summary, regions, tags, fingerprint) "
                  "VALUES (?, 'a', '1', ?, ?, ?, 0, ?, ?, '', '', '', ?)",
                  (story, app.url, title, to_db(NOW), to_db(NOW), body, app.fingerprint))
            tx.add_bands(old_keys)
            tx.set_canonicals([(story, 1, NOW, None)])
        old.close()
    store = open_store(storage_url)
    with store.transaction() as tx:
        assert tx.band_scheme() == ""
        ingest(tx, [replace(_app("b", "1", "http://b.test/1.html", "转载：" + title), content_html=body)], NOW)
        assert tx.band_scheme() == LSH.name
    with store.transaction() as tx:
        ingest(tx, [_app("b", "2", "http://b.test/2.html", "另一条新闻")], NOW)
    store.close()
    assert query(storage_url, "SELECT COUNT(DISTINCT story_id) FROM appearances WHERE id <= 2") == [(1,)]
    kept = query(storage_url, "SELECT published_period, band_key, appearance_id FROM dedupe_bands")
    assert not set(old_keys) & set(kept)
    assert sorted(set(appearance for _, _, appearance in kept)) == [1, 2, 3]  # re-keyed once, kept
    assert len(kept) == 3 * (LSH.bands + 1)
