"""`::attr(name)` and `::text` in configured selectors (Scrapy/parsel convention), end to end:
fixture pages on 127.0.0.1 -> collect -> what the store kept."""

from __future__ import annotations

from scheduler.collect import collect_source
from settings import ArticleSelectors, load_config
from sources import Fetcher
from sources.html.article import extract_article
from sources.html.dom import parse_html
from sources.html.listing import entries_by_selectors
from tests.html_sites import PARAGRAPHS
from tests.support import open_test_store

ITEMS = [(1, "经开区与三家企业签订投资协议", "2023-08-28"), (2, "高新区举办重点企业用工对接会", "2023-08-25")]


def _list_page() -> str:
    """Titles only in a `title` attribute, the link on a "详情" button, the date after a label."""
    rows = "".join(
        f'<li><span class="t" title="{title}">{title[:4]}…</span>'
        f'<a class="go" href="/sv/{i}.html">详情</a><em class="d"><b>发布:</b>{date}</em></li>'
        for i, title, date in ITEMS)
    return f'<html><head><meta charset="utf-8"></head><body><ul class="news">{rows}</ul></body></html>'


def _article(title: str, date: str) -> str:
    """Facts only in <meta> tags that automatic reading does not know, and an h1 with noise."""
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (f'<html><head><meta charset="utf-8"><meta name="ReleaseTime" content="{date} 09:30">'
            f'<meta name="Origin" content="园区管委会办公室"><title>x</title></head><body>'
            f'<h1 class="t">{title}<span class="sub">（图文）</span></h1>'
            f'<div class="info">浏览次数：12</div><div class="content">{body}</div></body></html>')


def test_attr_and_text_suffixes_read_values_from_list_and_article(web, write_config):
    web.add("/sv/index.html", _list_page(), "text/html; charset=utf-8")
    for i, title, date in ITEMS:
        web.add(f"/sv/{i}.html", _article(title, date), "text/html; charset=utf-8")
    config = load_config(write_config(f"""
        [[sources]]
        id = "sv"
        kind = "html"
        url = "{web.url('/sv/index.html')}"
        [sources.list]
        item = "ul.news > li"
        link = "a.go::attr(href)"
        title = "span.t::attr(title)"
        date = "em.d::text"
        [sources.article]
        title = "h1.t::text"
        date = "meta[name=ReleaseTime]::attr(content)"
        source = "meta[name=Origin]::attr(content)"
        body = "div.content"
        """))
    store = open_test_store(config.storage.url)
    with store.transaction() as tx:
        tx.sync_sources(config.sources)
    outcome = collect_source(config, config.sources[0], Fetcher(config.fetch), store)
    assert outcome.error is None and outcome.new == 2
    with store.read() as tx:
        rows = tx.connection.execute(
            "SELECT url, title, published_at, publisher FROM appearances ORDER BY url").fetchall()
    assert [tuple(r) for r in rows] == [
        (web.url("/sv/1.html"), "经开区与三家企业签订投资协议", "2023-08-28T01:30:00Z", "园区管委会办公室"),
        (web.url("/sv/2.html"), "高新区举办重点企业用工对接会", "2023-08-25T01:30:00Z", "园区管委会办公室"),
    ]


def test_each_suffix_reads_what_parsel_would():
    tree = parse_html(_list_page())
    entries = entries_by_selectors(tree, "http://127.0.0.1/sv/index.html", "ul.news > li",
                                   link="a.go::attr(href)", title="span.t::attr(title)", date="em.d::text")
    assert [(e.url, e.title, e.date_text) for e in entries] == [
        ("http://127.0.0.1/sv/1.html", "经开区与三家企业签订投资协议", "2023-08-28"),
        ("http://127.0.0.1/sv/2.html", "高新区举办重点企业用工对接会", "2023-08-25")]
    plain = entries_by_selectors(tree, "http://127.0.0.1/sv/index.html", "ul.news > li",
                                 link="a.go", title="span.t", date="em.d")
    assert plain[0].date_text == "发布:2023-08-28"  # the whole element, label included
    page = _article("园区动态", "2023-08-28")
    article = extract_article(page, "http://127.0.0.1/sv/1.html",
                              ArticleSelectors(title="h1.t::text", body="div.content",
                                               date="meta[name=ReleaseTime]::attr(content)"))
    assert article.title == "园区动态" and article.published == "2023-08-28 09:30"
    whole = extract_article(page, "http://127.0.0.1/sv/1.html", ArticleSelectors(title="h1.t"))
    assert whole.title == "园区动态（图文）"
