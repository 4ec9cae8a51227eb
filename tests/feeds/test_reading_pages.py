"""The pages people read and the archive search, over a real socket, on both backends."""

from __future__ import annotations

import json
import re
import threading
from datetime import timedelta

import pytest
from lxml import etree, html

from feeds.build import build_feeds
from feeds.live import feed_site
from feeds.paths import story_path
from feeds.server import make_server
from store import open_store
from tests.feeds.stories import NOW, SOURCES_TOML, appearance, corrected_copy, default_appearances, fill_store
from tests.feeds.test_server import request
from tests.feeds.validity import A, atom_rule_errors, jing_errors, json_feed_errors, rss_profile_errors

FEEDS_TOML = """
[[feeds]]
id = "all"
title = "全部"
max_items = 3
"""

# Older than anything the 3-item feed shows: only the archive search can find it.
OLD_STORY = appearance("yunyang", 40, "龙角镇生态农业示范园通过验收", published_at=NOW - timedelta(days=400),
                       content_html="<p>示范园占地1200亩，带动农户增收。</p>", summary="示范园占地1200亩，带动农户增收。",
                       regions=("云阳县",), tags=("农业",))
HOSTILE = appearance(
    "kfq", 41, "<script>document.title='pwned'</script>恶意标题",
    content_html=('<p>正文<img src="x" onerror="document.title=\'pwned\'">'
                  '<a href="javascript:document.title=\'pwned\'">点我</a></p><script>document.title="pwned"</script>'),
    url="http://kfq.example/news/41.html")


@pytest.fixture
def served(load, tmp_path):
    config = load(SOURCES_TOML + FEEDS_TOML)
    fill_store(config, default_appearances() + [OLD_STORY, HOSTILE])
    fill_store(config, [corrected_copy()])
    store = open_store(config.storage.url)
    build_feeds(config, store)
    site = feed_site(lambda: config, store)
    server = make_server("127.0.0.1", 0, site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield config, store, server.server_address[1]
    server.shutdown()
    server.server_close()
    store.close()


def _titles(page: bytes) -> list[str]:
    return [a.text_content() for a in html.fromstring(page).cssselect("ol.stories .story-title a")]


def test_front_page_lists_latest_stories_with_publisher_time_and_feeds(served):
    _, _, port = served
    status, headers, body = request(port, "/")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    page = html.fromstring(body)
    assert page.get("lang") == "zh-CN"
    titles = _titles(body)
    assert titles[0] == "云阳县工业园区新签约项目8个"  # newest first
    assert "龙角镇生态农业示范园通过验收" in titles  # the front page is every story, paged
    assert "Asia/Shanghai 时间" in body.decode()
    assert page.cssselect('link[rel="alternate"][href$="/feeds/all.atom"]')
    assert page.cssselect('a[href$="/feeds/all.html"]')
    # The cross-posted story shows where else it ran.
    assert "也见于" in body.decode() and "万州经开区" in body.decode()
    again = request(port, "/", If_None_Match=headers["etag"])
    assert again[0] == 304


def test_front_page_is_paged(served, monkeypatch):
    _, _, port = served
    monkeypatch.setattr("feeds.reading.PAGE_SIZE", 2)
    first, second = request(port, "/")[2], request(port, "/?page=2")[2]
    assert len(_titles(first)) == 2 and len(_titles(second)) == 2
    assert not set(_titles(first)) & set(_titles(second))
    assert html.fromstring(first).cssselect('a[rel="next"][href$="/?page=2"]')
    assert request(port, "/?page=0")[0] == 400
    assert request(port, "/?page=abc")[0] == 400


def test_feed_page_is_an_output_format_with_its_subscribe_links(served):
    config, _, port = served
    status, headers, body = request(port, "/feeds/all.html")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert (config.service.data_dir / "public" / "feeds" / "all.html").exists()  # static export too
    page = html.fromstring(body)
    atom = etree.fromstring(request(port, "/feeds/all.atom")[2])
    assert _titles(body) == [e.findtext(f"{A}title") for e in atom.findall(f"{A}entry")]  # same entries
    for ext in ("atom", "rss", "json"):
        assert page.cssselect(f'link[rel="alternate"][href$="/feeds/all.{ext}"]')


def test_story_page_shows_text_appearances_and_why_they_merged(served):
    _, _, port = served
    _, _, front = request(port, "/")
    link = next(a.get("href") for a in html.fromstring(front).cssselect("ol.stories .story-title a")
                if a.text_content() == "云阳县工业园区新签约项目8个")
    status, _, body = request(port, link)
    assert status == 200
    text = body.decode()
    assert "正文" in text and "云阳网" in text and "万州经开区" in text
    assert "kfq.example/news/copy-1.html" in text  # every appearance, with its link
    assert "appearance #" in text  # the explain lines
    assert request(port, "/stories/" + "0" * 24)[0] == 404
    assert request(port, "/stories/not-a-story")[0] == 404


def test_hostile_story_is_escaped_and_its_links_dropped(served):
    _, _, port = served
    guid_page = story_path(_guid_of(served, "恶意标题"))
    body = request(port, "/" + guid_page)[2].decode()
    assert "<script>" not in body and "onerror" not in body and "javascript:" not in body
    front = request(port, "/")[2].decode()
    assert "<script>document" not in front


def test_search_finds_an_archived_story_by_a_few_characters(served):
    _, _, port = served
    for words in ("龙角镇", "龙角", "示范园 验收", "1200亩"):
        status, _, body = request(port, "/search?q=" + _quote(words))
        assert status == 200, words
        assert _titles(body) == ["龙角镇生态农业示范园通过验收"], words
    assert _titles(request(port, "/search?q=" + _quote("不存在的词语"))[2]) == []


def test_search_filters_narrow_the_results(served):
    _, _, port = served
    assert len(_titles(request(port, "/search?q=" + _quote("云阳"))[2])) >= 3
    assert _titles(request(port, "/search?q=" + _quote("云阳") + "&source=kfq")[2]) == ["云阳县工业园区新签约项目8个"]
    about_yunyang = set(_titles(request(port, "/search?region=" + _quote("云阳县"))[2]))  # by place tags
    assert about_yunyang == {"龙角镇生态农业示范园通过验收", "云阳县工业园区新签约项目8个", "云阳县召开招商引资推进会",
                             "云阳<特色>产业“园中园”建成投用"}
    assert set(_titles(request(port, "/search?region=500235")[2])) == about_yunyang  # or by adcode
    assert _titles(request(port, "/search?topic=" + _quote("农业"))[2]) == ["龙角镇生态农业示范园通过验收"]
    last_year = (NOW - timedelta(days=400)).strftime("%Y-%m-%d")
    assert _titles(request(port, f"/search?until={last_year}")[2]) == ["龙角镇生态农业示范园通过验收"]
    assert "龙角镇生态农业示范园通过验收" not in _titles(request(port, f"/search?since={NOW:%Y-%m-%d}")[2])
    assert request(port, "/search?since=yesterday")[0] == 400
    assert request(port, "/search?q=" + _quote("长" * 300))[0] == 400


def test_search_is_subscribable_as_valid_feeds(served, tmp_path):
    _, _, port = served
    query = "?q=" + _quote("龙角")
    status, headers, atom = request(port, "/search.atom" + query)
    assert status == 200 and headers["content-type"].startswith("application/atom+xml")
    assert [e.findtext(f"{A}title") for e in etree.fromstring(atom).findall(f"{A}entry")] == \
        ["龙角镇生态农业示范园通过验收"]
    assert atom_rule_errors(atom) == []
    path = tmp_path / "search.atom"
    path.write_bytes(atom)
    assert jing_errors([path]) == ""
    rss = request(port, "/search.rss" + query)[2]
    assert rss_profile_errors(rss) == []
    document = request(port, "/search.json" + query)[2]
    assert json_feed_errors(document) == []
    assert [i["title"] for i in json.loads(document)["items"]] == ["龙角镇生态农业示范园通过验收"]
    assert request(port, "/search.atom")[0] == 400  # a search feed needs a query


def _guid_of(served, title: str) -> str:
    _, store, _ = served
    with store.read() as tx:
        found = [e for e in tx.latest_stories(0, 100) if title in e.title]
    return found[0].guid


def _quote(text: str) -> str:
    from urllib.parse import quote
    return quote(text)


def test_search_index_follows_updates_and_migration_builds_it(storage_url, tmp_path):
    """Text changed in place is found by its new words only; the index is part of the schema."""
    store = open_store(storage_url)
    try:
        from items.ingest import ingest
        with store.transaction() as tx:
            ingest(tx, [appearance("yunyang", 1, "旧标题示范区")], NOW)
        with store.transaction() as tx:
            ingest(tx, [appearance("yunyang", 1, "新标题产业园")], NOW)
        from store.reading_tx import SearchQuery
        with store.read() as tx:
            assert [e.title for e in tx.search_stories(SearchQuery(words=("产业园",)), 0, 10)] == ["新标题产业园"]
            assert tx.search_stories(SearchQuery(words=("示范区",)), 0, 10) == []
    finally:
        store.close()
    assert re.search(r"\d", storage_url)  # both backends run this (sqlite path / pg schema)
