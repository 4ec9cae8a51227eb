"""Render every configured feed from committed state into the static export.

Rendering is skipped when neither the stored stories nor the config changed since the last
build (a stamp beside the export), and a file is rewritten only when its bytes change.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

from feeds.archive import FeedDocument, current_links, feed_documents
from feeds.index import FeedListing, render_index
from feeds.jsonfeed import render_json
from feeds.opml import OpmlFeed, render_opml
from feeds.pages import render_feed_page
from feeds.publish import publish, write_atomically
from feeds.render import FeedMeta, newest_update, render_atom, render_rss
from feeds.select import feed_query, sources_in_region
from feeds.websub import ping_hub
from model.stories import StoryEntry
from settings.model import Config, FeedConfig
from store.base import Store
from store.tx import FeedQuery, Tx

log = logging.getLogger("zonefeed.feeds")
# Bump when the output format changes, so an upgrade re-renders unchanged data.
RENDER_REVISION = "3"
STYLESHEET = Path(__file__).with_name("static") / "feed.xsl"
# The output formats: extension -> renderer. The build, the filtered views, the search feeds and
# the server's content types (feeds.server.CONTENT_TYPES) all read this table.
FEED_FORMATS = (("rss", render_rss), ("atom", render_atom), ("json", render_json), ("html", render_feed_page))


def feed_meta(config: Config, feed: FeedConfig) -> FeedMeta:
    return FeedMeta(
        feed.id, feed.title, feed.description, config.service.base_url,
        ZoneInfo(config.service.timezone), hub=config.service.websub_hub,
        sources={s.id: (s.name, s.url, s.kind) for s in config.sources},
        author=config.service.title,
    )


def build_feeds(config: Config, store: Store) -> list[str]:
    """Write all feed files, archives, OPML and the index; return the paths whose bytes changed.

    One node renders at a time, so nodes sharing a static export never interleave writes."""
    with store.exclusive("render"):
        return _build(config, store)


def _build(config: Config, store: Store) -> list[str]:
    public = config.service.data_dir / "public"
    stamp_path = config.service.data_dir / ".render-stamp"
    with store.read() as tx:
        stamp = _stamp(config, tx.feed_data_version())
        if _read(stamp_path) == stamp and (public / "index.html").exists():
            return []
        loaded = _load(config, tx)
    files = _render_all(config, *loaded)  # outside the transaction: writers need not wait
    changed = [relative for relative, data in files.items() if publish(public, relative, data)]
    write_atomically(stamp_path, stamp.encode())
    if changed:
        log.info("event=render changed=%s", ",".join(changed))
    if config.service.websub_hub:
        base = config.service.base_url.rstrip("/")
        topics = [f"{base}/{r}" for r in changed if r.startswith("feeds/") and r.count("/") == 1]
        if topics:
            ping_hub(config.service.websub_hub, topics)
    return changed


@dataclass(frozen=True)
class _LoadedFeed:
    feed: FeedConfig
    meta: FeedMeta
    entries: list[StoryEntry]
    pages: list[FeedDocument]
    stories: int


def _load(config: Config, tx: Tx) -> tuple[list[_LoadedFeed], list[tuple[str, int]]]:
    """Everything the build shows, read in one transaction: feeds and stories per region."""
    feeds = []
    for feed in config.feeds:
        meta = feed_meta(config, feed)
        query = feed_query(feed, config.sources)
        entries, pages = feed_documents(tx, meta, query)
        feeds.append(_LoadedFeed(feed, meta, entries, pages, tx.feed_story_count(query)))
    regions = dict.fromkeys(r for s in config.sources for r in s.region)
    counts = [(region, tx.feed_story_count(FeedQuery(source_ids=sources_in_region(region, config.sources))))
              for region in regions]
    return feeds, counts


def _render_all(config: Config, feeds: list[_LoadedFeed], region_counts: list[tuple[str, int]]) -> dict[str, bytes]:
    files: dict[str, bytes] = {"feed.xsl": STYLESHEET.read_bytes()}
    listings, newest = [], []
    tz = ZoneInfo(config.service.timezone)
    for loaded in feeds:
        feed, entries = loaded.feed, loaded.entries
        current = replace(loaded.meta, archive=current_links(loaded.meta, loaded.pages))
        for extension, render in FEED_FORMATS:
            files[f"feeds/{feed.id}.{extension}"] = render(current, entries)
        for page in loaded.pages:
            files[page.relative] = render_atom(page.meta, page.entries)
        updated = newest_update(entries) if entries else None
        newest.extend([updated] if updated else [])
        listings.append(FeedListing(feed.id, feed.title, feed.description, loaded.stories,
                                    _local(updated, tz)))
    files["index.html"] = render_index(config.service.title, listings, region_counts,
                                       _local(max(newest, default=None), tz))
    base = config.service.base_url.rstrip("/")
    files["opml.xml"] = render_opml(config.service.title, [
        OpmlFeed(f.title, f.description, f"{base}/feeds/{f.id}.atom", f"{base}/") for f in config.feeds])
    return files


def _stamp(config: Config, data_version: str) -> str:
    """Everything rendering depends on; equal stamps mean equal output."""
    inputs = repr((RENDER_REVISION, data_version, config.service, config.feeds, config.sources))
    return hashlib.sha256(inputs.encode()).hexdigest()


def _local(moment: datetime | None, tz: tzinfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M") if moment else "—"


def _read(path: Path) -> str | None:
    try:
        return path.read_text()
    except FileNotFoundError:
        return None
