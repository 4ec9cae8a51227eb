"""Retention on both backends: old stories lose their full text and nothing else; old dedupe
keys go; recent stories and keys stay; every trimmed story is logged for the next render."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from items.dedupe import period_of
from items.ingest import ingest
from items.retention import apply_retention
from items.similarity import WINDOW
from model.stories import Appearance
from settings.model import SourceConfig
from tests.support import query

THEN = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
KEEP = 730 * 86400


def _app(n: int, published: datetime) -> Appearance:
    title = f"第{n}号：园区重点项目集中签约仪式举行"
    return Appearance(source_id="a", item_key=f"a-{n}", url=f"http://a.test/{n}.html", title=title,
                      published_at=published, date_is_guess=False,
                      content_html=f"<p>{title}，全文第{n}段，" + "招商引资" * 40 + "</p>",
                      summary=f"{title}摘要", publisher="园区管委会")


def _rows(storage_url: str) -> dict[str, tuple]:
    rows = query(storage_url, "SELECT a.item_key, s.guid, a.url, a.title, a.summary, a.publisher, "
                              "s.published_at, a.content_html FROM appearances a "
                              "JOIN stories s ON s.id = a.story_id ORDER BY a.item_key")
    return {r[0]: r[1:] for r in rows}


def test_old_stories_keep_everything_but_their_full_text(storage_url, store):
    with store.transaction() as tx:
        tx.sync_sources([SourceConfig(id="a", name="a", kind="feed", url="http://a.test/", interval=60)])
        ingest(tx, [_app(n, THEN + timedelta(hours=n)) for n in range(5)], THEN)
        ingest(tx, [_app(n, NOW - timedelta(hours=n)) for n in range(5, 8)], NOW)
    before = _rows(storage_url)
    with store.read() as tx:
        mark = tx.story_change_mark()
    report = apply_retention(store, KEEP, NOW)
    after = _rows(storage_url)
    assert report.stories_trimmed == 5
    assert set(after) == set(before)
    for key, row in after.items():
        old = int(key.split("-")[1]) < 5
        assert row[:-1] == before[key][:-1]  # guid, link, title, summary, publisher, date
        assert (row[-1] == "") == old and (row[-1] == before[key][-1]) == (not old)
    with store.read() as tx:
        trimmed = tx.stories_changed_between(mark, tx.story_change_mark())
    assert len(trimmed) == 5
    kept_period = period_of(NOW - WINDOW)
    periods = {p for (p,) in query(storage_url, "SELECT DISTINCT published_period FROM dedupe_bands")}
    assert periods and min(periods) >= kept_period and report.band_rows_dropped > 0
    assert apply_retention(store, KEEP, NOW).stories_trimmed == 0  # nothing left to trim


def test_without_keep_content_nothing_is_dropped(storage_url, store):
    with store.transaction() as tx:
        tx.sync_sources([SourceConfig(id="a", name="a", kind="feed", url="http://a.test/", interval=60)])
        ingest(tx, [_app(n, THEN + timedelta(hours=n)) for n in range(3)], THEN)
    before = _rows(storage_url)
    bands = query(storage_url, "SELECT COUNT(*) FROM dedupe_bands")
    assert apply_retention(store, None, NOW).stories_trimmed == 0
    assert _rows(storage_url) == before and query(storage_url, "SELECT COUNT(*) FROM dedupe_bands") == bands


def test_text_inside_the_dedupe_window_is_kept_whatever_the_setting(storage_url, store):
    with store.transaction() as tx:
        tx.sync_sources([SourceConfig(id="a", name="a", kind="feed", url="http://a.test/", interval=60)])
        ingest(tx, [_app(1, NOW - timedelta(days=3))], NOW)
    assert apply_retention(store, 86400, NOW).stories_trimmed == 0
    assert _rows(storage_url)["a-1"][-1] != ""
