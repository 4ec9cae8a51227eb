"""The store tells a poll which item URLs a source already has, and how each was read (so
articles are fetched once, corrections re-read once, failed pages retried a few times)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from items.ingest import ingest
from model.raw import StoredReading
from model.stories import Appearance
from store import open_store


def _appearance(source_id: str, url: str) -> Appearance:
    return Appearance(source_id=source_id, item_key=url, url=url, title="园区新闻标题",
                      published_at=datetime(2023, 8, 28, tzinfo=UTC), date_is_guess=False)


def test_item_readings_are_per_source(storage_url):
    store = open_store(storage_url)
    now = datetime(2023, 8, 29, tzinfo=UTC)
    with store.transaction() as tx:
        assert not tx.source_has_appearances("a")
        ingest(tx, [_appearance("a", "http://x.cn/1.html"), _appearance("b", "http://x.cn/2.html")], now)
    urls = [f"http://x.cn/{i}.html" for i in range(1, 450)]  # more than one IN (...) chunk
    with store.transaction() as tx:
        assert tx.item_readings("a", urls).keys() == {"http://x.cn/1.html"}
        assert tx.item_readings("b", urls).keys() == {"http://x.cn/2.html"}
        assert tx.item_readings("c", urls) == {}
        assert tx.source_has_appearances("a") and not tx.source_has_appearances("c")
    store.close()


def test_readings_record_keys_origins_and_failures_in_a_row(storage_url):
    store = open_store(storage_url)
    now = datetime(2023, 8, 29, tzinfo=UTC)
    url = "http://x.cn/1.html"
    first = replace(_appearance("a", url), listed_key="k1", text_origin="summary", article_failures=1)
    with store.transaction() as tx:
        ingest(tx, [first], now)
    with store.transaction() as tx:
        ingest(tx, [first], now)  # unchanged item, failed page again: failures add up
        assert tx.item_readings("a", [url])[url] == StoredReading("k1", "summary", 2)
    with store.transaction() as tx:
        ingest(tx, [replace(first, article_failures=3)], now)  # a page that is gone: give up
        assert tx.item_readings("a", [url])[url] == StoredReading("k1", "summary", 5)
    with store.transaction() as tx:  # the page was read: the text changed, failures reset
        ingest(tx, [replace(first, content_html="<p>正文</p>", text_origin="page", article_failures=0,
                            listed_key="k2")], now)
        assert tx.item_readings("a", [url])[url] == StoredReading("k2", "page", 0)
    store.close()
