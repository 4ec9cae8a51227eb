"""The front process: readers answered there, operator routes forwarded to this process, restarts."""

from __future__ import annotations

import os
import signal
import threading
import time
from dataclasses import replace
from functools import partial

import pytest

from app.http import install_ops_routes
from app.routes import PROBES, ops_actions, ops_pages
from feeds.build import build_feeds
from feeds.live import feed_site
from feeds.server import make_server
from obs.logs import setup_logging
from store import open_store
from tests.feeds.stories import SOURCES_TOML, fill_store
from tests.feeds.test_server import request
from tests.running import wait_for

TOKEN = "s3cret-admin-token-for-tests"


@pytest.fixture
def front(load):
    config = load(SOURCES_TOML)
    fill_store(config)
    store = open_store(config.storage.url)
    build_feeds(config, store)
    polled: list[str] = []
    server = make_server("127.0.0.1", 0, feed_site(lambda: config, store), settings=config.server,
                         front_logs=partial(setup_logging, "INFO"))
    install_ops_routes(server, ops_pages(lambda: config, store, lambda: True),
                       ops_actions(lambda source: polled.append(source) is None), TOKEN, PROBES)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, server.server_address[1], polled
    server.shutdown()
    server.server_close()
    thread.join(10)
    assert not thread.is_alive()
    store.close()


def test_polls_views_probes_and_actions_through_the_front(front):
    server, port, polled = front
    status, headers, _ = request(port, "/feeds/all.atom")
    assert status == 200 and server.front_pid not in (None, os.getpid())
    assert request(port, "/feeds/all.atom", If_None_Match=headers["etag"])[0] == 304
    status, _, body = request(port, "/feeds/all.atom?q=%E6%8B%9B%E5%95%86")  # a view, from the store here
    assert status == 200 and "云阳县召开招商引资推进会" in body.decode()
    assert request(port, "/feeds/all.atom?limit=0")[2] == b"400 limit must be a whole number of at least 1, got '0'\n"
    assert request(port, "/readyz")[2] == b"ready\n"
    assert request(port, "/status.json")[0] == 200
    assert request(port, "/admin/collect?source=kfq", method="POST", Authorization=f"Bearer {TOKEN}")[0] == 202
    assert polled == ["kfq"]


def test_a_front_that_dies_is_started_again(front):
    server, port, _ = front
    assert request(port, "/feeds/all.atom")[0] == 200
    first = server.front_pid
    os.kill(first, signal.SIGKILL)
    deadline = time.monotonic() + 20
    while server.front_pid in (None, first) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert server.front_pid not in (None, first)
    assert request(port, "/feeds/all.atom")[0] == 200  # the socket stayed open: nothing was refused


class _NoReads:
    """A store this process cannot read: what it serves must come from somewhere else."""

    def read(self):
        raise RuntimeError("read in the service process")


def test_views_and_reading_pages_come_from_the_fronts_own_store(load):
    config = load(SOURCES_TOML)
    fill_store(config)
    build_feeds(config, open_store(config.storage.url))
    current = {"config": config}
    server = make_server("127.0.0.1", 0, feed_site(lambda: current["config"], _NoReads()),
                         settings=config.server, front_logs=partial(setup_logging, "INFO"))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    try:
        status, _, body = request(port, "/feeds/all.atom?q=%E6%8B%9B%E5%95%86")
        assert status == 200 and "云阳县召开招商引资推进会" in body.decode()
        status, _, body = request(port, "/search?q=%E6%8B%9B%E5%95%86")
        assert status == 200 and "云阳县召开招商引资推进会" in body.decode()
        assert request(port, "/")[0] == 200

        # a reload reaches the front: the view is rendered again under the new title
        current["config"] = replace(config, feeds=(replace(config.feeds[0], title="改过的标题"),))
        server.refresh_front()
        assert wait_for(lambda: "改过的标题" in request(port, "/feeds/all.atom?limit=5")[2].decode(), 10)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
