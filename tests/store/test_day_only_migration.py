"""Migration 14 marks the appearances a store already holds whose publish time is only a day
(midnight in Asia/Shanghai), so a story touched after the upgrade picks its timed appearance
as the face. Real stores of both backends, first built with the migrations before it."""

from __future__ import annotations

from datetime import UTC, datetime

from items.ingest import ingest
from items.minhash import LSH
from model.stories import Appearance
from settings.model import SourceConfig
from store import open_store
from store.schema import MIGRATIONS
from store.times import to_db
from store.tx import Tx
from tests.items.dedupe_cases import STORIES
from tests.support import query

DAY_ONLY = datetime(2023, 9, 28, 16, tzinfo=UTC)  # 2023-09-29 00:00 +08:00
TIMED = datetime(2023, 9, 29, 3, 15, tzinfo=UTC)  # 2023-09-29 11:15 +08:00
TITLE = "两江新区举办智能网联汽车产业发展论坛"
BODY = "".join(f"<p>{p}</p>" for p in STORIES["lj-forum"][3])


def test_stored_midnights_become_day_only_and_lose_to_a_timed_appearance_of_their_day(storage_url, monkeypatch):
    sources = [SourceConfig(id=s, name=s, kind="feed", url=f"http://127.0.0.1:9/{s}.xml", interval=60)
               for s in ("repost", "origin", "guessed")]
    backend = "store.sqlite" if storage_url.startswith("sqlite") else "store.postgres"
    with monkeypatch.context() as patch:
        patch.setattr(f"{backend}.MIGRATIONS", MIGRATIONS[:13])
        patch.setattr(Tx, "insert_appearance", _insert_before_14)
        patch.setattr(Tx, "band_scheme", lambda self: LSH.name)  # no scheme column before 15
        old = open_store(storage_url)
        with old.transaction() as tx:
            tx.sync_sources(sources)
            ingest(tx, [_app("repost", DAY_ONLY), _app("guessed", DAY_ONLY, guess=True, title="另一条新闻")],
                   DAY_ONLY)
        old.close()
    store = open_store(storage_url)
    with store.transaction() as tx:  # the timed original arrives after the upgrade
        ingest(tx, [_app("origin", TIMED)], TIMED)
    store.close()
    assert query(storage_url, "SELECT source_id, date_is_day FROM appearances ORDER BY id") == [
        ("repost", 1), ("guessed", 0), ("origin", 0)]  # a guessed time is no day
    assert query(storage_url, "SELECT a.source_id, s.published_at FROM stories s "
                              "JOIN appearances a ON a.id = s.canonical_id ORDER BY s.id") == [
        ("origin", to_db(TIMED)), ("guessed", to_db(DAY_ONLY))]


def _app(source_id: str, published: datetime, guess: bool = False, title: str = TITLE) -> Appearance:
    return Appearance(source_id=source_id, item_key=f"{source_id}-1", url=f"http://{source_id}.test/1.html",
                      title=title, published_at=published, date_is_guess=guess,
                      content_html=BODY if title == TITLE else "<p>另一条新闻的正文，与论坛无关。</p>" * 5)


def _insert_before_14(self: Tx, app: Appearance, story_id: int, now: datetime) -> int | None:
    """What the code of schema 13 wrote: no date_is_day column."""
    return self._q(
        "INSERT INTO appearances (story_id, source_id, item_key, url, title, published_at, date_is_guess, "
        "first_seen_at, content_html, summary, regions, tags, fingerprint) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '', '', '', ?) RETURNING id",
        (story_id, app.source_id, app.item_key, app.url, app.title, to_db(app.published_at),
         int(app.date_is_guess), to_db(now), app.content_html, app.fingerprint)).fetchone()[0]
