"""The service as an operator starts it: `run` and `demo` in a subprocess, talked to over HTTP."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import time

import feedparser
import pytest
import requests

import service
from bench.nginx import free_port
from tests.running import service_cli, start_command, wait_for


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


def _demo_polls(base: str) -> dict[str, int]:
    """Polls so far per source of a running demo (from /status.json)."""
    return {s["id"]: s["polls"] for s in requests.get(base + "/status.json", timeout=5).json()["sources"]}


def _demo_run(args: list[str], directory, polls_before: dict[str, int]) -> tuple[dict[str, str], dict[str, int]]:
    """Start the demo, wait until every source was polled once more than before (a restart polls
    when the stored next poll is due: within the demo's 1 min interval), stop it (it renders once
    more on the way out); return the exported combined feed's {id: link} and the polls."""
    process, base = start_command(["demo", *args, "--dir", str(directory)])
    try:
        polls = wait_for(lambda: (lambda now: now if now and all(
            now[s] > polls_before.get(s, 0) for s in now) else None)(_demo_polls(base)), 100, 0.5)
        assert polls, "not every demo source was polled within 100 s"
    finally:
        assert _stop(process) == 0
    items = json.loads((directory / "public" / "feeds" / "all.json").read_bytes())["items"]
    return {item["id"]: item["url"] for item in items}, polls


@pytest.mark.slow
def test_demo_restarted_keeps_its_stories_and_urls(tmp_path):
    """Two starts of the demo on the same ports: the same stories under the same ids and links,
    none added twice (a sample web on a new port each start made every story new again)."""
    args = ["--port", str(free_port()), "--web-port", str(free_port())]
    first, polls = _demo_run(args, tmp_path, {})
    assert len(first) >= 5
    second, _ = _demo_run(args, tmp_path, polls)
    assert second == first
    header = (tmp_path / "config.toml").read_text(encoding="utf-8").splitlines()[:2]
    assert header[0].startswith("# Written by `zonefeed demo`") and f"127.0.0.1:{args[3]}/" in header[1]


def test_demo_on_a_taken_sample_web_port_is_one_line(tmp_path, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert service.main(["demo", "--web-port", str(port), "--dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"127.0.0.1:{port}" in err and "--web-port" in err
