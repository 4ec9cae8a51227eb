"""WebSub: the hub is advertised in every format and pinged once per changed feed URL."""

from __future__ import annotations

import json
from dataclasses import replace
from urllib.parse import parse_qs

import pytest
from lxml import etree

from feeds.build import build_feeds
from settings import ConfigError, load_config
from store import open_store
from tests.feeds.stories import SOURCES_TOML, appearance, fill_store
from tests.feeds.validity import A

FEEDS_TOML = """
[[feeds]]
id = "all"
title = "全部"

[[feeds]]
id = "wanzhou"
title = "万州区"
regions = ["万州区"]
"""


def hub_config(load, hub_url: str):
    config = load(SOURCES_TOML + FEEDS_TOML)
    return replace(config, service=replace(config.service, websub_hub=hub_url))


def test_hub_url_is_validated_with_its_key_path(write_config):
    path = write_config('[service]\nwebsub_hub = "not a url"\n', header=False)
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert "service.websub_hub: bad URL 'not a url'" in str(error.value)
    path.write_text('[service]\nwebsub_hub = "https://hub.example/"\n', encoding="utf-8")
    assert load_config(path).service.websub_hub == "https://hub.example/"


def test_hub_is_advertised_and_pinged_after_changes(web, load):
    hub = web.add("/hub", b"", "text/plain", status=204)
    config = hub_config(load, hub)
    fill_store(config)
    store = open_store(config.storage.url)
    try:
        build_feeds(config, store)
        topics = [parse_qs(body.decode())["hub.url"][0] for _, body in web.posts]
        assert all(parse_qs(body.decode())["hub.mode"] == ["publish"] for _, body in web.posts)
        assert sorted(topics) == sorted(f"http://127.0.0.1:8080/feeds/{f}.{x}"
                                        for f in ("all", "wanzhou") for x in ("atom", "rss", "json"))
        public = config.service.data_dir / "public"
        atom = etree.parse(str(public / "feeds" / "all.atom")).getroot()
        assert atom.find(f"{A}link[@rel='hub']").get("href") == hub
        rss = etree.parse(str(public / "feeds" / "all.rss")).getroot()
        assert rss.find(f"channel/{A}link[@rel='hub']").get("href") == hub
        assert json.loads((public / "feeds" / "all.json").read_bytes())["hubs"] == [{"type": "WebSub", "url": hub}]

        web.posts.clear()
        build_feeds(config, store)  # nothing changed: no ping
        assert web.posts == []
        fill_store(config, [appearance("yunyang", 0, "云阳县最新消息")])  # not in the 万州区 feed
        build_feeds(config, store)
        assert sorted(parse_qs(b.decode())["hub.url"][0] for _, b in web.posts) == [
            f"http://127.0.0.1:8080/feeds/all.{x}" for x in ("atom", "json", "rss")]
    finally:
        store.close()


def test_unreachable_hub_does_not_stop_publishing(load):
    config = hub_config(load, "http://127.0.0.1:9/hub")
    fill_store(config)
    store = open_store(config.storage.url)
    try:
        assert "feeds/all.atom" in build_feeds(config, store)
    finally:
        store.close()
