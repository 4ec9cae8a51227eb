"""Adding an output format is one registration: the build exports it, the server serves it with
its content type, and a reader's ?q= view renders it."""

from __future__ import annotations

import threading

import pytest

from feeds import formats
from feeds.build import build_feeds
from feeds.formats import OutputFormat
from feeds.live import feed_site
from feeds.server import make_server
from store import open_store
from tests.feeds.stories import SOURCES_TOML, fill_store
from tests.feeds.test_server import request

FEEDS_TOML = """
[[feeds]]
id = "all"
title = "全部"
"""


def render_titles(meta, entries) -> bytes:
    return "".join(f"{e.title}\n" for e in entries).encode("utf-8")


@pytest.fixture
def toy_format():
    formats.register(OutputFormat("txt", render_titles, "text/plain; charset=utf-8", "文本", is_feed=False))
    yield
    del formats.FORMATS["txt"]


def test_a_registered_format_is_built_served_and_filtered(toy_format, load):
    config = load(SOURCES_TOML + FEEDS_TOML)
    fill_store(config)
    store = open_store(config.storage.url)
    try:
        changed = build_feeds(config, store)
        assert "feeds/all.txt" in changed
        server = make_server("127.0.0.1", 0, feed_site(lambda: config, store))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            port = server.server_address[1]
            status, headers, body = request(port, "/feeds/all.txt")
            assert status == 200 and headers["content-type"] == "text/plain; charset=utf-8"
            assert "云阳县工业园区新签约项目8个" in body.decode().splitlines()
            filtered = request(port, "/feeds/all.txt?q=%E7%BB%8F%E5%BC%80%E5%8C%BA")[2].decode().splitlines()
            assert filtered and all("经开区" in line for line in filtered)
        finally:
            server.shutdown()
            server.server_close()
    finally:
        store.close()


def test_unregistered_suffixes_are_not_served(load):
    config = load(SOURCES_TOML + FEEDS_TOML)
    fill_store(config)
    store = open_store(config.storage.url)
    try:
        build_feeds(config, store)
        (config.service.data_dir / "public" / "feeds" / "all.txt").write_text("x")
        server = make_server("127.0.0.1", 0, feed_site(lambda: config, store))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            assert request(server.server_address[1], "/feeds/all.txt")[0] == 404
        finally:
            server.shutdown()
            server.server_close()
    finally:
        store.close()
