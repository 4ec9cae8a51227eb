"""Kill the running service mid-collect, again and again, and restart it: nothing lost, nothing doubled.

Each round publishes new items, starts `service.py run`, waits until a collect is under way and
stops the service at a random moment (SIGKILL, or SIGTERM which must exit within 10 s).
A very slow site keeps a fetch in flight at every stop, so SIGTERM cannot wait it out.
"""

from __future__ import annotations

import random
import signal
import time

import feedparser
import pytest
import requests

from sampleweb.server import LocalWeb
from tests.running import start_service, wait_for
from tests.support import query

SOURCES = ("s0", "s1", "s2")
ROUNDS = 4


def _title(rng: random.Random) -> str:
    """Random CJK text: no two items look alike, so no dedupe rule may merge them."""
    return "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(12))


def _feed(items: list[tuple[str, str]]) -> str:
    entries = "".join(
        f"<entry><id>{key}</id><title>{title}</title><link href=\"/a/{key}.html\"/>"
        f"<published>2023-08-28T{index // 60:02d}:{index % 60:02d}:00+08:00</published>"
        f"<updated>2023-08-28T{index // 60:02d}:{index % 60:02d}:00+08:00</updated>"
        f"<content type=\"html\">&lt;p&gt;{title}&lt;/p&gt;</content></entry>"
        for index, (key, title) in enumerate(items)
    )
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>site</title><id>urn:site</id><updated>2023-08-28T00:00:00Z</updated>{entries}</feed>")


def _served_titles(base: str) -> dict[str, list[str]]:
    """Titles of every served feed, after checking each one parses cleanly."""
    titles = {}
    for extension in ("atom", "rss"):
        response = requests.get(f"{base}/feeds/all.{extension}", timeout=5)
        assert response.status_code == 200
        parsed = feedparser.parse(response.content)
        assert not parsed.bozo, parsed.bozo_exception
        ids = [entry.id for entry in parsed.entries]
        assert len(ids) == len(set(ids)), f"duplicate entries in all.{extension}"
        titles[extension] = [entry.title for entry in parsed.entries]
    return titles


def _stop(process, signum: int) -> float:
    started = time.monotonic()
    process.send_signal(signum)
    code = process.wait(timeout=30)
    elapsed = time.monotonic() - started
    if signum == signal.SIGTERM:
        assert code == 0 and elapsed < 10, (code, elapsed)
    return elapsed


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_stops_at_random_moments_lose_and_double_nothing(signum, write_config, tmp_path, storage_url):
    rng = random.Random(signum * 1000 + 7)
    published: dict[str, list[tuple[str, str]]] = {s: [] for s in SOURCES}
    stop_times = []
    with LocalWeb() as web, LocalWeb() as slow_web:
        slow_web.add("/slow.xml", _feed([]), delay=15)
        body = '[server]\nport = 0\n[[feeds]]\nid = "all"\nmax_items = 1000\n'
        for source in SOURCES:
            body += f'[[sources]]\nid = "{source}"\nkind = "feed"\nurl = "{web.url(f"/{source}.xml")}"\ninterval = "1s"\n'
        body += f'[[sources]]\nid = "slow"\nkind = "feed"\nurl = "{slow_web.url("/slow.xml")}"\ninterval = "1s"\n'
        config = write_config(body)
        log = tmp_path / "service.log"
        for round_number in range(ROUNDS):
            for source in SOURCES:
                published[source] += [(f"{source}-{round_number}-{i}", _title(rng)) for i in range(5)]
                web.add(f"/{source}.xml", _feed(published[source]), delay=0.3)
            requests_before = sum(web.count().values())
            process, base = start_service(config, log)
            seen = _served_titles(base)  # whatever was committed before the last stop, served whole
            known = {t for items in published.values() for _, t in items}
            assert set(seen["atom"]) <= known and sorted(seen["atom"]) == sorted(seen["rss"])
            assert wait_for(lambda before=requests_before: sum(web.count().values()) > before, 10)  # a collect runs
            time.sleep(rng.uniform(0, 3.0))
            stop_times.append(_stop(process, signum))

        process, base = start_service(config, log)
        expected = sorted(t for items in published.values() for _, t in items)
        try:
            def complete() -> dict[str, list[str]] | None:
                titles = _served_titles(base)
                return titles if sorted(titles["atom"]) == expected else None

            final = wait_for(complete, 30)
            assert final, "not every published item reached the feed"
            assert sorted(final["atom"]) == sorted(final["rss"]) == expected
        finally:
            stop_times.append(_stop(process, signal.SIGTERM))

    assert query(storage_url, "SELECT COUNT(*) FROM stories") == [(len(expected),)]
    assert query(storage_url, "SELECT COUNT(*) FROM appearances") == [(len(expected),)]
    assert query(storage_url, "SELECT COUNT(*) FROM stories WHERE canonical_id IS NULL") == [(0,)]
    print(f"{signal.Signals(signum).name}: stop took {', '.join(f'{t:.1f}' for t in stop_times)} s")
