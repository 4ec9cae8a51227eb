"""The real APScheduler against fixture sites on 127.0.0.1, with intervals of a second.

Poll times are read off the fixture servers (when a request arrived), so these tests see what
a site operator would see in their access log.
"""

from __future__ import annotations

import threading
import time

import pytest

from sampleweb.server import LocalWeb
from scheduler.jobs import PollScheduler
from settings import load_config
from sources import Fetcher
from tests.fixtures import utf8_atom
from tests.support import open_test_store

FEED = utf8_atom([("k1", "经开区新签约项目", "2023-08-28T09:00:00+08:00")])


class RequestClock:
    """Records the arrival time of every request for the watched paths of several webs."""

    def __init__(self, watched: dict[str, tuple[LocalWeb, str]]):
        self.watched = watched
        self.times: dict[str, list[float]] = {name: [] for name in watched}
        self._seen = dict.fromkeys(watched, 0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            now = time.monotonic()
            for name, (web, path) in self.watched.items():
                count = web.count(path)
                self.times[name].extend([now] * (count - self._seen[name]))
                self._seen[name] = count
            time.sleep(0.01)

    def gaps(self, name: str) -> list[float]:
        times = self.times[name]
        return [round(b - a, 2) for a, b in zip(times, times[1:], strict=False)]

    def __enter__(self) -> RequestClock:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _scheduler(write_config, body: str) -> PollScheduler:
    config = load_config(write_config(body))
    store = open_test_store(config.storage.url)
    with store.transaction() as tx:
        tx.sync_sources(config.sources)
    return PollScheduler(config, Fetcher(config.fetch), store, render=lambda: None)


def _source(source_id: str, url: str, interval: str = "1s") -> str:
    return f'[[sources]]\nid = "{source_id}"\nkind = "feed"\nurl = "{url}"\ninterval = "{interval}"\n'


@pytest.mark.slow
def test_each_source_is_polled_on_schedule_and_a_slow_site_delays_no_other(write_config):
    with LocalWeb() as fast, LocalWeb() as slow:
        fast.add("/a.xml", FEED)
        fast.add("/b.xml", FEED)
        slow.add("/slow.xml", FEED, delay=3.5)
        poller = _scheduler(write_config, _source("a", fast.url("/a.xml")) + _source("b", fast.url("/b.xml"))
                            + _source("slow", slow.url("/slow.xml")))
        with RequestClock({"a": (fast, "/a.xml"), "b": (fast, "/b.xml"),
                           "slow": (slow, "/slow.xml")}) as clock:
            poller.start()
            time.sleep(8)
            poller.shutdown(grace=0)
    for name in ("a", "b"):
        gaps = clock.gaps(name)
        assert len(gaps) >= 6, (name, gaps)  # one poll per second, not held up by the slow site
        # the first poll comes at a random moment of the first second, the next ones on whole seconds
        # (tolerances allow for a loaded CI machine; a blocked poll would show a 3.5 s gap)
        assert 0.3 <= gaps[0] <= 1.8 and all(0.7 <= gap <= 1.5 for gap in gaps[1:]), (name, gaps)
    # the slow site is polled again only after its previous poll ended (max_instances=1)
    assert 2 <= len(clock.times["slow"]) <= 3 and all(gap >= 3.4 for gap in clock.gaps("slow"))


@pytest.mark.slow
def test_a_failing_source_backs_off_capped_and_recovers_when_the_site_returns(write_config):
    with LocalWeb() as web:
        web.add("/down.xml", b"server error", "text/plain", status=500)
        poller = _scheduler(write_config, "[scheduler]\nmax_backoff = \"4s\"\n"
                            + _source("down", web.url("/down.xml")))
        with RequestClock({"down": (web, "/down.xml")}) as clock:
            poller.start()
            deadline = time.monotonic() + 25
            while len(clock.times["down"]) < 6 and time.monotonic() < deadline:
                time.sleep(0.05)
            failing = clock.gaps("down")
            with poller._store.transaction() as tx:
                state = next(s for s in tx.source_states() if s.id == "down")
            web.add("/down.xml", FEED)
            while len(clock.times["down"]) < 10 and time.monotonic() < deadline + 10:
                time.sleep(0.05)
            poller.shutdown(grace=0)
    recovered = clock.gaps("down")[len(failing):]
    # waits: 1 s, then x2 per failure (jitter takes up to 25 % off, rounded to whole seconds),
    # capped at 4 s: 1, 2, 3-4, 3-4, 3-4
    assert failing[0] <= 1.8 and 1.7 <= failing[1] <= 2.5 and failing[2] >= 2.7, failing
    assert max(failing) <= 4.5 and failing[-1] >= 2.7, failing
    assert state.consecutive_failures >= 5 and state.last_error == f"HTTP 500 from {web.url('/down.xml')}"
    # back on the 1 s interval after the first successful poll
    assert recovered[0] <= 4.5 and all(0.7 <= gap <= 1.5 for gap in recovered[1:]), recovered
    with poller._store.transaction() as tx:
        state = next(s for s in tx.source_states() if s.id == "down")
    assert state.consecutive_failures == 0 and state.last_error is None and state.appearances == 1
