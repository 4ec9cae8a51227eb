"""The archive search's text index on both backends: built for stories stored before it,
current after every commit, any substring found (one and two characters included)."""

from __future__ import annotations

import sqlite3

import pytest

from items.ingest import ingest
from store import open_store
from store.reading_tx import SearchQuery
from store.schema import MIGRATIONS
from store.times import to_db
from tests.feeds.stories import NOW, appearance
from tests.support import query

# the migration that replaced the trigram index (number 16 once the branches are merged)
PER_CHARACTER = next(i for i, m in enumerate(MIGRATIONS)
                     if isinstance(m, dict) and any("appearance_chars" in s for s in m["sqlite"]))


def _titles(store, *words: str) -> list[str]:
    with store.read() as tx:
        return [e.title for e in tx.search_stories(SearchQuery(words=words), 0, 10)]


def test_stories_stored_before_the_per_character_index_are_found_after_the_upgrade(storage_url, monkeypatch):
    backend = "store.sqlite" if storage_url.startswith("sqlite") else "store.postgres"
    with monkeypatch.context() as patch:
        patch.setattr(f"{backend}.MIGRATIONS", MIGRATIONS[:PER_CHARACTER])
        old = open_store(storage_url)
        with old.transaction() as tx:  # what the code of that schema wrote: its columns only
            for n, (title, summary) in enumerate([("云阳县工业园区新签约项目8个", "总投资18.6亿元。"),
                                                  ("龙角镇生态农业示范园通过验收", "云阳。招商引资推进会")]):
                story = tx.create_story(f"tag:old-{n}", NOW, NOW)
                tx._q("INSERT INTO appearances (story_id, source_id, item_key, url, title, published_at, "
                      "date_is_guess, first_seen_at, content_html, summary, regions, tags, fingerprint) "
                      "VALUES (?, 'a', ?, ?, ?, ?, 0, ?, '', ?, '', '', '')",
                      (story, str(n), f"http://a.test/{n}.html", title, to_db(NOW), to_db(NOW), summary))
                tx._q("UPDATE stories SET canonical_id = (SELECT MAX(id) FROM appearances) WHERE id = ?", (story,))
        old.close()
    store = open_store(storage_url)
    try:
        assert _titles(store, "园区") == ["云阳县工业园区新签约项目8个"]  # two characters
        assert _titles(store, "8") == ["云阳县工业园区新签约项目8个"]  # one
        assert _titles(store, "18.6亿") == ["云阳县工业园区新签约项目8个"]  # in the lead, punctuation included
        assert _titles(store, "示范园", "招商") == ["龙角镇生态农业示范园通过验收"]  # title and lead
        assert _titles(store, "阳招") == []  # never across a "。"
        assert sorted(_titles(store, "云阳")) == ["云阳县工业园区新签约项目8个", "龙角镇生态农业示范园通过验收"]
        assert _titles(store, "项目", "验收") == []  # every word, in one appearance
    finally:
        store.close()


def test_the_index_is_current_after_each_commit_and_untouched_by_a_rollback(storage_url):
    store = open_store(storage_url)
    try:
        with store.transaction() as tx:
            ingest(tx, [appearance("yunyang", 1, "旧标题示范区"), appearance("kfq", 2, "经开区招商会")], NOW)
        with pytest.raises(RuntimeError), store.transaction() as tx:
            ingest(tx, [appearance("kfq", 3, "回滚的标题")], NOW)
            raise RuntimeError("rolled back")
        assert _titles(store, "回滚") == []
        with store.transaction() as tx:  # a correction, then a third story, in one transaction
            ingest(tx, [appearance("yunyang", 1, "新标题产业园")], NOW)
            ingest(tx, [appearance("kfq", 3, "示范区再获表彰")], NOW)
        assert _titles(store, "示范区") == ["示范区再获表彰"]
        assert _titles(store, "产业园") == ["新标题产业园"]
        assert _titles(store, "经开") == ["经开区招商会"]
    finally:
        store.close()
    if storage_url.startswith("sqlite"):
        assert query(storage_url, "SELECT COUNT(*) FROM appearance_chars_queue") == [(0,)]


def test_rows_written_by_a_shell_are_indexed_by_the_stores_next_transaction(tmp_path):
    """A sqlite3 shell knows no search_characters(): its writes queue, the store indexes them."""
    url = f"sqlite:///{tmp_path / 'zonefeed.db'}"
    store = open_store(url)
    with store.transaction() as tx:
        ingest(tx, [appearance("yunyang", 1, "旧标题示范区")], NOW)
    shell = sqlite3.connect(tmp_path / "zonefeed.db", isolation_level=None)
    shell.execute("UPDATE appearances SET title = '园区手工更正', summary = '更正'")
    shell.close()
    with store.transaction() as tx:
        tx.sync_sources([])
    try:
        assert _titles(store, "手工") == ["园区手工更正"]
        assert _titles(store, "旧标题") == []
    finally:
        store.close()
