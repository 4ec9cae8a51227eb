"""Only http(s) links are published (issue 13, point 3), performed end to end on 127.0.0.1.

A feed and an HTML list on LocalWeb offer `javascript:`, `data:` and `vbscript:` item links;
after a real `collect` none of them is in any published document (RSS, Atom, JSON, the HTML
index, archives), the good items are, and the left-out items are reported. A store holding
such links from before the rule (written straight through ingest) publishes them nowhere
either: the renderers check again.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

import service
from feeds.build import build_feeds
from items.normalize import RejectedItem, normalize
from model.raw import RawItem
from model.stories import Appearance
from settings import load_config
from settings.model import SourceConfig
from tests.feeds.stories import NOW, SOURCES_TOML, appearance, fill_store
from tests.support import query

UNSAFE = ["javascript:alert(1)", "JaVaScRiPt:alert(2)", " javascript:alert(3)", "java\tscript:alert(4)",
          "data:text/html;base64,PHNjcmlwdD5hbGVydCg1KTwvc2NyaXB0Pg==", "vbscript:msgbox(6)",
          "file:///etc/passwd"]
MARKERS = ("javascript:", "script:alert", "data:text", "vbscript:", "msgbox", "file:", "alert(")


def _feed() -> str:
    items = [("好消息：经开区新项目签约", "/news/good.html")] + [(f"坏链接{n}", href) for n, href in enumerate(UNSAFE)]
    body = "".join(f"<item><title>{title}</title><link>{href.replace('&', '&amp;')}</link>"
                   f"<description>&lt;p&gt;正文&lt;a href=\"javascript:alert(9)\"&gt;点我&lt;/a&gt;&lt;/p&gt;"
                   f"</description><pubDate>Mon, 27 May 2024 08:00:00 +0800</pubDate></item>"
                   for title, href in items)
    guid_only = ("<item><title>只有guid的坏条目</title><guid isPermaLink=\"true\">javascript:alert(10)</guid>"
                 "<pubDate>Mon, 27 May 2024 08:00:00 +0800</pubDate></item>")
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>{body}{guid_only}</channel></rss>'


def _html_list() -> str:
    hrefs = ["/news/ok.html", "JavaScript:alert(11)", "data:text/html,<script>alert(12)</script>",
             "vbscript:msgbox(13)", " javascript:alert(14)"]
    rows = "".join(f'<li><a href="{h}">园区新闻第{n}条标题文字</a><span>2024-05-2{n}</span></li>' for n, h in enumerate(hrefs))
    return f'<html><body><ul class="news">{rows}</ul></body></html>'


def _published(root) -> dict[str, str]:
    return {str(p.relative_to(root)): p.read_text("utf-8", "replace") for p in root.rglob("*") if p.is_file()}


def test_unsafe_item_links_are_published_nowhere(web, write_config, tmp_path, storage_url, capsys):
    web.add("/feed.xml", _feed(), "application/rss+xml")
    web.add("/list.html", _html_list(), "text/html")
    web.add("/news/ok.html", "<html><body><h1>园区新闻</h1><p>" + "正文" * 50 + "</p></body></html>", "text/html")
    config = write_config(f"""
        [[sources]]
        id = "feed"
        kind = "feed"
        url = "{web.url('/feed.xml')}"

        [[sources]]
        id = "site"
        kind = "html"
        url = "{web.url('/list.html')}"
        [sources.list]
        item = "ul.news li"
        """)

    assert service.main(["--config", str(config), "collect"]) == 0

    out = capsys.readouterr().out
    assert "feed: ok, 1 new" in out and "feed: 8 link(s) left out" in out  # 7 links and a guid-only item
    assert "site: ok, 1 new" in out
    stored = [u for (u,) in query(storage_url, "SELECT url FROM appearances")]
    assert sorted(stored) == sorted([web.url("/news/good.html"), web.url("/news/ok.html")])
    documents = _published(tmp_path / "data" / "public")
    assert {"feeds/all.rss", "feeds/all.atom", "feeds/all.json", "index.html"} <= set(documents)
    for name, text in documents.items():
        if name != "feed.xsl":
            assert not any(m in text for m in MARKERS), (name, [m for m in MARKERS if m in text])
    for name in ("feeds/all.rss", "feeds/all.atom", "feeds/all.json"):
        assert web.url("/news/good.html") in documents[name] and web.url("/news/ok.html") in documents[name]


@pytest.mark.parametrize("link", UNSAFE + ["urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3ca67b6", "https:///no-host"])
def test_normalization_rejects_an_item_whose_link_is_not_http(link):
    source = SourceConfig(id="s", name="s", kind="feed", url="http://site.example/feed.xml", interval=60)
    with pytest.raises(RejectedItem, match="not an http"):
        normalize(RawItem(source_id="s", url=link, title="标题"), source, "Asia/Shanghai")


def test_relative_and_protocol_relative_links_resolve_to_http_and_are_kept():
    source = SourceConfig(id="s", name="s", kind="feed", url="https://site.example/a/feed.xml", interval=60)
    for link, expected in (("/n/1.html", "https://site.example/n/1.html"),
                           ("//other.example/n/2.html", "https://other.example/n/2.html")):
        assert normalize(RawItem(source_id="s", url=link, title="标题"), source, "Asia/Shanghai").url == expected


def test_a_store_written_before_the_rule_publishes_no_unsafe_link(tmp_path, storage_url):
    """Renderers check again: an entry with a javascript: link is left out, a data: "also at"
    link is dropped, the rest of the feed is published."""
    config = load_config(_write(tmp_path, storage_url))
    good = appearance("yunyang", 1, "云阳县工业园区新签约项目8个")
    bad = appearance("yunyang", 2, "云阳县召开招商引资推进会", url="javascript:alert(1)")
    # the same story on a second site, whose link is a data: URL: an "also at" link of story 1
    also = Appearance(**{**appearance("kfq", 3, "云阳县工业园区新签约项目8个").__dict__,
                         "url": "data:text/html,alert(2)", "published_at": NOW - timedelta(minutes=5)})
    fill_store(config, [good, bad, also])
    build_feeds(config, _open(storage_url))

    documents = _published(tmp_path / "data" / "public")
    for name in ("feeds/all.rss", "feeds/all.atom", "feeds/all.json"):
        text = documents[name]
        assert good.url in text and "javascript:" not in text and "data:text" not in text, name


def _write(tmp_path, storage_url):
    path = tmp_path / "config.toml"
    path.write_text(f'[service]\ndata_dir = "{tmp_path / "data"}"\nbase_url = "http://127.0.0.1:8080"\n'
                    f'[storage]\nurl = "{storage_url}"\n' + SOURCES_TOML, encoding="utf-8")
    return path


def _open(storage_url):
    from tests.support import open_test_store

    return open_test_store(storage_url)
