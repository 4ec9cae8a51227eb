"""robots.txt kept in the store: a new process reuses it for a day, then refreshes it with a
conditional GET; an unchanged second `collect` asks each source once and nothing else.
Real LocalWeb counting requests, both backends."""

from __future__ import annotations

import pytest

import service
from scheduler.collect import StoredRobots
from settings.model import FetchSettings
from sources.errors import RobotsDisallowedError
from sources.fetch import Fetcher
from tests import html_sites
from tests.fixtures import utf8_atom
from tests.support import open_test_store, query

ROBOTS = "User-agent: *\nDisallow: /private/\n"
POLITE = FetchSettings(min_delay=0, delay_factor=0, timeout=5, respect_robots=True)


def _fetcher(storage_url: str) -> Fetcher:
    """A Fetcher as a fresh process builds it: nothing in memory, only the store."""
    return Fetcher(POLITE, robots_memory=StoredRobots(open_test_store(storage_url)))


def test_a_new_process_reuses_the_stored_robots_txt_and_obeys_it(web, storage_url):
    web.add("/robots.txt", ROBOTS, "text/plain")
    public = web.add("/news/1.html", "<html></html>", "text/html")
    private = web.add("/private/1.html", "<html></html>", "text/html")

    _fetcher(storage_url).get(public)
    second = _fetcher(storage_url)
    second.get(public)
    with pytest.raises(RobotsDisallowedError):
        second.get(private)

    assert web.count("/robots.txt") == 1
    assert web.count("/news/1.html") == 2 and web.count("/private/1.html") == 0


def test_a_missing_robots_txt_is_remembered_too(web, storage_url):
    public = web.add("/news/1.html", "<html></html>", "text/html")  # robots.txt answers 404

    _fetcher(storage_url).get(public)
    _fetcher(storage_url).get(public)

    assert web.count("/robots.txt") == 1
    assert query(storage_url, "SELECT status, body FROM robots_txt") == [(404, "")]


def test_a_failing_robots_txt_is_not_remembered(web, storage_url):
    web.add("/robots.txt", "oops", "text/plain", status=503)
    public = web.add("/news/1.html", "<html></html>", "text/html")

    for _ in range(2):
        with pytest.raises(RobotsDisallowedError):
            _fetcher(storage_url).get(public)

    assert web.count("/robots.txt") == 2 and web.count("/news/1.html") == 0
    assert query(storage_url, "SELECT COUNT(*) FROM robots_txt") == [(0,)]


def test_after_a_day_robots_txt_is_refreshed_with_a_conditional_get(web, storage_url):
    web.add("/robots.txt", ROBOTS, "text/plain")
    public = web.add("/news/1.html", "<html></html>", "text/html")
    _fetcher(storage_url).get(public)
    etag = query(storage_url, "SELECT etag FROM robots_txt")[0][0]
    with open_test_store(storage_url).transaction() as tx:  # age the copy as 25 hours would
        tx.connection.execute("UPDATE robots_txt SET fetched_at = '2000-01-01T00:00:00Z'")

    refreshed = _fetcher(storage_url)
    refreshed.get(public)
    with pytest.raises(RobotsDisallowedError):
        refreshed.get(web.url("/private/1.html"))

    robots = [(h.get("If-None-Match"), h["x-status"]) for _, p, h in web.requests if p == "/robots.txt"]
    assert robots == [(None, "200"), (etag, "304")]
    (fetched_at,) = query(storage_url, "SELECT fetched_at FROM robots_txt")[0]
    assert fetched_at > "2000-01-02"


def test_changed_robots_txt_is_read_again_after_a_day(web, storage_url):
    web.add("/robots.txt", ROBOTS, "text/plain")
    _fetcher(storage_url).get(web.add("/news/1.html", "<html></html>", "text/html"))
    with open_test_store(storage_url).transaction() as tx:
        tx.connection.execute("UPDATE robots_txt SET fetched_at = '2000-01-01T00:00:00Z'")
    web.add("/robots.txt", "User-agent: *\nDisallow: /news/\n", "text/plain")

    with pytest.raises(RobotsDisallowedError):
        _fetcher(storage_url).get(web.url("/news/1.html"))
    assert web.count("/robots.txt") == 2 and web.count("/news/1.html") == 1


def test_unchanged_second_collect_asks_each_source_once_and_nothing_else(web, write_config):
    web.add("/robots.txt", ROBOTS, "text/plain")
    feed = web.add("/feed.atom", utf8_atom([("n1", "园区重点项目签约仪式举行", "2024-05-01T08:00:00Z")]),
                   "application/atom+xml")
    listing = html_sites.serve_trs(web)
    config = write_config(f"""
        [[sources]]
        id = "feed"
        kind = "feed"
        url = "{feed}"

        [[sources]]
        id = "trs"
        kind = "html"
        url = "{listing}"
        backfill_pages = 1
        """, respect_robots=True)
    assert service.main(["--config", str(config), "collect"]) == 0
    first = web.count()
    assert first["/robots.txt"] == 1 and sum(first.values()) > 3  # the articles were read
    web.requests.clear()

    assert service.main(["--config", str(config), "collect"]) == 0

    second = sorted((p, h["x-status"]) for _, p, h in web.requests)
    assert second == sorted([("/feed.atom", "304"), (listing.removeprefix(web.base_url), "304")])
