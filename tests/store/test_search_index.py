"""The archive search's text index on both backends: built for stories stored before it,
current after every commit, any substring found (one and two characters included)."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

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


def test_pages_found_among_the_newest_stories_or_in_all_matches_agree(storage_url, monkeypatch):
    """PostgreSQL walks only the newest stories for a page (here 4) and collects every match
    when they hold no full page: both ways give the page newest first, filters applied."""
    monkeypatch.setattr("store.reading_tx.WALKED_STORIES", 4)
    store = open_store(storage_url)
    try:
        with store.transaction() as tx:  # n hours old: odd from yunyang with 园区, even from kfq
            ingest(tx, [appearance("yunyang" if n % 2 else "kfq", n,
                                   f"{'园区' if n % 2 else '示范'}动态{n}号" + (" Zone Park" if n == 10 else ""))
                        for n in range(1, 13)], NOW)

        def titles(offset: int, *words: str, **filters) -> list[str]:
            with store.read() as tx:
                return [e.title for e in tx.search_stories(SearchQuery(words=words, **filters), offset, 2)]

        assert titles(0, "园区") == ["园区动态1号", "园区动态3号"]  # a full page among the newest 4
        assert titles(2, "园区") == ["园区动态5号", "园区动态7号"]  # only 5 among them: all matches
        assert titles(0, "动态12") == ["示范动态12号"]  # the oldest story
        assert titles(0, "zone") == titles(0, "PARK", "示范") == ["示范动态10号 Zone Park"]  # any case
        assert titles(0, "园区", source_id="kfq") == titles(0, "园区", region="万州区") == []
        assert titles(0, "园区", until=NOW - timedelta(hours=8)) == ["园区动态9号", "园区动态11号"]
    finally:
        store.close()
