"""The store tells a poll which item URLs a source already has (so articles are fetched once)."""

from __future__ import annotations

from datetime import UTC, datetime

from items.ingest import ingest
from model.stories import Appearance
from store import open_store


def _appearance(source_id: str, url: str) -> Appearance:
    return Appearance(source_id=source_id, item_key=url, url=url, title="园区新闻标题",
                      published_at=datetime(2023, 8, 28, tzinfo=UTC), date_is_guess=False)


def test_known_item_urls_are_per_source(storage_url):
    store = open_store(storage_url)
    now = datetime(2023, 8, 29, tzinfo=UTC)
    with store.transaction() as tx:
        assert not tx.source_has_appearances("a")
        ingest(tx, [_appearance("a", "http://x.cn/1.html"), _appearance("b", "http://x.cn/2.html")], now)
    urls = [f"http://x.cn/{i}.html" for i in range(1, 450)]  # more than one IN (...) chunk
    with store.transaction() as tx:
        assert tx.known_item_urls("a", urls) == {"http://x.cn/1.html"}
        assert tx.known_item_urls("b", urls) == {"http://x.cn/2.html"}
        assert tx.known_item_urls("c", urls) == set()
        assert tx.source_has_appearances("a") and not tx.source_has_appearances("c")
    store.close()
