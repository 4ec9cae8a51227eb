"""The same article of one source at a moved URL stays one appearance (scheme, `www.`, port,
a new path with the same title, date and text), while look-alike articles of one site stay
apart. Real stores of both backends."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from items.ingest import ingest
from items.urls import other_spellings
from model.stories import Appearance
from settings.model import SourceConfig
from store import open_store
from tests.items.dedupe_cases import STORIES
from tests.support import query

NOW = datetime(2023, 9, 1, tzinfo=UTC)
PUBLISHED = datetime(2023, 8, 29, 2, 30, tzinfo=UTC)
TITLE = "两江新区举办智能网联汽车产业发展论坛"
BODY = "".join(f"<p>{p}</p>" for p in STORIES["lj-forum"][3])
OTHER_BODY = "".join(f"<p>{p}</p>" for p in STORIES["wz-park"][3])


def _app(url: str, title: str = TITLE, body: str = BODY, published: datetime = PUBLISHED,
         guess: bool = False, key: str | None = None) -> Appearance:
    return Appearance(source_id="lj", item_key=key or url, url=url, title=title, published_at=published,
                      date_is_guess=guess, content_html=body)


def _ingest_rounds(storage_url: str, *rounds: list[Appearance]) -> list:
    store = open_store(storage_url)
    with store.transaction() as tx:
        tx.sync_sources([SourceConfig(id="lj", name="两江新区", kind="html", url="http://x/", interval=60)])
    reports = []
    for index, batch in enumerate(rounds):
        with store.transaction() as tx:
            reports.append(ingest(tx, batch, NOW + timedelta(hours=index)))
    store.close()
    return reports


def _stories(storage_url: str) -> list[tuple]:
    return query(storage_url, "SELECT s.guid, a.url FROM stories s JOIN appearances a ON a.story_id = s.id "
                              "ORDER BY a.id")


@pytest.mark.parametrize("moved", [
    "https://www.ljxq.gov.cn/xwzx/2023/0829/1.html",  # http -> https
    "http://ljxq.gov.cn/xwzx/2023/0829/1.html",  # www. dropped
    "https://ljxq.gov.cn/xwzx/2023/0829/1.html",  # both
])
def test_another_scheme_or_www_spelling_is_the_same_appearance(storage_url, moved):
    first, second = _ingest_rounds(storage_url, [_app("http://www.ljxq.gov.cn/xwzx/2023/0829/1.html")],
                                   [_app(moved)])
    assert (first.new, second.new, second.updated) == (1, 0, 1)
    rows = _stories(storage_url)
    assert len(rows) == 1 and rows[0][1] == moved  # the link follows the site


def test_a_new_port_with_the_same_title_date_and_text_is_the_same_appearance(storage_url):
    """What restarting the demo did: the sample web came back on another port."""
    def at(port: int) -> Appearance:
        body = BODY + f'<p><a href="http://127.0.0.1:{port}/files/1.pdf">附件：论坛议程</a></p>'
        return _app(f"http://127.0.0.1:{port}/news/1.html", body=body)

    _, second = _ingest_rounds(storage_url, [at(41001)], [at(41002)])
    assert (second.new, second.updated, second.stories_created) == (0, 1, 0)
    assert [url for _, url in _stories(storage_url)] == ["http://127.0.0.1:41002/news/1.html"]


def test_a_new_path_with_the_same_title_date_and_text_joins_too(storage_url):
    _ingest_rounds(storage_url, [_app("http://ljxq.gov.cn/news/1.html")],
                   [_app("http://ljxq.gov.cn/xwzx/2023/0829/t20230829_1.html")])
    assert len(_stories(storage_url)) == 1


def test_look_alikes_of_one_site_stay_apart(storage_url):
    """Same title and day, another text: two articles (a weekly notice, two meetings)."""
    _ingest_rounds(storage_url, [_app("http://ljxq.gov.cn/news/1.html")],
                   [_app("http://ljxq.gov.cn/news/2.html", body=OTHER_BODY),
                    _app("http://ljxq.gov.cn/news/3.html", published=PUBLISHED + timedelta(days=7)),
                    _app("http://ljxq.gov.cn/news/4.html", title=TITLE + "（第二期）")])
    assert len({guid for guid, _ in _stories(storage_url)}) == 4


def test_short_texts_need_the_same_path_to_be_one_page(storage_url):
    """"详见附件" under one title on one day is two notices at two paths, one page at two ports."""
    notice = "<p>详见附件。</p>"
    _ingest_rounds(storage_url, [_app("http://127.0.0.1:41001/tzgg/1.html", "招标公告", notice)],
                   [_app("http://127.0.0.1:41001/tzgg/2.html", "招标公告", notice),
                    _app("http://127.0.0.1:41002/tzgg/1.html", "招标公告", notice)])
    urls = [url for _, url in _stories(storage_url)]
    assert sorted(urls) == ["http://127.0.0.1:41001/tzgg/2.html", "http://127.0.0.1:41002/tzgg/1.html"]
    assert len({guid for guid, _ in _stories(storage_url)}) == 2


def test_a_page_with_no_date_of_its_own_moves_only_to_the_same_path(storage_url):
    """Its time is the fetch time, so only the path (and title and text) can say it is the same."""
    later = PUBLISHED + timedelta(days=1)
    _ingest_rounds(storage_url, [_app("http://127.0.0.1:41001/news/1.html", guess=True),
                                 _app("http://127.0.0.1:41001/news/2.html", title="另一条", guess=True)],
                   [_app("http://127.0.0.1:41002/news/1.html", published=later, guess=True),
                    _app("http://127.0.0.1:41002/news/9.html", title="另一条", published=later, guess=True)])
    urls = sorted(url for _, url in _stories(storage_url))
    assert urls == ["http://127.0.0.1:41001/news/2.html", "http://127.0.0.1:41002/news/1.html",
                    "http://127.0.0.1:41002/news/9.html"]
    published = query(storage_url, "SELECT published_at FROM appearances WHERE url LIKE '%41002/news/1.html'")
    assert published == [(PUBLISHED.strftime("%Y-%m-%dT%H:%M:%SZ"),)]  # the first time it was seen stays


@pytest.mark.parametrize("other", ["https://ljxq.gov.cn/news/1.html", "http://ljxq.gov.cn:8080/news/1.html"])
def test_one_page_listed_under_two_urls_in_one_poll_stays_one_appearance(storage_url, other):
    """A site linking one article by two spellings at once: stored once, and not flipped
    between them on every poll."""
    _, second = _ingest_rounds(storage_url, [_app("http://ljxq.gov.cn/news/1.html")],
                               [_app("http://ljxq.gov.cn/news/1.html"), _app(other)])
    assert (second.new, second.updated, second.unchanged) == (0, 0, 2)
    assert _stories(storage_url) == [(_stories(storage_url)[0][0], "http://ljxq.gov.cn/news/1.html")]


def test_other_spellings():
    assert other_spellings("https://www.x.gov.cn/a?id=1") == (
        "http://www.x.gov.cn/a?id=1", "http://x.gov.cn/a?id=1", "https://x.gov.cn/a?id=1")
    assert other_spellings("ftp://x.cn/a") == ()
    assert "https://x.cn:8443/a" in other_spellings("http://x.cn:8443/a")


def test_a_feed_item_with_a_guid_keeps_its_identity_across_a_move(storage_url):
    moved = replace(_app("https://ljxq.gov.cn/news/1.html", key="guid-1"))
    _, second = _ingest_rounds(storage_url, [_app("http://ljxq.gov.cn/news/1.html", key="guid-1")], [moved])
    assert (second.new, second.updated) == (0, 1)


def test_a_title_corrected_while_the_site_moved_joins_only_at_the_same_path(storage_url):
    """The same text and time under a corrected title is the stored page at the same path on
    another port (the title follows the correction); at another path, or with a text too short
    to tell notices apart, it is another article."""
    corrected = TITLE + "（更正）"
    _ingest_rounds(storage_url, [_app("http://127.0.0.1:41001/news/1.html"),
                                 _app("http://127.0.0.1:41001/tzgg/1.html", "招标公告", "<p>详见附件。</p>")],
                   [_app("http://127.0.0.1:41002/news/1.html", corrected),
                    _app("http://127.0.0.1:41002/news/2.html", corrected + "二"),
                    _app("http://127.0.0.1:41002/tzgg/1.html", "招标公告（更正）", "<p>详见附件。</p>")])
    rows = query(storage_url, "SELECT a.url, a.title FROM appearances a ORDER BY a.id")
    assert rows[0] == ("http://127.0.0.1:41002/news/1.html", corrected)
    assert len(rows) == 4 and len({guid for guid, _ in _stories(storage_url)}) == 4
