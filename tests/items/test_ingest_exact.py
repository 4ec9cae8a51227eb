"""Exact dedupe and updates in place, against a real SQLite file."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from items.ingest import ingest
from items.minhash import LSH
from model.stories import Appearance
from settings.model import SourceConfig
from store.schema import MIGRATIONS
from store.sqlite import SQLiteStore
from store.times import to_db
from tests.items.dedupe_cases import STORIES

NOW = datetime(2023, 9, 1, tzinfo=UTC)
BODY = "".join(f"<p>{p}</p>" for p in STORIES["lj-forum"][3])


def _store(tmp_path) -> SQLiteStore:
    store = SQLiteStore(tmp_path / "z.db")
    store.migrate()
    with store.transaction() as tx:
        tx.sync_sources([SourceConfig(id=i, name=i, kind="feed", url="http://x/", interval=60)
                         for i in ("a", "b")])
    return store


def _app(source: str, key: str, url: str, title: str = "两江新区举办智能网联汽车产业发展论坛") -> Appearance:
    return Appearance(source_id=source, item_key=key, url=url, title=title,
                      published_at=datetime(2023, 9, 5, 1, tzinfo=UTC), date_is_guess=False,
                      content_html=BODY)


def _rows(store):
    with store.transaction() as tx:
        return tx.connection.execute(
            "SELECT a.source_id, a.item_key, a.title, a.story_id, s.guid, s.updated_at "
            "FROM appearances a JOIN stories s ON s.id = a.story_id ORDER BY a.id").fetchall()


def test_a_new_guid_for_a_known_url_of_the_same_source_is_the_same_appearance(tmp_path):
    store = _store(tmp_path)
    with store.transaction() as tx:
        ingest(tx, [_app("a", "g1", "http://a/1.html")], NOW)
    with store.transaction() as tx:
        report = ingest(tx, [_app("a", "g2", "http://a/1.html")], NOW + timedelta(hours=1))
    assert (report.new, report.unchanged) == (0, 1)
    assert len(_rows(store)) == 1


def test_a_corrected_title_replaces_the_old_one_and_keeps_the_story(tmp_path):
    store = _store(tmp_path)
    with store.transaction() as tx:
        ingest(tx, [_app("a", "g1", "http://a/1.html", "两江新区举办智能网联汽车产业发展论谈")], NOW)
    before = _rows(store)
    later = NOW + timedelta(hours=2)
    with store.transaction() as tx:
        report = ingest(tx, [_app("a", "g1", "http://a/1.html")], later)
    after = _rows(store)
    assert report.updated == 1 and len(after) == 1
    assert after[0][2] == "两江新区举办智能网联汽车产业发展论坛"
    assert after[0][3:5] == before[0][3:5]  # same story id and GUID
    assert after[0][5] == "2023-09-01T02:00:00Z"  # its `updated` moved


def test_another_source_at_the_same_url_joins_the_story(tmp_path):
    store = _store(tmp_path)
    with store.transaction() as tx:
        ingest(tx, [_app("a", "g1", "http://a/1.html")], NOW)
        ingest(tx, [_app("b", "x9", "http://a/1.html", "转载")], NOW)
    rows = _rows(store)
    assert len(rows) == 2 and rows[0][3] == rows[1][3]


def test_an_edited_body_moves_its_band_keys(tmp_path):
    """After an update the old text no longer matches and the new one does."""
    store = _store(tmp_path)
    other = STORIES["wz-park"][3]
    with store.transaction() as tx:
        ingest(tx, [_app("a", "g1", "http://a/1.html")], NOW)
    with store.transaction() as tx:
        ingest(tx, [replace(_app("a", "g1", "http://a/1.html", "万州经开区高峰园标准厂房二期竣工交付"),
                            content_html="".join(f"<p>{p}</p>" for p in other))], NOW)
    with store.transaction() as tx:
        ingest(tx, [replace(_app("b", "b1", "http://b/1.html", "万州经开区高峰园标准厂房二期竣工交付"),
                            content_html="".join(f"<p>{p}</p>" for p in other))], NOW)
        ingest(tx, [_app("b", "b2", "http://b/2.html")], NOW)
    rows = _rows(store)
    assert rows[0][3] == rows[1][3]  # the edited appearance matches the re-post of its new text
    assert rows[2][3] != rows[0][3]  # and no longer the old text
    with store.transaction() as tx:
        count = tx.connection.execute("SELECT COUNT(*) FROM dedupe_bands WHERE appearance_id = 1").fetchone()[0]
    assert count == LSH.bands + 1  # its old keys dropped, the new text's stored



def test_a_correction_with_a_guessed_date_keeps_its_band_keys_at_the_stored_date(tmp_path):
    """The store keeps a real date over a guessed one, so the band keys must stay in that
    date's period too, or a re-post published that day would no longer find the story."""
    store = _store(tmp_path)
    with store.transaction() as tx:
        ingest(tx, [_app("a", "g1", "http://a/1.html")], NOW)
    corrected = replace(_app("a", "g1", "http://a/1.html", "两江新区举办智能网联汽车产业发展论坛（更新）"),
                        published_at=datetime(2023, 12, 1, tzinfo=UTC), date_is_guess=True)
    with store.transaction() as tx:
        assert ingest(tx, [corrected], NOW).updated == 1
    with store.transaction() as tx:
        ingest(tx, [_app("b", "b1", "http://b/1.html", "转载：两江新区举办智能网联汽车产业发展论坛")], NOW)
    rows = _rows(store)
    assert len(rows) == 2 and rows[0][3] == rows[1][3]
    with store.transaction() as tx:
        periods = tx.connection.execute(
            "SELECT DISTINCT published_period FROM dedupe_bands WHERE appearance_id = 1").fetchall()
    assert periods == [(int(datetime(2023, 9, 5, 1, tzinfo=UTC).timestamp()) // 86400 // 8,)]

def test_appearances_stored_before_the_dedupe_migration_get_indexed(tmp_path, monkeypatch):
    """A database from before the dedupe tables: its stories are matched after the upgrade."""
    path = tmp_path / "old.db"
    old = SQLiteStore(path)
    with monkeypatch.context() as patch:
        before = MIGRATIONS[:MIGRATIONS.index(next(m for m in MIGRATIONS if "dedupe_bands" in m))]
        patch.setattr("store.sqlite.MIGRATIONS", tuple(before))
        old.migrate()
    with old.transaction() as tx:
        tx.sync_sources([SourceConfig(id=i, name=i, kind="feed", url="http://x/", interval=60)
                         for i in ("a", "b")])
        story = tx.create_story("tag:old", NOW, NOW)
        app = _app("a", "g1", "http://a/1.html")  # the columns that schema had
        tx.connection.execute(
            "INSERT INTO appearances (story_id, source_id, item_key, url, title, published_at, "
            "date_is_guess, first_seen_at, content_html, summary, regions, tags, fingerprint) "
            "VALUES (?, 'a', 'g1', ?, ?, ?, 0, ?, ?, '', '', '', ?)",
            (story, app.url, app.title, to_db(NOW), to_db(NOW), app.content_html, app.fingerprint))
        tx.set_canonicals([(story, 1, NOW, None)])
    old.close()

    store = SQLiteStore(path)
    store.migrate()
    with store.transaction() as tx:
        ingest(tx, [_app("b", "b1", "http://b/1.html", "转载：两江新区举办智能网联汽车产业发展论坛")], NOW)
    rows = _rows(store)
    assert len(rows) == 2 and rows[0][3] == rows[1][3] and rows[1][4] == "tag:old"


def test_an_appearance_bridging_two_stories_merges_them_and_the_report_counts_it(tmp_path):
    """Same URL as one story, same text as another: one story remains (the report says -1)."""
    store = _store(tmp_path)
    other = "".join(f"<p>{p}</p>" for p in STORIES["wz-park"][3])
    with store.transaction() as tx:
        ingest(tx, [replace(_app("a", "g1", "http://a/1.html", "万州经开区高峰园标准厂房二期竣工交付"),
                            content_html=other), _app("b", "b1", "http://b/1.html")], NOW)
    with store.transaction() as tx:
        before = tx.story_count()
        report = ingest(tx, [_app("c", "c1", "http://a/1.html")], NOW)
        after = tx.story_count()
    assert (before, after) == (2, 1)
    assert (report.stories_created, report.stories_ended, report.story_delta) == (0, 1, -1)
    assert len({row[3] for row in _rows(store)}) == 1


def test_a_site_crediting_itself_is_not_taken_for_the_original():
    """A re-post whose own info line says 来源：<its own name> credits nobody else: with no other
    credit, the earliest appearance stays the story's face; a credit from another site wins."""
    from datetime import UTC, datetime

    from items.canonical import original_publisher
    from store.match_tx import CanonicalCandidate

    original = CanonicalCandidate(1, "bishan", "璧山高新区", None, datetime(2023, 9, 7, 8, 58, tzinfo=UTC))
    repost = CanonicalCandidate(2, "fengjie", "奉节工业园区", "奉节工业园区管委会",
                                datetime(2023, 9, 9, tzinfo=UTC))
    assert original_publisher([original, repost]) is None
    crediting = CanonicalCandidate(3, "wushan", "巫山工业园区", "璧山高新区", datetime(2023, 9, 10, tzinfo=UTC))
    assert original_publisher([original, repost, crediting]) == original


def test_a_reposts_extended_title_does_not_make_it_the_face_of_the_story():
    """A re-post dated by day alone (midnight) would sort before the timed original of that day
    were its date not known to be a day; its title, the original's plus a label or a site's
    name, gives it away even so. Without such a sign the earliest appearance stays the face."""
    from datetime import UTC, datetime

    from items.canonical import earliest_face
    from store.match_tx import CanonicalCandidate

    def no_texts(ids):
        raise AssertionError("no text is needed when no date is a day")

    repost = CanonicalCandidate(2, "fengjie", "奉节工业园区", None, datetime(2023, 9, 6, 16, tzinfo=UTC),
                                title="转载｜陈建国调研奉节工业园区装备制造重点项目建设")
    original = CanonicalCandidate(1, "cq", "重庆日报", None, datetime(2023, 9, 7, 8, 20, tzinfo=UTC),
                                  title="陈建国调研奉节工业园区装备制造重点项目建设")
    assert earliest_face([repost, original], no_texts) == original
    plain = repost._replace(title="陈建国调研奉节工业园区装备制造重点项目建设")
    assert earliest_face([plain, original], no_texts) == plain
    days_later = original._replace(published_at=datetime(2023, 9, 9, 8, tzinfo=UTC))
    assert earliest_face([repost, days_later], no_texts) == repost  # not within a day: no evidence
