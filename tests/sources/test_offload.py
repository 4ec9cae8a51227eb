"""Parsing in worker processes: the same article and the same feed items as in the thread, on
real pages, and a worker the OS kills loses no page."""

from __future__ import annotations

import os
import signal
import time

import pytest

from sources import offload
from sources.decode import decode_document
from sources.feed import parse_feed
from sources.html.article import extract_article
from tests.support import DATA, descendants

PAGES = ["gov_shanxi_gov_cn_article.html", "news_chinadaily_article.html", "gov_kepu_gov_cn_article.html",
         "news_he_xinhuanet_wayback_gb2312.html"]


@pytest.fixture
def one_process():
    offload.configure(0)  # a pool an earlier test configured in this process goes
    offload.configure(1)
    yield
    offload.configure(0)


def _page(name: str) -> tuple[str, str]:
    text, _ = decode_document((DATA / "html" / name).read_bytes(), "text/html")
    return text, f"http://example.test/{name}"


def test_a_worker_process_extracts_what_the_thread_extracts(one_process):
    before = set(descendants(os.getpid()))
    for name in PAGES:
        text, url = _page(name)
        assert offload.run(extract_article, text, url, None) == extract_article(text, url, None), name
    assert set(descendants(os.getpid())) - before, "no worker process was started"


def test_a_worker_process_parses_a_feed_as_the_thread_does(one_process):
    feeds = sorted((DATA / "feeds").rglob("*.xml"))[:5]
    assert feeds
    for path in feeds:
        body = path.read_bytes()
        here = parse_feed("s", body, "application/xml", "http://example.test/feed")
        assert offload.run(parse_feed, "s", body, "application/xml", "http://example.test/feed") == here, path.name


def test_a_killed_worker_costs_no_page_and_the_pool_comes_back(one_process, caplog):
    text, url = _page(PAGES[0])
    expected = extract_article(text, url, None)
    before = set(descendants(os.getpid()))
    assert offload.run(extract_article, text, url, None) == expected
    started = set(descendants(os.getpid())) - before
    for pid in started:
        os.kill(pid, signal.SIGKILL)
    time.sleep(0.5)  # the pool's manager thread notices the dead worker
    assert offload.run(extract_article, text, url, None) == expected
    assert "event=offload_broken function=extract_article" in caplog.text
    assert offload.run(extract_article, text, url, None) == expected
    assert set(descendants(os.getpid())) - before - started, "the pool was not rebuilt"


def test_no_processes_means_the_calling_thread():
    offload.configure(0)
    before = set(descendants(os.getpid()))
    text, url = _page(PAGES[1])
    assert offload.run(extract_article, text, url, None) == extract_article(text, url, None)
    assert set(descendants(os.getpid())) <= before  # a worker of an earlier test may still be leaving
