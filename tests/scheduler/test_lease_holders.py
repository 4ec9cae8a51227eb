"""Leases name their holder (host, pid, start time) and outlive no holder on this host: a
`collect` killed with SIGKILL mid-poll leaves nothing the next `collect` must skip."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psycopg

from sampleweb.server import LocalWeb
from scheduler.jobs import PollScheduler
from scheduler.leases import local_host, make_node_id, parse_holder, process_start, release_dead_local_leases
from settings import SourceConfig, load_config
from sources import Fetcher
from store.times import utc_now
from tests.fixtures import utf8_atom
from tests.running import service_cli, wait_for
from tests.support import ROOT, open_test_store, query

SOURCES = ("k0", "k1", "k2")


def _config(tmp_path: Path, storage_url: str, web: LocalWeb) -> Path:
    path = tmp_path / "config.toml"
    sources = "".join(f'[[sources]]\nid = "{s}"\nkind = "feed"\nurl = "{web.url(f"/{s}.xml")}"\n'
                      for s in SOURCES)
    path.write_text(textwrap.dedent(f"""
        [service]
        data_dir = "{tmp_path / 'data'}"
        [storage]
        url = "{storage_url}"
        [fetch]
        timeout = 120
        min_delay = 0
        delay_factor = 0
        respect_robots = false
        [scheduler]
        parse_processes = 0
        """) + sources, encoding="utf-8")
    return path


def _leases(storage_url: str) -> dict[str, str]:
    return dict(query(storage_url, "SELECT id, leased_by FROM sources WHERE leased_by IS NOT NULL"))


def test_node_id_is_host_pid_and_start_time():
    holder = parse_holder(make_node_id())
    assert holder is not None
    assert (holder.host, holder.pid, holder.start) == (local_host(), os.getpid(), process_start(os.getpid()))
    assert holder.host.startswith(socket.gethostname())
    assert holder.start.isdigit()


def test_a_lease_of_a_reused_pid_is_released(storage_url):
    """Same host and a live pid, but another start time: the holder is gone, the pid reused."""
    store = open_test_store(storage_url)
    with store.transaction() as tx:
        tx.sync_sources([SourceConfig(id=i, name=i, kind="feed", url="http://127.0.0.1/x", interval=60)
                         for i in ("old", "live", "container")])
        start = int(process_start(os.getpid()))
        tx.claim_source("old", f"{local_host()}:{os.getpid()}:{start - 100}", utc_now(), 600, False)
        tx.claim_source("live", make_node_id(), utc_now(), 600, False)
        # same hostname, another PID namespace (a container with host networking): its pids
        # are not ours to look up, so its lease is left to expire
        tx.claim_source("container", f"{socket.gethostname()}/pidns1:{2**22 + 7}:{start}", utc_now(), 600, False)
    assert release_dead_local_leases(store) == ["old"]
    with store.read() as tx:
        assert sorted(tx.leases()) == ["container", "live"]


def test_collect_killed_mid_poll_leaves_no_lease_the_next_collect_skips(tmp_path, storage_url):
    with LocalWeb() as web:
        for source in SOURCES:  # every fetch hangs: the collect is killed while holding all three
            web.add(f"/{source}.xml", utf8_atom([(f"{source}-1", f"{source}园区新闻", "2023-08-28T09:00:00+08:00")]),
                    delay=60)
        config = _config(tmp_path, storage_url, web)
        assert service_cli(config, "migrate").returncode == 0
        collect = subprocess.Popen([sys.executable, str(ROOT / "service.py"), "--config", str(config), "collect"],
                                   cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            leases = wait_for(lambda: len(_leases(storage_url)) == len(SOURCES) and _leases(storage_url), 60)
            assert leases, "the collect never claimed its sources"
            holder = f"{local_host()}:{collect.pid}:{process_start(collect.pid)}"
            assert set(leases.values()) == {holder}

            status = service_cli(config, "status")  # while it runs: who holds each lease, since when
            assert status.returncode == 0, status.stderr
            for source in SOURCES:
                assert f"{source}: being polled by {local_host()} pid {collect.pid} ({holder}) since 20" \
                    in status.stdout
        finally:
            collect.send_signal(signal.SIGKILL)
            collect.wait(timeout=30)
        assert set(_leases(storage_url)) == set(SOURCES)  # SIGKILL: nothing was released

        for source in SOURCES:
            web.add(f"/{source}.xml", utf8_atom([(f"{source}-1", f"{source}园区新闻", "2023-08-28T09:00:00+08:00")]))
        again = service_cli(config, "collect")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "skipped" not in again.stdout
    for source in SOURCES:
        assert f"{source}: ok, 1 new" in again.stdout
    assert _leases(storage_url) == {}


@contextlib.contextmanager
def _admin(storage_url: str):
    """A connection of its own, as an operator's psql or sqlite3 shell would have."""
    if storage_url.startswith("sqlite:///"):
        connection = sqlite3.connect(storage_url[len("sqlite:///"):], isolation_level=None)
    else:
        connection = psycopg.connect(storage_url, autocommit=True)
    try:
        yield connection
    finally:
        connection.close()


def test_a_poll_the_store_refuses_gives_its_lease_back_when_the_store_answers(write_config, storage_url):
    """The store fails under a running poll (here its table vanishes, as for a node cut off from
    PostgreSQL): neither the items nor the failure can be written, so the lease stays; once the
    store answers again the node records the failure, which releases the lease, within seconds."""
    feed = utf8_atom([("x-1", "园区新闻", "2023-08-28T09:00:00+08:00")])
    with LocalWeb() as web:
        body = ""
        for source in ("a", "b"):
            web.add(f"/{source}.xml", feed, delay=2)
            body += f'[[sources]]\nid = "{source}"\nkind = "feed"\nurl = "{web.url(f"/{source}.xml")}"\ninterval = "1h"\n'
        config = load_config(write_config(body))
        store = open_test_store(config.storage.url)
        with store.transaction() as tx:
            tx.sync_sources(config.sources)
        poller = PollScheduler(config, Fetcher(config.fetch), store, render=lambda: None, store_retry=0.5)
        poller.start()
        try:
            poller.poll_now("a")
            poller.poll_now("b")
            assert wait_for(lambda: len(_leases(storage_url)) == 2, 30)
            with _admin(storage_url) as admin:
                admin.execute("ALTER TABLE sources RENAME TO sources_gone")
            assert wait_for(lambda: web.count("/a.xml") and web.count("/b.xml"), 30)
            time.sleep(4)  # the fetches end (2 s), their writes and failure records are refused
            with _admin(storage_url) as admin:
                held = admin.execute("SELECT id, leased_by FROM sources_gone WHERE leased_by IS NOT NULL").fetchall()
                assert dict(held) == {"a": poller.node_id, "b": poller.node_id}
                admin.execute("ALTER TABLE sources_gone RENAME TO sources")
            started = time.monotonic()
            assert wait_for(lambda: _leases(storage_url) == {}, 20), "leases kept after the store returned"
            released_after = time.monotonic() - started
        finally:
            poller.shutdown(grace=1)
    rows = query(storage_url, "SELECT id, error_kind, last_error FROM sources ORDER BY id")
    assert [(r[0], r[1]) for r in rows] == [("a", "store"), ("b", "store")]
    assert all(r[2].startswith("store error") for r in rows)
    print(f"leases released {released_after:.1f} s after the store answered again")
