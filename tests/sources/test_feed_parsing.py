"""Feed bytes to RawItems: encodings, safety, what is kept."""

from __future__ import annotations

import time

import pytest

from sources.decode import decode_document
from sources.errors import ParseError
from sources.feed import parse_feed
from tests.fixtures import GBK_ONLY_TITLES, gb2312_feed


def test_gb2312_declared_feed_with_gbk_only_characters_decodes_exactly():
    items = parse_feed("s", gb2312_feed(), "application/xml", "http://127.0.0.1/rss.xml")
    assert [i.title for i in items] == GBK_ONLY_TITLES
    assert items[0].published == "2023-08-20 10:30:00"
    assert items[0].url == "http://127.0.0.1/news/0.html"
    assert items[0].guid == "gb-0"


def test_undeclared_gbk_feed_served_without_charset():
    body = gb2312_feed().replace(b' encoding="gb2312"', b"")
    items = parse_feed("s", body, "text/xml", "http://127.0.0.1/rss.xml")
    assert [i.title for i in items] == GBK_ONLY_TITLES


def test_wrong_http_charset_does_not_win_over_bytes():
    items = parse_feed("s", gb2312_feed(), "application/xml; charset=utf-8", "http://127.0.0.1/r")
    assert [i.title for i in items] == GBK_ONLY_TITLES


def test_html_without_charset_is_not_latin1_mojibake():
    page = "<html><head><title>开发区新闻</title></head><body>镕</body></html>".encode("gb18030")
    text, encoding = decode_document(page, "text/html")
    assert encoding == "gb18030"
    assert "开发区新闻" in text and "镕" in text


def test_meta_charset_inside_script_is_ignored():
    page = (b'<html><head><script>var s="<meta charset=utf-8>";</script>'
            b'<meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>'
            + "园区".encode("gb18030") + b"</body></html>")
    text, encoding = decode_document(page, "text/html")
    assert encoding == "gb18030" and "园区" in text


def test_entity_bomb_is_defused_quickly():
    lol = '<!ENTITY a "' + "x" * 10000 + '">'
    bomb = (f'<?xml version="1.0"?><!DOCTYPE rss [{lol}]><rss version="2.0"><channel><title>t</title>'
            + "<item><title>&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;</title><link>http://h/1</link></item>" * 50
            + "</channel></rss>").encode()
    started = time.monotonic()
    items = parse_feed("s", bomb, "application/xml", "http://127.0.0.1/r")
    assert time.monotonic() - started < 1.0
    assert all(len(i.title) < 100 for i in items)


def test_garbage_is_a_parse_error():
    with pytest.raises(ParseError):
        parse_feed("s", b"\x00\x01 this is not a feed <<<", "text/plain", "http://127.0.0.1/r")
