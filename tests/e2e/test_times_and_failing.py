"""What people read: times in `service.timezone` with their offset (index, /status, `status`,
`explain`), no invented date on an empty feed, and an index that says when every source fails."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from lxml import etree

import service
from app.routes import ops_pages
from settings import load_config
from store import open_store
from tests.feeds.validity import A, atom_rule_errors, rss_profile_errors
from tests.fixtures import utf8_atom

TOKYO = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d \+09:00")


def _config(tmp_path: Path, storage_url: str, sources: dict[str, str]) -> Path:
    """A config in Asia/Tokyo (+09:00 all year), so no time can pass for UTC or for Shanghai."""
    blocks = "".join(f'[[sources]]\nid = "{i}"\nname = "{i}"\nkind = "feed"\nurl = "{url}"\n'
                     for i, url in sources.items())
    path = tmp_path / "config.toml"
    path.write_text(f"""
[service]
data_dir = "{tmp_path / 'data'}"
timezone = "Asia/Tokyo"
[storage]
url = "{storage_url}"
[fetch]
min_delay = 0
delay_factor = 0
timeout = 5
respect_robots = false
{blocks}""", encoding="utf-8")
    return path


def _index(tmp_path: Path) -> str:
    return (tmp_path / "data" / "public" / "index.html").read_text(encoding="utf-8")


def test_index_status_and_explain_show_times_in_the_service_zone(web, tmp_path, storage_url, capsys):
    url = web.add("/kfq.xml", utf8_atom([("k1", "经开区新签约项目", "2023-08-28T09:00:00+08:00")]))
    config = _config(tmp_path, storage_url, {"kfq": url})
    assert service.main(["--config", str(config), "collect"]) == 0

    index = _index(tmp_path)
    assert "Last update: 2023-08-28 10:00 +09:00." in index and "Times are Asia/Tokyo." in index
    assert "<th>Updated (Asia/Tokyo)</th>" in index and "<td>2023-08-28 10:00 +09:00</td>" in index
    assert "Every source is failing" not in index

    capsys.readouterr()
    assert service.main(["--config", str(config), "status"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0] == "times in Asia/Tokyo"
    assert len(TOKYO.findall(next(line for line in table if line.startswith("kfq")))) == 2  # success, next poll

    assert service.main(["--config", str(config), "explain", web.url("/a/k1.html")]) == 0
    assert "published 2023-08-28 10:00 +09:00," in capsys.readouterr().out

    loaded = load_config(config)
    store = open_store(loaded.storage.url)
    try:
        page = ops_pages(lambda: loaded, store, lambda: True)["/status"]().body.decode()
    finally:
        store.close()
    assert "times in Asia/Tokyo" in page and len(TOKYO.findall(page)) == 3  # generated, success, next poll
    assert "Z<" not in page


def test_an_empty_feed_carries_no_invented_date(web, tmp_path, storage_url):
    url = web.add("/empty.xml", '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
                  "<link>http://127.0.0.1/</link><description>d</description></channel></rss>")
    config = _config(tmp_path, storage_url, {"quiet": url})
    before = datetime.now(UTC).replace(microsecond=0)
    assert service.main(["--config", str(config), "collect"]) == 0
    feeds = tmp_path / "data" / "public" / "feeds"

    rss = (feeds / "all.rss").read_bytes()
    assert etree.fromstring(rss).find("channel/lastBuildDate") is None and rss_profile_errors(rss) == []
    assert "_zonefeed" not in json.loads((feeds / "all.json").read_bytes())
    atom = (feeds / "all.atom").read_bytes()  # RFC 4287 requires an updated: the time of rendering
    updated = datetime.fromisoformat(etree.fromstring(atom).findtext(f"{A}updated"))
    assert before <= updated <= datetime.now(UTC) + timedelta(seconds=1) and updated.utcoffset() == timedelta(hours=9)
    assert atom_rule_errors(atom) == []
    assert "Last update: —." in _index(tmp_path)


@pytest.mark.parametrize("healthy", [False, True])
def test_the_index_says_when_every_source_is_failing(web, tmp_path, storage_url, healthy):
    good = web.add("/good.xml", utf8_atom([("k1", "经开区新签约项目", "2023-08-28T09:00:00+08:00")]))
    sources = {"down": web.url("/missing.xml"), "refused": "http://127.0.0.1:9/feed.xml"}
    config = _config(tmp_path, storage_url, {**sources, **({"good": good} if healthy else {})})
    assert service.main(["--config", str(config), "collect"]) == 1
    assert ("Every source is failing" in _index(tmp_path)) is not healthy


def test_the_failing_banner_goes_when_a_source_recovers(web, tmp_path, storage_url):
    config = _config(tmp_path, storage_url, {"kfq": web.url("/kfq.xml")})
    assert service.main(["--config", str(config), "collect"]) == 1
    assert "Every source is failing" in _index(tmp_path)
    web.add("/kfq.xml", utf8_atom([("k1", "经开区新签约项目", "2023-08-28T09:00:00+08:00")]))
    assert service.main(["--config", str(config), "collect"]) == 0
    assert "Every source is failing" not in _index(tmp_path)
