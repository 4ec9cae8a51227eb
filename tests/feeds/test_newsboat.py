"""A real feed reader subscribes to the served feeds: newsboat on 127.0.0.1 reloads them and
its SQLite cache holds every entry with the title, link and date we published."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import threading
from datetime import datetime

import pytest
from lxml import etree

from feeds.build import build_feeds
from feeds.live import FeedSite, FilteredViews
from feeds.server import StaticSite, make_server
from store import open_store
from tests.feeds.stories import SOURCES_TOML, fill_store
from tests.feeds.validity import A

pytestmark = pytest.mark.skipif(shutil.which("newsboat") is None, reason="newsboat not installed")

FEEDS_TOML = """
[[feeds]]
id = "all"
title = "全部"

[[feeds]]
id = "yunyang"
title = "云阳县"
regions = ["云阳县"]
"""


@pytest.fixture
def server_url(load):
    config = load(SOURCES_TOML + FEEDS_TOML)
    fill_store(config)
    store = open_store(config.storage.url)
    build_feeds(config, store)
    views = FilteredViews(lambda: config, store)
    server = make_server("127.0.0.1", 0, FeedSite(StaticSite(config.service.data_dir / "public"), views))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", config.service.data_dir / "public"
    server.shutdown()
    server.server_close()
    store.close()


def newsboat_reload(home, urls: list[str]) -> tuple[sqlite3.Connection, str]:
    (home / "urls").write_text("\n".join(urls) + "\n", encoding="utf-8")
    (home / "config").write_text("reload-threads 2\ndownload-timeout 10\n", encoding="utf-8")
    environment = {**os.environ, "HOME": str(home), "LANG": "C.UTF-8", "TERM": "dumb"}
    environment.pop("http_proxy", None)
    environment.pop("HTTP_PROXY", None)
    subprocess.run(["newsboat", "-x", "reload", "-C", str(home / "config"), "-u", str(home / "urls"),
                    "-c", str(home / "cache.db"), "-l", "4", "-d", str(home / "newsboat.log")],
                   env=environment, check=True, timeout=60, capture_output=True)
    return sqlite3.connect(home / "cache.db"), (home / "newsboat.log").read_text(errors="replace")


def published(public, name: str) -> dict[str, tuple[str, int]]:
    """title -> (link, unix time) as our Atom file says."""
    root = etree.parse(str(public / "feeds" / name)).getroot()
    return {
        e.findtext(f"{A}title"): (e.find(f"{A}link[@rel='alternate']").get("href"),
                                  int(datetime.fromisoformat(e.findtext(f"{A}published")).timestamp()))
        for e in root.findall(f"{A}entry")
    }


@pytest.mark.parametrize("path,feed,title", [
    ("/feeds/all.atom", "all", "全部"),
    ("/feeds/all.rss", "all", "全部"),
    ("/feeds/yunyang.atom", "yunyang", "云阳县"),
    ("/feeds/yunyang.rss", "yunyang", "云阳县"),
    ("/feeds/all.atom?region=%E4%BA%91%E9%98%B3%E5%8E%BF", "yunyang", "全部 (云阳县)"),  # ?region=云阳县
])
def test_newsboat_holds_every_entry(server_url, tmp_path, path, feed, title):
    # One cache per subscription: newsboat keeps one row per guid across all its feeds.
    base, public = server_url
    cache, log = newsboat_reload(tmp_path, [base + path])
    assert "rss_parser" not in log.lower() and "error" not in log.lower(), log[-3000:]
    with cache:
        rows = cache.execute("SELECT feedurl, title, url, pubDate FROM rss_item").fetchall()
        feeds = cache.execute("SELECT rssurl, title FROM rss_feed").fetchall()
    assert feeds == [(base + path, title)]
    expected = published(public, f"{feed}.atom")
    assert len(expected) == {"all": 5, "yunyang": 3}[feed]
    assert {title: (url, date) for _, title, url, date in rows} == expected
