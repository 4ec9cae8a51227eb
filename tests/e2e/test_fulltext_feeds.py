"""Summary-only feeds against a fixture site on 127.0.0.1: each summary item's article page is
read once (counted on the server), later polls cost one conditional request, a page that fails
keeps the summary and is retried a bounded number of times."""

from __future__ import annotations

import pytest

import service
from model.raw import RawItem
from sources.fulltext import is_summary
from sources.reading import MAX_TEXT_FAILURES
from tests.html_sites import PARAGRAPHS, article_page
from tests.support import query

ARTICLES = {
    "/news/a.html": ("云阳县新材料产业园项目签约落地", "2023-08-28 10:30"),
    "/news/b.html": ("云阳工业园区上半年规上工业产值同比增长", "2023-08-27 09:00"),
    "/news/c.html": ("云阳县召开2023年招商引资工作推进会", "2023-08-26 15:00"),
}
FULL = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)


def _feed(web, titles: dict[str, str] | None = None, full_c: bool = True) -> str:
    """RSS of a gov portal: a cut summary (……), a first-paragraph description, and one full item."""
    titles = titles or {path: title for path, (title, _) in ARTICLES.items()}
    descriptions = {
        "/news/a.html": "8月28日，云阳县与重庆某新材料科技有限公司举行项目签约仪式……",
        "/news/b.html": PARAGRAPHS[1],
        "/news/c.html": FULL if full_c else PARAGRAPHS[3][:40] + "...",
    }
    items = "".join(
        f"<item><title>{titles[path]}</title><link>{web.url(path)}</link><guid>{path}</guid>"
        f"<pubDate>{date.replace(' ', 'T')}:00+08:00</pubDate>"
        f"<description><![CDATA[{descriptions[path]}]]></description></item>"
        for path, (_, date) in ARTICLES.items()
    )
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>云阳县人民政府</title>'
            f"<link>{web.url('/')}</link><description>d</description>{items}</channel></rss>")


def _serve(web, titles: dict[str, str] | None = None, full_c: bool = True) -> None:
    web.add("/rss.xml", _feed(web, titles, full_c), "application/rss+xml")
    for path, (title, date) in ARTICLES.items():
        title = (titles or {}).get(path, title)
        web.add(path, article_page(title, date, "云阳县融媒体中心", charset="utf-8"), "text/html; charset=utf-8")


def _config(web, write_config, fulltext: str | None = None):
    line = f'fulltext = "{fulltext}"' if fulltext else ""
    return write_config(f"""
        [[sources]]
        id = "yunyang"
        name = "云阳县人民政府"
        kind = "feed"
        url = "{web.url('/rss.xml')}"
        {line}
        """)


def _collect(config) -> int:
    return service.main(["--config", str(config), "collect"])


def _texts(storage_url) -> dict[str, tuple[str, str]]:
    rows = query(storage_url, "SELECT url, text_origin, content_html FROM appearances")
    return {url.rsplit("/", 1)[1]: (origin, html) for url, origin, html in rows}


def test_summary_items_get_their_page_once_and_unchanged_polls_cost_one_conditional_request(
        web, write_config, storage_url):
    _serve(web)
    config = _config(web, write_config)
    assert _collect(config) == 0
    assert web.count("/rss.xml") == 1
    assert (web.count("/news/a.html"), web.count("/news/b.html"), web.count("/news/c.html")) == (1, 1, 0)
    texts = _texts(storage_url)
    assert texts["a.html"][0] == texts["b.html"][0] == "page"
    assert texts["c.html"][0] == "feed"
    for name in ("a.html", "b.html"):  # the whole article, not the summary, without the page's furniture
        assert PARAGRAPHS[0] in texts[name][1] and PARAGRAPHS[3] in texts[name][1]
        assert "打印本页" not in texts[name][1] and "Copyright" not in texts[name][1]

    before = len(web.requests)
    assert _collect(config) == 0
    second = web.requests[before:]
    assert [(p, h["x-status"]) for _, p, h in second] == [("/rss.xml", "304")]


def test_a_changed_feed_does_not_fetch_pages_already_stored_with_full_text(web, write_config, storage_url):
    _serve(web)
    config = _config(web, write_config)
    assert _collect(config) == 0
    web.add("/rss.xml", _feed(web) + "<!-- a new build of the same items -->", "application/rss+xml")
    assert _collect(config) == 0
    assert [h["x-status"] for _, p, h in web.requests if p == "/rss.xml"] == ["200", "200"]
    assert (web.count("/news/a.html"), web.count("/news/b.html")) == (1, 1)
    assert _texts(storage_url)["a.html"][0] == "page"


def test_never_reads_no_page_and_always_reads_every_page(web, write_config, storage_url):
    _serve(web)
    assert _collect(_config(web, write_config, "never")) == 0
    assert sum(web.count(p) for p in ARTICLES) == 0
    assert _texts(storage_url)["a.html"] == ("feed", "8月28日，云阳县与重庆某新材料科技有限公司举行项目签约仪式……")


def test_always_reads_the_page_of_full_items_too(web, write_config, storage_url):
    _serve(web)
    assert _collect(_config(web, write_config, "always")) == 0
    assert [web.count(p) for p in ARTICLES] == [1, 1, 1]
    origins = {name: origin for name, (origin, _) in _texts(storage_url).items()}
    assert origins == {"a.html": "page", "b.html": "page", "c.html": "feed"}  # c's page adds nothing


def test_a_failing_page_keeps_the_summary_and_is_retried_a_bounded_number_of_times(
        web, write_config, storage_url):
    _serve(web)
    web.add("/news/a.html", "busy", "text/html", status=500)
    config = _config(web, write_config)
    assert _collect(config) == 0
    texts = _texts(storage_url)
    assert texts["a.html"] == ("summary", "8月28日，云阳县与重庆某新材料科技有限公司举行项目签约仪式……")
    assert texts["b.html"][0] == "page"  # the others are not held back

    for _ in range(MAX_TEXT_FAILURES + 2):
        assert _collect(config) == 0
    assert web.count("/news/a.html") == MAX_TEXT_FAILURES  # then it stops asking
    assert web.count("/news/b.html") == 1
    assert [h["x-status"] for _, p, h in web.requests if p == "/rss.xml"][-1] == "304"  # back to 304s
    assert query(storage_url, "SELECT COUNT(*) FROM appearances") == [(3,)]  # never lost, never doubled


def test_a_page_that_recovers_replaces_the_summary(web, write_config, storage_url):
    _serve(web)
    web.add("/news/a.html", "busy", "text/html", status=500)
    config = _config(web, write_config)
    assert _collect(config) == 0
    _serve(web)
    assert _collect(config) == 0
    assert web.count("/news/a.html") == 2 and web.count("/news/b.html") == 1
    assert _texts(storage_url)["a.html"][0] == "page"
    assert query(storage_url, "SELECT COUNT(*), COUNT(DISTINCT story_id) FROM appearances") == [(3, 3)]


def test_a_page_that_is_gone_is_not_asked_for_again(web, write_config, storage_url):
    _serve(web)
    del web.routes["/news/a.html"]  # 404
    config = _config(web, write_config)
    assert _collect(config) == 0
    assert _collect(config) == 0
    assert web.count("/news/a.html") == 1
    assert [h["x-status"] for _, p, h in web.requests if p == "/rss.xml"] == ["200", "304"]


@pytest.mark.parametrize(("content", "summary"), [
    ("8月28日，云阳县举行项目签约仪式……", True),
    ("<p>云阳县举行项目签约仪式，总投资12亿元。</p>", True),  # a first paragraph only
    ("园区新闻 [阅读全文]", True),
    ("Read the rest of this entry...", True),
    ("", True),
    (FULL, False),
    (FULL + "<p>（责任编辑：王五）</p>", False),
])
def test_what_counts_as_a_summary(content, summary):
    assert is_summary(RawItem("s", "http://x.cn/1.html", "标题", summary=content)) is summary


def test_unknown_fulltext_mode_is_a_config_error(write_config, capsys):
    config = write_config("""
        [[sources]]
        id = "x"
        kind = "feed"
        url = "http://127.0.0.1:9/rss.xml"
        fulltext = "sometimes"
        """)
    assert service.main(["--config", str(config), "check-config"]) == 2
    err = capsys.readouterr()
    assert "fulltext" in err.out + err.err and "'sometimes'" in err.out + err.err


def test_a_page_with_no_more_text_than_the_summary_keeps_the_summary(web, write_config, storage_url):
    """A script-built article page: extraction finds a menu line, not the article."""
    _serve(web)
    web.add("/news/a.html", "<html><head><title>x</title></head><body><div class='nav'><a href='/'>首页</a></div>"
            "<div id='app'></div><script>render()</script></body></html>", "text/html; charset=utf-8")
    config = _config(web, write_config)
    assert _collect(config) == 0
    assert _collect(config) == 0
    assert _texts(storage_url)["a.html"] == ("summary", "8月28日，云阳县与重庆某新材料科技有限公司举行项目签约仪式……")
    assert web.count("/news/a.html") == 1


def test_an_atom_feed_of_summaries_gets_gbk_pages_read_and_robots_txt_obeyed(web, write_config, storage_url):
    """Atom `<summary>` with no `<content>`; GBK article pages; one page robots.txt disallows."""
    entries = "".join(
        f"<entry><id>urn:kfq:{n}</id><title>{title}</title><link href=\"{web.url(f'/{d}/{n}.html')}\"/>"
        f"<updated>2023-08-2{n}T10:00:00+08:00</updated><summary>{title}。……</summary></entry>"
        for n, (d, title) in enumerate([("news", "经开区新签约项目十二个"), ("private", "经开区内部通知不公开")]))
    web.add("/atom.xml", '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>经开区</title><id>urn:kfq</id><updated>2023-08-28T00:00:00Z</updated>{entries}</feed>",
            "application/atom+xml")
    web.add("/news/0.html", article_page("经开区新签约项目十二个", "2023-08-20 10:00", "经开区管委会").encode("gb18030"),
            "text/html")
    web.add("/private/1.html", article_page("经开区内部通知不公开", "2023-08-21 10:00", "经开区").encode("gb18030"),
            "text/html")
    web.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", "text/plain")
    config = write_config(f"""
        [[sources]]
        id = "kfq"
        name = "经开区"
        kind = "feed"
        url = "{web.url('/atom.xml')}"
        """, respect_robots=True)
    assert _collect(config) == 0
    assert _collect(config) == 0
    rows = dict(query(storage_url, "SELECT title, text_origin FROM appearances"))
    assert rows == {"经开区新签约项目十二个": "page", "经开区内部通知不公开": "summary"}
    texts = [html for _, html in _texts(storage_url).values()]
    assert any(PARAGRAPHS[2] in html for html in texts)  # decoded from GBK, not mojibake
    assert web.count("/news/0.html") == 1 and web.count("/private/1.html") == 0
    assert [h["x-status"] for _, p, h in web.requests if p == "/atom.xml"] == ["200", "304"]
