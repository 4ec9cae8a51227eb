"""Rendering and the static export: validity, stable bytes, related links, archives, OPML, index."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree

from feeds.build import build_feeds
from feeds.server import Representation
from store import open_store
from tests.feeds.stories import SOURCES_TOML, appearance, fill_store
from tests.feeds.validity import A, atom_rule_errors, jing_errors, json_feed_errors, rss_profile_errors

FEEDS_TOML = """
[[feeds]]
id = "all"
title = "全部"
description = "Everything"

[[feeds]]
id = "yunyang"
title = "云阳县"
regions = ["云阳县"]

[[feeds]]
id = "paged"
title = "分页"
max_items = 2
"""
HISTORY = "{http://purl.org/syndication/history/1.0}"


@pytest.fixture
def config(load):
    return load(SOURCES_TOML + FEEDS_TOML)


def build(config) -> Path:
    store = open_store(config.storage.url)
    try:
        build_feeds(config, store)
    finally:
        store.close()
    return config.service.data_dir / "public"


def atom(path: Path) -> etree._Element:
    return etree.parse(str(path)).getroot()


def test_every_feed_file_is_valid(config):
    fill_store(config)
    public = build(config)
    atoms = sorted(public.rglob("*.atom"))
    assert len(atoms) == 3 + 2  # three feeds, plus two full archive pages of "paged"
    assert jing_errors(atoms) == ""
    for path in atoms:
        assert atom_rule_errors(path.read_bytes()) == [], path
    for path in sorted(public.rglob("*.rss")):
        assert rss_profile_errors(path.read_bytes()) == [], path
    for path in sorted(public.rglob("*.json")):
        assert json_feed_errors(path.read_bytes()) == [], path


def test_validators_catch_broken_feeds(config, tmp_path):
    """The checks above can fail: a naive date, a missing author, a duplicate guid, a relative link."""
    fill_store(config)
    public = build(config)
    text = (public / "feeds" / "all.atom").read_text(encoding="utf-8")
    broken = text.replace("+08:00</published>", "</published>", 1)
    broken = broken.replace("<author>\n    <name>zonefeed</name>\n  </author>", "", 1)
    first_author = broken.index("<author>", broken.index("<entry>"))
    broken = broken[:first_author] + broken[broken.index("</author>", first_author) + 9:]
    errors = atom_rule_errors(broken.encode())
    assert any("RFC 3339" in e for e in errors) and any("author" in e for e in errors)
    (tmp_path / "bad.atom").write_text(broken.replace("<id>", "<idx>", 1).replace("</id>", "</idx>", 1),
                                       encoding="utf-8")
    assert "idx" in jing_errors([tmp_path / "bad.atom"])
    rss = (public / "feeds" / "all.rss").read_text(encoding="utf-8")
    guids = etree.fromstring(rss.encode()).findall("channel/item/guid")
    rss = rss.replace(guids[1].text, guids[0].text).replace("<link>http://yunyang.example", "<link>/x", 1)
    errors = rss_profile_errors(rss.encode())
    assert "duplicate guids" in errors and any("not absolute" in e for e in errors)
    feed = json.loads((public / "feeds" / "all.json").read_bytes())
    feed["items"][1]["id"] = feed["items"][0]["id"]
    feed["items"][0]["date_published"] = "2026-11-20 11:00:00"
    errors = json_feed_errors(json.dumps(feed).encode())
    assert "duplicate item ids" in errors and any("not RFC 3339" in e for e in errors)


def test_same_stories_give_identical_bytes_and_etags(config, tmp_path):
    outputs = []
    for name in ("one", "two"):
        copy = replace(config, service=replace(config.service, data_dir=tmp_path / name),
                       storage=replace(config.storage, url=f"sqlite:///{tmp_path / name / 'db.sqlite'}"))
        fill_store(copy)
        public = build(copy)
        outputs.append({p.relative_to(public): p.read_bytes() for p in public.rglob("*") if p.is_file()})
    assert len(outputs[0]) > 10 and outputs[0] == outputs[1]
    etags = {Representation.of(o[Path("feeds/all.atom")], "x", 0).etag for o in outputs}
    assert len(etags) == 1


def test_rebuild_without_changes_writes_nothing(config):
    fill_store(config)
    public = build(config)
    before = {p: p.stat().st_mtime_ns for p in public.rglob("*")}
    store = open_store(config.storage.url)
    try:
        assert build_feeds(config, store) == []
        fill_store(config, [appearance("yunyang", 9, "新的一条")])
        changed = build_feeds(config, store)
    finally:
        store.close()
    assert "feeds/all.atom" in changed and "feeds/all.json" in changed
    assert "feed.xsl" not in changed
    assert (public / "feed.xsl").stat().st_mtime_ns == before[public / "feed.xsl"]


def test_atom_entry_carries_related_links_source_and_provenance(config):
    fill_store(config)
    root = atom(build(config) / "feeds" / "all.atom")
    entry = next(e for e in root.findall(f"{A}entry") if e.findtext(f"{A}title") == "云阳县工业园区新签约项目8个")
    links = {(link.get("rel"), link.get("href")) for link in entry.findall(f"{A}link")}
    assert links == {("alternate", "http://yunyang.example/news/1.html"),
                     ("related", "http://kfq.example/news/copy-1.html")}
    assert "http://kfq.example/news/copy-1.html" in entry.findtext(f"{A}content")
    assert entry.find(f"{A}source/{A}id").text == "http://yunyang.example/rss.xml"
    credited = next(e for e in root.findall(f"{A}entry") if e.findtext(f"{A}title") == "云阳县召开招商引资推进会")
    assert credited.findtext(f"{A}author/{A}name") == "云阳县人民政府"
    assert root.findtext(f"{A}updated") == "2026-11-20T12:00:00+08:00"  # newest entry, not the clock
    assert root.getprevious().target == "xml-stylesheet"


def test_rss_has_content_encoded_dates_and_source(config):
    fill_store(config)
    channel = etree.parse(str(build(config) / "feeds" / "yunyang.rss")).getroot().find("channel")
    assert channel.findtext("language") == "zh-CN"
    # The newest change: the cross-posted story was updated when its copy's link was corrected.
    assert channel.findtext("lastBuildDate") == "Fri, 20 Nov 2026 12:00:00 +0800"
    item = channel.find("item")
    assert item.findtext("pubDate") == "Fri, 20 Nov 2026 11:00:00 +0800"
    assert "正文 & 详情</p><hr/>" in item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded")
    assert item.find("source").get("url") == "http://yunyang.example/rss.xml"


def test_json_feed(config):
    fill_store(config)
    feed = json.loads((build(config) / "feeds" / "all.json").read_bytes())
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["feed_url"] == "http://127.0.0.1:8080/feeds/all.json"
    assert feed["language"] == "zh-CN"
    assert len(feed["items"]) == 5 and len({i["id"] for i in feed["items"]}) == 5
    item = next(i for i in feed["items"] if i["title"] == "云阳县工业园区新签约项目8个")
    assert item["date_published"] == "2026-11-20T11:00:00+08:00"
    assert item["_zonefeed"]["also_at"] == [{"source": "万州经开区", "url": "http://kfq.example/news/copy-1.html"}]
    assert set(item["tags"]) >= {"重庆市", "开发区"}


def test_archive_pages_cover_the_whole_history(config):
    fill_store(config)
    public = build(config)
    current = atom(public / "feeds" / "paged.atom")
    seen = [e.findtext(f"{A}id") for e in current.findall(f"{A}entry")]
    # Newest two by date, plus the fifth story (not on a full page of two yet).
    assert len(seen) == 3 and current.find(f"{HISTORY}archive") is None
    link = current.find(f"{A}link[@rel='prev-archive']")
    pages = 0
    while link is not None:
        path = public / link.get("href").removeprefix("http://127.0.0.1:8080/")
        page = atom(path)
        pages += 1
        assert page.find(f"{HISTORY}archive") is not None
        assert page.find(f"{A}link[@rel='current']").get("href") == "http://127.0.0.1:8080/feeds/paged.atom"
        assert page.find(f"{A}link[@rel='self']").get("href") == link.get("href")
        seen += [e.findtext(f"{A}id") for e in page.findall(f"{A}entry")]
        link = page.find(f"{A}link[@rel='prev-archive']")
    assert pages == 2
    all_ids = {e.findtext(f"{A}id") for e in atom(public / "feeds" / "all.atom").findall(f"{A}entry")}
    assert set(seen) == all_ids


def test_archive_pages_keep_their_members_when_stories_arrive(config):
    fill_store(config)
    public = build(config)
    first = (public / "feeds" / "archive" / "paged" / "1.atom").read_bytes()
    fill_store(config, [appearance("kfq", 0, "最新消息"),
                        appearance("kfq", 99, "更早的旧闻")])  # arrives last, dated days ago
    build(config)
    assert (public / "feeds" / "archive" / "paged" / "1.atom").read_bytes() == first
    assert (public / "feeds" / "archive" / "paged" / "3.atom").exists()
    # The late, old-dated story is not on a full page yet, so the current document keeps it.
    titles = [e.findtext(f"{A}title") for e in atom(public / "feeds" / "paged.atom").findall(f"{A}entry")]
    assert "更早的旧闻" in titles


def test_opml_and_index(config):
    fill_store(config)
    public = build(config)
    outlines = etree.parse(str(public / "opml.xml")).getroot().findall("body/outline")
    assert [o.get("xmlUrl") for o in outlines] == [f"http://127.0.0.1:8080/feeds/{f}.atom"
                                                   for f in ("all", "yunyang", "paged")]
    assert etree.parse(str(public / "opml.xml")).getroot().get("version") == "2.0"
    index = (public / "index.html").read_text(encoding="utf-8")
    assert '<a href="feeds/yunyang.json">JSON</a>' in index and 'href="opml.xml"' in index
    assert "<tr><td>云阳县</td><td>3</td></tr>" in index
    assert "<tr><td>万州区</td><td>3</td></tr>" in index
    assert "Last update: 2026-11-20 12:00" in index
