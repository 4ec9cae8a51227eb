"""Two service processes on one database run the same schedule: each poll still happens once."""

from __future__ import annotations

import re
import signal
import time

import pytest

from tests.fixtures import utf8_atom
from tests.running import start_service, wait_for

SOURCES = ("n0", "n1", "n2")
WINDOW = 8.0


@pytest.mark.slow
def test_two_nodes_sharing_a_database_poll_each_source_once_per_interval(web, write_config, tmp_path):
    for source in SOURCES:
        web.add(f"/{source}.xml", utf8_atom([(f"{source}-1", f"园区{source}", "2023-08-28T09:00:00+08:00")]))
    config = write_config("[server]\nport = 0\n" + "".join(
        f'[[sources]]\nid = "{s}"\nkind = "feed"\nurl = "{web.url(f"/{s}.xml")}"\ninterval = "1s"\n'
        for s in SOURCES))
    logs = [tmp_path / "node-a.log", tmp_path / "node-b.log"]
    nodes = [start_service(config, log, "--log-level", "DEBUG")[0] for log in logs]
    try:
        assert wait_for(lambda: all(web.count(f"/{s}.xml") for s in SOURCES), 15)
        before = {s: web.count(f"/{s}.xml") for s in SOURCES}
        time.sleep(WINDOW)
        polls = {s: web.count(f"/{s}.xml") - before[s] for s in SOURCES}
    finally:
        for node in nodes:
            node.send_signal(signal.SIGTERM)
        assert [node.wait(timeout=10) for node in nodes] == [0, 0]
    # one poll per second per source; two unco-ordinated nodes would make about twice as many
    assert all(WINDOW * 0.6 <= n <= WINDOW * 1.25 + 1 for n in polls.values()), polls
    texts = [log.read_text() for log in logs]
    collected = [len(re.findall(r"event=collect source=", text)) for text in texts]
    skipped = [len(re.findall(r"event=poll_skipped", text)) for text in texts]
    assert all(collected) and all(skipped), (collected, skipped)  # both nodes took part
    print(f"polls in {WINDOW:.0f} s: {polls}; collects per node {collected}; skips per node {skipped}")
