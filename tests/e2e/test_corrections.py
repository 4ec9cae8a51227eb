"""Corrections at the source reach the published entry: a title fixed in a feed item (same
GUID) or in an HTML list (and its page) updates the story's entry in Atom, RSS and JSON: same
id, later `updated`, no new entry. Fixture sites on 127.0.0.1, both storage backends."""

from __future__ import annotations

import io
import json
import time

import feedparser

import service
from tests.html_sites import TRS_ITEMS, article_page, trs_list
from tests.support import query

WRONG, RIGHT = "云阳经开区上半年完成工业投资126亿元", "云阳经开区上半年完成工业投资12.6亿元"
FIRST = ("./202308/t20230829_100.html", WRONG, "2023-08-29", "云阳县经济信息委")


def _published(tmp_path) -> dict[str, dict[str, tuple[str, str]]]:
    """format -> entry id -> (title, updated) as a reader gets them."""
    feeds = tmp_path / "data" / "public" / "feeds"
    found = {}
    for kind in ("atom", "rss"):
        parsed = feedparser.parse(io.BytesIO((feeds / f"all.{kind}").read_bytes()))
        found[kind] = {e.id: (e.title, dict.get(e, "updated") or e.get("published")) for e in parsed.entries}
    document = json.loads((feeds / "all.json").read_text(encoding="utf-8"))
    found["json"] = {i["id"]: (i["title"], i.get("date_modified")) for i in document["items"]}
    return found


def _entry_with(published, title: str) -> dict[str, tuple[str, str]]:
    return {kind: next((i, u) for i, (t, u) in entries.items() if t == title) for kind, entries in published.items()}


def _assert_corrected(before, after) -> None:
    old, new = _entry_with(before, WRONG), _entry_with(after, RIGHT)
    for kind in ("atom", "rss", "json"):
        assert len(after[kind]) == len(before[kind]), kind  # no new entry
        assert new[kind][0] == old[kind][0], kind  # same id / GUID
        assert WRONG not in {t for t, _ in after[kind].values()}, kind
    assert new["atom"][1] > old["atom"][1] and new["json"][1] > old["json"][1]  # `updated` moved


def _serve_trs(web, first_title: str) -> str:
    items = [(FIRST[0], first_title, FIRST[2], FIRST[3]), *TRS_ITEMS]
    web.add("/trs/index.html", trs_list(items, 0, 1).encode("gb18030"), "text/html")
    for href, title, date, source in items:
        web.add("/trs/" + href[2:], article_page(title, date + " 10:30", source).encode("gb18030"), "text/html")
    return web.url("/trs/index.html")


def test_a_title_corrected_in_the_html_list_updates_the_entry_after_one_re_read(
        web, write_config, storage_url, tmp_path):
    url = _serve_trs(web, WRONG)
    config = write_config(f"""
        [[sources]]
        id = "yunyang"
        name = "云阳县人民政府"
        kind = "html"
        url = "{url}"
        """)
    assert service.main(["--config", str(config), "collect"]) == 0
    before = _published(tmp_path)
    first_page = "/trs/" + FIRST[0][2:]
    assert web.count(first_page) == 1

    time.sleep(1.1)  # stored times keep seconds
    _serve_trs(web, RIGHT)
    assert service.main(["--config", str(config), "collect"]) == 0
    assert web.count(first_page) == 2  # the corrected one is read once more ...
    assert all(web.count("/trs/" + href[2:]) == 1 for href, *_ in TRS_ITEMS)  # ... and only it
    _assert_corrected(before, _published(tmp_path))
    assert query(storage_url, "SELECT COUNT(*) FROM appearances") == [(1 + len(TRS_ITEMS),)]

    before_requests = len(web.requests)
    assert service.main(["--config", str(config), "collect"]) == 0
    assert [(p, h["x-status"]) for _, p, h in web.requests[before_requests:]] == [("/trs/index.html", "304")]


def _rss(web, title: str, body: str) -> str:
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>经开区</title>'
            f"<link>{web.url('/')}</link><description>d</description>"
            f"<item><title>{title}</title><link>{web.url('/a/1.html')}</link><guid isPermaLink=\"false\">kfq-1</guid>"
            "<pubDate>Tue, 29 Aug 2023 02:30:00 GMT</pubDate>"
            f"<description><![CDATA[{body}]]></description></item>"
            f"<item><title>经开区用工对接会举行</title><link>{web.url('/a/2.html')}</link><guid isPermaLink=\"false\">kfq-2</guid>"
            "<pubDate>Mon, 28 Aug 2023 02:30:00 GMT</pubDate>"
            f"<description><![CDATA[{body}]]></description></item></channel></rss>")


FULL = "".join(f"<p>第{i}段：经开区上半年工业投资保持较快增长，重点项目建设有序推进，营商环境持续优化。</p>" for i in range(8))


def test_a_title_corrected_in_a_feed_item_with_the_same_guid_updates_the_entry(
        web, write_config, storage_url, tmp_path):
    web.add("/rss.xml", _rss(web, WRONG, FULL), "application/rss+xml")
    config = write_config(f"""
        [[sources]]
        id = "kfq"
        name = "经开区"
        kind = "feed"
        url = "{web.url('/rss.xml')}"
        """)
    assert service.main(["--config", str(config), "collect"]) == 0
    before = _published(tmp_path)
    time.sleep(1.1)
    web.add("/rss.xml", _rss(web, RIGHT, FULL), "application/rss+xml")
    assert service.main(["--config", str(config), "collect"]) == 0
    _assert_corrected(before, _published(tmp_path))
    assert query(storage_url, "SELECT COUNT(*) FROM appearances") == [(2,)]


def test_a_title_corrected_in_a_summary_only_feed_re_reads_that_page_once(
        web, write_config, storage_url, tmp_path):
    summary = "经开区上半年工业投资保持较快增长……"
    web.add("/rss.xml", _rss(web, WRONG, summary), "application/rss+xml")
    web.add("/a/1.html", article_page(WRONG, "2023-08-29 10:30", "经开区管委会", charset="utf-8"),
            "text/html; charset=utf-8")
    web.add("/a/2.html", article_page("经开区用工对接会举行", "2023-08-28 10:30", "经开区管委会", charset="utf-8"),
            "text/html; charset=utf-8")
    config = write_config(f"""
        [[sources]]
        id = "kfq"
        name = "经开区"
        kind = "feed"
        url = "{web.url('/rss.xml')}"
        """)
    assert service.main(["--config", str(config), "collect"]) == 0
    before = _published(tmp_path)
    time.sleep(1.1)
    web.add("/rss.xml", _rss(web, RIGHT, summary), "application/rss+xml")
    web.add("/a/1.html", article_page(RIGHT, "2023-08-29 10:30", "经开区管委会", charset="utf-8"),
            "text/html; charset=utf-8")
    assert service.main(["--config", str(config), "collect"]) == 0
    assert (web.count("/a/1.html"), web.count("/a/2.html")) == (2, 1)
    _assert_corrected(before, _published(tmp_path))
    rows = query(storage_url, "SELECT title, text_origin FROM appearances ORDER BY id")
    assert rows == [(RIGHT, "page"), ("经开区用工对接会举行", "page")]
