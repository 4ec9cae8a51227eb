"""Every feed the demo publishes (and the fixture feeds of the end-to-end test) is valid."""

from __future__ import annotations

import json
from pathlib import Path

import service
from sampleweb.demo import HERE as SAMPLEWEB
from tests.feeds.validity import atom_rule_errors, jing_errors, json_feed_errors, rss_profile_errors
from tests.fixtures import gb2312_feed, utf8_atom


def assert_export_valid(public: Path) -> None:
    atoms = sorted(public.rglob("*.atom"))
    assert atoms and jing_errors(atoms) == ""
    for path in atoms:
        assert atom_rule_errors(path.read_bytes()) == [], path
    for path in sorted(public.rglob("*.rss")):
        assert rss_profile_errors(path.read_bytes()) == [], path
    for path in sorted(public.rglob("*.json")):
        assert json_feed_errors(path.read_bytes()) == [], path
        assert json.loads(path.read_bytes())["items"], path


def test_demo_feeds_are_valid(web, tmp_path):
    web.add_directory(SAMPLEWEB / "site")
    template = (SAMPLEWEB / "demo.toml").read_text(encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text(template.replace("{web}", web.base_url).replace("{port}", "8080"), encoding="utf-8")
    assert service.main(["--config", str(config), "collect"]) == 0
    public = tmp_path / "public"
    assert len(list(public.glob("feeds/*.atom"))) == 2
    assert_export_valid(public)


def test_fixture_feeds_are_valid(web, write_config, tmp_path):
    web.add("/yunyang/rss.xml", gb2312_feed(), "text/xml")
    web.add("/kfq/atom.xml", utf8_atom([("k1", "经开区新签约项目", "2023-08-28T09:00:00+08:00"),
                                        ("k2", "经开区用工对接会", "2023-08-27T16:00:00+08:00")]))
    config = write_config(f"""
        [[sources]]
        id = "yunyang"
        kind = "feed"
        url = "{web.url('/yunyang/rss.xml')}"
        region = ["云阳县"]
        [[sources]]
        id = "kfq"
        kind = "feed"
        url = "{web.url('/kfq/atom.xml')}"
        [[feeds]]
        id = "all"
        title = "全部"
        max_items = 2
        [[feeds]]
        id = "yunyang"
        title = "云阳"
        regions = ["云阳县"]
        """)
    assert service.main(["--config", str(config), "collect"]) == 0
    public = tmp_path / "data" / "public"
    assert (public / "feeds" / "archive" / "all" / "2.atom").exists()
    assert_export_valid(public)
