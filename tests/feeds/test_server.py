"""The HTTP side over a real socket: validators, 304, gzip, HEAD, types, 404, traversal, filters."""

from __future__ import annotations

import gzip
import http.client
import threading
from email.utils import formatdate
from urllib.parse import quote

import pytest
from lxml import etree

from feeds.build import build_feeds
from feeds.live import FeedSite, FilteredViews
from feeds.server import StaticSite, make_server
from store import open_store
from tests.feeds.stories import SOURCES_TOML, appearance, fill_store
from tests.feeds.validity import A, atom_rule_errors, jing_errors, rss_profile_errors
from tests.running import wait_for

FEEDS_TOML = """
[[feeds]]
id = "all"
title = "全部"
"""


@pytest.fixture
def served(load, tmp_path):
    config = load(SOURCES_TOML + FEEDS_TOML)
    fill_store(config)
    store = open_store(config.storage.url)
    build_feeds(config, store)
    views = FilteredViews(lambda: config, store, version_ttl=0, stale_for=0)
    server = make_server("127.0.0.1", 0, FeedSite(StaticSite(config.service.data_dir / "public"), views),
                         dynamic={"/healthz": lambda: (b"ok\n", "text/plain; charset=utf-8")})
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield config, store, server.server_address[1]
    server.shutdown()
    server.server_close()
    store.close()


def request(port: int, path: str, method: str = "GET", **headers: str) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, headers={k.replace("_", "-"): v for k, v in headers.items()})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def titles(body: bytes) -> list[str]:
    return [e.findtext(f"{A}title") for e in etree.fromstring(body).findall(f"{A}entry")]


@pytest.mark.parametrize("path,content_type", [
    ("/feeds/all.atom", "application/atom+xml; charset=utf-8"),
    ("/feeds/all.rss", "application/rss+xml; charset=utf-8"),
    ("/feeds/all.json", "application/feed+json; charset=utf-8"),
    ("/opml.xml", "application/xml; charset=utf-8"),
    ("/feed.xsl", "text/xsl; charset=utf-8"),
    ("/", "text/html; charset=utf-8"),
])
def test_each_url_has_its_type_and_validators(served, path, content_type):
    _, _, port = served
    status, headers, body = request(port, path)
    assert status == 200 and headers["content-type"] == content_type
    assert headers["etag"].startswith('"') and headers["last-modified"].endswith("GMT")
    assert headers["cache-control"].startswith("public") and int(headers["content-length"]) == len(body)
    status, again, body = request(port, path, If_None_Match=headers["etag"])
    assert (status, body) == (304, b"") and again["etag"] == headers["etag"]
    status, _, body = request(port, path, If_Modified_Since=headers["last-modified"])
    assert (status, body) == (304, b"")


def test_gzip_head_404_and_traversal(served):
    _, _, port = served
    _, plain_headers, plain = request(port, "/feeds/all.atom")
    status, headers, body = request(port, "/feeds/all.atom", Accept_Encoding="gzip, deflate")
    assert headers["content-encoding"] == "gzip" and gzip.decompress(body) == plain
    assert headers["vary"] == "Accept-Encoding"
    # The gzip-coded bytes are another representation, so they get their own strong ETag.
    assert headers["etag"] == plain_headers["etag"][:-1] + '-gz"'
    status, again, body = request(port, "/feeds/all.atom", Accept_Encoding="gzip", If_None_Match=headers["etag"])
    assert (status, again["etag"], body) == (304, headers["etag"], b"")
    status, headers, body = request(port, "/feeds/all.atom", method="HEAD")
    assert status == 200 and body == b"" and int(headers["content-length"]) == len(plain)
    assert request(port, "/feeds/nope.atom")[0] == 404
    assert request(port, "/feeds/../../etc/passwd")[0] == 404
    assert request(port, "/feeds/%2e%2e/%2e%2e/etc/passwd")[0] == 404
    assert request(port, "/../zonefeed.db")[0] == 404
    old = formatdate(0, usegmt=True)
    assert request(port, "/feeds/all.atom", If_Modified_Since=old)[0] == 200
    assert request(port, "/healthz")[2] == b"ok\n"


def test_query_filters_render_valid_narrowed_feeds(served, tmp_path):
    _, _, port = served
    _, _, everything = request(port, "/feeds/all.atom")
    status, headers, body = request(port, "/feeds/all.atom?limit=2")
    assert status == 200 and titles(body) == titles(everything)[:2]
    _, _, body = request(port, "/feeds/all.atom?q=%E6%8B%9B%E5%95%86")  # ?q=招商
    assert titles(body) == ["云阳县召开招商引资推进会", "经开区一季度招商引资实现开门红"]
    _, _, body = request(port, "/feeds/all.atom?region=%E4%B8%87%E5%B7%9E%E5%8C%BA")  # 万州区
    # stories about 万州区 (its source's region, no other place named), not the 云阳 story it re-posted
    assert set(titles(body)) == {"经开区一季度招商引资实现开门红", "经开区举办企业用工对接会"}
    root = etree.fromstring(body)
    assert root.find(f"{A}link[@rel='self']").get("href").endswith("/feeds/all.atom?region=%E4%B8%87%E5%B7%9E%E5%8C%BA")
    _, _, by_topic = request(port, "/feeds/all.atom?topic=" + quote("项目开工/投产"))
    assert titles(by_topic) == ["云阳<特色>产业“园中园”建成投用"]
    (tmp_path / "view.atom").write_bytes(body)
    assert jing_errors([tmp_path / "view.atom"]) == "" and atom_rule_errors(body) == []
    _, headers, body = request(port, "/feeds/all.rss?limit=1&utm_source=x")
    assert rss_profile_errors(body) == [] and len(etree.fromstring(body).findall("channel/item")) == 1
    assert headers["content-type"] == "application/rss+xml; charset=utf-8"


def test_query_views_are_cached_and_answer_304(served):
    config, store, port = served
    _, first, body = request(port, "/feeds/all.json?limit=2&q=%E4%BA%91%E9%98%B3")
    # Same filters in another order, with junk parameters: the same view and validators.
    status, second, same = request(port, "/feeds/all.json?q=%E4%BA%91%E9%98%B3&junk=1&limit=2")
    assert (status, second["etag"], same) == (200, first["etag"], body)
    status, _, empty = request(port, "/feeds/all.json?limit=2&q=%E4%BA%91%E9%98%B3", If_None_Match=first["etag"])
    assert (status, empty) == (304, b"")
    fill_store(config, [appearance("yunyang", 0, "云阳县最新消息")])
    status, third, body = request(port, "/feeds/all.json?limit=2&q=%E4%BA%91%E9%98%B3", If_None_Match=first["etag"])
    assert status == 200 and third["etag"] != first["etag"] and "云阳县最新消息" in body.decode()


def test_an_outdated_view_is_answered_at_once_while_it_renders_again(load):
    config = load(SOURCES_TOML + FEEDS_TOML)
    fill_store(config)
    store = open_store(config.storage.url)
    views = FilteredViews(lambda: config, store, version_ttl=0, stale_for=30)
    first = views.lookup("/feeds/all.json", "q=云阳")
    fill_store(config, [appearance("yunyang", 0, "云阳县最新消息")])
    assert views.lookup("/feeds/all.json", "q=云阳") is first  # new data: the old view, not a wait
    assert wait_for(lambda: "云阳县最新消息" in views.lookup("/feeds/all.json", "q=云阳").body.decode(), 10)
    store.close()


def test_query_on_unknown_feed_is_404(served):
    _, _, port = served
    assert request(port, "/feeds/nope.atom?limit=1")[0] == 404


def test_keep_alive_pipelining_and_bad_requests(served):
    import socket

    _, _, port = served
    _, headers, _ = request(port, "/feeds/all.rss")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        conditional = f"GET /feeds/all.rss HTTP/1.1\r\nHost: x\r\nif-none-match: {headers['etag']}\r\n\r\n"
        sock.sendall((conditional * 2 + "HEAD /opml.xml HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").encode())
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    assert received.count(b"HTTP/1.1 304 Not Modified\r\n") == 2
    assert received.count(b"HTTP/1.1 200 OK\r\n") == 1 and received.endswith(b"\r\n\r\n")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"NONSENSE\r\n\r\n")
        assert sock.recv(65536).startswith(b"HTTP/1.1 400")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n")
        assert sock.recv(65536).startswith(b"HTTP/1.1 414")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"BREW /feeds/all.rss HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert sock.recv(65536).startswith(b"HTTP/1.1 501")


def test_raw_utf8_query_is_the_same_view_as_its_percent_encoded_form(served):
    import socket

    _, _, port = served
    _, encoded_headers, encoded = request(port, "/feeds/all.atom?region=%E4%B8%87%E5%B7%9E%E5%8C%BA")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:  # as a reader sends it: raw bytes
        sock.sendall("GET /feeds/all.atom?region=万州区 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 ") and body == encoded
    assert f'ETag: {encoded_headers["etag"]}'.encode() in head
    assert "(万州区)" in etree.fromstring(body).findtext(f"{A}title")


@pytest.mark.parametrize("query,reason", [
    ("region=%FF%FE", "query string is not UTF-8"),
    ("q=%00", "control character in query string"),
    ("q=a%0Ab", "control character in query string"),
    ("region=%E9%87%8D%1B", "control character in query string"),
    ("q=" + "a" * 50_001, "request target over 8192 characters"),
    ("q=" + "a" * 51, "a q word or region may have at most 50 characters"),
    ("region=" + "%E4%B8%87" * 51, "a q word or region may have at most 50 characters"),
    ("q=a+b+c+d+e+f", "at most 5 words in q"),
    ("limit=0", "limit must be a whole number of at least 1, got '0'"),
    ("limit=abc", "limit must be a whole number of at least 1, got 'abc'"),
    ("limit=%C2%B2", "limit must be a whole number of at least 1, got '²'"),
])
def test_bad_queries_are_400_with_a_one_line_reason(served, caplog, query, reason):
    import logging

    _, _, port = served
    with caplog.at_level(logging.INFO, logger="zonefeed.http"):
        status, _, body = request(port, "/feeds/all.atom?" + query)
    assert (status, body.decode()) == (414 if "8192" in reason else 400, f"{status} {reason}\n")
    assert len(caplog.records) == 1 and len(caplog.records[0].getMessage()) < 300
    assert request(port, "/feeds/all.atom?q=%E6%8B%9B%E5%95%86")[0] == 200  # and the server goes on
