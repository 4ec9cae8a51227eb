"""A render redoes only what changed: the feeds a changed story belongs to, pages that filled
up, and the archive pages that hold a changed story; every other file keeps its bytes and
its mtime. Both backends (the `load` fixture writes a config per storage URL)."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import pytest
from lxml import etree

from feeds.build import render_feeds
from feeds.formats import FORMATS
from feeds.render_state import RenderState
from feeds.select import feed_query
from feeds.tally import update_tally
from items.retention import apply_retention
from store import open_store
from tests.feeds.stories import NOW, SOURCES_TOML, appearance, fill_store
from tests.feeds.validity import A, jing_errors

FEEDS_TOML = """
[[feeds]]
id = "all"
title = "全部"
max_items = 2

[[feeds]]
id = "yunyang"
title = "云阳县"
regions = ["云阳县"]
max_items = 2

[[feeds]]
id = "wanzhou"
title = "万州区"
regions = ["万州区"]
max_items = 2
"""
FRONT = {"index.html", "opml.xml", "feed.xsl"}


def history() -> list:
    """Ten stories from each source, interleaved, so both feeds span many archive pages."""
    return [appearance(source, n, f"{source}第{n}条新闻：园区项目{n}号签约")
            for n in range(10, 30) for source in (("yunyang", "kfq")[n % 2],)]


@pytest.fixture
def config(load):
    return load(SOURCES_TOML + FEEDS_TOML)


def render(config):
    store = open_store(config.storage.url)
    try:
        return render_feeds(config, store)
    finally:
        store.close()


def atom(path: Path) -> etree._Element:
    return etree.parse(str(path)).getroot()


def snapshot(public: Path) -> dict[Path, tuple[bytes, int]]:
    return {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in public.rglob("*") if p.is_file()}


def feed_documents(rendered: list[str]) -> set[str]:
    return set(rendered) - FRONT


def page_with(public: Path, feed: str, text: str) -> str:
    hits = [p for p in (public / "feeds" / "archive" / feed).glob("*.atom") if text in p.read_text()]
    assert len(hits) == 1, hits
    return str(hits[0].relative_to(public))


def test_first_render_renders_every_page_and_an_unchanged_store_nothing(config):
    fill_store(config, history())
    first = render(config)
    assert first.full
    pages = [r for r in first.rendered if r.startswith("feeds/archive/")]
    assert len(pages) == 10 + 5 + 5  # 20 stories in pages of 2; 10 per source feed
    public = config.service.data_dir / "public"
    # archive pages have no .gz twin (fetched once per reader); polled documents do
    assert not list((public / "feeds" / "archive").rglob("*.gz")) and (public / "feeds/all.atom.gz").exists()
    again = render(config)
    assert again.rendered == [] and again.changed == []


def test_a_new_story_renders_only_the_current_documents_of_its_feeds(config):
    fill_store(config, history())
    render(config)
    public = config.service.data_dir / "public"
    before = snapshot(public)
    fill_store(config, [appearance("kfq", 1, "经开区新的一条")])
    report = render(config)
    assert not report.full
    assert feed_documents(report.rendered) == {f"feeds/{f}.{x}" for f in ("all", "wanzhou")
                                               for x in FORMATS}
    after = snapshot(public)
    untouched = [p for p in before if not str(p.relative_to(public)).startswith(("feeds/all.", "feeds/wanzhou."))
                 and p.name not in {"index.html", "index.html.gz"}]
    assert sum("archive" in p.parts for p in untouched) == 20 and len(untouched) > 30  # every archive page
    for path in untouched:
        assert after[path] == before[path], path  # same bytes, never rewritten (same mtime)


def test_a_story_changed_on_an_old_page_rerenders_exactly_that_page(config):
    fill_store(config, history())
    render(config)
    public = config.service.data_dir / "public"
    old_title = "kfq第13条新闻：园区项目13号签约"
    pages = {page_with(public, "all", old_title), page_with(public, "wanzhou", old_title)}
    assert "feeds/archive/all/2.atom" in pages  # an old page, not the newest
    before = snapshot(public)
    fill_store(config, [appearance("kfq", 13, "kfq第13条新闻：更正后的标题")])
    report = render(config)
    assert {r for r in report.rendered if r.startswith("feeds/archive/")} == pages
    for page in pages:
        assert "更正后的标题" in (public / page).read_text() and old_title not in (public / page).read_text()
    for path, (data, mtime) in before.items():
        relative = str(path.relative_to(public))
        if relative.startswith("feeds/archive/") and relative.removesuffix(".gz") not in pages:
            assert snapshot_of(path) == (data, mtime), relative


def snapshot_of(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


def test_a_filled_page_is_added_and_its_older_neighbour_gains_its_link(config):
    fill_store(config, history())
    render(config)
    public = config.service.data_dir / "public"
    fill_store(config, [appearance("yunyang", 2, "云阳新的一条"), appearance("yunyang", 3, "云阳又一条")])
    report = render(config)
    pages = {r for r in report.rendered if r.startswith("feeds/archive/")}
    assert pages == {"feeds/archive/all/10.atom", "feeds/archive/all/11.atom",
                     "feeds/archive/yunyang/5.atom", "feeds/archive/yunyang/6.atom"}
    assert 'rel="next-archive"' in (public / "feeds/archive/all/10.atom").read_text()
    assert "archive/all/11.atom" in (public / "feeds/all.atom").read_text()


def test_a_story_that_leaves_a_feed_leaves_its_page(load):
    """A corrected title that now carries an excluded word: the story is no longer in the
    feed, so the page that held it is rendered without it (and the other pages are not), even
    when a new story keeps the feed's size the same."""
    config = load(SOURCES_TOML + FEEDS_TOML + '''
[[feeds]]
id = "nocorrection"
title = "无更正"
exclude = ["更正"]
max_items = 2
''')
    fill_store(config, history())
    render(config)
    public = config.service.data_dir / "public"
    old_title = "kfq第13条新闻：园区项目13号签约"
    page = page_with(public, "nocorrection", old_title)
    # a new story arrives in the same collect: the feed's size stays the same
    fill_store(config, [appearance("kfq", 13, "kfq第13条新闻：更正后的标题"), appearance("kfq", 1, "新的一条")])
    report = render(config)
    pages = {r for r in report.rendered if r.startswith("feeds/archive/nocorrection/")}
    assert pages == {page}
    text = (public / page).read_text()
    assert "kfq第13条" not in text and "<entry>" in text, text


def test_a_full_render_of_unchanged_stories_rewrites_no_archive_page(config):
    """Without its render state the export is rendered afresh: every archive page comes out
    with the same bytes, so none is rewritten; a .gz twin an older version left is removed."""
    fill_store(config, history())
    render(config)
    public = config.service.data_dir / "public"
    stale = public / "feeds/archive/all/3.atom.gz"
    stale.write_bytes(b"old")
    before = snapshot(public / "feeds" / "archive")
    (config.service.data_dir / ".render-state").unlink()
    report = render(config)
    assert report.full and len([r for r in report.rendered if r.startswith("feeds/archive/")]) == 20
    assert not [r for r in report.changed if r.startswith("feeds/archive/")]
    assert not stale.exists()
    assert snapshot(public / "feeds" / "archive") == {p: v for p, v in before.items() if p != stale}


def test_a_config_change_renders_everything_again(config, load):
    fill_store(config, history())
    first = render(config)
    retitled = load(SOURCES_TOML + FEEDS_TOML.replace('title = "全部"', 'title = "全部新闻"'))
    report = render(retitled)
    assert report.full and sorted(report.rendered) == sorted(first.rendered)
    assert "全部新闻" in (retitled.service.data_dir / "public/feeds/archive/all/1.atom").read_text()


def test_the_render_log_line_counts_and_names_a_few_paths(config, caplog):
    fill_store(config, history())
    with caplog.at_level(logging.INFO, logger="zonefeed.feeds"):
        report = render(config)
    line = next(r.getMessage() for r in caplog.records if "event=render" in r.getMessage())
    assert f"changed={len(report.changed)}" in line and len(report.changed) > 20
    assert line.count("feeds/") <= 3 and len(line) < 300


def test_retention_keeps_ids_links_and_archive_pages_valid(config):
    """Text dropped from old stories: the same pages, the same ids and links, the summary as
    the body; the pages of stories inside the kept period are not rendered again."""
    fill_store(config, history())
    late = NOW + timedelta(days=800)
    recent = [appearance("kfq", 0, "经开区近期新闻", published_at=late - timedelta(hours=n), item_key=f"kfq-r{n}",
                         url=f"http://kfq.example/news/r{n}.html") for n in range(4)]
    fill_store(config, recent, now=late)
    first = render(config)
    public = config.service.data_dir / "public"
    before = {p: atom(p) for p in (public / "feeds" / "archive").rglob("*.atom")}
    assert apply_retention(open_store(config.storage.url), 730 * 86400, late).stories_trimmed == 20
    report = render(config)
    pages = {r for r in report.rendered if r.startswith("feeds/archive/")}
    assert pages and pages < {r for r in first.rendered if r.startswith("feeds/archive/")}
    assert "feeds/archive/all/11.atom" not in pages and "feeds/archive/all/12.atom" not in pages
    assert jing_errors(sorted((public / "feeds" / "archive").rglob("*.atom"))) == ""
    for path, old in before.items():
        new = atom(path)
        ids = [(e.findtext(f"{A}id"), e.find(f"{A}link").get("href")) for e in new.findall(f"{A}entry")]
        assert ids == [(e.findtext(f"{A}id"), e.find(f"{A}link").get("href")) for e in old.findall(f"{A}entry")]
        for entry in new.findall(f"{A}entry"):
            body = entry.findtext(f"{A}content")
            if "近期" not in entry.findtext(f"{A}title"):
                assert "正文" not in body and "摘要" in body, path
            else:
                assert "正文" in body


def test_an_export_older_than_the_kept_change_log_renders_everything(config, monkeypatch):
    fill_store(config, history())
    render(config)
    fill_store(config, [appearance("kfq", 1, "经开区新的一条")])
    fill_store(config, [appearance("kfq", 2, "经开区又一条")])
    monkeypatch.setattr("items.retention.CHANGES_KEPT", 1)
    store = open_store(config.storage.url)
    try:
        assert apply_retention(store, None, NOW).changes_dropped > 0
    finally:
        store.close()
    assert render(config).full
    assert not render(config).rendered


def test_counts_kept_per_block_match_a_count_from_scratch(load, monkeypatch):
    """The tallies a render keeps (recounted only where a change landed, in one statement per
    feed) equal a count of the whole store, after stories left a feed, joined and arrived.
    Blocks of 4 ids, so the changes land in old blocks, the last counted one and new ones."""
    monkeypatch.setattr("feeds.tally.BLOCK", 4)
    config = load(SOURCES_TOML + FEEDS_TOML + '[[feeds]]\nid = "nocorrection"\ntitle = "无更正"\n'
                  'exclude = ["更正"]\nmax_items = 2\n')
    fill_store(config, history())
    render(config)
    fill_store(config, [appearance("kfq", 13, "kfq第13条新闻：更正后的标题"), appearance("kfq", 1, "新的一条"),
                        appearance("yunyang", 2, "云阳新的一条")])
    render(config)
    fill_store(config, [appearance("kfq", 13, "kfq第13条新闻：园区项目13号签约")])  # it joins again
    render(config)
    state = RenderState.load(config.service.data_dir / ".render-state")
    store = open_store(config.storage.url)
    try:
        with store.read() as tx:
            newest = tx.newest_story_id()
            for feed in config.feeds:
                query = feed_query(feed, config.sources)
                fresh = update_tally(tx, query, None, None, newest)
                assert state.feeds[feed.id].tally.stories == fresh.tally.stories == tx.feed_story_count(query)
                assert state.feeds[feed.id].tally.blocks == fresh.tally.blocks, feed.id
                assert len(fresh.tally.blocks) > 5
    finally:
        store.close()
    assert state.feeds["nocorrection"].tally.stories == 22 and state.feeds["all"].tally.stories == 22
