"""Hostile feed documents, served over HTTP and fetched like any source: nothing read from
disk, nothing requested, nothing expanded, no exception, no broken output feed."""

from __future__ import annotations

import time
import tracemalloc

import pytest
from lxml import etree

import service
from items.sanitize import sanitize_html
from model.raw import RawItem
from settings.model import FetchSettings
from sources.decode import decode_document
from sources.errors import ParseError
from sources.feed import parse_feed
from sources.fetch import Fetcher
from sources.html.article import extract_article
from sources.html.dom import parse_html
from sources.html.lists import list_entries, prepare_list_tree

ONE_SECOND = 1.0
HUNDRED_MB = 100_000_000


def fetch_and_parse(web, path: str, body: bytes, content_type: str = "application/xml") -> list[RawItem]:
    """The feed-source path: LocalWeb -> Fetcher -> parse_feed on the fetched bytes."""
    url = web.add(path, body, content_type)
    result = Fetcher(FetchSettings(min_delay=0, timeout=5, respect_robots=False)).get(url)
    return parse_feed("s", result.body, result.content_type, result.url)


def measured(action) -> tuple[object, float, int]:
    """Run twice: once for wall time, once under tracemalloc for peak Python/expat memory."""
    started = time.monotonic()
    action()
    elapsed = time.monotonic() - started
    tracemalloc.start()
    try:
        value = action()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return value, elapsed, peak


def rss(prolog: str, items: str) -> bytes:
    return (f'<?xml version="1.0"?>\n{prolog}\n<rss version="2.0"><channel><title>t</title>'
            f"{items}</channel></rss>").encode()


def test_xxe_file_entity_reads_nothing(web):
    body = rss('<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
               "<item><title>a&xxe;b</title><link>http://h/1</link><description>&xxe;</description></item>")
    items = fetch_and_parse(web, "/xxe.xml", body)
    assert items, "the feed itself is still read"
    everything = " ".join(f"{i.title} {i.summary} {i.content_html}" for i in items)
    assert "root:" not in everything


@pytest.mark.parametrize("prolog", [
    '<!DOCTYPE rss [<!ENTITY ext SYSTEM "{url}">]>',
    '<!DOCTYPE rss [<!ENTITY % ext SYSTEM "{url}"> %ext;]>',
    '<!DOCTYPE rss SYSTEM "{url}">',
])
def test_http_entities_and_dtds_are_never_requested(web, prolog):
    evil = web.add("/evil.dtd", b'<!ENTITY leak "LEAKED">', "application/xml-dtd")
    body = rss(prolog.format(url=evil),
               "<item><title>x&ext;&leak;</title><link>http://h/1</link></item>")
    fetch_and_parse(web, "/feed.xml", body)
    assert web.count("/feed.xml") == 1
    assert web.count("/evil.dtd") == 0


def _quadratic_items(references: int, count: int) -> str:
    return ("<item><title>" + "&a;" * references + "</title><link>http://h/1</link>"
            "<description>" + "&a;" * references + "</description></item>") * count


@pytest.mark.parametrize("layout", [
    "plain",
    "after_64k_of_comment",  # past the part of the document a naive check looks at
    "bracket_in_entity_value",  # a `]>` inside a value ends a naive subset match early
])
def test_quadratic_blowup_is_defused_within_1s_and_100mb(web, layout):
    entity = '<!ENTITY a "' + "x" * 100_000 + '">'
    prolog = {
        "plain": f"<!DOCTYPE rss [\n{entity}\n]>",
        "after_64k_of_comment": "<!--" + " " * 70_000 + f"-->\n<!DOCTYPE rss [\n{entity}\n]>",
        "bracket_in_entity_value": f'<!DOCTYPE rss [\n<!ENTITY z "]>">\n{entity}\n]>',
    }[layout]
    body = rss(prolog, _quadratic_items(references=10, count=100))
    items, elapsed, peak = measured(lambda: fetch_and_parse(web, f"/{layout}.xml", body))
    assert elapsed < ONE_SECOND, elapsed
    assert peak < HUNDRED_MB, peak
    assert len(items) == 100
    assert all(len(i.title) < 1000 and len(i.summary or "") < 1000 for i in items)


def test_billion_laughs_is_defused_within_1s_and_100mb(web):
    levels = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10}">' for n in range(1, 10)
    ]
    body = rss("<!DOCTYPE rss [\n" + "\n".join(levels) + "\n]>",
               "<item><title>&lol9;</title><link>http://h/1</link></item>")
    items, elapsed, peak = measured(lambda: fetch_and_parse(web, "/lol.xml", body))
    assert elapsed < ONE_SECOND and peak < HUNDRED_MB, (elapsed, peak)
    assert len(items) == 1 and len(items[0].title) < 100


def test_html_page_nested_100000_levels_deep_does_not_crash_list_or_article_reading():
    rows = "".join(f"<li><a href='/a/{n}.html'>开发区新闻第{n}条</a> 2024-01-0{n % 9 + 1}</li>" for n in range(20))
    page = ("<html><head><meta charset='utf-8'><title>深</title></head><body>"
            + "<div>" * 100_000 + f"<ul>{rows}</ul><p>正文</p>" + "</div>" * 100_000 + "</body></html>").encode()
    started = time.monotonic()
    text, encoding = decode_document(page, "text/html")
    tree = parse_html(text)  # libxml2 caps the depth (content below it is lost, nothing crashes)
    prepare_list_tree(tree)
    list_entries(tree, "http://h/list.html", None)
    article = extract_article(text, "http://h/a.html")
    assert time.monotonic() - started < 5.0
    assert encoding == "utf-8" and article.title == "深"


def test_html_page_with_control_characters_after_a_comment_is_read():
    """Found by fuzz/fuzz_parsers.py: lxml's drop_tree refused the text after a dropped comment."""
    page = ("<html><body><div><!-- c -->a\x0bb\x00 &#8:30 &#1;<ul><li><a href='/1.html'>新闻一</a></li></ul>"
            "</div></body></html>")
    tree = parse_html(page)
    prepare_list_tree(tree)
    list_entries(tree, "http://h/list.html", None)
    assert extract_article(page, "http://h/a.html") is not None


def test_list_page_with_an_unparsable_link_keeps_its_other_items():
    """Found by fuzz/fuzz_parsers.py: urljoin raised on "http://[" and failed the whole page."""
    rows = "".join(f"<li><a href='/a/{n}.html'>开发区新闻第{n}条消息</a> 2024-01-0{n + 1}</li>" for n in range(6))
    page = f"<html><body><ul>{rows}<li><a href='http://[x/7.html'>开发区新闻第7条消息</a> 2024-01-08</li></ul></body></html>"
    tree = parse_html(page)
    prepare_list_tree(tree)
    entries, _ = list_entries(tree, "http://h/list.html", None)
    assert len(entries) == 6


def test_html_nested_100000_levels_deep_in_feed_content_is_sanitized_quickly(web):
    deep = "&lt;div&gt;" * 100_000 + "正文" + "&lt;/div&gt;" * 100_000
    body = rss("", f"<item><title>deep</title><link>http://h/1</link><description>{deep}</description></item>")
    items = fetch_and_parse(web, "/deep.xml", body)
    started = time.monotonic()
    cleaned = sanitize_html(items[0].summary or "", "http://h/1")
    assert time.monotonic() - started < 5.0  # nh3 alone takes minutes: depth is quadratic for it
    assert cleaned == "<p>正文</p>"


def test_feed_nested_100000_elements_deep_is_refused_quickly(web):
    deep = "<div>" * 100_000 + "正文" + "</div>" * 100_000
    body = rss("", f"<item><title>deep</title><link>http://h/1</link><description>{deep}</description></item>")
    started = time.monotonic()
    with pytest.raises(ParseError, match="nested deeper"):
        fetch_and_parse(web, "/deep.xml", body)
    assert time.monotonic() - started < 5.0


BAD_TITLES = [
    b"nul\x00byte",
    b"bell\x07and\x0bvtab",
    b"bad utf-8 \xff\xfe\xc3\x28 here",
    b"lone surrogate \xed\xa0\x80 encoded",
    b"char refs &#0; &#1; &#xD800; &#xFFFE; &#x1F;",
    "正常标题".encode(),
]


def test_invalid_bytes_in_titles_leave_the_rendered_feeds_valid_xml(web, write_config, tmp_path):
    items = b"".join(
        b"<item><title>" + title + b"</title><link>http://h/" + str(n).encode() + b"</link>"
        b"<guid>g" + title + b"</guid><author>" + title + b"</author>"
        b"<category>" + title + b"</category>"
        b"<description>&lt;p&gt;" + title + b"&lt;/p&gt;</description></item>"
        for n, title in enumerate(BAD_TITLES)
    )
    web.add("/bad.xml", b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            b"<title>t</title>" + items + b"</channel></rss>", "application/xml")
    config = write_config(f"""
        [[sources]]
        id = "bad"
        name = "bad"
        kind = "feed"
        url = "{web.url('/bad.xml')}"
        """)
    assert service.main(["--config", str(config), "collect"]) == 0
    for extension in ("rss", "atom"):
        document = (tmp_path / "data" / "public" / "feeds" / f"all.{extension}").read_bytes()
        root = etree.fromstring(document)  # raises on any character XML 1.0 forbids
        entries = root.findall(".//item") or root.findall("{http://www.w3.org/2005/Atom}entry")
        assert len(entries) >= len(BAD_TITLES) - 1
    assert "正常标题" in document.decode("utf-8")
