"""The service as an operator starts it: `run` and `demo` in a subprocess, talked to over HTTP."""

from __future__ import annotations

import signal
import subprocess
import time

import feedparser
import pytest
import requests

from tests.running import service_cli, start_command


def _stop(process: subprocess.Popen) -> int:
    process.send_signal(signal.SIGINT)
    return process.wait(timeout=20)


@pytest.mark.slow
def test_run_serves_feeds_and_unreachable_sources_do_not_crash_it(write_config, tmp_path):
    config = write_config(
        """
        [server]
        port = 0
        [[sources]]
        id = "unreachable"
        kind = "feed"
        url = "http://127.0.0.1:9/feed.xml"
        """
    )
    process, base = start_command(["--config", str(config), "run"])
    try:
        index = requests.get(base + "/", timeout=5)
        assert index.status_code == 200 and "feeds/all.atom" in index.text
        for extension in ("atom", "rss"):
            response = requests.get(f"{base}/feeds/all.{extension}", timeout=5)
            assert response.status_code == 200
            assert not feedparser.parse(response.content).bozo
            again = requests.get(f"{base}/feeds/all.{extension}", timeout=5,
                                 headers={"If-None-Match": response.headers["ETag"]})
            assert again.status_code == 304 and again.content == b""
        assert requests.get(base + "/feeds/../../etc/passwd", timeout=5).status_code == 404
        line, deadline = "", time.monotonic() + 30
        while "cannot connect" not in line and time.monotonic() < deadline:
            time.sleep(0.5)
            status = service_cli(config, "status")
            line = next(x for x in status.stdout.splitlines() if x.startswith("unreachable"))
        assert "cannot connect to 127.0.0.1:9" in line
    finally:
        assert _stop(process) == 0


@pytest.mark.slow
def test_demo_shows_entries_within_60_seconds(tmp_path):
    process, base = start_command(["demo"])
    try:
        deadline = time.monotonic() + 60
        counts = {}
        while time.monotonic() < deadline:
            counts = {ext: len(feedparser.parse(requests.get(f"{base}/feeds/all.{ext}", timeout=5).content).entries)
                      for ext in ("atom", "rss")}
            if min(counts.values()) >= 5:
                break
            time.sleep(1)
        assert min(counts.values()) >= 5, counts
    finally:
        assert _stop(process) == 0
