"""The Fetcher's manners against a real server on 127.0.0.1: Retry-After, size caps, robots.txt,
permanent redirects of html list pages."""

from __future__ import annotations

import gzip
import time
import tracemalloc
from urllib.parse import urlsplit

import pytest

from settings.model import FetchSettings, SourceConfig
from sources.errors import FetchError, RateLimitedError, RobotsDisallowedError, TooLargeError
from sources.fetch import Fetcher
from sources.html.poll import read_html
from tests import html_sites
from tests.support import EmptyStore

LOOPBACK = FetchSettings(min_delay=0, delay_factor=0, timeout=5, respect_robots=False)


def test_429_with_retry_after_60_holds_the_host_for_60_seconds(web):
    url = web.add("/busy.html", "<html></html>", "text/html", status=429, headers={"Retry-After": "60"})
    fetcher = Fetcher(LOOPBACK)
    with pytest.raises(RateLimitedError) as first:
        fetcher.get(url)
    assert first.value.retry_after == 60

    with pytest.raises(RateLimitedError):
        fetcher.get(web.url("/other-page.html"))  # same host: refused without asking it

    assert fetcher.gate.wait_remaining(urlsplit(url).netloc) >= 59
    assert web.count("/busy.html") == 1 and web.count("/other-page.html") == 0


def test_five_megabyte_page_is_cut_at_max_bytes_without_loading_it_all(web):
    page = b"<html><body>" + b"<p>" + "园区新闻".encode() * 400_000 + b"</p></body></html>"
    assert len(page) > 4_800_000
    url = web.add("/huge.html", page, "text/html")
    fetcher = Fetcher(FetchSettings(min_delay=0, timeout=5, respect_robots=False, max_bytes=1_000_000))
    tracemalloc.start()
    try:
        with pytest.raises(TooLargeError):
            fetcher.get(url)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2_500_000, f"peak {peak} bytes while reading a {len(page)}-byte page"


def test_gzip_bomb_is_capped_after_decompression(web):
    bomb = gzip.compress(b"0" * 5_000_000)
    url = web.add("/bomb.html", bomb, "text/html", headers={"Content-Encoding": "gzip"})
    fetcher = Fetcher(FetchSettings(min_delay=0, timeout=5, respect_robots=False, max_bytes=1_000_000))
    with pytest.raises(TooLargeError):
        fetcher.get(url)


def test_robots_txt_is_fetched_once_per_host_and_obeyed(web):
    web.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", "text/plain")
    public = web.add("/news/1.html", "<html></html>", "text/html")
    private = web.add("/private/1.html", "<html></html>", "text/html")
    fetcher = Fetcher(FetchSettings(min_delay=0, timeout=5, respect_robots=True))

    fetcher.get(public)
    with pytest.raises(RobotsDisallowedError):
        fetcher.get(private)
    fetcher.get(public)

    assert web.count("/robots.txt") == 1 and web.count("/private/1.html") == 0
    assert web.count("/news/1.html") == 2


def test_missing_robots_allows_and_failing_robots_disallows(web):
    fetcher = Fetcher(FetchSettings(min_delay=0, timeout=5, respect_robots=True))
    assert fetcher.get(web.add("/a.html", "<html></html>", "text/html")).status == 200  # robots 404

    web.add("/robots.txt", "oops", "text/plain", status=500)
    other = Fetcher(FetchSettings(min_delay=0, timeout=5, respect_robots=True))
    with pytest.raises(RobotsDisallowedError):
        other.get(web.url("/a.html"))


def test_unreachable_robots_reports_the_real_cause():
    fetcher = Fetcher(FetchSettings(min_delay=0, timeout=5, respect_robots=True))
    with pytest.raises(FetchError) as caught:
        fetcher.get("http://127.0.0.1:9/feed.xml")  # nothing listens on the discard port
    assert not isinstance(caught.value, RobotsDisallowedError)
    assert "cannot read http://127.0.0.1:9/robots.txt: cannot connect to 127.0.0.1:9" in str(caught.value)


def test_permanent_redirect_of_a_list_page_is_reported(web):
    new_url = html_sites.serve_trs(web)
    old_url = web.add("/old/index.html", "moved", "text/html", status=301, headers={"Location": new_url})
    source = SourceConfig(id="trs", name="trs", kind="html", url=old_url, interval=60, backfill_pages=1)

    read = read_html(source, Fetcher(LOOPBACK), EmptyStore())

    assert read.moved_to == new_url
    assert len(read.items) == 3


def test_moved_html_source_is_stored_and_reported_by_collect(web, write_config, storage_url, capsys):
    import service
    from tests.support import query

    new_url = html_sites.serve_trs(web)
    old_url = web.add("/old/index.html", "moved", "text/html", status=301, headers={"Location": new_url})
    config = write_config(f'[[sources]]\nid = "trs"\nkind = "html"\nurl = "{old_url}"\n')

    assert service.main(["--config", str(config), "collect"]) == 0

    assert f"trs: moved permanently to {new_url}" in capsys.readouterr().out
    assert query(storage_url, "SELECT url FROM sources WHERE id = 'trs'") == [(new_url,)]


def test_requests_to_a_fast_host_are_spaced_by_min_delay(web):
    urls = [web.add(f"/p{i}.html", "<html></html>", "text/html") for i in range(3)]
    fetcher = Fetcher(FetchSettings(min_delay=0.3, timeout=5, respect_robots=False))
    started = time.monotonic()
    for url in urls:
        fetcher.get(url)
    assert time.monotonic() - started >= 0.6  # three requests, two gaps of the floor
    assert fetcher.gate.delay(urlsplit(urls[0]).netloc) == pytest.approx(0.3)


def test_a_slow_host_rests_delay_factor_times_its_response_time(web):
    url = web.add("/slow.html", "<html></html>", "text/html", delay=0.2)
    fetcher = Fetcher(FetchSettings(min_delay=0.1, delay_factor=5, timeout=5, respect_robots=False))
    fetcher.get(url)
    started = time.monotonic()
    fetcher.get(url)
    # 5 x >= 0.2 s of rest before the second request, then its own 0.2 s
    assert time.monotonic() - started >= 1.2
    assert 1.0 <= fetcher.gate.delay(urlsplit(url).netloc) < 2.5


def test_a_failing_host_gets_twice_the_rest_each_time_and_recovers_halfway(web):
    failing = web.add("/down.html", "oops", "text/html", status=500)
    missing = web.url("/missing.html")
    host = urlsplit(failing).netloc
    fetcher = Fetcher(FetchSettings(min_delay=0.2, delay_factor=0, timeout=5, respect_robots=False))
    started = time.monotonic()
    for _ in range(2):
        with pytest.raises(FetchError):
            fetcher.get(failing)
    assert fetcher.gate.delay(host) == pytest.approx(0.8)  # 0.2 -> 0.4 -> 0.8
    with pytest.raises(FetchError):
        fetcher.get(missing)  # a 404 is no sign of strain: the rest only starts to shrink
    assert time.monotonic() - started >= 1.2  # 0.4 s before the second request, 0.8 s before the 404
    assert fetcher.gate.delay(host) == pytest.approx(0.5)  # halfway from 0.8 to the floor 0.2


def test_a_crawl_delay_longer_than_our_own_gap_wins(web):
    web.add("/robots.txt", "User-agent: *\nCrawl-delay: 1\n", "text/plain")
    urls = [web.add(f"/p{i}.html", "<html></html>", "text/html") for i in range(2)]
    fetcher = Fetcher(FetchSettings(min_delay=0, delay_factor=0, timeout=5, respect_robots=True))
    fetcher.get(urls[0])
    started = time.monotonic()
    fetcher.get(urls[1])
    assert time.monotonic() - started >= 1.0
    assert web.count("/robots.txt") == 1


def test_per_host_concurrency_limits_parallel_requests(web):
    from concurrent.futures import ThreadPoolExecutor

    url = web.add("/slow.html", "<html></html>", "text/html", delay=0.3)
    fetcher = Fetcher(FetchSettings(min_delay=0, delay_factor=0, timeout=5, respect_robots=False,
                                    per_host_concurrency=1))
    started = time.monotonic()
    with ThreadPoolExecutor(3) as pool:
        list(pool.map(lambda _: fetcher.get(url), range(3)))
    assert time.monotonic() - started >= 0.9  # one at a time, not three at once


def test_five_megabyte_list_page_is_cut_at_max_bytes_and_its_list_still_read(web):
    listing = html_sites.trs_list(html_sites.TRS_ITEMS, 0, 1).replace(
        "</body>", "<div class='inline-image'>" + "x" * 5_000_000 + "</div></body>")
    web.add("/big/index.html", listing.encode("gb18030"), "text/html")
    for href, title, date, source in html_sites.TRS_ITEMS:
        web.add("/big/" + href[2:], html_sites.article_page(title, date, source).encode("gb18030"), "text/html")
    source = SourceConfig(id="big", name="big", kind="html", url=web.url("/big/index.html"), interval=60,
                          backfill_pages=1)
    fetcher = Fetcher(FetchSettings(min_delay=0, timeout=5, respect_robots=False, max_bytes=1_000_000))

    tracemalloc.start()
    try:
        page = fetcher.get(source.url, truncate=True)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    read = read_html(source, fetcher, EmptyStore())

    assert page.truncated and len(page.body) == 1_000_000
    assert peak < 3_500_000, f"peak {peak} bytes for a 5 MB page"
    assert [i.title for i in read.items] == [t for _, t, _, _ in html_sites.TRS_ITEMS]
