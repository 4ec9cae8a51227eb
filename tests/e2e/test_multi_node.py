"""Several `service.py run` nodes on one database share the sources: each poll happens once,
cross-posts end as one story, and a node killed mid-poll hands its source over within the lease."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time

import pytest

from tests.fixtures import utf8_atom
from tests.support import ROOT, query

INTERVAL = 3  # seconds; also the lease, what a node killed mid-poll can delay its source by
# longest wait for a source whose node was killed mid-poll: the lease runs out (stored times
# have whole seconds: +1), then a surviving node's job fires (one interval), plus jitter and load
HANDOVER = INTERVAL + 1 + INTERVAL + 2
SOURCES = [f"zone{i}" for i in range(6)]
NODES = 3


class RequestClock:
    """Timestamps every request the fixture web logs (sampled every 20 ms)."""

    def __init__(self, web):
        self.web = web
        self.seen: list[tuple[float, str]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            with self.web._lock:
                fresh = self.web.requests[len(self.seen):]
            now = time.monotonic()
            self.seen.extend((now, path) for _, path, _ in fresh)

    def times(self, path: str) -> list[float]:
        return [t for t, p in self.seen if p == path]

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self._sample_once()

    def _sample_once(self) -> None:
        with self.web._lock:
            fresh = self.web.requests[len(self.seen):]
        self.seen.extend((time.monotonic(), path) for _, path, _ in fresh)


def _start_nodes(config, tmp_path) -> list[subprocess.Popen]:
    nodes = [subprocess.Popen([sys.executable, str(ROOT / "service.py"), "--config", str(config), "run"],
                              cwd=ROOT, stdout=subprocess.PIPE, text=True,
                              stderr=open(tmp_path / f"node{i}.log", "w"))  # noqa: SIM115
             for i in range(NODES)]
    for node in nodes:
        line = node.stdout.readline()
        if not re.search(r"zonefeed serving http://", line):
            for other in nodes:
                other.kill()
            pytest.fail(f"node did not start: {line!r}; see {tmp_path}/node*.log")
    return nodes


def _leaseholder_pid(storage_url) -> tuple[str, int] | None:
    for source_id, holder in query(storage_url, "SELECT id, leased_by FROM sources WHERE leased_by IS NOT NULL"):
        return source_id, int(holder.split(":")[1])
    return None


@pytest.mark.slow
def test_nodes_share_sources_without_double_polls_and_survive_a_kill(web, write_config, tmp_path,
                                                                      storage_url):
    for source_id in SOURCES:
        entries = [(f"{source_id}-{n}", f"{source_id} 园区新闻 {n}", f"2023-08-2{n}T09:00:00+08:00")
                   for n in (1, 2)]
        entries.append(("crosspost", "全省开发区工作会议召开", "2023-08-20T09:00:00+08:00"))  # cross-posted
        web.add(f"/{source_id}/atom.xml", utf8_atom(entries), delay=0.3, conditional=False)
    # six zones on one loopback host stand in for six sites: no one-at-a-time per host here
    config = write_config(f"per_host_concurrency = {len(SOURCES)}\n[server]\nport = 0\n"
                          f"[scheduler]\nlease = \"{INTERVAL}s\"\n" + "".join(
        f'[[sources]]\nid = "{s}"\nkind = "feed"\ninterval = "{INTERVAL}s"\n'
        f'url = "{web.url(f"/{s}/atom.xml")}"\n' for s in SOURCES))
    clock = RequestClock(web)
    nodes = _start_nodes(config, tmp_path)
    try:
        started = time.monotonic()
        time.sleep(3 * INTERVAL)
        victim = None
        while victim is None and time.monotonic() - started < 10 * INTERVAL:
            held = _leaseholder_pid(storage_url)
            victim = next((n for n in nodes if held and n.pid == held[1]), None)
            time.sleep(0.05)
        assert victim is not None, "no node was ever seen mid-poll"
        orphan = held[0]
        victim.send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        victim.wait(10)
        time.sleep(4 * INTERVAL)
    finally:
        survivors = [n for n in nodes if n.poll() is None]
        for node in survivors:
            node.send_signal(signal.SIGINT)
        codes = [node.wait(20) for node in survivors]
        clock.stop()
    assert codes == [0] * (NODES - 1)
    ended = time.monotonic()

    for source_id in SOURCES:
        polls = clock.times(f"/{source_id}/atom.xml")
        gaps = [b - a for a, b in zip(polls, polls[1:], strict=False)]
        # once per interval in total: stored times have whole seconds, so a poll may come up
        # to 1 s early, and late by jitter, or by a lease when its node was killed mid-poll
        assert min(gaps) >= INTERVAL - 1.5, (source_id, gaps)
        assert max(gaps) <= HANDOVER, (source_id, gaps)
        assert sum(gaps) / len(gaps) <= INTERVAL + 1.5, (source_id, gaps)
        assert len(polls) <= (ended - started) / (INTERVAL - 1.5) + 1, (source_id, len(polls))
        after_kill = [t for t in polls if t > killed_at]
        assert len(after_kill) >= 2, (source_id, "not polled after the kill")
    # the source the victim held is polled again by another node once the lease has run out
    orphan_next = min(t for t in clock.times(f"/{orphan}/atom.xml") if t > killed_at)
    assert orphan_next - killed_at <= HANDOVER

    assert query(storage_url, "SELECT COUNT(*) FROM stories") == [(2 * len(SOURCES) + 1,)]
    assert query(storage_url, "SELECT COUNT(*) FROM appearances") == [(3 * len(SOURCES),)]
    assert os.path.exists(tmp_path / "data" / "public" / "feeds" / "all.atom")
