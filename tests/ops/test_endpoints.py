"""Operator endpoints of a running service: status, health, metrics, admin actions, reload."""

from __future__ import annotations

import signal
from datetime import UTC, datetime

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from tests.fixtures import utf8_atom
from tests.running import service_cli, start_service, wait_for

TOKEN = "s3cret-admin-token-for-tests"
FEED = utf8_atom([("k1", "经开区新签约项目", "2023-08-28T09:00:00+08:00"),
                  ("k2", "园区企业投产", "2023-08-29T09:00:00+08:00")])


def _sources(web, *ids: str) -> str:
    urls = {"good": web.url("/good.xml"), "down": web.url("/down.xml"), "later": web.url("/later.xml")}
    return "".join(f'[[sources]]\nid = "{i}"\nkind = "feed"\nurl = "{urls[i]}"\ninterval = "2s"\n'
                   for i in ids)


def _status(base: str) -> dict:
    return {s["id"]: s for s in requests.get(base + "/status.json", timeout=5).json()["sources"]}


@pytest.mark.slow
def test_status_health_metrics_and_admin_collect(web, write_config, tmp_path):
    web.add("/good.xml", FEED)
    web.add("/down.xml", b"gone", "text/plain", status=503)
    config = write_config(f'[server]\nport = 0\nadmin_token = "{TOKEN}"\n'
                          '[scheduler]\nmax_backoff = "1h"\n' + _sources(web, "good", "down"))
    process, base = start_service(config, tmp_path / "service.log")
    try:
        status = wait_for(lambda: (s := _status(base))["down"]["polls"] and s["good"]["polls"] and s, 20)
        down, good = status["down"], status["good"]
        assert down["state"] == "failing" and down["consecutive_failures"] >= 1
        assert down["last_error"] == f"HTTP 503 from {web.url('/down.xml')}"
        next_poll = datetime.strptime(down["next_poll_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        assert next_poll > datetime.now(UTC).replace(microsecond=0)
        assert good["state"] == "ok" and good["items_24h"] == good["items_7d"] == 2
        assert good["last_error"] is None and good["last_success_at"]

        page = requests.get(base + "/status", timeout=5)
        assert page.headers["Content-Type"].startswith("text/html")
        assert "HTTP 503 from" in page.text and 'id="good"' in page.text
        assert requests.get(base + "/healthz", timeout=5).status_code == 200
        assert requests.get(base + "/readyz", timeout=5).text == "ready\n"

        metrics = requests.get(base + "/metrics", timeout=5)
        families = {f.name: f for f in text_string_to_metric_families(metrics.text)}
        fetches = {(s.labels["source"], s.labels["outcome"]): s.value
                   for s in families["zonefeed_fetches"].samples if s.name == "zonefeed_fetches_total"}
        assert fetches[("good", "ok")] >= 1 and fetches[("down", "error")] >= 1
        items = {s.labels["source"]: s.value for s in families["zonefeed_items"].samples}
        assert items["good"] >= 2 and "down" not in items
        failures = {s.labels["source"]: s.value
                    for s in families["zonefeed_source_consecutive_failures"].samples}
        assert failures["down"] >= 1 and failures["good"] == 0
        assert "good" in {s.labels["source"] for s in
                          families["zonefeed_source_last_success_timestamp_seconds"].samples}
        assert {"zonefeed_fetch_seconds", "zonefeed_items", "zonefeed_dedupe_merges",
                "zonefeed_render_seconds", "zonefeed_stories"} <= families.keys()
        assert families["zonefeed_stories"].samples[0].value == 2

        # admin action: no/wrong token refused, right token polls now, even a backed-off source
        polls_before = web.count("/down.xml")
        assert requests.post(base + "/admin/collect?source=down", timeout=5).status_code == 403
        assert requests.post(base + "/admin/collect?source=down", timeout=5,
                             headers={"Authorization": "Bearer wrong-token-wrong-token"}).status_code == 403
        auth = {"Authorization": f"Bearer {TOKEN}"}
        assert requests.post(base + "/admin/collect?source=nope", headers=auth, timeout=5).status_code == 404
        accepted = requests.post(base + "/admin/collect?source=down", headers=auth, timeout=5)
        assert accepted.status_code == 202 and accepted.json() == {"queued": "down"}
        assert wait_for(lambda: web.count("/down.xml") > polls_before, 5)
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    log = (tmp_path / "service.log").read_text()
    poll_lines = [line for line in log.splitlines() if "event=collect" in line]
    assert poll_lines and all(" source=" in line for line in poll_lines)
    assert "event=collect_failed source=down kind=error failures=1" in log


@pytest.mark.slow
def test_admin_actions_do_not_exist_without_a_token(web, write_config, tmp_path):
    web.add("/good.xml", FEED)
    config = write_config("[server]\nport = 0\n" + _sources(web, "good"))
    process, base = start_service(config, tmp_path / "service.log")
    try:
        assert requests.post(base + "/admin/collect?source=good", timeout=5,
                             headers={"Authorization": "Bearer "}).status_code == 404
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0


@pytest.mark.slow
def test_reload_adds_removes_and_changes_sources_without_restart(web, write_config, tmp_path):
    web.add("/good.xml", FEED)
    web.add("/down.xml", FEED)
    web.add("/later.xml", utf8_atom([("l1", "新设园区", "2023-08-30T09:00:00+08:00")]))
    header = "[server]\nport = 0\n"
    config = write_config(header + _sources(web, "good", "down"))
    process, base = start_service(config, tmp_path / "service.log")
    try:
        assert wait_for(lambda: web.count("/down.xml") and web.count("/good.xml"), 15)
        write_config(header + _sources(web, "good", "later").replace('interval = "2s"', 'interval = "1h"', 1))
        reload = service_cli(config, "reload")
        assert reload.returncode == 0 and f"process {process.pid}" in reload.stdout
        assert wait_for(lambda: web.count("/later.xml"), 15)
        status = _status(base)
        assert set(status) == {"good", "later"} and status["good"]["interval_seconds"] == 3600
        removed_polls, good_polls = web.count("/down.xml"), web.count("/good.xml")
        assert wait_for(lambda: web.count("/later.xml") >= 3, 10)
        assert web.count("/down.xml") == removed_polls  # removed: no longer polled
        assert web.count("/good.xml") <= good_polls + 1  # now hourly
        # a broken config is refused, by the command and by the service, which keeps the last good one
        good_config = config.read_text()
        config.write_text(good_config + "\n[[sources]]\nid = 1\n", encoding="utf-8")
        assert service_cli(config, "reload").returncode == 2
        process.send_signal(signal.SIGHUP)
        log = tmp_path / "service.log"
        assert wait_for(lambda: "event=reload_failed" in log.read_text(), 5)
        later_polls = web.count("/later.xml")
        assert wait_for(lambda: web.count("/later.xml") > later_polls, 5) and process.poll() is None
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    config.write_text(good_config, encoding="utf-8")
    assert service_cli(config, "reload").returncode == 1  # nothing running any more
